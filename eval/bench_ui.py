"""Time to first answer in the browser: Enter pressed -> answer text on screen.

Runs the app (`streamlit run ui/app.py`, extractive mode) on a copy of the demo index and
asks planner questions in headless Chromium, measuring per question the time until the
answer text is visible and until the whole answer (citation chips, actions) is drawn.
Writes eval/reports/bench_ui.md. Target: first answer within 1 s.

    python -m eval.bench_ui [--index data/index] [--questions 12]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from eval.bench_common import (
    REPORTS,
    load_average,
    machine_section,
    markdown_table,
    median,
    percentile,
    quiet_environment,
    verdict,
)
from eval.ui_browser import (
    ask,
    copy_data_dir,
    launch_chromium,
    missing_prerequisites,
    open_app,
    running_app,
    wait_idle,
)

TARGET_S = 1.0
QUESTIONS = [
    "Wie hoch ist die SGB-II-Quote im Hafenviertel?",
    "Wie hoch ist die Förderquote für kommunale Antragsteller im Förderaufruf?",
    "Was ist eine Präventionskette?",
    "Welcher Stadtteil hat die höchste Kinderarmut?",
    "Bis wann muss die Interessenbekundung im Förderaufruf eingehen?",
    "Wie viele Kindertageseinrichtungen gibt es in Lindwerden?",
    "Wie hoch war die SGB-II-Quote im Bahnhofsviertel im Jahr 2021?",
    "Welcher Träger soll die Familienlotsinnen „Brücken in die Kita“ umsetzen?",
    "Wie funktioniert das gestufte Indexverfahren für den Sozialindex?",
    "Was kostet das Quartiersbüro mit Quartiersmanagement (M1) laut IHK-Entwurf?",
    "Wie viele Haushalte wurden bei der Bewohnerbefragung im Hafenviertel 2024 befragt?",
    "Mit welchem Abstimmungsergebnis hat der Rat die Vorlage 0587/2024 beschlossen?",
]

# The newest assistant message shows answer text (not the „Suche …“ placeholder).
ANSWER_SHOWN = """(count) => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  if (messages.length <= count) return false;
  const text = messages[messages.length - 1].innerText || '';
  return text.length > 20 && !text.includes('Suche in den Unterlagen');
}"""
# ... and its actions are drawn (the final answer replaced the streamed draft).
ANSWER_DONE = """(count) => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  if (messages.length <= count) return false;
  return messages[messages.length - 1].innerText.includes('Als Entwurfsabschnitt');
}"""


def measure(index: Path, count: int) -> list[tuple[str, float, float]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = copy_data_dir(index, Path(tmp) / "index")
        with running_app(data_dir) as url, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = open_app(browser, url)
                for question in QUESTIONS[:count]:
                    before = page.get_by_test_id("stChatMessage").count()
                    start = time.perf_counter()
                    ask(page, question)
                    page.wait_for_function(ANSWER_SHOWN, arg=before + 1, polling=10)
                    shown = time.perf_counter() - start
                    page.wait_for_function(ANSWER_DONE, arg=before + 1, polling=10)
                    done = time.perf_counter() - start
                    rows.append((question, shown, done))
                    wait_idle(page)
            finally:
                browser.close()
    return rows


def library_times(index: Path, questions: list[str]) -> list[float]:
    """The same questions answered in-process (no browser, no Streamlit), for the breakdown."""
    from assistant.platform.config import Settings
    from assistant.services import Services

    with tempfile.TemporaryDirectory() as tmp:
        services = Services(Settings(data_dir=copy_data_dir(index, Path(tmp) / "index")))
        try:
            services.answers.ask("Wie hoch ist die SGB-II-Quote im Stadtteil?")  # warm-up
            times = []
            for question in questions:
                start = time.perf_counter()
                services.answers.ask(question)
                times.append(time.perf_counter() - start)
            return times
        finally:
            services.close()


def report(
    rows: list[tuple[str, float, float]], library: list[float], index: Path, started_load: str
) -> str:
    shown = [r[1] for r in rows]
    done = [r[2] for r in rows]
    lines = [
        "# UI benchmark: time to first answer in the browser",
        "",
        "`python -m eval.bench_ui` (also `make bench-ui`): the app (`streamlit run ui/app.py`, "
        "extractive mode, default settings) on a copy of the demo index "
        f"(`{index}`, data/sample/generated), driven by headless Debian Chromium through "
        "Playwright. One browser session asks the questions one after another in one "
        "thread. *Shown*: Enter pressed until the answer text is visible. *Complete*: until "
        "the final answer with citation chips and actions is drawn.",
        "",
        "## Result",
        "",
        f"- First answer shown, median {median(shown):.2f} s, p90 {percentile(shown, 0.9):.2f} s, "
        f"max {max(shown):.2f} s — target {TARGET_S:.0f} s (max): "
        f"{verdict(max(shown), TARGET_S, 's')}",
        f"- Answer complete, median {median(done):.2f} s, p90 {percentile(done, 0.9):.2f} s, "
        f"max {max(done):.2f} s",
        f"- Of that, answering in the library (retrieval, extractive answer, citation check; "
        f"no browser): median {median(library):.2f} s, max {max(library):.2f} s. The rest is "
        "Streamlit's rerun, the websocket and the browser drawing the page.",
        "",
        *markdown_table(
            ["Question", "Shown (s)", "Complete (s)", "Library only (s)"],
            [
                (q, f"{a:.2f}", f"{b:.2f}", f"{c:.2f}")
                for (q, a, b), c in zip(rows, library, strict=True)
            ],
        ),
        "The app warms up once at start (embedder, BM25, vector store, one internal "
        "question), so the first question is not slower than later ones.",
        "",
        *_load_note(started_load),
        *machine_section(started_load, shared_machine=True),
    ]
    return "\n".join(lines)


def _load_note(started_load: str) -> list[str]:
    """A warning when other work kept the CPUs busy: then the figures measure waiting."""
    try:
        load = float(started_load.split("/")[0])
    except ValueError:
        return []
    cores = os.cpu_count() or 1
    if load <= cores:
        return []
    return [
        f"**Caution:** the load average ({load:.1f}) exceeded the {cores} cores while "
        "measuring, so the browser, Streamlit and the library waited for CPU time (see the "
        "in-process column, which has no browser at all). Re-run `make bench-ui` on a quiet "
        "machine for representative figures.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--questions", type=int, default=len(QUESTIONS))
    parser.add_argument("--report", type=Path, default=REPORTS / "bench_ui.md")
    args = parser.parse_args(argv)
    quiet_environment()
    if missing := missing_prerequisites():
        print(f"Browser fehlt: {missing}")
        return 2
    if not (args.index / "catalog.sqlite3").is_file():
        print(f"Kein Index unter {args.index}; zuerst `make demo-index`.")
        return 2
    started = load_average()
    rows = measure(args.index, args.questions)
    library = library_times(args.index, [q for q, _, _ in rows])
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report(rows, library, args.index, started), encoding="utf-8")
    for question, shown, done in rows:
        print(f"{shown:5.2f} s  {done:5.2f} s  {question}")
    print(f"Bericht: {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
