"""Shared helpers of the performance benchmarks (`eval/bench_ingest.py`, `eval/bench_query.py`).

Machine facts for the report header, peak-memory readings, percentiles, Markdown tables,
a deterministic generator of German social-planning prose (and a multi-page PDF made of
it), and the fixed list of planner questions the query benchmark asks.
"""

from __future__ import annotations

import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
DEMO_CORPUS = ROOT / "data" / "sample" / "generated"
DISTRICTS_YAML = ROOT / "data" / "sample" / "sources" / "stadtteile.yaml"

MIB = 1024 * 1024


def quiet_environment() -> None:
    """Keep telemetry and hub look-ups out of the measurements (no network here anyway)."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# -- machine facts --------------------------------------------------------------------------


def git_commit() -> str:
    """Short commit hash, with `+dirty` when the working tree has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
    except OSError:
        return "?"
    return f"{commit or '?'}{'+dirty' if dirty else ''}"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def total_memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return 0.0


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


class CpuMonitor:
    """How busy other processes kept the CPUs since creation (this process and its waited-for
    children excluded): the noise indicator for a shared machine."""

    def __init__(self) -> None:
        self._start = self._snapshot()

    @staticmethod
    def _snapshot() -> tuple[float, float, float]:
        try:
            values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
            busy = (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            busy = 0.0
        own = os.times()
        return (
            time.monotonic(),
            busy,
            own.user + own.system + own.children_user + own.children_system,
        )

    def foreign_cores(self) -> float:
        """Average number of cores other processes kept busy since the start."""
        wall0, busy0, own0 = self._start
        wall1, busy1, own1 = self._snapshot()
        return max(0.0, ((busy1 - busy0) - (own1 - own0)) / max(wall1 - wall0, 1e-9))


def machine_section(
    started_load: str, foreign_cores: float | None = None, shared_machine: bool = True
) -> list[str]:
    """The `## Machine` section of a report, as Markdown lines."""
    lines = [
        "## Machine",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Commit: {git_commit()}",
        f"- Platform: {platform.platform()}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores; RAM {total_memory_gib():.1f} GiB",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- Load average (1/5/15 min) at start: {started_load}; at end: {load_average()}",
    ]
    if foreign_cores is not None:
        lines.append(
            f"- Other processes kept on average {foreign_cores:.2f} of {os.cpu_count()} cores "
            "busy while this benchmark ran (from /proc/stat minus our own CPU time)"
        )
    if shared_machine:
        lines.append(
            "- **The machine was shared while measuring** (other engineers ran test suites), "
            "so absolute times are noisy; ratios measured interleaved within one run are the "
            "robust figures. Re-run on a quiet machine for the final numbers."
        )
    lines.append("")
    return lines


# -- memory -----------------------------------------------------------------------------


def _proc_status_kib(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (VmHWM; else ru_maxrss)."""
    kib = _proc_status_kib("VmHWM")
    if kib is None:
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return kib / 1024


def current_rss_mib() -> float:
    kib = _proc_status_kib("VmRSS")
    return (kib or 0) / 1024


def directory_mib(path: Path) -> float:
    if not path.exists():
        return 0.0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / MIB


# -- statistics and tables --------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, q in [0, 1]; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A Markdown table; numbers in columns after the first are right-aligned."""
    align = ["---"] + ["---:"] * (len(headers) - 1)
    lines = [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(align) + " |",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    lines.append("")
    return lines


def verdict(value: float, target: float, unit: str) -> str:
    """„met“/„missed“ with the margin, for a bound where lower is better."""
    margin = target - value
    share = abs(margin) / target * 100 if target else 0.0
    amount = f"{abs(margin):.1f} {unit}" if abs(margin) >= 0.05 else f"< 0.05 {unit}"
    if margin >= 0:
        return f"**met** ({amount} under the target, {share:.0f} % headroom)"
    return f"**missed** by {amount} ({share:.1f} % over the target)"


# -- German social-planning prose ----------------------------------------------------------

_FALLBACK_DISTRICTS = [
    "Altstadt",
    "Bahnhofsviertel",
    "Hafenviertel",
    "Nordfeld",
    "Lindenhöhe",
    "Osterkamp",
    "Bruchheide",
    "Marienau",
    "Wiesental",
    "Südpark",
]


def district_names() -> list[str]:
    """Stadtteil names of the demo city (from its source YAML when present)."""
    try:
        import yaml

        data = yaml.safe_load(DISTRICTS_YAML.read_text(encoding="utf-8"))
        names = [str(d["name"]) for d in data["stadtteile"]]
        return names or list(_FALLBACK_DISTRICTS)
    except (OSError, KeyError, TypeError, ValueError, ImportError):
        return list(_FALLBACK_DISTRICTS)


_TOPICS = [
    ("Kinderarmut", "Kinder und Jugendliche"),
    ("Mindestsicherung", "Leistungen nach dem SGB II"),
    ("Wohnen", "Wohnraumversorgung"),
    ("Bildung", "Bildungsbeteiligung"),
    ("Gesundheit", "Gesundheitliche Lage"),
    ("Pflege", "Ältere Menschen und Pflege"),
    ("Integration", "Zuwanderung und Integration"),
    ("Beschäftigung", "Arbeitsmarkt und Beschäftigung"),
    ("Kita", "Kindertagesbetreuung"),
    ("Quartiersentwicklung", "Quartiersmanagement"),
]

_SENTENCES = [
    "Im Stadtteil {area} lag die SGB-II-Quote {year} bei {pct} Prozent und damit "
    "{cmp} dem städtischen Durchschnitt von {pct2} Prozent.",
    "Der Anteil der Kinder unter 15 Jahren in Bedarfsgemeinschaften beträgt in {area} "
    "{pct} Prozent; {year2} waren es noch {pct2} Prozent.",
    "Die Zahl der Einwohnerinnen und Einwohner in {area} stieg zwischen {year2} und {year} "
    "um {num} Personen auf insgesamt {big}.",
    "Für das Handlungsfeld {topic} empfiehlt die Sozialplanung, die Angebote im Quartier "
    "{area} stärker zu vernetzen und niedrigschwellig zugänglich zu machen.",
    "Das Familienzentrum in {area} erreicht nach eigenen Angaben rund {num} Familien im Jahr, "
    "davon etwa {pct} Prozent mit Fluchterfahrung.",
    "Die Versorgungsquote mit Kita-Plätzen für Kinder unter drei Jahren liegt in {area} bei "
    "{pct} Prozent, der Bedarf wird auf {pct2} Prozent geschätzt.",
    "Der Förderaufruf des Landes sieht für Maßnahmen im Bereich {topic} eine Förderquote von "
    "bis zu {pct} Prozent der zuwendungsfähigen Ausgaben vor.",
    "Anträge sind bis zum 30. {month} {year} über das Förderportal einzureichen; "
    "beizufügen ist ein integriertes Handlungskonzept.",
    "Die durchschnittliche Angebotsmiete stieg in {area} auf {euro} Euro je Quadratmeter, "
    "was einem Zuwachs von {pct} Prozent gegenüber {year2} entspricht.",
    "Die Arbeitslosenquote der unter 25-Jährigen beträgt in {area} {pct} Prozent und ist "
    "seit {year2} {trend}.",
    "Im Rahmen des Sozialmonitorings werden jährlich {num} Indikatoren auf Ebene der "
    "Stadtteile fortgeschrieben und im Sozialindex zusammengefasst.",
    "Der Sozialindex weist {area} als Gebiet mit {need} Handlungsbedarf aus "
    "(Rang {rank} von {ranks}).",
    "Die Übergangsquote auf das Gymnasium liegt in {area} bei {pct} Prozent, im Stadtgebiet "
    "insgesamt bei {pct2} Prozent.",
    "Zur Verstetigung der Quartiersarbeit schlägt die Verwaltung vor, ab {year} jährlich "
    "{euro} Tausend Euro aus Eigenmitteln bereitzustellen.",
    "Der Anteil der Haushalte mit Wohngeldbezug beträgt in {area} {pct} Prozent; besonders "
    "betroffen sind Alleinerziehende und ältere Alleinlebende.",
    "Bei der Schuleingangsuntersuchung {year} zeigten {pct} Prozent der Kinder aus {area} "
    "Auffälligkeiten in der Sprachentwicklung.",
    "Die Jugendhilfeplanung meldet für {area} einen Anstieg der Hilfen zur Erziehung um "
    "{num} Fälle gegenüber dem Vorjahr.",
    "Der Anteil der über 80-Jährigen wird in {area} bis {year3} voraussichtlich auf "
    "{pct} Prozent steigen.",
    "Das Quartiersbüro in {area} ist dienstags und donnerstags von 9 bis 13 Uhr geöffnet und "
    "wird vom Träger {org} betrieben.",
    "Die Stadt {town} beteiligt sich seit {year2} am Landesprogramm „Starke Quartiere“ und "
    "hat dafür {euro} Tausend Euro Fördermittel erhalten.",
]

_ORGS = ["Caritasverband", "Diakonie", "AWO Kreisverband", "Paritätischer", "DRK-Ortsverein"]
_MONTHS = ["Januar", "März", "April", "Juni", "September", "Oktober", "November"]


def _de_number(value: float, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def german_sentence(rng: random.Random, area: str, town: str, topic: str) -> str:
    template = rng.choice(_SENTENCES)
    year = rng.randint(2018, 2024)
    return template.format(
        area=area,
        town=town,
        topic=topic,
        year=year,
        year2=year - rng.randint(2, 5),
        year3=year + rng.randint(5, 12),
        pct=_de_number(rng.uniform(2, 45)),
        pct2=_de_number(rng.uniform(2, 45)),
        num=rng.randint(12, 900),
        big=_de_number(rng.uniform(3000, 25000), 0),
        euro=_de_number(rng.uniform(6, 15), 2),
        month=rng.choice(_MONTHS),
        cmp=rng.choice(["deutlich über", "knapp über", "unter", "leicht unter"]),
        trend=rng.choice(["rückläufig", "stabil", "gestiegen"]),
        need=rng.choice(["hohem", "sehr hohem", "mittlerem", "geringem"]),
        rank=rng.randint(1, 15),
        ranks=15,
        org=rng.choice(_ORGS),
    )


def german_paragraph(rng: random.Random, area: str, town: str, topic: str) -> str:
    return " ".join(german_sentence(rng, area, town, topic) for _ in range(rng.randint(4, 6)))


def synthetic_pages(
    pages: int, seed: int = 7, town: str = "Lindwerden"
) -> Iterator[tuple[str, list[str]]]:
    """(heading, paragraphs) per page of a synthetic Sozialbericht, deterministic per seed."""
    rng = random.Random(seed)
    districts = district_names()
    for number in range(1, pages + 1):
        area = districts[(number - 1) % len(districts)]
        short, long = _TOPICS[(number - 1) // len(districts) % len(_TOPICS)]
        heading = f"{number} {long} in {area}"
        yield heading, [german_paragraph(rng, area, town, short) for _ in range(4)]


def write_synthetic_pdf(path: Path, pages: int, seed: int = 7) -> Path:
    """A text PDF of `pages` pages (one section per page, running header and footer)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(72, A4[1] - 40, "Sozialbericht – Stadt Lindwerden")
        canvas.drawRightString(A4[0] - 72, 30, f"Seite {canvas.getPageNumber()}")
        canvas.restoreState()

    story: list[object] = []
    for index, (heading, paragraphs) in enumerate(synthetic_pages(pages, seed)):
        if index:
            story.append(PageBreak())
        story.append(Paragraph(heading, styles["Heading2"]))
        story += [Paragraph(p, styles["BodyText"]) for p in paragraphs]
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        title=f"Sozialbericht Lindwerden {pages} Seiten",
        author="Stadt Lindwerden",
        invariant=1,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return path


def corpus_files(corpus: Path | None, synthetic_pages: int, workdir: Path) -> list[Path]:
    """Supported files of `corpus` (sorted) plus, if asked, a synthetic PDF under `workdir`."""
    from assistant.documents.ingestion import SUPPORTED_SUFFIXES

    # Copied first: the demo corpus may be regenerated while a benchmark runs.
    snapshot = workdir / "corpus"
    snapshot.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    if corpus is not None and corpus.is_dir():
        for source in sorted(corpus.iterdir()):
            supported = source.suffix.lower() in SUPPORTED_SUFFIXES
            if source.is_file() and supported and not source.name.startswith("."):
                files.append(Path(shutil.copy2(source, snapshot / source.name)))
    if synthetic_pages > 0:
        target = snapshot / f"Sozialbericht_synthetisch_{synthetic_pages}_Seiten.pdf"
        files.append(write_synthetic_pdf(target, synthetic_pages))
    return files


# -- questions a planner asks ----------------------------------------------------------------

_FIXED_QUESTIONS = [
    "Wie hoch ist die SGB-II-Quote im Hafenviertel?",
    "Welcher Stadtteil hat die höchste Kinderarmut?",
    "Wie viele Einwohner hat Lindwerden?",
    "Was ist der Sozialindex und wie wird er berechnet?",
    "Welche Handlungsbedarfe nennt der Sozialbericht für das Bahnhofsviertel?",
    "Wie hat sich die Arbeitslosigkeit seit 2019 entwickelt?",
    "Bis wann müssen Anträge für den Förderaufruf eingereicht werden?",
    "Wie hoch ist die Förderquote im Landesprogramm?",
    "Welche Unterlagen gehören zu einem Förderantrag?",
    "Was versteht man unter einem integrierten Handlungskonzept?",
    "Wie viele Kita-Plätze fehlen für Kinder unter drei Jahren?",
    "Wie hoch ist die Versorgungsquote U3 in der Altstadt?",
    "Welche Stadtteile haben einen sehr hohen Handlungsbedarf?",
    "Wie entwickelt sich der Anteil älterer Menschen bis 2035?",
    "Wo gibt es ein Familienzentrum?",
    "Welche Träger betreiben Quartiersbüros?",
    "Wie hoch ist der Anteil der Alleinerziehenden im Südpark?",
    "Wie viele Haushalte beziehen Wohngeld?",
    "Wie hoch sind die Angebotsmieten in der Innenstadt?",
    "Welche Maßnahmen gegen Vereinsamung älterer Menschen sind geplant?",
    "Wie ist die Übergangsquote auf das Gymnasium in Marienau?",
    "Welche Ergebnisse brachte die Schuleingangsuntersuchung?",
    "Wie viele Hilfen zur Erziehung gab es 2023?",
    "Welche Kriterien gelten für die Auswahl der Fördergebiete?",
    "Was sind zuwendungsfähige Ausgaben?",
    "Wer ist Ansprechpartner in der Stabsstelle Sozialplanung?",
    "Welche Indikatoren umfasst das Sozialmonitoring?",
    "Wie hoch ist der Anteil mit Migrationshintergrund in Nordfeld?",
    "Wie hat sich die Bevölkerung in Osterkamp entwickelt?",
    "Welche Ziele verfolgt die Jugendhilfeplanung?",
    "Was beschloss der Rat zur Quartiersentwicklung?",
    "Wie viel Eigenmittel stellt die Stadt für Quartiersarbeit bereit?",
    "Welche Stadtteile liegen über dem städtischen Durchschnitt der SGB-II-Quote?",
    "Wie hoch ist die Jugendarbeitslosigkeit in der Bruchheide?",
    "Gibt es Sprachförderangebote für neu zugewanderte Kinder?",
    "Wie lange dauert der Förderzeitraum?",
    "Welche Kosten sind im Förderaufruf nicht förderfähig?",
    "Welche Rolle spielt die Bürgerbeteiligung im Handlungskonzept?",
    "Wie viele Kinder leben in Bedarfsgemeinschaften?",
    "Welcher Stadtteil hat den geringsten Handlungsbedarf?",
    "Wie hoch ist die Wohnfläche je Person in Eichwald?",
    "Welche Angebote gibt es für Geflüchtete im Bahnhofsviertel?",
    "Wie hat sich die Zahl der Pflegebedürftigen entwickelt?",
    "Wo fehlen Spiel- und Aufenthaltsflächen?",
    "Wie werden die Indikatoren zum Sozialindex gewichtet?",
    "Welche Datenquellen nutzt der Sozialbericht?",
    "Wann erscheint der nächste Sozialbericht?",
    "Wie hoch ist die Kinderarmut in Schlägelheide im Vergleich zu 2019?",
    "Welche Projekte wurden im Wiesental gefördert?",
    "Was ist die Aufgabe des Quartiersmanagements?",
    "Sozialindex Rangfolge Stadtteile 2023",
    "SGB II Quote Holtkamp 2021",
    "Kita Ausbau Sonnenberg",
    "Förderaufruf Starke Quartiere Frist",
    "Einwohnerentwicklung Kirchrade",
    "Altersarmut Lindenhöhe",
    "Wohngeld Alleinerziehende",
    "Sprachentwicklung Kinder Schuleingang",
    "Leerstand Einzelhandel Altstadt",
    "Integrationsagentur Jugendmigrationsdienst",
]

_TEMPLATES = [
    "Wie hoch war die SGB-II-Quote in {area} im Jahr {year}?",
    "Wie viele Einwohnerinnen und Einwohner hatte {area} {year}?",
    "Welche Handlungsbedarfe gibt es in {area}?",
    "Wie hoch ist der Anteil unter 18 Jahren in {area}?",
    "Welchen Rang hat {area} im Sozialindex {year}?",
    "Wie hat sich die Arbeitslosenquote in {area} seit {year} entwickelt?",
    "Gibt es ein Quartiersbüro in {area}?",
    "Wie hoch ist der Anteil der über 65-Jährigen in {area}?",
]


def planner_questions(count: int = 100) -> list[str]:
    """A fixed, deterministic list of German planner questions (60 written, rest templated)."""
    questions = list(_FIXED_QUESTIONS)
    districts = district_names()
    rng = random.Random(11)
    while len(questions) < count:
        template = _TEMPLATES[len(questions) % len(_TEMPLATES)]
        questions.append(template.format(area=rng.choice(districts), year=rng.randint(2019, 2023)))
    return questions[:count]
