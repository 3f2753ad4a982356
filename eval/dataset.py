"""German question sets with gold sources and answer facts (one YAML format for all)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"

# What a question asks for; reports break the metrics down by it.
TYPES = frozenset(
    {
        "fact",  # a figure or statement on one page
        "table_number",  # a figure from a table page, chart page or table file row
        "list",  # a whole list: required documents, measures, Fördergegenstände
        "deadline",  # a date or period
        "amount",  # an amount, rate, share or cap of a funding rule
        "criteria",  # conditions, eligibility, evaluation criteria
        "definition",
        "method",  # how something is computed or done
        "ranking",  # highest / lowest among areas
        "comparison",
        "cross_document",
        "summary",  # „Fasse … zusammen“: the answer must carry the key facts
        "unanswerable",
    }
)
# dev: tune on it; test: report only, never read to tune.
SPLITS = ("dev", "test")
# What a question is about, across types; reports give the metrics of each topic apart.
TOPICS = frozenset(
    {
        "funding_call",  # its gold is a funding call or guideline (Förderaufruf, Förderrichtlinie)
    }
)


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
    split: str = "dev"
    variant_of: str | None = None  # the id of the question this one paraphrases
    topic: str = ""  # one of TOPICS, or "" for none

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_questions(path: Path = QUESTIONS, split: str | None = None) -> list[Question]:
    """The questions of a YAML file; only those of `split` when given."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = [
        Question(
            id=str(e["id"]),
            type=str(e["type"]),
            question=str(e["question"]),
            gold=tuple(
                Gold(g["source"], g.get("page"), g.get("sheet"), g.get("row"))
                for g in e.get("gold") or ()
            ),
            answer_facts=tuple(str(f) for f in e.get("answer_facts") or ()),
            split=str(e.get("split", "dev")),
            variant_of=str(e["variant_of"]) if e.get("variant_of") else None,
            topic=str(e.get("topic") or ""),
        )
        for e in entries
    ]
    unknown = sorted({q.topic for q in questions if q.topic and q.topic not in TOPICS})
    if unknown:
        raise ValueError(f"{path}: unknown topic(s) {', '.join(unknown)}")
    return [q for q in questions if split is None or q.split == split]
