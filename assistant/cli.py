"""The `planwerk` command.

Start-up is kept light: `planwerk --help` and argument parsing import only Typer, Rich and
the answer-style names. Everything heavy (the services, LangChain, Chroma, the embedder,
pandas, argon2, SQLAlchemy) is imported inside the command that needs it, so a command
pays only for what it uses (`tests/test_cli_startup.py` guards this).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from assistant.drafting.cli import CRITERIA_HELP, DRAFT_HELP, criteria_command, draft_command
from assistant.indicators.cli import indicators_app
from assistant.llm.styles import DEFAULT_STYLE, style_names
from assistant.workspace.cli import backup_command, restore_command, user_app, workspace_app

if TYPE_CHECKING:
    from assistant.answering.service import StreamEvent
    from assistant.models import Answer
    from assistant.platform.config import Settings
    from assistant.services import Services

# Models load from packages or local paths; a hub lookup would hang without internet.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

app = typer.Typer(
    help="Planwerk – Assistent für die strategische Sozialplanung. Beantwortet Fragen zu "
    "Planungsdokumenten mit Quellenangaben (Dokument, Seite, Tabellenzeile).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

_STATUS_STYLE = {"indexed": "green", "replaced": "cyan", "unchanged": "dim", "refused": "red"}
# Direction overrides make a name read differently from what it is („…exe.md“).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _shown(text: str) -> str:
    """A file name or a message naming one, ready for a Rich print with markup: control
    characters (escape sequences that recolour the terminal or set its title) and
    direction overrides are written out as `\\x1b`, Rich markup is escaped."""
    visible = "".join(
        repr(ch)[1:-1] if unicodedata.category(ch) == "Cc" or ch in _BIDI_CONTROLS else ch
        for ch in text
    )
    return escape(visible)


def _services() -> Services:
    from assistant.platform.config import Settings
    from assistant.services import Services

    return Services(Settings())


@app.command("ingest", help="Dateien oder Ordner einlesen und indexieren (PDF, DOCX, MD, …).")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Dateien oder Ordner", exists=True)],
) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from assistant.documents.ingestion import STATUS_LABELS, IngestStatus, expand_paths

    services = _services()
    services.pipeline.reconcile()  # sweep what an interrupted earlier run left behind
    files = list(expand_paths(paths))
    results = []
    with Progress(
        TextColumn("[bold]Einlesen[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("", total=len(files))
        for file in files:
            progress.update(task, description=_shown(file.name))

            def report(share: float, text: str, name: str = file.name) -> None:
                progress.update(task, description=_shown(f"{name}: {text}"))

            result = services.pipeline.ingest_file(file, progress=report)
            results.append(result)
            style = _STATUS_STYLE[result.status.value]
            progress.console.print(
                f"[{style}]{STATUS_LABELS[result.status]:>11}[/]  "
                f"{_shown(result.source)}: {_shown(result.message)}",
                highlight=False,
            )
            progress.advance(task)
    counts = {s: sum(r.status == s for r in results) for s in IngestStatus}
    console.print(
        f"\n{len(results)} Dateien: {counts[IngestStatus.INDEXED]} indexiert, "
        f"{counts[IngestStatus.REPLACED]} ersetzt, {counts[IngestStatus.UNCHANGED]} unverändert, "
        f"{counts[IngestStatus.REFUSED]} abgelehnt."
    )
    services.close()
    if results and counts[IngestStatus.REFUSED] == len(results):
        err.print("Keine Datei wurde eingelesen: alle wurden abgelehnt (Gründe siehe oben).")
        raise typer.Exit(1)


@app.command("ask", help="Eine Frage an die indexierten Dokumente stellen.")
def ask_command(
    question: Annotated[str, typer.Argument(help="Die Frage, z. B. „Wie hoch ist …?“")],
    as_json: Annotated[bool, typer.Option("--json", help="Antwort als JSON ausgeben")] = False,
    doc_type: Annotated[
        list[str] | None, typer.Option("--typ", help="nur Dokumenttyp (plan, funding_call, …)")
    ] = None,
    year: Annotated[list[int] | None, typer.Option("--jahr", help="nur Jahr")] = None,
    area: Annotated[list[str] | None, typer.Option("--gebiet", help="nur Stadtteil")] = None,
    source: Annotated[list[str] | None, typer.Option("--quelle", help="nur Datei")] = None,
    style: Annotated[
        str,
        typer.Option(
            "--stil", help="Antwortform: kurz | ausfuehrlich (für Neue) | stichpunkte (Beratung)"
        ),
    ] = DEFAULT_STYLE,
    thread: Annotated[
        str | None,
        typer.Option("--thread", help="Folgefrage im Gesprächsverlauf mit dieser ID"),
    ] = None,
) -> None:
    if style not in style_names():
        err.print(f"Unbekannter Stil „{style}“. Möglich: {', '.join(style_names())}.")
        raise typer.Exit(2)
    from assistant.access.threads import ThreadNotFound
    from assistant.index.filters import SearchFilters

    services = _services()
    filters = SearchFilters(
        doc_types=tuple(doc_type or ()),
        years=tuple(year or ()),
        areas=tuple(area or ()),
        sources=tuple(source or ()),
    )
    try:
        thread_id = (
            services.conversations.find(thread).id
            if thread
            else services.conversations.create(question).id
        )
    except ThreadNotFound as exc:
        err.print(f"{exc} „planwerk ask“ ohne --thread beginnt ein neues Gespräch.")
        services.close()
        raise typer.Exit(1) from None
    events = services.answers.stream(question, filters=filters, style=style, thread_id=thread_id)
    if as_json:
        answer = _final(events)
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
    else:
        if services.settings.llm.mode != "extractive":
            from assistant.llm.failures import backend_label

            label = escape(backend_label(services.settings.llm))
            console.print(f"[dim]Sprachmodell: {label}[/]", highlight=False)
        answer = _stream_answer(events)
        _print_answer(answer, services.settings)
    services.close()


def _final(events: Iterator[StreamEvent]) -> Answer:
    from assistant.answering.service import Done

    answer = None
    for event in events:
        if isinstance(event, Done):
            answer = event.answer
    assert answer is not None
    return answer


def _stream_answer(events: Iterator[StreamEvent]) -> Answer:
    """Show the model's text while it arrives; the checked answer replaces it at the end."""
    if not console.is_terminal:
        return _final(events)
    from rich.live import Live
    from rich.text import Text

    from assistant.answering.service import Done

    draft = ""
    with Live(Text(""), console=console, transient=True, vertical_overflow="visible") as live:
        for event in events:
            if isinstance(event, Done):
                return event.answer
            draft += event.text
            live.update(Text(draft, style="dim"))
    raise AssertionError("answer stream ended without an answer")


