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
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from eval.bench_common import (
    DEMO_CORPUS,
    REPORTS,
    load_average,
    machine_section,
    markdown_table,
    percentile,
    quiet_environment,
)

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
    from assistant.config import Settings
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


def _xlsx_bomb(path: Path, inflated_mb: int = 130) -> Path:
    """A valid XLSX whose one sheet inflates from a few hundred KB to `inflated_mb` MB."""
    import openpyxl

    template = path.with_suffix(".template.xlsx")
    openpyxl.Workbook().save(template)
    row = '<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Hafenviertel</t></is></c></row>'
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, source.read(item.filename))
                continue
            with bomb.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.'
                            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
                written, n = 0, 1
                while written < inflated_mb * 1024 * 1024:
                    chunk = "".join(row.format(n=n + i) for i in range(1000)).encode()
                    sheet.write(chunk)
                    written, n = written + len(chunk), n + 1000
                sheet.write(b"</sheetData></worksheet>")
    template.unlink()
    return path


def _table(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Nr;Stadtteil;Jahr;SGB-II-Quote (%);Einwohner\n")
        for i in range(rows):
            handle.write(
                f"{i % 99:02d};Stadtteil {i % 99};{2000 + i % 24};{i % 300 / 10:.1f};{i}\n"
            )
    return path


def limits_section(work: Path) -> list[str]:
    cases = [
        ("CSV, 200 MB", _big_csv(work / "riesig.csv", 200)),
        ("XLSX, 130 MB beim Entpacken", _xlsx_bomb(work / "bombe.xlsx")),
        ("CSV, 20.000 Zeilen (erlaubt)", _table(work / "gross.csv", 20_000)),
    ]
    rows = []
    for label, path in cases:
        data_dir = work / f"limits-{path.stem}"
        start = time.perf_counter()
        run = _ingest(data_dir, path)
        out, err = run.communicate(timeout=1800)
        seconds = time.perf_counter() - start
        peak = next((int(x.split()[1]) for x in err.splitlines() if x.startswith("PEAK")), 0)
        message = next((x.strip() for x in out.splitlines() if path.name in x), "")[:220]
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


def load_section(work: Path) -> list[str]:
    from assistant.config import Settings
    from assistant.services import Services
    from eval.dataset import load_questions

    data_dir = work / "load"
    _ingest(data_dir, DEMO_CORPUS).communicate(timeout=1800)
    questions = [q.question for q in load_questions() if q.answerable][: USERS * QUESTIONS_PER_USER]
    services = Services(Settings(data_dir=data_dir))
    try:
        quiet = {q: services.answers.ask(q).text for q in questions}
        extra = work / "nachschub"
        extra.mkdir()
        for pdf in DEMO_CORPUS.glob("*.pdf"):
            shutil.copy(pdf, extra / f"Kopie_{pdf.name}")
        batch = _ingest(data_dir, extra)
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
            *machine_section(started),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
