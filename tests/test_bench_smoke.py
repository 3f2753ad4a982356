"""The performance benchmarks run end to end at a tiny size and write complete reports.

Only the plumbing is checked here; timings belong in the reports, never in tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from eval import bench_ingest, bench_query


@pytest.fixture(autouse=True)
def _plain_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Keep a developer's planwerk.toml or PLANWERK_* variables out of the benchmarks.
    for key in list(os.environ):
        if key.startswith("PLANWERK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "absent.toml"))


def test_ingest_benchmark_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "bench_ingest.md"
    code = bench_ingest.main(
        [
            "--quick",
            "--corpus",
            str(tmp_path / "no-corpus"),
            "--synthetic-pages",
            "2",
            "--report",
            str(report),
            "--json",
            str(tmp_path / "raw.json"),
        ]
    )
    assert code == 0
    text = report.read_text(encoding="utf-8")
    rendered = tmp_path / "again.md"
    bench_ingest.main(["--render", str(tmp_path / "raw.json"), "--report", str(rendered)])
    assert rendered.read_text(encoding="utf-8") == text
    for section in bench_ingest.REPORT_SECTIONS:
        assert section in text
    assert "| Sozialbericht_synthetisch_2_Seiten.pdf | pdf | 2 |" in text
    for scope in ("| embed stage |", "| embed + write |", "| whole ingest |"):
        assert scope in text
    assert "ingestion overhead over the bare encoder ≤ 15 %" in text


def test_query_benchmark_writes_its_report_and_cleans_up(tmp_path: Path) -> None:
    report = tmp_path / "bench_query.md"
    workdir = tmp_path / "work"
    code = bench_query.main(
        [
            "--sizes",
            "120",
            "--questions",
            "4",
            "--repeats",
            "1",
            "--corpus",
            str(tmp_path / "no-corpus"),
            "--synthetic-pages",
            "3",
            "--doc-chunks",
            "50",
            "--workdir",
            str(workdir),
            "--report",
            str(report),
            "--json",
            str(tmp_path / "raw.json"),
        ]
    )
    assert code == 0
    text = report.read_text(encoding="utf-8")
    rendered = tmp_path / "again.md"
    bench_query.main(["--render", str(tmp_path / "raw.json"), "--report", str(rendered)])
    assert rendered.read_text(encoding="utf-8") == text
    for section in bench_query.REPORT_SECTIONS:
        assert section in text
    for variant in bench_query.VARIANTS:
        assert f"| 120 | {variant.label} |" in text
    assert "not measured in this run" in text  # 100k is far beyond a smoke run
    assert list(workdir.iterdir()) == []  # the temporary workspaces are gone


def test_derived_texts_vary_places_years_and_figures() -> None:
    variator = bench_query.TextVariator(seed=3)
    variant = variator.variant(0)
    text = "Im Hafenviertel lag die SGB-II-Quote 2023 bei 24,7 Prozent. Lindwerden plant mehr."
    varied = variator.text(variant, text, shuffle=False)
    assert "Hafenviertel" not in varied
    assert "Lindwerden" not in varied and variant.town in varied
    assert str(2023 + variant.year_shift) in varied
