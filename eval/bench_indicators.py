"""Benchmark: the full graded index (status + dynamics + overlay) on a large indicator table.

Default size: 600 areas × 30 indicators × 10 years (180,000 values), target < 1 s for the
index. Measured three ways:

1. `composite`: the pure index functions on the area × indicator matrices of two years;
2. `from long frame`: pivoting the long-format frame (as the store holds it) plus (1);
3. `store`: ingesting the table as a German CSV into an `IndicatorStore` (SQLite), then
   `operations.social_index` on a cold snapshot (first query reads the database) and warm.

Then a municipalities export (default 3,000 Gemeinden, synthetic, Windows-1252 CSV) is
uploaded through the app's path (`ingest_upload`) and a ranking question asked through
`Services.answers.ask`, twice; each session runs in a fresh Python process, so its peak
RSS is real. Target: the first question after the upload in under 2 s, and the answer
ranks the true top Kommune first.

Run: `python -m eval.bench_indicators` (writes eval/reports/bench_indicators.md).
Not a test: timings depend on the machine, so they live in the report.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from assistant.indicators.catalogue import Catalogue, IndexDefaults
from assistant.indicators.composite import dynamics_index, graded_index, overlay
from assistant.indicators.operations import social_index
from assistant.indicators.store import IndicatorStore
from eval.bench_common import ROOT, cpu_model, git_commit, load_average, peak_rss_mib

REPORT = Path(__file__).resolve().parent / "reports" / "bench_indicators.md"
TITLE = "# Benchmark: graded social index (status + dynamics + overlay)"
REPRODUCE = (
    "Reproduce: `.venv/bin/python -m eval.bench_indicators` (options: --areas, --indicators, "
    "--years, --repeat, --no-store, --export-rows, --no-export, --export-only)."
)


@dataclass(frozen=True, slots=True)
class Size:
    areas: int = 600
    indicators: int = 30
    years: int = 10

    @property
    def values(self) -> int:
        return self.areas * self.indicators * self.years


def synthetic_long(size: Size, seed: int = 7) -> pd.DataFrame:
    """Long frame: area_key, indicator, year, value, population per area and year."""
    rng = np.random.default_rng(seed)
    years = np.arange(2024 - size.years + 1, 2025)
    base = rng.gamma(2.0, 5.0, (size.areas, size.indicators))
    trend = rng.normal(0, 0.3, (size.areas, size.indicators))
    frames = []
    for offset, year in enumerate(years):
        values = np.clip(base + trend * offset + rng.normal(0, 0.2, base.shape), 0, 100)
        frame = pd.DataFrame(
            values.round(1), columns=[f"ind{k:02d}" for k in range(size.indicators)]
        )
        frame["area_key"] = [f"{a:04d}" for a in range(size.areas)]
        frame["year"] = year
        frames.append(frame.melt(["area_key", "year"], var_name="indicator", value_name="value"))
    long = pd.concat(frames, ignore_index=True)
    population = pd.Series(rng.integers(100, 20000, size.areas), index=[f"{a:04d}" for a in
                           range(size.areas)], dtype=float)  # fmt: skip
    return long.assign(population=long["area_key"].map(population))


def index_from_long(long: pd.DataFrame, year: int, since: int) -> tuple[int, int]:
    """Pivot two years out of the long frame and run status, dynamics and overlay."""
    keys = sorted(long["indicator"].unique())
    now = long[long["year"] == year].pivot(index="area_key", columns="indicator", values="value")
    then = long[long["year"] == since].pivot(index="area_key", columns="indicator", values="value")
    population = (
        long[long["year"] == year].drop_duplicates("area_key").set_index("area_key")["population"]
    )
    return run_index(now[keys], then[keys], population)


def run_index(now: pd.DataFrame, then: pd.DataFrame, population: pd.Series) -> tuple[int, int]:
    signs = {c: (-1 if i % 5 == 0 else 1) for i, c in enumerate(now.columns)}
    status = graded_index(now, signs=signs, population=population, min_population=300)
    dyn = dynamics_index(now, then, signs=signs, population=population, min_population=300)
    combined = overlay(status, dyn)
    return len(combined.table), len(status.excluded)


def write_panel_csv(long: pd.DataFrame, path: Path) -> None:
    """The same data as a German panel CSV: Jahr; Nr.; Stadtteil; Einwohner; indicators."""
    wide = long.pivot_table(index=["year", "area_key"], columns="indicator", values="value")
    wide = wide.reset_index()
    population = long.drop_duplicates(["year", "area_key"]).set_index(["year", "area_key"])[
        "population"
    ]
    lines = ["Jahr;Nr.;Stadtteil;Einwohner;" + ";".join(f"Indikator {c} in %" for c in
                                                        wide.columns[2:])]  # fmt: skip
    for row in wide.itertuples(index=False):
        year, area = row[0], row[1]
        figures = ";".join(f"{v:.1f}".replace(".", ",") for v in row[2:])
        pop = int(population[(year, area)])
        lines.append(f"{year};{area};Gebiet {area};{pop:,}".replace(",", ".") + ";" + figures)
    path.write_bytes("\r\n".join(lines).encode("cp1252"))


@dataclass(frozen=True, slots=True)
class StoreRun:
    stored: int
    csv_bytes: int
    ingest: float
    cold: float
    warm: float
    warm_best: float
    classified: int
    excluded: int


def store_run(long: pd.DataFrame, year: int, since: int, repeat: int) -> StoreRun:
    """Ingest the table as a German CSV into a fresh SQLite store and time social_index."""
    keys = tuple(sorted(long["indicator"].unique()))
    base = Catalogue.load()
    catalogue = Catalogue(base.indicators.values(), IndexDefaults(status=keys, min_population=300))
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "panel.csv"
        write_panel_csv(long, csv_path)
        store = IndicatorStore(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", catalogue)
        start = time.perf_counter()
        stored = store.add_table("bench", "panel.csv", csv_path)
        ingest = time.perf_counter() - start
        indicator_keys = [
            k for k in sorted(store.frame()["indicator"].unique()) if k.startswith("indikator")
        ]
        store._snapshots.clear()  # a cold start: the first question after ingest
        start = time.perf_counter()
        result = social_index(store, indicator_keys, year=year, since=since)
        cold = time.perf_counter() - start
        warm, warm_best = timed(
            lambda: social_index(store, indicator_keys, year=year, since=since), repeat
        )
        store.close()
        return StoreRun(
            stored, csv_path.stat().st_size, ingest, cold, warm, warm_best,
            len(result.status.table), len(result.status.excluded),
        )  # fmt: skip


def timed(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, best) wall time in seconds over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def machine() -> list[str]:
    cpu = platform.processor() or "unbekannt"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}",
    ]


# -- municipalities export: upload and first question ---------------------------------------

EXPORT_SECTION = "## Municipalities export: upload and first question"
EXPORT_ROWS = 3000
EXPORT_SEED = 2019
EXPORT_YEAR = 2019
EXPORT_NAME = f"kommunen_{EXPORT_YEAR}.csv"
EXPORT_LAND = "Nordrhein-Westfalen"
EXPORT_QUESTION = f"Welche NRW-Kommune hatte {EXPORT_YEAR} die höchste Kinderarmut?"
EXPORT_INDICATOR = "Kinderarmut (%)"
# The app asks this once when it starts (ui/state.py), so the first real question finds the
# embedder, the keyword index and the answer path loaded.
WARM_UP_QUESTION = "Wie hoch ist die SGB-II-Quote im Stadtteil?"
FIRST_QUESTION_TARGET_S = 2.0

# The Flächenländer: Land code (first two digits of the Gemeindeschlüssel), name and about
# how many Gemeinden they have, so the rows spread like a real export. The city states are
# left out: in an export each is one Gemeinde named like the Land.
LAENDER = (
    ("01", "Schleswig-Holstein", 1106),
    ("03", "Niedersachsen", 941),
    ("05", "Nordrhein-Westfalen", 396),
    ("06", "Hessen", 421),
    ("07", "Rheinland-Pfalz", 2301),
    ("08", "Baden-Württemberg", 1101),
    ("09", "Bayern", 2056),
    ("10", "Saarland", 52),
    ("12", "Brandenburg", 413),
    ("13", "Mecklenburg-Vorpommern", 726),
    ("14", "Sachsen", 418),
    ("15", "Sachsen-Anhalt", 218),
    ("16", "Thüringen", 605),
)
# Regierungsbezirke (third digit of the Gemeindeschlüssel); "0" where a Land has none.
_BEZIRKE = {"05": "13579", "06": "456", "08": "1234", "09": "1234567"}
_EAST = {"12", "13", "14", "15", "16"}

# Made-up place names from syllables: „Oberlindhausen“, „Bad Kranichau“. Combinations may
# happen to exist somewhere; the figures never belong to a real place.
_PREFIXES = ("", "", "", "", "Alt", "Neu", "Ober", "Nieder", "Groß", "Klein", "Bad ")
_STEMS = (
    "Ahorn", "Birk", "Brun", "Buch", "Eich", "Erl", "Fels", "Fuchs", "Hasel", "Heid", "Hirsch",
    "Hoh", "Holz", "Kirch", "Kranich", "Lind", "Moos", "Mühl", "Oster", "Quell", "Ros", "Sand",
    "Schleh", "Stein", "Tann", "Weiden", "Wester", "Wies", "Wolf", "Wolken", "Eschen", "Hain",
    "Marl", "Rabens", "Stock", "Uhlen", "Wachol", "Ginster", "Farn", "Lerchen",
)  # fmt: skip
_SUFFIXES = (
    "hausen", "heim", "dorf", "feld", "bach", "burg", "stedt", "ingen", "rode", "hagen", "au",
    "beck", "born", "weiler", "hofen", "stadt", "brück", "kirchen", "walde", "wede",
)  # fmt: skip

# Columns of the export after GKZ;Kommune;Land;Jahr: header, mean, spread, weight of the
# deprivation factor, extra for the eastern Länder, decimals.
_FIGURES = (
    ("Kinderarmut (%)", 11.0, 0.55, 1.0, 0.15, 1),
    ("Altersarmut (%)", 2.6, 0.45, 0.6, 0.10, 1),
    ("SGB-II-Quote (%)", 6.5, 0.50, 1.0, 0.20, 1),
    ("Arbeitslosenanteil (%)", 3.4, 0.45, 0.9, 0.25, 1),
    ("Jugendarbeitslosigkeit (%)", 4.2, 0.45, 0.7, 0.20, 1),
    ("Alleinerziehende (%)", 16.0, 0.25, 0.5, 0.10, 1),
    ("Anteil 65 Jahre und älter (%)", 22.0, 0.15, -0.2, 0.12, 1),
)


@dataclass(frozen=True, slots=True)
class MunicipalitiesExport:
    """The export as uploaded (`data`) and the figures it holds, for checking answers."""

    data: bytes
    frame: pd.DataFrame  # GKZ, Kommune, Land, Einwohner and one column per figure

    def top(self, land: str, column: str = EXPORT_INDICATOR) -> tuple[float, set[str]]:
        """The highest value of `column` within `land` and every Kommune holding it."""
        rows = self.frame[self.frame["Land"] == land].dropna(subset=[column])
        best = float(rows[column].max())
        return best, set(rows.loc[rows[column] == best, "Kommune"])


def _land_counts(rows: int) -> list[int]:
    """Rows per Land in proportion to its Gemeinden (largest remainder, at least one)."""
    weights = np.array([n for _, _, n in LAENDER], dtype=float)
    share = weights / weights.sum() * max(rows - len(LAENDER), 0)
    counts = np.floor(share).astype(int) + 1
    for i in np.argsort(-(share - np.floor(share)))[: rows - int(counts.sum())]:
        counts[i] += 1
    return [int(c) for c in counts]


def _place_names(rng: np.random.Generator, count: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        prefix = _PREFIXES[rng.integers(len(_PREFIXES))]
        stem = _STEMS[rng.integers(len(_STEMS))]
        suffix = _SUFFIXES[rng.integers(len(_SUFFIXES))]
        joined = prefix + (stem.lower() if prefix and not prefix.endswith(" ") else stem)
        name = joined + suffix
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _de(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def municipalities_export(rows: int = EXPORT_ROWS, seed: int = EXPORT_SEED) -> MunicipalitiesExport:
    """A made-up statistics-office export: one row per Gemeinde, sorted by Gemeindeschlüssel.

    Semicolons, decimal commas, thousands dots, Windows-1252, a `Jahr` column, „.“ where a
    small Gemeinde's figure is withheld and a source line under the table, like the
    downloads planners bring. Deterministic for a seed.
    """
    rng = np.random.default_rng(seed)
    names = iter(_place_names(rng, rows))
    records: list[dict[str, object]] = []
    for (code, land, _), count in zip(LAENDER, _land_counts(rows), strict=True):
        bezirke = _BEZIRKE.get(code, "0")
        kreise = max(1, min(99, count // 25))
        kreis = np.sort(rng.integers(0, kreise, count))
        numbers: dict[int, int] = {}
        for k in kreis:
            numbers[int(k)] = numbers.get(int(k), 0) + 1
            gkz = f"{code}{bezirke[k % len(bezirke)]}{k + 1:02d}{numbers[int(k)]:03d}"
            records.append({"GKZ": gkz, "Kommune": next(names), "Land": land})
    frame = pd.DataFrame(records)
    deprivation = rng.normal(0.0, 1.0, rows)
    east = frame["GKZ"].str[:2].isin(_EAST).to_numpy()
    population = np.clip(np.exp(rng.normal(8.4, 1.25, rows)), 120, 1_200_000).round()
    frame["Einwohner"] = population.astype(int)
    for header, mean, spread, load, east_extra, decimals in _FIGURES:
        log_value = load * spread * deprivation + spread * rng.normal(0, 0.6, rows)
        values = (mean * np.exp(log_value + east_extra * east)).round(decimals)
        # Figures of very small Gemeinden are withheld (statistical confidentiality).
        values[(population < 500) & (rng.random(rows) < 0.5)] = np.nan
        frame[header] = values
    frame["Wanderungssaldo (je 1.000 EW)"] = rng.normal(1.5, 6.0, rows).round(1)
    figures = [h for h, *_ in _FIGURES] + ["Wanderungssaldo (je 1.000 EW)"]
    lines = [";".join(["GKZ", "Kommune", "Land", "Jahr", "Einwohner", *figures])]
    for row in frame.itertuples(index=False):
        cells = [row.GKZ, row.Kommune, row.Land, str(EXPORT_YEAR), _de(row.Einwohner, 0)]
        cells += ["." if np.isnan(v) else _de(v) for v in row[4:]]
        lines.append(";".join(cells))
    lines.append("")
    lines.append("Quelle: synthetische Benchmark-Daten (Planwerk), keine realen Gemeinden.")
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    return MunicipalitiesExport(data, frame)


def export_child(spec_file: str) -> None:
    """One measured process (run by `export_run` in a fresh interpreter): start Planwerk as
    the app does, then upload the export and/or ask; steps and answers go to a JSON file.

    Peak RSS is the process's high-water mark (VmHWM, i.e. ru_maxrss) after each step.
    """
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    steps: list[dict[str, object]] = []
    answers: list[dict[str, str]] = []
    out: dict[str, object] = {"steps": steps, "answers": answers}

    def step(name: str, started: float) -> None:
        seconds = time.perf_counter() - started
        steps.append({"name": name, "seconds": seconds, "peak_rss_mib": peak_rss_mib()})

    start = time.perf_counter()
    from assistant.documents.uploads import ingest_upload
    from assistant.platform.config import Settings
    from assistant.services import Services

    services = Services(Settings())
    services.answers.ask(WARM_UP_QUESTION)
    step("start", start)
    settings = services.settings
    out["settings"] = (
        f"answers {settings.llm.mode}, embedder {settings.embedding.mode}, "
        f"threads={settings.embedding.threads}"
    )
    if spec.get("upload"):
        data = Path(spec["upload"]).read_bytes()
        start = time.perf_counter()
        result = ingest_upload(settings, services.pipeline, EXPORT_NAME, data)
        step("upload", start)
        out["ingest"] = [str(result.status.value), result.message, result.timings or {}]
    for number, question in enumerate(spec["questions"], start=1):
        start = time.perf_counter()
        answer = services.answers.ask(question)
        step(f"question {number}", start)
        answers.append({"text": answer.text, "mode": str(answer.mode)})
    services.close()
    Path(spec["out"]).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    seconds: float
    peak_rss_mib: float  # the process's high-water mark at the end of the step


@dataclass(frozen=True, slots=True)
class Session:
    """What one measuring process reported."""

    steps: dict[str, Step]
    answers: list[dict[str, str]]
    settings: str
    ingest: tuple[str, str, dict[str, float]] | None  # status, message, pipeline timings


def _session(spec: dict[str, object], folder: Path) -> Session:
    """Run `export_child` in a fresh Python with default settings on `folder`'s data."""
    spec_file = folder / f"session_{len(list(folder.glob('session_*.json')))}.json"
    out = spec_file.with_suffix(".out")
    spec_file.write_text(json.dumps({**spec, "out": str(out)}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANWERK_")}
    env |= {
        "PLANWERK_DATA_DIR": str(folder / "index"),
        "PLANWERK_CONFIG": str(folder / "absent.toml"),  # defaults, no planwerk.toml
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    code = "import sys; from eval.bench_indicators import export_child; export_child(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, str(spec_file)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"measuring process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    raw = json.loads(out.read_text(encoding="utf-8"))
    ingest = raw.get("ingest")
    return Session(
        {s["name"]: Step(s["name"], s["seconds"], s["peak_rss_mib"]) for s in raw["steps"]},
        raw["answers"],
        raw["settings"],
        (ingest[0], ingest[1], ingest[2]) if ingest else None,
    )


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    first: str | None  # the Kommune the answer ranks first (else names first)
    in_land: int  # Kommunen of the asked Land the answer names
    outside: int  # Kommunen of other Länder the answer names
    top_value: float  # the true highest value in the asked Land
    top: tuple[str, ...]  # the Kommunen holding it

    @property
    def correct(self) -> bool:
        return self.first in self.top


def check_answer(text: str, export: MunicipalitiesExport, land: str = EXPORT_LAND) -> AnswerCheck:
    """Which Kommunen the answer names, and whether its first is the true top of `land`."""
    value, top = export.top(land)
    lands = dict(zip(export.frame["Kommune"], export.frame["Land"], strict=True))
    found: list[tuple[int, int, str]] = []  # (position, -length, name): longest name first
    for name in lands:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            found.append((match.start(), -len(name), name))
    found.sort()
    named: set[str] = set()
    covered = -1  # a name inside a longer one („Hohborn“ in „Bad Hohborn“) is not named
    for start, minus_length, name in found:
        if start >= covered:
            named.add(name)
            covered = start - minus_length
    ranked = re.search(r"^\s*1\.\s+(.+?):", text, re.MULTILINE)
    first = ranked.group(1).strip() if ranked else None
    if first not in lands:
        first = found[0][2] if found else None
    return AnswerCheck(
        first,
        sum(1 for n in named if lands[n] == land),
        sum(1 for n in named if lands[n] != land),
        value,
        tuple(sorted(top)),
    )


@dataclass(frozen=True, slots=True)
class ExportRun:
    rows: int
    csv_bytes: int
    land_rows: int
    upload: Session  # the app after an upload: start, upload, question 1, question 2
    restart: Session  # a fresh process on the same data: start, question 1
    check: AnswerCheck

    @property
    def first_question(self) -> float:
        return self.upload.steps["question 1"].seconds


def export_run(rows: int = EXPORT_ROWS, seed: int = EXPORT_SEED) -> ExportRun:
    """Upload the export and ask the ranking question, each session in a fresh process.

    Session 1 is the app after a user's upload: start (services and the app's warm-up
    question), upload ingest, the first question, the same question again. Session 2
    restarts on the data session 1 left and asks once: the question's own memory.
    """
    export = municipalities_export(rows, seed)
    with tempfile.TemporaryDirectory(prefix="planwerk-bench-export-") as name:
        folder = Path(name)
        upload = folder / EXPORT_NAME
        upload.write_bytes(export.data)
        session = _session({"upload": str(upload), "questions": [EXPORT_QUESTION] * 2}, folder)
        restart = _session({"questions": [EXPORT_QUESTION]}, folder)
    return ExportRun(
        rows, len(export.data), int((export.frame["Land"] == EXPORT_LAND).sum()),
        session, restart, check_answer(session.answers[0]["text"], export),
    )  # fmt: skip


def export_section(run: ExportRun) -> list[str]:
    """The report section of `export_run`, as Markdown lines."""
    steps, restart = run.upload.steps, run.restart.steps
    rows = [
        ("upload session: start (services + the app's warm-up question)", steps["start"]),
        ("upload session: upload ingest (`ingest_upload`, total)", steps["upload"]),
        ("upload session: first question", steps["question 1"]),
        ("upload session: same question again (warm)", steps["question 2"]),
        ("app restart on the uploaded data: start (with the warm-up question)", restart["start"]),
        ("app restart on the uploaded data: first question", restart["question 1"]),
    ]
    table = [
        (name, step, (restart if name.startswith("app restart") else steps)["start"])
        for name, step in rows
    ]
    status, message, timings = run.upload.ingest or ("?", "", {})
    check, answer = run.check, run.upload.answers[0]
    first = run.first_question
    met = "**met**" if first < FIRST_QUESTION_TARGET_S else "**NOT met**"
    upload = steps["upload"].seconds
    embed = timings.get("embed", 0.0)
    return [
        EXPORT_SECTION,
        "",
        f"Ingesting a {run.rows:,}-row municipalities export through the upload path and "
        "asking a ranking question, timed and with peak memory; target: the first question "
        f"after the upload is answered in under {FIRST_QUESTION_TARGET_S:.0f} s.",
        "",
        f"- Export: `{EXPORT_NAME}`, a synthetic statistics-office download (seed "
        f"{EXPORT_SEED}, `municipalities_export`): one row per Gemeinde, {run.rows:,} rows; "
        "GKZ (8-digit Gemeindeschlüssel), Kommune (made-up names), Land, Jahr, Einwohner and "
        "8 indicators; semicolons, decimal commas, Windows-1252, „.“ for withheld figures, a "
        f"source line under the table; {run.csv_bytes / 1024:,.0f} KiB. {run.land_rows} rows "
        f"lie in {EXPORT_LAND}.",
        f"- Question: „{EXPORT_QUESTION}“ through `Services.answers.ask`, the app's path.",
        f"- Settings: defaults ({run.upload.settings}) on a fresh temporary data directory; "
        "each session is a fresh Python process.",
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, load average "
        f"(1/5/15 min) at the end {load_average()}; CPU {cpu_model()}, {os.cpu_count()} "
        "logical cores.",
        "",
        "| step | seconds | peak RSS (MiB) | peak over the session's start (MiB) |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {s.seconds:.2f} | {s.peak_rss_mib:,.0f} | "
            f"{s.peak_rss_mib - base.peak_rss_mib:+,.0f} |"
            for name, s, base in table
        ),
        "",
        "Peak RSS is the measuring process's high-water mark (VmHWM, as ru_maxrss) at the end "
        "of the step: it includes everything the process did before. The start rows are the "
        "idle app's baseline.",
        "",
        f"- Target: first question after the upload < {FIRST_QUESTION_TARGET_S:.0f} s: {met} "
        f"({first:.2f} s).",
        f"- Upload: {status}, „{message}“; pipeline steps "
        + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
        + ".",
        f"- Answer ({answer['mode']}): names {check.in_land} Kommunen of {EXPORT_LAND} and "
        f"{check.outside} of other Länder; ranked first: {check.first or 'none'}. True top in "
        f"the generated data: {', '.join(check.top)} ({_de(check.top_value)} %). The answer's "
        f"first is the true top: **{'yes' if check.correct else 'no'}**.",
        "",
        "```text",
        *answer["text"].splitlines(),
        "```",
        "",
        f"Notes: of the {upload:.1f} s upload, {embed:.1f} s ({embed / upload:.0%}) embed the "
        "table's row chunks for the document search; the rest is reading the table into "
        "indicator values and writing both stores. The first question reads the workspace's "
        "indicator values from SQLite into a snapshot (kept until a document is added or "
        "removed) and builds the geographies (area types, Länder, gazetteers); the repeated "
        "question reuses them. After a restart the app's warm-up question already builds the "
        "snapshot, so the restart's start carries the data's memory (its start row against "
        "the upload session's, which began on an empty data directory). Single runs on a "
        "shared machine: timings vary by up to 2×.",
        "",
    ]


def splice_section(report: str, section: list[str]) -> str:
    """`report` with its export section (the last part) replaced by `section`, or with
    `section` added, for `--export-only` runs that keep the index measurements."""
    lines = report.rstrip("\n").splitlines()
    if EXPORT_SECTION in lines:
        start = lines.index(EXPORT_SECTION)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
    else:
        start = end = len(lines)
        section = ["", *section]
    return "\n".join([*lines[:start], *section, *lines[end:]]).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--areas", type=int, default=600)
    parser.add_argument("--indicators", type=int, default=30)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-store", action="store_true", help="skip the store measurement")
    parser.add_argument(
        "--export-rows", type=int, default=EXPORT_ROWS,
        help="rows (Gemeinden) of the municipalities export",
    )  # fmt: skip
    parts = parser.add_mutually_exclusive_group()
    parts.add_argument(
        "--no-export", action="store_true", help="skip the municipalities-export measurement"
    )
    parts.add_argument(
        "--export-only", action="store_true",
        help="measure only the municipalities export; replace its section in the report",
    )  # fmt: skip
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    if args.export_only:
        export = export_section(export_run(args.export_rows))
        old = args.report.read_text(encoding="utf-8") if args.report.exists() else ""
        args.report.write_text(splice_section(old or f"{TITLE}\n", export), encoding="utf-8")
        print("\n".join(export))
        return
    lines = index_report(args)
    if not args.no_export:
        lines += export_section(export_run(args.export_rows))
    args.report.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def index_report(args: argparse.Namespace) -> list[str]:
    """The measurements of the graded index (sections 1 to 3 of the docstring)."""
    size = Size(args.areas, args.indicators, args.years)
    long = synthetic_long(size)
    year = int(long["year"].max())
    since = year - 2
    now = long[long["year"] == year].pivot(index="area_key", columns="indicator", values="value")
    then = long[long["year"] == since].pivot(index="area_key", columns="indicator", values="value")
    population = (
        long[long["year"] == year].drop_duplicates("area_key").set_index("area_key")["population"]
    )
    rows: list[tuple[str, float, float]] = []
    median, best = timed(lambda: run_index(now, then, population), args.repeat)
    rows.append(("composite: status + dynamics + overlay (matrices given)", median, best))
    median, best = timed(lambda: index_from_long(long, year, since), args.repeat)
    rows.append(("from long frame: pivot 2 years + status + dynamics + overlay", median, best))
    included, excluded = run_index(now, then, population)
    store_lines: list[str] = []
    if not args.no_store:
        run = store_run(long, year, since, args.repeat)
        rows.append((f"store: social_index, cold (reads {run.stored} values)", run.cold, run.cold))
        rows.append(("store: social_index, warm (snapshot cached)", run.warm, run.warm_best))
        small = Size(15, 20, 5)  # the size of the demo municipality
        small_run = store_run(synthetic_long(small), 2024, 2022, args.repeat)
        rows.append(
            (f"store, {small.areas} areas × {small.indicators} × {small.years}: cold",
             small_run.cold, small_run.cold)
        )  # fmt: skip
        rows.append(("store, same small table: warm", small_run.warm, small_run.warm_best))
        store_lines = [
            f"- Ingest of the panel CSV (Windows-1252, {size.areas * size.years} rows × "
            f"{size.indicators + 1} figures, {run.csv_bytes // 1024} KiB) into the store: "
            f"{run.ingest:.2f} s for {run.stored} values (parse + one transaction).",
            f"- Store index: {run.classified} areas classified, {run.excluded} excluded "
            "(below 300 inhabitants).",
        ]
    target_ok = rows[1][1] < 1.0
    lines = [
        TITLE,
        "",
        f"Table: {size.areas} areas × {size.indicators} indicators × {size.years} years "
        f"= {size.values} values; status for {year}, dynamics {since}–{year}; minimum 300 "
        "inhabitants; every fifth indicator higher-is-better.",
        "",
        "Machine:",
        *machine(),
        "",
        "| step | median (s) | best (s) | runs |",
        "|---|---:|---:|---:|",
        *(
            f"| {name} | {median:.4f} | {best:.4f} | {1 if 'cold' in name else args.repeat} |"
            for name, median, best in rows
        ),
        "",
        f"Result: {included} areas in the overlay, {excluded} excluded (small). Target < 1 s "
        f"for the index from the long frame: {'met' if target_ok else 'NOT met'}.",
        "",
        *store_lines,
        "",
        "Notes: the index itself (z-scores, sums, classes, dynamics, overlay) is vectorised "
        "numpy/pandas and far below the 1 s target. The cold store query is dominated by "
        "reading every value row from SQLite into pandas once per workspace and change; later "
        "questions reuse the cached snapshot until a document is added or removed. The machine "
        "is shared with other jobs, so single timings vary by up to 2×.",
        "",
        REPRODUCE,
        "",
    ]
    return lines


if __name__ == "__main__":
    main()
