"""What each rule earns: the real-document questions with one mechanism switched off.

`python -m eval.ablation` runs Planwerk on the real-document corpus (and the demo town) once
as configured and once per re-ranking stage, unit signal and answerability check with that
one switched: off (weight 0 or left out) when it is on, on at a trial weight when it is
off, and writes `eval/reports/ablation.md`. A rule earns its place when
switching it off costs the dev split something; the test split is reported beside it, only
to show that nothing was fitted to dev. Every variant runs on the same index (retrieval
settings change the ranking, not the index).
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path
from unittest.mock import patch

from assistant.platform.config import Settings
from eval.dataset import QUESTIONS, load_questions
from eval.harness import CORPUS, REALDOCS, REPORTS, evaluate, machine_line

COLUMNS = ("facts_in_answer", "recall@5", "mrr@10", "false_refusals", "refusals_correct")


@dataclass(frozen=True, slots=True)
class Variant:
    name: str  # as the report shows it
    env: dict[str, str]  # settings overrides (pydantic-settings environment variables)


# Weights a switched-off stage or signal is tried at: those of its switched-on neighbours.
TRIAL_WEIGHTS = {"rerank": 0.02, "unit_signals": 0.1}


def _toggled(kind: str, label: str, weights: dict[str, float], env: str) -> list[Variant]:
    """Each weighted mechanism switched: off when on, on at the trial weight when off."""
    found = []
    for name, weight in weights.items():
        trial = 0.0 if weight else TRIAL_WEIGHTS[kind]
        value = json.dumps({**weights, name: trial})
        switched = f"ohne {label} `{name}`" if weight else f"mit {label} `{name}` ({trial})"
        found.append(Variant(switched, {env: value}))
    return found


def variants(settings: Settings) -> list[Variant]:
    """The configuration as it is, then each mechanism switched in turn (off when on, on
    when off)."""
    found = [Variant("wie konfiguriert", {})]
    rerank = settings.retrieval.rerank
    found += _toggled("rerank", "Rerank-Stufe", rerank, "PLANWERK_RETRIEVAL__RERANK")
    signals = settings.answer.unit_signals
    found += _toggled("unit_signals", "Signal", signals, "PLANWERK_ANSWER__UNIT_SIGNALS")
    checks = settings.answer.checks
    for check in checks:
        value = json.dumps([c for c in checks if c != check])
        found.append(Variant(f"ohne Prüfung `{check}`", {"PLANWERK_ANSWER__CHECKS": value}))
    return found


# What each variant is measured on: the real documents' splits, then the demo town.
SETS = ("dev", "test", "demo")


def measure(variant: Variant, corpus: Path, questions: Path) -> dict[str, dict[str, float]]:
    """The variant's metrics per split of the real documents, and on the demo town."""
    with patch.dict(os.environ, variant.env):
        asked = load_questions(questions)
        real = evaluate(corpus=corpus, questions=asked, systems=["planwerk"])["planwerk"]
        demo = evaluate(CORPUS, questions=load_questions(QUESTIONS), systems=["planwerk"])
    return {
        "dev": real.subset(lambda q: q.split == "dev").metrics(),
        "test": real.subset(lambda q: q.split == "test").metrics(),
        "demo": demo["planwerk"].metrics(),
    }


def _cell(value: float, base: float) -> str:
    delta = value - base
    return f"{value:.3f}" if abs(delta) < 5e-4 else f"{value:.3f} ({delta:+.3f})"


def render(results: list[tuple[Variant, dict[str, dict[str, float]]]]) -> str:
    base = results[0][1]
    lines = [
        "# Was jede Regel einbringt (Ablation)",
        "",
        machine_line(),
        "",
        "Reale Dokumente (`eval/realdocs`), Planwerk wie in `planwerk.toml` und den "
        "Voreinstellungen, dann jeweils eine Stufe, ein Signal oder eine Prüfung umgeschaltet "
        "(aus, wenn sie an ist; mit Probegewicht an, wenn sie aus ist). "
        "In Klammern: der Unterschied zur Konfiguration. Eine Regel verdient ihren Platz, "
        "wenn sie auf dev etwas einbringt; test steht nur zur Kontrolle daneben, die "
        "Demo-Kommune (`eval/questions.yaml`) zeigt, wofür die Regel einst geschrieben wurde.",
        "",
    ]
    for split in SETS:
        lines += [f"## {split}", "", "| Variante | " + " | ".join(COLUMNS) + " |"]
        lines.append("|---" * (len(COLUMNS) + 1) + "|")
        for variant, metrics in results:
            cells = [_cell(metrics[split][c], base[split][c]) for c in COLUMNS]
            lines.append(f"| {variant.name} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REALDOCS / "corpus")
    parser.add_argument("--questions", type=Path, default=REALDOCS / "questions.yaml")
    parser.add_argument("--report", type=Path, default=REPORTS / "ablation.md")
    args = parser.parse_args(argv)
    results = []
    for variant in variants(Settings()):
        print(f"… {variant.name}", flush=True)
        results.append((variant, measure(variant, args.corpus, args.questions)))
    args.report.write_text(render(results) + "\n", encoding="utf-8")
    print(f"Bericht: {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
