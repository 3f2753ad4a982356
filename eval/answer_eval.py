"""Answer-level metrics for whichever generation backend is configured.

`python -m eval.answer_eval [--json] [--stil kurz]`, with PLANWERK_LLM__* choosing the model:
runs the production answer path (retrieval, generation, citation check, fallback) over
eval/questions.yaml without the baselines. The metrics are those of `eval.metrics`:

- `citation_correct`: the answer states every answer fact and a cited passage holds each;
- `numbers_exact`: every figure of the gold facts appears verbatim in the answer;
- `refusals_correct` / `false_refusals`: unanswerable questions refused / answerable ones;
- `verified_share`: share of claim sentences of found answers that passed the check;
- `fallback_share`: share of answers that came from the extractive fallback although a
  model is configured (model failures, timeouts, unverifiable answers).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.platform.config import Settings
from eval.harness import CORPUS, evaluate


def markdown_row(metrics: dict[str, float], settings: Settings) -> str:
    name = settings.llm.mode + (f" ({settings.llm.model})" if settings.llm.model else "")
    cells = [f"{v:.1f}" if k.endswith("_ms") else f"{v:.3f}" for k, v in metrics.items()]
    header = "| backend | " + " | ".join(metrics) + " |"
    return "\n".join(
        [header, "|" + "---|" * (len(metrics) + 1), f"| {name} | " + " | ".join(cells) + " |"]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.answer_eval", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print metrics as JSON")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    settings = Settings()
    report = evaluate(corpus=args.corpus, embedding=settings.embedding, baselines=False)
    metrics = report["planwerk"].metrics()
    if args.json:
        sys.stdout.write(json.dumps({k: round(v, 4) for k, v in metrics.items()}, indent=2) + "\n")
    else:
        sys.stdout.write(markdown_row(metrics, settings) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
