"""IHK outlines: YAML files in prompts/outlines/, one general outline and one per funding call.

An outline lists the sections of a draft; each section says what it is for, which questions
it must answer (with the search words used to find evidence), which indicators it shows and
what funders check. A funding-call outline `extends` the general one: sections with the same
id are merged (title and purpose replace, lists are appended), new sections go after the
section named in `after` (else at the end). The file format is described at the top of
prompts/outlines/ihk_allgemein.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

OUTLINE_DIR = "outlines"
DEFAULT_OUTLINE = "ihk_allgemein"


class OutlineError(ValueError):
    """An outline that does not exist or cannot be read; the message is German."""


@dataclass(frozen=True, slots=True)
class Question:
    """A question a section must answer and the words that find evidence for it."""

    text: str
    search: str  # may contain "{quartier}"
    where: str = ""  # where a planner finds the answer when the documents lack it

    def query(self, quartier: str) -> str:
        return self.search.replace("{quartier}", quartier)


@dataclass(frozen=True, slots=True)
class AreaTest:
    """The funding call's area rule: `required` indicators at `factor` x the city value."""

    factor: float
    required: int


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    purpose: str = ""
    questions: tuple[Question, ...] = ()
    indicators: tuple[str, ...] = ()
    funder_checks: tuple[str, ...] = ()
    chain: bool = False
    area_test: AreaTest | None = None
    # "table": the indicators as a table; "assessment": as strengths and weaknesses
    indicator_view: str = "table"
    table_caption: str = ""  # caption of the indicator table ("" = a standard caption)


@dataclass(frozen=True, slots=True)
class Theme:
    """A topic of the goal-measure-indicator chain: how to recognise a measure about it and
    which indicators show the problem and carry the monitoring."""

    id: str
    name: str
    keywords: tuple[str, ...]
    indicators: tuple[str, ...] = ()
    sources: str = ""  # where figures on the theme come from when the tables have none


@dataclass(frozen=True, slots=True)
class Outline:
    id: str
    title: str
    description: str = ""
    sections: tuple[Section, ...] = ()
    themes: tuple[Theme, ...] = ()
    call: str = ""  # the funding call this outline is written for ("" for general outlines)
    call_document: str = ""  # file name of the call, to find it among the documents
    extends: str = ""

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        known = ", ".join(s.id for s in self.sections)
        raise OutlineError(
            f"Die Gliederung „{self.title}“ hat keinen Abschnitt „{section_id}“ "
            f"(vorhanden: {known})."
        )

    def number(self, section_id: str) -> int:
        """The 1-based position of a section, used as its chapter number."""
        return next(i for i, s in enumerate(self.sections, start=1) if s.id == section_id)

    @property
    def section_ids(self) -> list[str]:
        return [s.id for s in self.sections]


def outline_ids() -> list[str]:
    """Ids of all outlines in prompts/outlines/, the general one first."""
    folder = files("prompts").joinpath(OUTLINE_DIR)
    ids = sorted(
        entry.name.rsplit(".", 1)[0]
        for entry in folder.iterdir()
        if entry.name.endswith((".yaml", ".yml"))
    )
    return sorted(ids, key=lambda i: (i != DEFAULT_OUTLINE, i))


def list_outlines() -> list[Outline]:
    return [load_outline(i) for i in outline_ids()]


@lru_cache(maxsize=32)
def load_outline(outline_id: str) -> Outline:
    """The outline `outline_id` with its base outline merged in."""
    data = _raw(outline_id)
    base_id = str(data.get("extends") or "")
    if base_id:
        if base_id == outline_id:
            raise OutlineError(f"Die Gliederung „{outline_id}“ erweitert sich selbst.")
        base = load_outline(base_id)
        sections = _merge_sections(base.sections, data.get("sections") or [], outline_id)
        themes = _merge_themes(base.themes, data.get("themes") or [])
    else:
        sections = tuple(_section(s, outline_id) for s in data.get("sections") or [])
        themes = tuple(_theme(t) for t in data.get("themes") or [])
    if not sections:
        raise OutlineError(f"Die Gliederung „{outline_id}“ enthält keine Abschnitte.")
    return Outline(
        id=str(data.get("id") or outline_id),
        title=str(data.get("title") or outline_id),
        description=str(data.get("description") or "").strip(),
        sections=sections,
        themes=themes,
        call=str(data.get("call") or ""),
        call_document=str(data.get("call_document") or ""),
        extends=base_id,
    )


