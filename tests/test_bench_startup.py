"""The start-up benchmark's plumbing (eval/bench_startup.py): `/usr/bin/time -v` reports
are read, one real command is measured, and the report has every section.

Only the plumbing is checked here; timings belong in the report, never in tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import bench_startup
from eval.bench_startup import AppStart, Measured

_TIME_REPORT = """\tCommand being timed: "python -m assistant.cli --help"
\tUser time (seconds): 0.19
\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.51
\tMaximum resident set size (kbytes): 27148
\tExit status: 0
"""


def test_a_time_report_is_read(tmp_path: Path) -> None:
    path = tmp_path / "help.time"
    path.write_text(_TIME_REPORT, encoding="utf-8")
    measured = bench_startup.time_report(path)
    assert measured.wall_s == pytest.approx(62.51)
    assert measured.rss_mib == pytest.approx(27148 / 1024)


@pytest.mark.skipif(not bench_startup.TIME.is_file(), reason="/usr/bin/time fehlt")
def test_help_is_measured_as_a_whole_process(tmp_path: Path) -> None:
    measured = bench_startup.run_cli(bench_startup.ROOT, tmp_path / "index", ["--help"])
    assert measured.wall_s > 0 and measured.rss_mib > 0


def test_the_report_has_every_section() -> None:
    runs = [Measured(0.2, 27.0), Measured(0.3, 28.0)]
    cli = {command: {"this tree": runs, "baseline": runs} for command in bench_startup.COMMANDS}
    app = {
        name: [AppStart(0.8, 0.8, 1.9, 2.0, 3.5, 200.0, 450.0)] for name in cli["planwerk --help"]
    }
    text = bench_startup.report(
        cli,
        runs,
        app,
        [("chromadb", 0.5), ("assistant.services", 0.4)],
        {"this tree": Path("."), "baseline": Path("/elsewhere")},
        2,
        "note",
        ["## Machine", ""],
    )
    for heading in (
        "## Command line",
        "## App first page",
        "## Where `planwerk ask`",
        "## Machine",
    ):
        assert heading in text
    assert "| `planwerk --help` | 0.4 | 0.25 |" in text
    assert "1.0×" in text  # the baseline column
    assert "App first page (chat page drawn): **met**" in text
    assert "Floor of `planwerk ask`" in text
