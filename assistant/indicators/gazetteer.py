"""Area names and codes: "Nordstadt", "Nord-Stadt", "Stadtteil 04" and "04" are one area.

The gazetteer learns the name variants every table uses for an area code and resolves
names from tables without codes, and from questions, to those codes. City and district
totals ("Stadt gesamt", "Summe", "Bezirk Nord insgesamt") are recognised here too, so
rankings and the index can leave them out.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from assistant.language.cues import alternation, cues

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e"})
_AREA_WORDS = alternation(cues().area_nouns)
_PREFIX = re.compile(rf"^(?:{_AREA_WORDS})\s+(?=\D)", re.IGNORECASE)
_CODE_NAME = re.compile(r"^(?P<code>\d{1,6}(?:\.\d{1,3})?)\s*[-–:.)]?\s+(?P<rest>[^\W\d].*)$")
_WORD_CODE = re.compile(
    rf"^(?:{_AREA_WORDS}|st|ot|nr)\.?\s*(?P<code>\d{{1,6}}(?:\.\d{{1,3}})?)$", re.IGNORECASE
)
# „Kreis 5315“, „Kreis mit dem Schlüssel 5315“, „Stadtteil Nr. 04“.
_CODE_WORDS = alternation(cues().code_words)
_IN_TEXT_CODE = re.compile(
    rf"\b(?:(?:{_AREA_WORDS})(?:\s+mit\s+dem)?\s+(?:(?:{_CODE_WORDS})\.?\s*)?|"
    rf"(?:{_CODE_WORDS})\.?\s*)(?P<code>\d{{1,6}}(?:\.\d{{1,3}})?)\b",
    re.IGNORECASE,
)
_TOTAL = re.compile(
    r"\b(insgesamt|gesamt|summe|zusammen|gesamtstadt|stadtgebiet|stadtgesamt|durchschnitt|"
    r"mittelwert|alle\s+(stadtteile|quartiere|gebiete|bezirke|sozialräume))\b",
    re.IGNORECASE,
)
_DISTRICT = re.compile(r"bezirk|sozialraum|region|ortsteil|planungsraum", re.IGNORECASE)
# „Stadt Köln“, „Kreis Recklinghausen“, „Land Hadeln“: a total in one table, a real area
# (a Samtgemeinde, a city of a municipalities export) in another. Only evidence decides.
_MAYBE_TOTAL = re.compile(r"^(stadt|kreis|landkreis|land)\s+\S", re.IGNORECASE)
# Words of a question that are never area names even if they look like one.
_NOT_AREAS = frozenset(
    """
    stadtteil stadtteile stadtteilen quartier quartiere quartieren gebiet gebiete bezirk bezirke
    sozialraum sozialräume ortsteil ortsteile welche welcher welches höchste höchsten niedrigste
    niedrigsten stadt index quote anteil entwicklung vergleich durchschnitt
    """.split()
)
_FUZZY_CUTOFF = 0.86
# „Leipzig, Stadt“, „Leipzig Landkreis“: Kreis-level exports write the kind of area after
# the name; a question writes it before („in der Stadt Leipzig“, „im Landkreis Leipzig“).
_KIND_AFTER = re.compile(
    r"^(?P<name>\D+?),?\s+(?P<kind>stadt|landkreis|kreis|stadtkreis|landeshauptstadt|"
    r"kreisfreie\s+stadt)$",
    re.IGNORECASE,
)


def normalise_name(name: str) -> str:
    """Comparison key of an area name: lowercase, umlauts folded, no spaces or hyphens."""
    text = " ".join(name.split())
    text = _PREFIX.sub("", text)
    text = re.sub(r"\bSt\.\s*", "sankt ", text, flags=re.IGNORECASE)
    return _plain_key(text)


def _plain_key(text: str) -> str:
    """An area name's key as written, its area word kept („Stadt Leipzig“ is not
    „Leipzig“): lowercase, umlauts folded, no spaces or punctuation."""
    return re.sub(r"[\W_]+", "", text.casefold().translate(_FOLD))


def _kind_first_key(name: str) -> str | None:
    """„Leipzig, Stadt“ as a question writes it, „Stadt Leipzig“, as a key."""
    match = _KIND_AFTER.match(" ".join(name.split()))
    return _plain_key(f"{match['kind']} {match['name']}") if match else None


def normalise_code(code: str) -> str:
    """Comparison key of an area code: "04", "4" and "004" are the same code."""
    text = code.strip()
    if re.fullmatch(r"\d+", text):
        return text.lstrip("0") or "0"
    return text.upper()


def split_code(text: str) -> tuple[str, str]:
    """("04", "Nordstadt") from "04 Nordstadt", ("04", "") from "Stadtteil 04" or "04"."""
    clean = " ".join(text.split())
    if re.fullmatch(r"\d{1,8}", clean):
        return clean, ""
    match = _WORD_CODE.match(clean)
    if match:
        return match.group("code"), ""
    match = _CODE_NAME.match(clean)
    if match:
        return match.group("code"), match.group("rest")
    return "", clean


def aggregate_kind(code: str, name: str) -> str:
    """ "Gesamtstadt", "Bezirk" or "Vergleichsraum" for rows whose name alone says they are
    totals; "" for a real area or a name that may be either (see `possible_total_kind`)."""
    text = " ".join(name.split())
    if text.casefold() in _reference_areas():
        return "Vergleichsraum"
    if not _TOTAL.search(text):
        return ""
    if _DISTRICT.search(text) and "stadt" not in text.casefold():
        return "Bezirk"
    return "Gesamtstadt"


def possible_total_kind(name: str) -> str:
    """The total a name like „Stadt Köln“ or „Kreis Unna“ would be, if the table's figures
    show it is one ("" for other names)."""
    match = _MAYBE_TOTAL.match(" ".join(name.split()))
    if match is None:
        return ""
    return "Gesamtstadt" if match.group(1).casefold() == "stadt" else "Vergleichsraum"


@lru_cache(maxsize=1)
def _reference_areas() -> frozenset[str]:
    """Germany and the Länder that are not also cities, by name and long abbreviation."""
    from assistant.platform.templates import prompt_data

    data = prompt_data("gebiete.yaml")
    names = {str(n).casefold() for n in data["germany"]}
    for land in data["laender"]:
        if not land.get("city_state"):
            names.add(str(land["name"]).casefold())
            names.update(str(w).casefold() for w in land["words"] if "*" not in str(w))
    return frozenset(n for n in names if len(n) > 2)


@dataclass(frozen=True, slots=True)
class AreaMention:
    """An area found in a question: its code key, display name and the words that named it."""

    key: str
    name: str
    text: str
    start: int
    geography: str = ""  # the geography's id (see `geography.Geographies`)


class Gazetteer:
    """Name variants per area code, learned from tables; resolves names and codes."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}  # code key -> code as first written ("04")
        self._names: dict[str, Counter[str]] = {}  # code key -> names seen, with counts
        self._variants: dict[str, str] = {}  # name key -> code key

    def learn(self, code: str, name: str) -> str:
        """Record that `name` denotes the area `code`; returns the area key."""
        key = normalise_code(code) if code else self.resolve("", name) or ""
        if not key:
            key = "~" + normalise_name(name)  # no code anywhere yet: the name is the key
        self._codes.setdefault(key, code or "")
        if code and not self._codes[key]:
            self._codes[key] = code
        names = self._names.setdefault(key, Counter())
        if name and not _WORD_CODE.match(name.strip()):
            names[name] += 1
        name_key = normalise_name(name) if name else ""
        if name_key and not name_key.isdigit():
            previous = self._variants.get(name_key)
            if previous is None:
                self._variants[name_key] = key
            elif previous.startswith("~") and not key.startswith("~"):
                self._merge(previous, key)  # a name-only area turns out to have a code
        kind_first = _kind_first_key(name) if name else None
        if kind_first:
            self._variants.setdefault(kind_first, key)
        return key

    def _merge(self, old: str, new: str) -> None:
        for variant, target in self._variants.items():
            if target == old:
                self._variants[variant] = new
        self._names.setdefault(new, Counter()).update(self._names.pop(old, Counter()))
        self._codes.pop(old, None)

    def learn_all(self, pairs: Iterable[tuple[str, str]]) -> None:
        for code, name in pairs:
            self.learn(code, name)

    def resolve(self, code: str, name: str) -> str | None:
        """The area key for a code and/or name, or None if neither is known."""
        if code:
            key = normalise_code(code)
            if key in self._codes:
                return key
        if name:
            embedded, rest = split_code(name)
            if embedded and normalise_code(embedded) in self._codes:
                return normalise_code(embedded)
            name_key = normalise_name(rest or name)
            if name_key in self._variants:
                return self._variants[name_key]
            if len(name_key) >= 5 and not any(ch.isdigit() for ch in name_key):
                close = difflib.get_close_matches(
                    name_key, self._fuzzy_keys(), n=1, cutoff=_FUZZY_CUTOFF
                )
                if close:
                    return self._variants[close[0]]
        return normalise_code(code) if code else None

    def key_for(self, code: str, name: str) -> str:
        """Like `resolve`, but an unknown area gets a key of its own instead of None."""
        return self.resolve(code, name) or "~" + normalise_name(name)

    def name(self, key: str) -> str:
        """Display name of an area: the most used real name ("Stadtteil 04" only as last resort)."""
        names = self._names.get(key)
        if names:
            return names.most_common(1)[0][0]
        code = self._codes.get(key, key.lstrip("~"))
        return f"Gebiet {code}"

    def code(self, key: str) -> str:
        return self._codes.get(key, "")

    def variants(self, key: str) -> list[str]:
        return sorted(variant for variant, target in self._variants.items() if target == key)

    def keys(self) -> list[str]:
        return sorted(self._codes)

    def find_in_text(self, text: str) -> list[AreaMention]:
        """Areas named in a question, in order: "in Nordviertel", "Stadtteil 04", "Nord-Stadt"."""
        mentions: list[AreaMention] = []
        taken: list[tuple[int, int]] = []
        for match in _IN_TEXT_CODE.finditer(text):
            key = normalise_code(match.group("code"))
            if key in self._codes:
                mentions.append(AreaMention(key, self.name(key), match.group(0), match.start()))
                taken.append(match.span())
        words = list(re.finditer(r"[^\W_]+(?:[-'][^\W_]+)*\.?", text))
        for size in (4, 3, 2, 1):
            for index in range(len(words) - size + 1):
                start, end = words[index].start(), words[index + size - 1].end()
                if any(start < b and a < end for a, b in taken):
                    continue
                phrase = text[start:end].rstrip(".")
                found = self._phrase_key(phrase, fuzzy=size == 1)
                if found is not None:
                    mentions.append(AreaMention(found, self.name(found), phrase, start))
                    taken.append((start, end))
        unique: dict[str, AreaMention] = {}
        for mention in sorted(mentions, key=lambda m: m.start):
            unique.setdefault(mention.key, mention)
        return list(unique.values())

    def _phrase_key(self, phrase: str, fuzzy: bool) -> str | None:
        if phrase.casefold() in _NOT_AREAS or len(phrase) < 3:
            return None
        if (kind_first := self._variants.get(_plain_key(phrase))) is not None:
            return kind_first  # „Landkreis Leipzig“ where the table has „Leipzig Landkreis“
        name_key = normalise_name(phrase)
        if name_key in self._variants:
            return self._variants[name_key]
        if fuzzy and len(name_key) >= 5 and not name_key.isdigit():
            close = difflib.get_close_matches(
                name_key, self._fuzzy_keys(), n=1, cutoff=_FUZZY_CUTOFF
            )
            if close:
                return self._variants[close[0]]
        return None

    def _fuzzy_keys(self) -> list[str]:
        return [k for k in self._variants if len(k) >= 5 and not any(c.isdigit() for c in k)]