def _print_answer(answer: Answer, settings: Settings) -> None:
    if answer.asked:
        console.print(f"[dim]Verstanden als: {escape(answer.question)}[/]", highlight=False)
    if answer.notice:
        err.print(f"Hinweis: {answer.notice}", highlight=False, markup=False)
    console.print(f"[dim]Modus: {_mode_label(answer.mode)}[/]\n")
    console.print(answer.text, highlight=False, markup=False)
    if answer.citations:
        console.print("\n[bold]Quellen[/]")
        for c in answer.citations:
            heading = f" – {c.ref.section()}" if c.ref.section() else ""
            console.print(f"  [{c.n}] {c.ref.label()}{heading}", highlight=False, markup=False)
    if settings.llm.mode == "extractive":
        console.print(
            "\n[dim]Ohne Sprachmodell beantwortet. „planwerk doctor“ zeigt, wie ein Modell "
            "angebunden wird.[/]"
        )
    if answer.thread_id:
        console.print(
            f'[dim]Folgefrage: planwerk ask --thread {answer.thread_id[:8]} "…"[/]',
            highlight=False,
        )


def _mode_label(mode: str) -> str:
    if mode == "extractive":
        return "extraktiv (ohne Sprachmodell: zitierte Sätze aus den Quellen)"
    if mode == "indicators":
        return "berechnet aus Tabellen (ohne Sprachmodell: Werte der zitierten Tabellenzellen)"
    if mode == "profile":
        return "Zusammenstellung aus Kennzahlen und Dokumenten (ohne Sprachmodell)"
    return f"{mode} (Sprachmodell, Belege geprüft)"


@app.command("doctor", help="Prüfen, ob das eingestellte Sprachmodell erreichbar und nutzbar ist.")
def doctor_command(
    quick: Annotated[
        bool, typer.Option("--ohne-test", help="keine Testanfrage an das Modell senden")
    ] = False,
) -> None:
    from assistant.llm.doctor import diagnose
    from assistant.platform.config import Settings

    settings = Settings()
    console.print(f"Sprachmodell-Modus: [bold]{settings.llm.mode}[/]")
    checks = diagnose(settings.llm, probe=not quick)
    for check in checks:
        mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
        console.print(f" {mark} {escape(check.title)}", highlight=False)
        if check.fix and (not check.ok or settings.llm.mode == "extractive"):
            console.print(f"     → {check.fix}", highlight=False, markup=False)
    if not all(c.ok for c in checks):
        console.print(
            "\nSolange das Modell nicht nutzbar ist, antwortet Planwerk extraktiv (zitierte "
            "Sätze ohne Sprachmodell)."
        )
        raise typer.Exit(1)


