"""The German question set with gold sources and answer facts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"


@dataclass(frozen=True, slots=True)
class Gold:
    source: str
    page: int | None = None
    sheet: str | None = None
    row: int | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: str
    question: str
    gold: tuple[Gold, ...]
    answer_facts: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(
            id=str(e["id"]),
            type=str(e["type"]),
            question=str(e["question"]),
            gold=tuple(
                Gold(g["source"], g.get("page"), g.get("sheet"), g.get("row"))
                for g in e.get("gold") or ()
            ),
            answer_facts=tuple(str(f) for f in e.get("answer_facts") or ()),
        )
        for e in entries
    ]
