"""The funding-call checklist against its gold list: `python -m eval.checklist_eval`.

Extraction: precision (extracted criteria that are a gold requirement or an optional
statement) and recall (gold requirements found with an accepted category). Draft check:
the share of the gold expectations for the demo draft that hold, and how the checked
criteria split into erfüllt / teilweise / fehlt / Hinweis. Writes
eval/reports/checklist.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.drafting.check import STATUSES, CheckResult, check_units, units_from_file
from assistant.drafting.criteria import CallChecklist, Criterion, load_call
from assistant.index.embedders import make_embedder
from assistant.language.german import fold
from assistant.platform.config import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLD_FILE = ROOT / "eval" / "criteria_gold.yaml"
REPORT = ROOT / "eval" / "reports" / "checklist.md"


def gold() -> dict[str, Any]:
    return yaml.safe_load(GOLD_FILE.read_text(encoding="utf-8"))


def matches(item: dict[str, Any], criterion: Criterion) -> bool:
    text = fold(criterion.text)
    return all(fold(m) in text for m in item["match"])


def found(item: dict[str, Any], criteria: tuple[Criterion, ...]) -> list[Criterion]:
    """Extracted criteria with the gold item's words and one of its accepted categories."""
    return [c for c in criteria if matches(item, c) and c.category in item["categories"]]


@dataclass(frozen=True, slots=True)
class ChecklistScores:
    extracted: int
    gold: int
    precision: float
    recall: float
    expectations: int
    expectations_met: float
    counts: dict[str, int]


def score(checklist: CallChecklist, result: CheckResult, data: dict[str, Any]) -> ChecklistScores:
    criteria = checklist.criteria
    known = data["criteria"] + data["optional"]
    relevant = [c for c in criteria if any(matches(g, c) for g in known)]
    recalled = [g for g in data["criteria"] if found(g, criteria)]
    by_id = {g["id"]: g for g in data["criteria"]}
    expected = data["draft_check"]["expected"]
    held = 0
    for gold_id, wanted in expected.items():
        statuses = wanted if isinstance(wanted, list) else [wanted]
        items = [i for i in result.items if i.criterion in found(by_id[gold_id], criteria)]
        held += bool(items) and all(i.status in statuses for i in items)
    return ChecklistScores(
        len(criteria),
        len(data["criteria"]),
        len(relevant) / len(criteria) if criteria else 0.0,
        len(recalled) / len(data["criteria"]),
        len(expected),
        held / len(expected),
        result.counts(),
    )


def main() -> None:
    data = gold()
    checklist = load_call(ROOT / data["call"])
    title, units = units_from_file(ROOT / data["draft_check"]["draft"])
    result = check_units(checklist, units, title, make_embedder(Settings().embedding).encode)
    s = score(checklist, result, data)
    lines = [
        "# Checkliste des Förderaufrufs gegen die Goldliste",
        "",
        f"Aufruf: `{data['call']}`, Entwurf: `{data['draft_check']['draft']}`, "
        "Goldliste: `eval/criteria_gold.yaml`.",
        "",
        "| Messung | Wert |",
        "|---|---|",
        f"| Anforderungen extrahiert | {s.extracted} |",
        f"| Anforderungen in der Goldliste | {s.gold} |",
        f"| Precision (Goldliste oder optionale Aussage) | {s.precision:.3f} |",
        f"| Recall (mit zulässiger Kategorie) | {s.recall:.3f} |",
        f"| Erwartete Prüfergebnisse des Demo-Entwurfs, eingehalten | "
        f"{s.expectations_met:.3f} von {s.expectations} |",
        "",
        "Prüfung des Demo-Entwurfs: " + result.summary(),
        "",
        "| Status | Anzahl |",
        "|---|---|",
        *[f"| {status} | {s.counts[status]} |" for status in STATUSES],
        "",
    ]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
