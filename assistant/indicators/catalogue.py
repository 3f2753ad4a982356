"""The indicator catalogue (prompts/indicators.yaml) and the header-derived fallback.

A catalogue entry gives an indicator its canonical key and name, unit, direction (is a
higher value worse or better?) and kind (rate, count, population, index). Column headers
and questions are matched to entries by word stems; a header without a match becomes an
indicator of its own, named, unit-ed and dated by the header itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import Stemmer
import yaml

from assistant.indicators.headers import parse_header
from assistant.language.cues import cues

Direction = Literal["higher_is_worse", "higher_is_better", "neutral", "unknown"]
Kind = Literal["rate", "count", "population", "index", "other"]

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "prompts" / "indicators.yaml"
DIRECTION_LABELS: dict[str, str] = {
    "higher_is_worse": "höherer Wert = ungünstiger",
    "higher_is_better": "höherer Wert = günstiger",
    "neutral": "beschreibend",
    "unknown": "Richtung unbekannt",
}
_DIRECTIONS = frozenset(DIRECTION_LABELS)
_KINDS = frozenset({"rate", "count", "population", "index", "other"})
_CHANGE_WORDS = re.compile(r"veränderung|differenz|entwicklung|zuwachs|abnahme|\bdiff\b", re.I)
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
# Words that say nothing about which indicator is meant.
_FILLER = frozenset(
    "der die das den dem des in im an am auf je pro und von bis mit zu zum zur ein eine".split()
)


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    """One indicator: from the catalogue (`catalogued`) or derived from a column header."""

    key: str
    name: str
    unit: str = ""
    direction: Direction = "unknown"
    kind: Kind = "other"
    synonyms: tuple[str, ...] = ()
    description: str = ""
    catalogued: bool = True

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.name, self.key, *self.synonyms)

    @property
    def is_count(self) -> bool:
        """Absolute counts fall under the privacy rule (never shown below `min_count`)."""
        return self.kind in ("count", "population") or self.unit == "Anzahl"

    @property
    def sign(self) -> int:
        """+1 if higher values mean more burden, -1 if they mean less (for the index)."""
        return -1 if self.direction == "higher_is_better" else 1


@dataclass(frozen=True, slots=True)
class IndexDefaults:
    """Defaults of the graded index, editable under `index:` in the catalogue."""

    status: tuple[str, ...] = ("arbeitslosenanteil", "sgb2_quote", "kinderarmut", "altersarmut")
    weights: Mapping[str, float] = field(default_factory=dict)
    min_population: float = 300.0
    dynamics_years: int = 2
    status_thresholds: tuple[float, ...] = (-1.0, 1.0, 1.5)
    status_labels: tuple[str, ...] = ("hoch", "mittel", "niedrig", "sehr niedrig")
    dynamics_thresholds: tuple[float, ...] = (-1.0, 1.0)
    dynamics_labels: tuple[str, ...] = ("positiv", "stabil", "negativ")


class Catalogue:
    """Indicator definitions with matching of headers and question words to them."""

    def __init__(
        self,
        indicators: Iterable[IndicatorDef],
        index: IndexDefaults | None = None,
        min_count: int = 3,
    ) -> None:
        self.indicators: dict[str, IndicatorDef] = {d.key: d for d in indicators}
        self.index = index or IndexDefaults()
        self.min_count = min_count
        self._matches: dict[tuple[str, str, float | None], IndicatorDef | None] = {}
        self._phrases: list[tuple[frozenset[str], str, IndicatorDef]] = []
        for definition in self.indicators.values():
            for phrase in definition.phrases:
                stems = stem_set(phrase)
                if stems:
                    self._phrases.append((stems, compact(phrase), definition))

    @classmethod
    def load(cls, path: Path | None = None) -> Catalogue:
        """Read the YAML catalogue; German error message if it is malformed."""
        source = path or DEFAULT_CATALOGUE
        try:
            data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ValueError(
                f"Der Indikatorenkatalog „{source}“ kann nicht gelesen werden ({error})."
            ) from error
        return cls.from_dict(data, str(source))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = "Katalog") -> Catalogue:
        definitions = []
        for number, entry in enumerate(data.get("indicators") or [], start=1):
            if not isinstance(entry, Mapping) or not entry.get("key") or not entry.get("name"):
                raise ValueError(f"{origin}: Eintrag {number} braucht mindestens „key“ und „name“.")
            direction = str(entry.get("direction") or "unknown")
            kind = str(entry.get("kind") or "other")
            if direction not in _DIRECTIONS or kind not in _KINDS:
                raise ValueError(
                    f"{origin}: „{entry['key']}“ hat eine unbekannte Richtung „{direction}“ "
                    f"oder Art „{kind}“ (erlaubt: {', '.join(sorted(_DIRECTIONS))}; "
                    f"{', '.join(sorted(_KINDS))})."
                )
            definitions.append(
                IndicatorDef(
                    key=str(entry["key"]),
                    name=str(entry["name"]),
                    unit=str(entry.get("unit") or ""),
                    direction=direction,  # type: ignore[arg-type]
                    kind=kind,  # type: ignore[arg-type]
                    synonyms=tuple(str(s) for s in entry.get("synonyms") or ()),
                    description=" ".join(str(entry.get("description") or "").split()),
                )
            )
        raw_index = data.get("index") or {}
        defaults = IndexDefaults()
        index = IndexDefaults(
            status=tuple(raw_index.get("status") or defaults.status),
            weights={str(k): float(v) for k, v in (raw_index.get("weights") or {}).items()},
            min_population=float(raw_index.get("min_population", defaults.min_population)),
            dynamics_years=int(raw_index.get("dynamics_years", defaults.dynamics_years)),
            status_thresholds=tuple(
                float(v) for v in raw_index.get("status_thresholds", defaults.status_thresholds)
            ),
            status_labels=tuple(raw_index.get("status_labels", defaults.status_labels)),
            dynamics_thresholds=tuple(
                float(v) for v in raw_index.get("dynamics_thresholds", defaults.dynamics_thresholds)
            ),
            dynamics_labels=tuple(raw_index.get("dynamics_labels", defaults.dynamics_labels)),
        )
        return cls(definitions, index, int(data.get("min_count", 3)))

    def get(self, key: str) -> IndicatorDef | None:
        return self.indicators.get(key)

    def match(
        self, label: str, unit: str = "", max_value: float | None = None
    ) -> IndicatorDef | None:
        """The catalogue entry a header names, or None.

        Exact names win; otherwise the entry with the longest phrase whose word stems all
        occur in the header. An entry is refused when the units contradict ("%" vs
        "Anzahl", or a "%" entry for values above 100) and for change columns
        ("Veränderung …"), which are indicators of their own.
        """
        memo = (label, unit, max_value)
        if memo not in self._matches:
            self._matches[memo] = self._match(label, unit, max_value)
        return self._matches[memo]

    def _match(self, label: str, unit: str, max_value: float | None) -> IndicatorDef | None:
        if _CHANGE_WORDS.search(label):
            return None
        info = parse_header(label)
        unit = unit or info.unit
        key = compact(info.name)
        stems = stem_set(info.name) | stem_set(label)
        best: tuple[int, int, IndicatorDef] | None = None
        for phrase_stems, phrase_key, definition in self._phrases:
            if not _units_agree(definition, unit, max_value):
                continue
            if phrase_key in (key, compact(label)):
                score = (2, 100)
            elif phrase_stems <= stems:
                score = (1, len(phrase_stems))
            else:
                continue
            if best is None or score > best[:2]:
                best = (*score, definition)
        return best[2] if best else None

    def resolve(self, label: str, unit: str = "", max_value: float | None = None) -> IndicatorDef:
        """The catalogue entry, else a definition derived from the header text."""
        found = self.match(label, unit, max_value)
        if found is not None:
            return found
        return self.derived(label, unit, max_value)

    def derived(self, label: str, unit: str = "", max_value: float | None = None) -> IndicatorDef:
        """A definition from the header alone, under a key no catalogue entry has: a count
        column „Alleinerziehende“ (refused by the rate entry „alleinerziehende“ for its
        values above 100) must not be read as that rate through its key."""
        definition = derived_definition(label, unit, max_value)
        if definition.key in self.indicators:
            definition = replace(definition, key=f"{definition.key}{DERIVED_SUFFIX}")
        return definition

    def is_indicator_label(self, label: str) -> bool:
        return self.match(label) is not None


DERIVED_SUFFIX = "_spalte"  # marks a header's own key that a catalogue key already has


def derived_definition(label: str, unit: str = "", max_value: float | None = None) -> IndicatorDef:
    """An indicator named by its header alone: "Anteil … in % (Dez 2013)" -> name, unit."""
    info = parse_header(label)
    unit = unit or info.unit
    kind: Kind = "count" if unit == "Anzahl" else ("rate" if unit in ("%", "‰") else "other")
    return IndicatorDef(
        key=slug(info.name) or slug(label) or "indikator",
        name=info.name.replace("_", " ")
        if "_" in info.name and " " not in info.name
        else info.name,
        unit=unit,
        direction="unknown",
        kind=kind,
        catalogued=False,
    )


def _units_agree(definition: IndicatorDef, unit: str, max_value: float | None) -> bool:
    if definition.unit == "%" and max_value is not None and max_value > 100.0:
        return False
    if not unit or not definition.unit:
        return True
    return unit == definition.unit


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


# Gender notation in a header: „Ausländer/innenanteil“, „Ausländer_innen“, „Einwohner*innen“,
# „EinwohnerInnen“ name what „Ausländeranteil“, „Ausländer“, „Einwohner“ do.
_GENDER = re.compile(r"(?<=[a-zäöüß])(?:[/_*:]i|I)nnen")


def words(text: str) -> list[str]:
    """Lowercase word and number tokens; hyphens and underscores split words, gender
    notation is read as the plain word."""
    return [w for w in re.split(r"[^\w]+|_", _GENDER.sub("", text).casefold()) if w]


def stem_set(text: str) -> frozenset[str]:
    """Content word stems of a phrase, umlauts folded: the unit of all matching here."""
    tokens = [w for w in words(text) if w not in _FILLER]
    tokens += [part for w in tokens for part in _number_parts(w)]
    return frozenset(s.translate(_FOLD) for s in _stemmer().stemWords(tokens))


_MIN_REST = 4


def _number_parts(word: str) -> tuple[str, ...]:
    """A word opening with a number word, as the number and the rest: „dreijährige“ →
    „3“, „jährige“, so „unter Dreijährigen“ names the column „Unter-3-Jährige“."""
    for name, value in cues().number_words.items():
        if word.startswith(name) and len(word) - len(name) >= _MIN_REST:
            return (str(value), word[len(name) :])
    return ()


def stems(text: str) -> list[str]:
    """Stems of all words in order (questions need positions, not just a set)."""
    return [s.translate(_FOLD) for s in _stemmer().stemWords(words(text))]


def compact(text: str) -> str:
    """ "SGB-II-Quote", "SGB II Quote" and "sgb_ii_quote" -> "sgbiiquote"."""
    return re.sub(r"[\W_]+", "", text.casefold().translate(_FOLD))


def slug(text: str) -> str:
    """A readable key: "Anteil Alleinerziehender" -> "anteil_alleinerziehender"."""
    return "_".join(w.translate(_FOLD) for w in words(text))[:80]
