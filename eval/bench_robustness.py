"""Robustness under hostile files, crashes, concurrent writers and load:
`python -m eval.bench_robustness` writes eval/reports/robustness.md.

1. Files over the limits (a 200 MB CSV, an XLSX whose sheet inflates a thousandfold) and
   a large table within them, each ingested by its own `planwerk ingest` process: outcome,
   German message and the process's peak memory.
2. Crashes: an ingest of the demo corpus killed with SIGKILL at random moments, then run
   again: every catalog chunk must have its vector and every document be there.
3. Concurrent writers: two ingests of the same folder at once, several rounds.
4. Load: 20 simulated users (threads on one shared `Services`, as the app shares it
   between sessions) ask the demo questions while a batch ingest writes into the same
   data directory from another process: errors, answers identical to a quiet run, p50/p95.
5. The same through the real app: `streamlit run ui/app.py` on 127.0.0.1 and 5 users, each
   a browser context in headless Chromium, typing into the chat while `planwerk ingest`
   runs; errors, answer texts against a quiet run, p50/p95 to the finished answer.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from eval.bench_common import (
    DEMO_CORPUS,
    REPORTS,
    load_average,
    machine_section,
    markdown_table,
    percentile,
    quiet_environment,
)
from tests.fixtures_files import write_xlsx_bomb

if TYPE_CHECKING:
    from playwright.async_api import Browser as AsyncBrowser

REPORT = REPORTS / "robustness.md"
USERS = 20
QUESTIONS_PER_USER = 3
CRASHES = 5
CONCURRENT_ROUNDS = 3
_PEAK = (
    "import resource,sys;from assistant.cli import app\n"
    "try:\n    app()\nexcept SystemExit as e:\n    code=e.code\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)"
)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANWERK_")}
    env |= {"COLUMNS": "1000"}  # one line per message, as the report quotes it
    return env | {"PLANWERK_DATA_DIR": str(data_dir), "PLANWERK_CONFIG": str(data_dir / "x.toml")}


def _ingest(data_dir: Path, *paths: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _PEAK, "ingest", *map(str, paths)],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _gaps(data_dir: Path) -> tuple[int, int, int]:
    """(documents, catalog chunks without vector, vectors without chunk)."""
    from assistant.platform.config import Settings
    from assistant.services import Services

    services = Services(Settings(data_dir=data_dir))
    try:
        orphans, missing = services.index.vector_gaps()
        return len(services.index.documents()), len(missing), len(orphans)
    finally:
        services.close()


# -- 1. files over the limits ----------------------------------------------------------------


def _big_csv(path: Path, megabytes: int) -> Path:
    line = "Hafenviertel;2023;SGB-II-Quote;23,6;%;Stadtteil 03 mit Quelle Sozialmonitoring\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Stadtteil;Jahr;Indikator;Wert;Einheit;Bemerkung\n")
        for _ in range(megabytes * 1024 * 1024 // len(line)):
            handle.write(line)
    return path


def _table(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Nr;Stadtteil;Jahr;SGB-II-Quote (%);Einwohner\n")
        for i in range(rows):
            handle.write(
                f"{i % 99:02d};Stadtteil {i % 99};{2000 + i % 24};{i % 300 / 10:.1f};{i}\n"
            )
    return path


def _workbook(path: Path, rows: int) -> Path:
    """The rows of `_table` as an .xlsx file."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Daten")
    sheet.append(["Nr", "Stadtteil", "Jahr", "SGB-II-Quote (%)", "Einwohner"])
    for i in range(rows):
        sheet.append([f"{i % 99:02d}", f"Stadtteil {i % 99}", 2000 + i % 24, i % 300 / 10, i])
    workbook.save(path)
    return path