def _raw(outline_id: str) -> dict[str, Any]:
    folder = files("prompts").joinpath(OUTLINE_DIR)
    for suffix in (".yaml", ".yml"):
        entry = folder.joinpath(outline_id + suffix)
        if entry.is_file():
            try:
                data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            except yaml.YAMLError as error:
                raise OutlineError(
                    f"Die Gliederung „{outline_id}“ ist kein gültiges YAML: {error}"
                ) from error
            if not isinstance(data, dict):
                raise OutlineError(f"Die Gliederung „{outline_id}“ ist leer oder ungültig.")
            return data
    known = ", ".join(outline_ids())
    raise OutlineError(f"Die Gliederung „{outline_id}“ gibt es nicht. Vorhanden: {known}.")


def _section(data: dict[str, Any], outline_id: str) -> Section:
    if "id" not in data or "title" not in data:
        raise OutlineError(
            f"Ein Abschnitt der Gliederung „{outline_id}“ hat keine `id` oder keinen `title`."
        )
    test = data.get("area_test")
    return Section(
        id=str(data["id"]),
        title=str(data["title"]),
        purpose=str(data.get("purpose") or "").strip(),
        questions=tuple(_question(q) for q in data.get("questions") or []),
        indicators=tuple(str(k) for k in data.get("indicators") or []),
        funder_checks=tuple(str(c) for c in data.get("funder_checks") or []),
        chain=bool(data.get("chain", False)),
        area_test=AreaTest(float(test["factor"]), int(test["required"])) if test else None,
        indicator_view=str(data.get("indicator_view") or "table"),
        table_caption=str(data.get("table_caption") or ""),
    )


def _question(data: str | dict[str, Any]) -> Question:
    if isinstance(data, str):
        return Question(data, "{quartier} " + data)
    text = str(data["question"])
    search = str(data.get("search") or "{quartier} " + text)
    return Question(text, search, str(data.get("where") or "").strip())


def _theme(data: dict[str, Any]) -> Theme:
    return Theme(
        id=str(data["id"]),
        name=str(data.get("name") or data["id"]),
        keywords=tuple(str(k) for k in data.get("keywords") or []),
        indicators=tuple(str(k) for k in data.get("indicators") or []),
        sources=str(data.get("sources") or "").strip(),
    )


def _merge_sections(
    base: tuple[Section, ...], changes: list[dict[str, Any]], outline_id: str
) -> tuple[Section, ...]:
    sections = list(base)
    for change in changes:
        section_id = str(change.get("id") or "")
        existing = next((i for i, s in enumerate(sections) if s.id == section_id), None)
        if existing is None:
            added = _section(change, outline_id)
            after = str(change.get("after") or "")
            position = next((i + 1 for i, s in enumerate(sections) if s.id == after), len(sections))
            sections.insert(position, added)
            continue
        old = sections[existing]
        extra = _section({"title": old.title, **change}, outline_id)
        sections[existing] = replace(
            old,
            title=str(change.get("title") or old.title),
            purpose=extra.purpose or old.purpose,
            questions=old.questions + extra.questions,
            indicators=tuple(dict.fromkeys(old.indicators + extra.indicators)),
            funder_checks=old.funder_checks + extra.funder_checks,
            chain=bool(change.get("chain", old.chain)),
            area_test=extra.area_test or old.area_test,
            indicator_view=str(change.get("indicator_view") or old.indicator_view),
            table_caption=str(change.get("table_caption") or old.table_caption),
        )
    return tuple(sections)


def _merge_themes(base: tuple[Theme, ...], changes: list[dict[str, Any]]) -> tuple[Theme, ...]:
    themes = {t.id: t for t in base}
    for change in changes:
        themes[str(change["id"])] = _theme(change)
    return tuple(themes.values())
