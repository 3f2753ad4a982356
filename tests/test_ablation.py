"""The ablation switches each rule off through the same settings the app reads."""

from __future__ import annotations

import os
from unittest.mock import patch

from assistant.platform.config import Settings
from eval.ablation import render, variants


def test_each_rule_is_switched_once_through_the_settings() -> None:
    settings = Settings()
    found = variants(settings)
    assert found[0].env == {}
    stages, signals = settings.retrieval.rerank, settings.answer.unit_signals
    assert len(found) == 1 + len(stages) + len(signals) + len(settings.answer.checks)
    for variant in found[1:]:
        with patch.dict(os.environ, variant.env):
            changed = Settings()
        switched = [
            *(s for s in stages if bool(changed.retrieval.rerank[s]) != bool(stages[s])),
            *(s for s in signals if bool(changed.answer.unit_signals[s]) != bool(signals[s])),
            *(c for c in settings.answer.checks if c not in changed.answer.checks),
        ]
        assert len(switched) == 1, variant.name  # exactly one rule, the others as they were
        assert f"`{switched[0]}`" in variant.name


def test_the_report_shows_each_difference_to_the_configuration() -> None:
    base = {
        split: {
            "facts_in_answer": 0.5,
            "recall@5": 0.9,
            "mrr@10": 0.7,
            "false_refusals": 0.0,
            "refusals_correct": 0.5,
        }
        for split in ("dev", "test", "demo")
    }
    worse = {split: {**metrics, "facts_in_answer": 0.4} for split, metrics in base.items()}
    found = variants(Settings())
    text = render([(found[0], base), (found[1], worse)])
    assert "0.400 (-0.100)" in text and "| wie konfiguriert | 0.500 |" in text