def limits_section(work: Path) -> list[str]:
    cases = [
        ("CSV, 200 MB", _big_csv(work / "riesig.csv", 200)),
        ("XLSX, 130 MB beim Entpacken", write_xlsx_bomb(work / "bombe.xlsx", 130)),
        (
            "XLSX, 40 MB beim Entpacken, 1,3 Mio. Zellen ohne angegebene Größe",
            write_xlsx_bomb(work / "zellen.xlsx", 40, columns=10),
        ),
        ("CSV, 20.000 Zeilen (erlaubt)", _table(work / "gross.csv", 20_000)),
        ("XLSX, 20.000 Zeilen (erlaubt)", _workbook(work / "gross.xlsx", 20_000)),
    ]
    rows = []
    for label, path in cases:
        data_dir = work / f"limits-{path.stem}"
        start = time.perf_counter()
        run = _ingest(data_dir, path)
        out, err = run.communicate(timeout=1800)
        seconds = time.perf_counter() - start
        peak = next((int(x.split()[1]) for x in err.splitlines() if x.startswith("PEAK")), 0)
        message = next((x.strip() for x in out.splitlines() if path.name in x), "")[:400]
        size = f"{path.stat().st_size / 2**20:.1f} MB"
        memory = f"{peak / 1024:.0f} MiB"
        shown = message.replace("|", "/")
        rows.append((label, size, f"exit {run.returncode}", f"{seconds:.1f} s", memory, shown))
    return [
        "## 1. Dateien über den Grenzen",
        "",
        *markdown_table(
            ["Fall", "Datei", "Ergebnis", "Zeit", "Speicher (Spitze)", "Meldung"], rows
        ),
        "",
    ]


# -- 2. crashes ------------------------------------------------------------------------------


def crashes_section(work: Path) -> list[str]:
    rng = random.Random(11)
    data_dir = work / "crashes"
    rows = []
    for attempt in range(1, CRASHES + 1):
        run = _ingest(data_dir, DEMO_CORPUS)
        delay = rng.uniform(0.5, 8.0)
        time.sleep(delay)
        killed = run.poll() is None
        if killed:
            run.kill()
        run.communicate()
        rows.append((attempt, f"{delay:.1f} s", "ja" if killed else "nein (fertig)"))
    final = _ingest(data_dir, DEMO_CORPUS)
    final.communicate(timeout=1800)
    documents, missing, orphans = _gaps(data_dir)
    expected = len([p for p in DEMO_CORPUS.iterdir() if p.is_file()])
    return [
        "## 2. Abbrüche mit SIGKILL während des Einlesens",
        "",
        *markdown_table(["Versuch", "abgebrochen nach", "abgebrochen"], rows),
        "",
        f"Danach ein vollständiger Lauf (exit {final.returncode}): {documents} von {expected} "
        f"Dokumenten im Index, {missing} Abschnitte ohne Vektor, {orphans} Vektoren ohne "
        "Abschnitt.",
        "",
    ]


# -- 3. concurrent writers -------------------------------------------------------------------


def concurrent_section(work: Path) -> list[str]:
    rows = []
    for round_ in range(1, CONCURRENT_ROUNDS + 1):
        data_dir = work / f"concurrent-{round_}"
        runs = [_ingest(data_dir, DEMO_CORPUS) for _ in range(2)]
        results = [(run.wait(timeout=1800), run.communicate()[1]) for run in runs]
        documents, missing, orphans = _gaps(data_dir)
        tracebacks = sum("Traceback" in err for _, err in results)
        rows.append((round_, " / ".join(str(code) for code, _ in results), tracebacks,
                     documents, missing, orphans))  # fmt: skip
    return [
        "## 3. Zwei Einleseläufe desselben Ordners gleichzeitig",
        "",
        *markdown_table(
            ["Runde", "Exit-Codes", "Tracebacks", "Dokumente", "ohne Vektor", "verwaiste Vektoren"],
            rows,
        ),
        "",
    ]


# -- 4. load ---------------------------------------------------------------------------------


def _extra_batch(work: Path, name: str) -> Path:
    """Copies of the demo PDFs under new names: a batch ingest that adds documents."""
    extra = work / name
    extra.mkdir()
    for pdf in DEMO_CORPUS.glob("*.pdf"):
        shutil.copy(pdf, extra / f"{name}_{pdf.name}")
    return extra