@app.command("sources", help="Alle indexierten Dokumente auflisten.")
def sources_command(
    as_json: Annotated[bool, typer.Option("--json", help="als JSON ausgeben")] = False,
) -> None:
    from rich.table import Table

    services = _services()
    documents = services.index.documents()
    if as_json:
        sys.stdout.write(json.dumps([d.as_dict() for d in documents], ensure_ascii=False) + "\n")
    elif not documents:
        console.print("Noch keine Dokumente indexiert. Mit „planwerk ingest ORDNER“ einlesen.")
    else:
        table = Table("ID", "Datei", "Typ", "Jahr", "Seiten/Zeilen", "Abschnitte", "Hinzugefügt")
        for d in documents:
            size = d.pages if d.pages is not None else d.rows
            table.add_row(
                d.doc_id[:10],
                _shown(d.source),
                d.doc_type,
                str(d.year or "–"),
                str(size if size is not None else "–"),
                str(d.chunk_count),
                d.added_at[:10],
            )
        console.print(table)
    services.close()


@app.command("remove", help="Ein Dokument aus dem Index löschen (nach ID oder Dateiname).")
def remove_command(
    document: Annotated[str, typer.Argument(help="Dokument-ID (Anfang genügt) oder Dateiname")],
) -> None:
    services = _services()
    found = services.index.find_documents(document)
    if not found:
        err.print(
            f"Kein Dokument „{_shown(document)}“ gefunden. „planwerk sources“ listet alle.",
            highlight=False,
        )
        services.close()
        raise typer.Exit(1)
    if len(found) > 1:
        err.print(
            f"„{_shown(document)}“ passt zu {len(found)} Dokumenten; nichts gelöscht:",
            highlight=False,
        )
        for candidate in found:
            err.print(
                f"  {candidate.doc_id[:12]}  {_shown(candidate.source)}, eingelesen "
                f"{candidate.added_at[:10]}, {candidate.chunk_count} Abschnitte",
                highlight=False,
            )
        err.print("Bitte die Dokument-ID angeben: planwerk remove <ID>")
        services.close()
        raise typer.Exit(1)
    record = found[0]
    services.pipeline.remove(record.doc_id)
    console.print(
        f"Gelöscht: {_shown(record.source)} ({record.chunk_count} Abschnitte).", highlight=False
    )
    services.close()


@app.command("config", help="Die wirksamen Einstellungen anzeigen.")
def config_command() -> None:
    from assistant.platform.config import Settings

    settings = Settings()
    sys.stdout.write(settings.model_dump_json(indent=2) + "\n")


@app.command(
    "eval",
    help="Qualität messen: ein Fragenkatalog gegen Planwerk und Vergleichsverfahren "
    "(ohne Angaben: die Demo-Stadt; mit --corpus und --questions: eigene Unterlagen).",
)
def eval_command(
    as_json: Annotated[bool, typer.Option("--json", help="Kennzahlen als JSON")] = False,
    embedder: Annotated[str, typer.Option(help="use | e5 | minilm")] = "use",
    corpus: Annotated[
        Path | None, typer.Option(help="Ordner mit den Dokumenten (Standard: Demo-Stadt)")
    ] = None,
    questions: Annotated[
        Path | None, typer.Option(help="Fragenkatalog im YAML-Format von eval/questions.yaml")
    ] = None,
    split: Annotated[str, typer.Option(help="dev | test | all")] = "all",
    systems: Annotated[
        str, typer.Option(help="Verfahren, durch Komma getrennt (Standard: alle)")
    ] = "",
    report: Annotated[
        Path | None, typer.Option(help="Bericht (Markdown); Standard: eval/reports/…")
    ] = None,
) -> None:
    from eval.__main__ import main as eval_main

    argv = ["--embedder", embedder, "--split", split]
    argv += ["--json"] if as_json else []
    argv += ["--corpus", str(corpus)] if corpus else []
    argv += ["--questions", str(questions)] if questions else []
    argv += ["--systems", systems] if systems else []
    argv += ["--report", str(report)] if report else []
    for path, what in ((corpus, "Der Ordner"), (questions, "Der Fragenkatalog")):
        if path is not None and not path.exists():
            sys.stderr.write(f"{what} „{path}“ existiert nicht.\n")
            raise typer.Exit(2)
    raise typer.Exit(eval_main(argv))


def app_script() -> Path:
    """The Streamlit app; its settings lie beside it (`ui/.streamlit/config.toml`), so
    Streamlit finds them from any working directory."""
    return Path(__file__).resolve().parent.parent / "ui" / "app.py"


@app.command("serve", help="Die Weboberfläche starten (Streamlit).")
def serve_command(
    port: Annotated[int, typer.Option(help="Port")] = 8501,
) -> None:
    command = [
        sys.executable, "-m", "streamlit", "run", str(app_script()),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    raise typer.Exit(subprocess.call(command))


app.add_typer(indicators_app, name="indicators")
app.command("draft", help=DRAFT_HELP)(draft_command)
app.command("criteria", help=CRITERIA_HELP)(criteria_command)
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.command("backup")(backup_command)
app.command("restore")(restore_command)

if __name__ == "__main__":
    app()
