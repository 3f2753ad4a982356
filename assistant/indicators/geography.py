"""Geographies: which areas a table covers, so figures of different places never mix.

A geography is a set of tables over the same areas: the demo town's Stadtteil tables are
one, a municipalities export another, a Kreis table a third. Tables join a geography when
most of their areas are the same areas (same code with the same name, or the same name),
so code "06" of Köln and code "06" of Dresden stay two areas of two geographies. Each
geography has its own gazetteer; area keys of the first geography are the plain gazetteer
keys, later ones carry a prefix ("g2:06"). Rankings, comparisons and indices are computed
within one geography, and a question is routed to the one its words fit (area type,
place or table name, named areas).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from assistant.indicators.gazetteer import AreaMention, Gazetteer, normalise_code, normalise_name
from assistant.language.cues import CueList, words_of
from assistant.language.german import STOP_WORDS

# Share of a table's areas that must be known areas of a geography for the table to join it.
_JOIN_SHARE = 0.5
# Share of codes whose length must fit a type's code lengths to read the type from codes.
_CODE_SHARE = 0.8
# Similarity of a question word and a table-name word ("Kölner" ~ "Koeln", "Stadtraum" ~
# "Stadtraeume") that counts as the question naming the table.
_TITLE_SIMILARITY = 0.8
_KEY_SEPARATOR = ":"
_SPELLED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True, slots=True)
class AreaType:
    """A kind of area (Stadtteil, Gemeinde, Kreis, Land) and the words that name it."""

    name: str
    plural: str
    level: int
    words: CueList = field(compare=False)
    code_digits: tuple[int, ...] = ()


@lru_cache(maxsize=1)
def area_types() -> tuple[AreaType, ...]:
    from assistant.platform.templates import prompt_data

    return tuple(
        AreaType(
            str(item["name"]),
            str(item["plural"]),
            int(item["level"]),
            CueList(item.get("words") or ()),
            tuple(int(d) for d in item.get("code_digits") or ()),
        )
        for item in prompt_data("gebiete.yaml")["types"]
    )


def area_type_named(text: str) -> AreaType | None:
    """The area type the first area word of a header, title or question names."""
    found = [(span.start, t) for t in area_types() if (span := t.words.find(words_of(text)))]
    return min(found, key=lambda item: item[0])[1] if found else None


def read_area_type(texts: Sequence[str], codes: Iterable[str]) -> AreaType | None:
    """The area type the first of `texts` naming one shows (an area column's header, a
    sheet, caption or file name), else the length of the codes."""
    for text in texts:
        named = area_type_named(text.replace("_", " "))
        if named is not None:
            return named
    return area_type_of_codes(codes)


def area_type_of_codes(codes: Iterable[str]) -> AreaType | None:
    """The area type the length of official codes shows (8 digits: Gemeinde, 5: Kreis)."""
    lengths = [len(c) for c in codes if c.isdigit()]
    if not lengths:
        return None
    for area_type in area_types():
        fitting = sum(1 for n in lengths if n in area_type.code_digits)
        if area_type.code_digits and fitting >= _CODE_SHARE * len(lengths):
            return area_type
    return None


@dataclass(frozen=True, slots=True)
class Land:
    """A German Land and the words that name it („NRW“, „nordrhein-westfälische“)."""

    name: str
    words: CueList = field(compare=False)
    cell_words: frozenset[str] = field(compare=False)  # names and abbreviations in cells


@lru_cache(maxsize=1)
def laender() -> tuple[Land, ...]:
    from assistant.platform.templates import prompt_data

    out = []
    for item in prompt_data("gebiete.yaml")["laender"]:
        words = [str(w) for w in item["words"]]
        # Two-letter abbreviations name a Land in a table cell, not in a question („by“).
        asked = [w for w in words if len(w.strip("*")) > 2]
        cells = {str(item["name"]).casefold(), *(w.casefold() for w in words if "*" not in w)}
        out.append(Land(str(item["name"]), CueList(asked), frozenset(cells)))
    return tuple(out)


def land_named(text: str) -> Land | None:
    """The Land a question names („NRW-Kommune“, „in Bayern“), if any."""
    asked = words_of(text)
    return next((land for land in laender() if land.words.in_words(asked)), None)


def land_of_cell(text: str) -> Land | None:
    """The Land a table cell names exactly („Nordrhein-Westfalen“, „NW“ is not one)."""
    wanted = " ".join(text.split()).casefold()
    return next((land for land in laender() if wanted in land.cell_words), None)


def area_type_called(name: str) -> AreaType | None:
    return next((t for t in area_types() if t.name == name), None)


def larger_area_type(area_type: AreaType | None) -> AreaType | None:
    """The next larger kind of area (Stadtteil → Stadtbezirk → Gemeinde → Kreis → Land)."""
    if area_type is None:
        return None
    larger = [t for t in area_types() if t.level > area_type.level]
    return min(larger, key=lambda t: t.level) if larger else None


@dataclass(frozen=True, slots=True)
class Dataset:
    """The rows of one sheet of one table file that are areas of one type."""

    doc_id: str
    sheet: str
    area_type: str
    source: str

    @property
    def title(self) -> str:
        stem = Path(self.source).stem or self.source
        return f"{stem} – {self.sheet}" if self.sheet else stem


@dataclass(slots=True)
class Geography:
    """Tables over the same areas, with the gazetteer of those areas."""

    id: str  # "" for the first geography, "g2", "g3", … for later ones
    area_type: AreaType | None
    datasets: list[Dataset] = field(default_factory=list)
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    names: set[str] = field(default_factory=set)  # name keys of its areas
    codes: dict[str, str] = field(default_factory=dict)  # code key -> name key ("" if none)

    @property
    def title(self) -> str:
        titles = list(dict.fromkeys(d.title for d in self.datasets))
        return titles[0] + (f" (und {len(titles) - 1} weitere)" if len(titles) > 1 else "")

    @property
    def area_plural(self) -> str:
        return self.area_type.plural if self.area_type else "Gebiete"

    def key(self, local_key: str) -> str:
        return f"{self.id}{_KEY_SEPARATOR}{local_key}" if self.id else local_key

    def local(self, key: str) -> str:
        prefix = f"{self.id}{_KEY_SEPARATOR}"
        return key[len(prefix) :] if self.id and key.startswith(prefix) else key

    def owns(self, key: str) -> bool:
        prefixed = key.split(_KEY_SEPARATOR, 1)[0] if _KEY_SEPARATOR in key else ""
        return prefixed == self.id

    def title_words(self) -> set[str]:
        text = " ".join(Path(d.source).stem + " " + d.sheet for d in self.datasets)
        return {_spelled(w) for w in words_of(text.replace("_", " ")) if _content_word(w)}

    def _matches(self, pairs: Sequence[tuple[str, str]]) -> int:
        hits = 0
        for code, name in pairs:
            name_key = _name_key(name)
            code_key = normalise_code(code) if code else ""
            if code_key and code_key in self.codes:
                hits += int(not name_key or self.codes[code_key] in ("", name_key))
            elif name_key and name_key in self.names:
                hits += 1
        return hits

    def _add(self, dataset: Dataset, pairs: Sequence[tuple[str, str]]) -> None:
        self.datasets.append(dataset)
        for code, name in pairs:
            name_key = _name_key(name)
            if name_key:
                self.names.add(name_key)
            if code:
                self.codes.setdefault(normalise_code(code), name_key)


class Geographies:
    """The geographies of a workspace; answers area lookups like one gazetteer would."""

    def __init__(self, geographies: Sequence[Geography] = ()) -> None:
        self.items = list(geographies)
        self._by_id = {g.id: g for g in self.items}

    def get(self, geography_id: str) -> Geography | None:
        return self._by_id.get(geography_id)

    def of_key(self, key: str) -> Geography | None:
        return next((g for g in self.items if g.owns(key)), None)

    def find_in_text(self, text: str) -> list[AreaMention]:
        """Areas a question names, in every geography (a name two geographies share is
        found in both; the router keeps the mentions of the geography it chooses)."""
        mentions: list[AreaMention] = []
        for geography in self.items:
            for mention in geography.gazetteer.find_in_text(text):
                key = geography.key(mention.key)
                mentions.append(replace(mention, key=key, geography=geography.id))
        return sorted(mentions, key=lambda m: m.start)

    def resolve_all(self, code: str, name: str) -> list[str]:
        """The keys of an area given by code and/or name, first geography first."""
        keys = []
        for geography in self.items:
            local = geography.gazetteer.resolve(code, name)
            if local is not None:
                keys.append(geography.key(local))
        return keys

    def resolve(self, code: str, name: str) -> str | None:
        keys = self.resolve_all(code, name)
        return keys[0] if keys else None

    def name(self, key: str) -> str:
        geography = self.of_key(key)
        return geography.gazetteer.name(geography.local(key)) if geography else key

    def preferred(self, ids: Iterable[str]) -> Geography | None:
        """Without other hints: the smallest areas, then the geography read first."""
        order = {g.id: i for i, g in enumerate(self.items)}
        candidates = [self._by_id[i] for i in ids if i in self._by_id]
        if not candidates:
            return None
        return min(candidates, key=lambda g: (_level(g), order[g.id]))


def build_geographies(
    values: pd.DataFrame, manual: Sequence[tuple[str, str]]
) -> tuple[Geographies, pd.Series]:
    """Group the tables of a values frame into geographies and teach each its areas;
    returns them with the geography id of every row (totals belong to the geography of
    their sheet's first dataset).

    `values` needs doc_id, sheet, source, seq, area_code, area_name, aggregate and
    area_type; `manual` are the (code, name) pairs a user taught by hand.
    """
    geographies: list[Geography] = []
    values = values.assign(_sheet=values["sheet"].fillna("").astype(str))
    real = values[values["aggregate"] == ""]
    order = values.groupby(_DATASET, sort=False)["seq"].min().sort_values(kind="stable")
    for doc_id, sheet, type_name in order.index:
        part = real[(real["doc_id"] == doc_id) & (real["_sheet"] == sheet)]
        part = part[part["area_type"] == type_name]
        if part.empty:  # totals only
            part = values[(values["doc_id"] == doc_id) & (values["_sheet"] == sheet)]
        pairs = sorted(
            {(str(c), str(n)) for c, n in zip(part["area_code"], part["area_name"], strict=True)}
        )
        area_type = _dataset_type(part)
        dataset = Dataset(str(doc_id), str(sheet), str(type_name), str(part["source"].iloc[0]))
        home = _home(geographies, area_type, pairs)
        if home is None:
            home = Geography(f"g{len(geographies) + 1}" if geographies else "", area_type)
            geographies.append(home)
        elif home.area_type is None:
            home.area_type = area_type
        home._add(dataset, pairs)
    column = _geography_column(values, geographies)
    _teach(geographies, real.assign(_geography=column), manual)
    return Geographies(geographies), column


def _geography_column(values: pd.DataFrame, geographies: list[Geography]) -> pd.Series:
    by_dataset = {(d.doc_id, d.sheet, d.area_type): g.id for g in geographies for d in g.datasets}
    by_sheet: dict[tuple[str, str], str] = {}
    for (doc_id, sheet, _), geography_id in by_dataset.items():
        by_sheet.setdefault((doc_id, sheet), geography_id)
    return pd.Series(
        [
            by_dataset.get((str(d), s, str(t)), by_sheet.get((str(d), s), ""))
            for d, s, t in zip(values["doc_id"], values["_sheet"], values["area_type"], strict=True)
        ],
        index=values.index,
        dtype=object,
    )


_DATASET = ["doc_id", "_sheet", "area_type"]


@dataclass(frozen=True, slots=True)
class GeographyChoice:
    """The geography a question is answered from, and others that would fit as well."""

    chosen: Geography
    others: tuple[Geography, ...] = ()


def choose_geography(
    geographies: Geographies,
    candidate_ids: Iterable[str],
    question: str,
    mentions: Sequence[AreaMention] = (),
) -> GeographyChoice | None:
    """The candidate a question fits best: the one holding the areas it names, of the
    area type it names, whose table name it names; ties go to `Geographies.preferred`."""
    candidates = [g for i in dict.fromkeys(candidate_ids) if (g := geographies.get(i))]
    named = {m.geography for m in mentions}
    candidates = _narrowed(candidates, lambda g: g.id in named)
    asked = area_type_named(question)
    if asked is not None:
        candidates = _narrowed(candidates, lambda g: g.area_type == asked)
    asked_words = {_spelled(w) for w in words_of(question) if _content_word(w)}
    scores = {g.id: _title_score(g.title_words(), asked_words) for g in candidates}
    best = max(scores.values(), default=0)
    if best:
        candidates = [g for g in candidates if scores[g.id] == best]
    chosen = geographies.preferred(g.id for g in candidates)
    if chosen is None:
        return None
    return GeographyChoice(chosen, tuple(g for g in candidates if g is not chosen))


def _narrowed(candidates: list[Geography], keep: Callable[[Geography], bool]) -> list[Geography]:
    kept = [g for g in candidates if keep(g)]
    return kept or candidates


def _title_score(title_words: set[str], asked: set[str]) -> int:
    return sum(
        1
        for word in asked
        if any(
            difflib.SequenceMatcher(None, word, t).ratio() >= _TITLE_SIMILARITY for t in title_words
        )
    )


def _home(
    geographies: list[Geography], area_type: AreaType | None, pairs: Sequence[tuple[str, str]]
) -> Geography | None:
    if not pairs:
        return None
    for geography in geographies:
        compatible = area_type is None or geography.area_type in (None, area_type)
        if compatible and geography._matches(pairs) >= _JOIN_SHARE * len(pairs):
            return geography
    return None


def _teach(
    geographies: list[Geography], real: pd.DataFrame, manual: Sequence[tuple[str, str]]
) -> None:
    """Teach every geography its areas; `real` holds the area rows with their `_geography`."""
    for geography in geographies:
        mine = real[real["_geography"] == geography.id]
        coded = mine[(mine["area_code"] != "") & (mine["area_name"] != "")]
        # Once per document, so the name most tables use becomes the display name.
        triples = zip(coded["doc_id"], coded["area_code"], coded["area_name"], strict=True)
        for _, code, name in sorted({(str(d), str(c), str(n)) for d, c, n in triples}):
            geography.gazetteer.learn(code, name)
    for code, name in manual:
        knowing = [g for g in geographies if g.gazetteer.resolve(code, "") is not None]
        for geography in knowing or geographies[:1]:
            geography.gazetteer.learn(code, name)
    # Name-only areas of tables without codes come last, so they meet the known codes.
    for geography in geographies:
        mine = real[(real["_geography"] == geography.id) & (real["area_code"] == "")]
        for name in dict.fromkeys(mine["area_name"].astype(str)):
            geography.gazetteer.learn("", name)


def _dataset_type(part: pd.DataFrame) -> AreaType | None:
    """The type the reader found; for tables stored by an earlier version, the type the
    file name or the codes show."""
    named = next((t for t in part["area_type"] if t), "")
    if named:
        return area_type_called(str(named))
    return read_area_type([Path(str(part["source"].iloc[0])).stem], part["area_code"].astype(str))


def _name_key(name: str) -> str:
    key = normalise_name(name) if name else ""
    return "" if key.isdigit() else key


def _level(geography: Geography) -> int:
    return geography.area_type.level if geography.area_type else 99


def _spelled(word: str) -> str:
    return word.lower().translate(_SPELLED)


def _content_word(word: str) -> bool:
    return len(word) >= 4 and not word.isdigit() and word not in STOP_WORDS