def load_section(work: Path) -> list[str]:
    from assistant.platform.config import Settings
    from assistant.services import Services
    from eval.dataset import load_questions

    data_dir = work / "load"
    _ingest(data_dir, DEMO_CORPUS).communicate(timeout=1800)
    questions = [q.question for q in load_questions() if q.answerable][: USERS * QUESTIONS_PER_USER]
    services = Services(Settings(data_dir=data_dir))
    try:
        quiet = {q: services.answers.ask(q).text for q in questions}
        batch = _ingest(data_dir, _extra_batch(work, "Kopie"))
        latencies: list[float] = []
        errors: list[str] = []
        differing: list[str] = []
        lock = threading.Lock()

        def user(number: int) -> None:
            for q in questions[number::USERS]:
                start = time.perf_counter()
                try:
                    text = services.answers.ask(q).text
                except Exception as error:  # counted, not raised: the report lists them
                    with lock:
                        errors.append(f"{q}: {type(error).__name__}: {error}")
                    continue
                with lock:
                    latencies.append(time.perf_counter() - start)
                    if text != quiet[q]:
                        differing.append(q)

        started = time.perf_counter()
        threads = [threading.Thread(target=user, args=(n,)) for n in range(USERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        batch_running = batch.poll() is None
        batch.communicate(timeout=1800)
    finally:
        services.close()
    return [
        "## 4. Last: 20 Nutzerinnen fragen, während ein Einleselauf schreibt",
        "",
        f"- Fragen beantwortet: {len(latencies)} von {len(questions)} in {elapsed:.0f} s; "
        f"Fehler: **{len(errors)}**",
        f"- Antwortzeit p50 {percentile(latencies, 0.5):.2f} s, "
        f"p95 **{percentile(latencies, 0.95):.2f} s**",
        f"- Antworten anders als im ruhigen Lauf: {len(differing)} (Nachschub-Dokumente sind "
        "Kopien der Demo-PDFs; eine neue Fundstelle kann eine Antwort ändern)",
        f"- Einleselauf lief am Ende der Fragen noch: {'ja' if batch_running else 'nein'}; "
        f"exit {batch.returncode}",
        *[f"  - Fehler: {e}" for e in errors[:5]],
        "",
        "Die Nutzerinnen sind Threads auf einem gemeinsamen `Services` (so teilt die App ihn "
        "zwischen Sitzungen); der Einleselauf ist ein eigener Prozess auf demselben "
        "Datenverzeichnis.",
        "",
    ]


# -- 5. load through the browser -------------------------------------------------------------

BROWSER_USERS = 5
BROWSER_QUESTIONS_PER_USER = 2
_ANSWER_TIMEOUT_MS = 180_000


async def _browser_users(url: str, plans: list[list[str]]) -> list[list[tuple[float, str]]]:
    """Each plan is one user in her own browser context asking her questions one after
    another in the chat; all users at once. Per user: (seconds to the finished answer,
    its text), or an exception in place of the list."""
    from playwright.async_api import async_playwright

    from eval.bench_ui import ANSWER_DONE
    from eval.ui_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT

    async def user(browser: AsyncBrowser, questions: list[str]) -> list[tuple[float, str]]:
        context = await browser.new_context(viewport=VIEWPORT, locale="de-DE")
        try:
            page = await context.new_page()
            page.set_default_timeout(_ANSWER_TIMEOUT_MS)
            await page.goto(url)
            await page.locator("h1").first.wait_for()
            answers = []
            for question in questions:
                messages = page.get_by_test_id("stChatMessage")
                before = await messages.count()
                start = time.perf_counter()
                box = page.get_by_test_id("stChatInputTextArea")
                await box.fill(question)
                await box.press("Enter")
                await page.wait_for_function(ANSWER_DONE, arg=before + 1, polling=50)
                answers.append((time.perf_counter() - start, await messages.last.inner_text()))
            return answers
        finally:
            await context.close()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            runs = [user(browser, plan) for plan in plans]
            return list(await asyncio.gather(*runs, return_exceptions=True))  # type: ignore[arg-type]
        finally:
            await browser.close()


def _texts(
    plans: list[list[str]], runs: list[list[tuple[float, str]] | BaseException]
) -> dict[str, str]:
    """Question -> answer text shown; a user who failed gives „Fehler …“ for her questions."""
    texts = {}
    for plan, answers in zip(plans, runs, strict=True):
        for number, question in enumerate(plan):
            if isinstance(answers, BaseException):
                texts[question] = f"Fehler: {type(answers).__name__}"
            else:
                texts[question] = answers[number][1] if number < len(answers) else "Fehler: fehlt"
    return texts


def browser_load_section(work: Path) -> list[str]:
    from eval.bench_ui import QUESTIONS
    from eval.ui_browser import missing_prerequisites, running_app

    title = (
        f"## 5. Last im Browser: {BROWSER_USERS} Nutzerinnen in der App, während ein "
        "Einleselauf schreibt"
    )
    missing = missing_prerequisites()
    if missing:
        return [title, "", f"Nicht gemessen: {missing}.", ""]
    data_dir = work / "browser-load"
    _ingest(data_dir, DEMO_CORPUS).communicate(timeout=1800)
    questions = QUESTIONS[: BROWSER_USERS * BROWSER_QUESTIONS_PER_USER]
    plans = [questions[n::BROWSER_USERS] for n in range(BROWSER_USERS)]
    with running_app(data_dir, work / "streamlit-load.log") as url:
        # The quiet runs: the same users one after another, nothing else running.
        before = _texts(plans, [asyncio.run(_browser_users(url, [plan]))[0] for plan in plans])
        batch = _ingest(data_dir, _extra_batch(work, "Nachschub"))
        started = time.perf_counter()
        loaded = asyncio.run(_browser_users(url, plans))
        elapsed = time.perf_counter() - started
        batch_running = batch.poll() is None
        batch.communicate(timeout=1800)
        after = _texts(plans, [asyncio.run(_browser_users(url, [plan]))[0] for plan in plans])
    errors = [f"{type(r).__name__}: {r}"[:200] for r in loaded if isinstance(r, BaseException)]
    errors += [f"ruhiger Lauf: {text}" for text in [*before.values(), *after.values()]
               if text.startswith("Fehler")]  # fmt: skip
    latencies = [s for a in loaded if not isinstance(a, BaseException) for s, _ in a]
    answers = _texts(plans, loaded)
    changed = [q for q, text in answers.items() if text != before.get(q)]
    neither = [q for q in changed if answers[q] != after.get(q)]
    return [
        title,
        "",
        f"- Fragen beantwortet: {len(latencies)} von {len(questions)} in {elapsed:.0f} s; "
        f"Fehler: **{len(errors)}**",
        f"- Zeit bis zur fertigen Antwort (Enter bis Aktionen sichtbar) p50 "
        f"{percentile(latencies, 0.5):.2f} s, p95 **{percentile(latencies, 0.95):.2f} s**",
        f"- Antworttexte anders als im ruhigen Lauf vor dem Einlesen: {len(changed)}; davon "
        f"auch anders als im ruhigen Lauf danach (mit den neuen Dokumenten): **{len(neither)}**",
        f"- Einleselauf lief am Ende der Fragen noch: {'ja' if batch_running else 'nein'}; "
        f"exit {batch.returncode}",
        *[f"  - Fehler: {e}" for e in errors[:5]],
        *[f"  - anders als vorher: {q}" for q in changed[:5]],
        "",
        f"Die App läuft wie mit `make run` (`streamlit run ui/app.py`, headless, 127.0.0.1); "
        f"jede Nutzerin ist ein eigener Browser-Kontext (eigene Sitzung) in einem Chromium "
        f"(Playwright), der Einleselauf ein eigener `planwerk ingest`-Prozess auf demselben "
        f"Datenverzeichnis. {BROWSER_USERS} statt 20 gleichzeitige Browser-Sitzungen: auf "
        f"2 Kernen teilen sich Chromium, Streamlit, das Einlesen und die Antworten die CPU; "
        f"die 20 Nutzerinnen misst Abschnitt 4 über die Bibliothek. Der Nachschub sind "
        f"Kopien der Demo-PDFs: eine Antwort darf sich ändern, sobald eine Kopie im Index ist, "
        f"muss dann aber der Antwort des ruhigen Laufs danach gleichen.",
        "",
    ]


def main() -> None:
    quiet_environment()
    started = load_average()
    work = Path(tempfile.mkdtemp(prefix="bench-robust-"))
    try:
        lines = [
            "# Robustheit: Grenzen, Abbrüche, gleichzeitige Schreiber, Last",
            "",
            *limits_section(work),
            *crashes_section(work),
            *concurrent_section(work),
            *load_section(work),
            *browser_load_section(work),
            *machine_section(started),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
