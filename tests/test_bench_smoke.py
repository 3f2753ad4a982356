"""The performance benchmarks run end to end at a tiny size and write complete reports.

Only the plumbing is checked here; timings belong in the reports, never in tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from eval import bench_indicators, bench_ingest, bench_query


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
    assert "| add one document (median) |" in text  # the keyword index part, at 1,000 chunks
    assert "20 of 20 planner questions got the same top 20 chunks" in text


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


def test_indicator_benchmark_uploads_an_export_and_checks_the_answer(tmp_path: Path) -> None:
    report = tmp_path / "bench_indicators.md"
    bench_indicators.main(
        ["--areas", "30", "--indicators", "6", "--years", "3", "--repeat", "1", "--no-store",
         "--export-rows", "200", "--report", str(report)]
    )  # fmt: skip
    text = report.read_text(encoding="utf-8")
    assert text.startswith(bench_indicators.TITLE)
    assert bench_indicators.EXPORT_SECTION in text
    for step in ("upload ingest", "first question", "same question again (warm)"):
        assert f"| upload session: {step}" in text
    assert "names 0 Kommunen" not in text
    assert "The answer's first is the true top: **yes**" in text


def test_municipalities_export_is_deterministic_and_consistent() -> None:
    export = bench_indicators.municipalities_export(300, seed=5)
    assert export.data == bench_indicators.municipalities_export(300, seed=5).data
    header = export.data.decode("cp1252").splitlines()[0]
    assert header.startswith("GKZ;Kommune;Land;Jahr;Einwohner;Kinderarmut (%);")
    frame = export.frame
    assert len(frame) == 300 and frame["Kommune"].is_unique and frame["GKZ"].is_unique
    lands = {code: land for code, land, _ in bench_indicators.LAENDER}
    assert all(
        len(gkz) == 8 and lands[gkz[:2]] == land
        for gkz, land in zip(frame["GKZ"], frame["Land"], strict=True)
    )
    value, top = export.top(bench_indicators.EXPORT_LAND)
    answer = f"Die höchsten Werte:\n1. {min(top)}: {value} %\n2. Sonstwo: 1 %"
    assert bench_indicators.check_answer(answer, export).correct


def test_a_name_inside_a_longer_one_is_not_counted() -> None:
    frame = pd.DataFrame(
        {"Kommune": ["Bad Hohborn", "Hohborn"], "Land": [bench_indicators.EXPORT_LAND, "Bayern"],
         "Kinderarmut (%)": [49.4, 3.0]}
    )  # fmt: skip
    export = bench_indicators.MunicipalitiesExport(b"", frame)
    check = bench_indicators.check_answer("1. Bad Hohborn: 49,4 %", export)
    assert check.correct and (check.first, check.in_land, check.outside) == ("Bad Hohborn", 1, 0)


def test_export_section_replaces_its_earlier_version() -> None:
    section = [bench_indicators.EXPORT_SECTION, "", "new figures", ""]
    report = "# Title\n\n| index | table |\n\nReproduce: `…`\n"
    once = bench_indicators.splice_section(report, section)
    assert once.startswith(report) and once.endswith("new figures\n")
    assert bench_indicators.splice_section(once.replace("new", "old"), section) == once
