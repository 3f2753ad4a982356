"""`planwerk draft` and `planwerk criteria` (registered by assistant/cli.py).

app.command("draft", help=DRAFT_HELP)(draft_command)
app.command("criteria", help=CRITERIA_HELP)(criteria_command)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from assistant.platform.config import Settings

if TYPE_CHECKING:  # imported where used: `planwerk --help` stays fast
    from assistant.drafting.check import CheckResult
    from assistant.drafting.document import DraftDocument
    from assistant.services import Services

DRAFT_HELP = (
    "Einen IHK-Entwurf für ein Quartier nach einer Gliederung schreiben "
    "(DOCX oder Markdown, jede Zahl mit Quelle)."
)
CRITERIA_HELP = (
    "Die Anforderungen eines Förderaufrufs als Checkliste ausgeben und optional einen "
    "Entwurf dagegen prüfen (erfüllt / teilweise / fehlt)."
)
_STATUS_STYLE = {"erfüllt": "green", "teilweise": "yellow", "fehlt": "red", "Hinweis": "blue"}

console = Console()
err = Console(stderr=True)


def draft_command(
    quartier: Annotated[
        str, typer.Option("--quartier", help="Quartier / Stadtteil (Name oder Nummer)")
    ],
    out: Annotated[Path, typer.Option("--out", help="Zieldatei: .docx oder .md")],
    outline: Annotated[
        str,
        typer.Option(
            "--outline", help="Gliederung, z. B. ihk_allgemein oder starke_quartiere_2025"
        ),
    ] = "ihk_allgemein",
    title: Annotated[str, typer.Option("--titel", help="Titel des Entwurfs")] = "",
    extractive: Annotated[
        bool,
        typer.Option(
            "--extraktiv", help="ohne Sprachmodell schreiben, auch wenn eines eingestellt ist"
        ),
    ] = False,
    save: Annotated[
        bool, typer.Option("--speichern", help="den Entwurf zusätzlich in Planwerk speichern")
    ] = False,
    call: Annotated[
        Path | None,
        typer.Option("--aufruf", help="Förderaufruf: Prüfung als Anhang in den Entwurf aufnehmen"),
    ] = None,
) -> None:
    from assistant.drafting.export import export
    from assistant.drafting.service import DraftingError, DraftingService
    from assistant.platform.config import Settings
    from assistant.services import Services

    if out.suffix.lower() not in (".docx", ".md", ".markdown"):
        err.print("Bitte als Zieldatei eine .docx- oder .md-Datei angeben (--out entwurf.docx).")
        raise typer.Exit(2)
    services = Services(Settings())
    try:
        drafting = DraftingService(services)
        with console.status("Entwurf wird geschrieben …"):
            document = drafting.write_document(quartier, outline, title, extractive=extractive)
        check = _check_document(services, document, call) if call is not None else None
        out.parent.mkdir(parents=True, exist_ok=True)
        export(document, out, check)
        if save:
            info = drafting.save_document(document)
            console.print(f"In Planwerk gespeichert als Entwurf Nr. {info.id}.")
    except DraftingError as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except OSError as error:
        err.print(f"Die Datei „{out}“ konnte nicht geschrieben werden: {error.strerror or error}")
        raise typer.Exit(1) from None
    finally:
        services.close()
    open_items = len(document.open_items())
    modes = {s.details.get("mode", "extractive") for s in document.sections}
    console.print(
        f"Entwurf „{escape(document.title)}“ geschrieben: {out} "
        f"({len(document.sections)} Abschnitte, {open_items} Stellen „[Ergänzen: …]“, "
        f"Modus: {', '.join(sorted(modes))})."
    )
    notices = [s for s in document.sections if s.details.get("notice")]
    for section in notices:
        err.print(f"Hinweis zu „{section.title}“: {section.details['notice']}", markup=False)


def criteria_command(
    call_document: Annotated[
        Path,
        typer.Argument(
            help="Förderaufruf (PDF, DOCX, Markdown) oder Name eines eingelesenen Dokuments"
        ),
    ],
    draft: Annotated[
        Path | None, typer.Option("--draft", help="Entwurf (DOCX, PDF, Markdown), der geprüft wird")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="als JSON ausgeben")] = False,
) -> None:
    from assistant.drafting.check import check_units, units_from_file
    from assistant.drafting.criteria import load_call
    from assistant.platform.config import Settings
    from ingest.errors import IngestError

    settings = Settings()
    try:
        call_path, call_name = _call_file(settings, call_document)
        checklist = load_call(call_path, call_name)
    except IngestError as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None
    if not checklist.criteria:
        err.print(
            f"In „{call_name}“ wurden keine Anforderungen erkannt. Ist das ein Förderaufruf "
            "mit Abschnitten wie „Antragsberechtigte“, „Unterlagen“ oder „Fristen“?"
        )
        raise typer.Exit(1)
    if draft is None:
        if as_json:
            rows = [
                {**c.to_json(), "status": None, "draft_citation": None} for c in checklist.criteria
            ]
            sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        else:
            _print_checklist(checklist)
        return
    try:
        title, units = units_from_file(draft)
    except IngestError as error:
        err.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None
    from assistant.index.embedders import make_embedder

    encode = make_embedder(settings.embedding).encode
    result = check_units(checklist, units, title, encode)
    if as_json:
        sys.stdout.write(json.dumps([i.to_json() for i in result.items], ensure_ascii=False) + "\n")
        return
    table = Table("Nr.", "Anforderung", "Kategorie", "Status", "Beleg im Entwurf", show_lines=False)
    for item in result.items:
        style = _STATUS_STYLE[item.status]
        table.add_row(
            item.criterion.id,
            escape(item.criterion.text),
            item.criterion.category_label,
            f"[{style}]{item.status}[/]",
            escape(item.draft_location or "–"),
        )
    console.print(table)
    console.print(f"\n{result.summary()}")


def _call_file(settings: Settings, given: Path) -> tuple[Path, str]:
    """The call as a file: a path, or an ingested document named by file name or id."""
    if given.is_file():
        return given, given.name
    from assistant.documents.document_actions import source_file
    from assistant.index.document_index import DocumentIndex
    from ingest.errors import IngestError

    index = DocumentIndex(settings)
    try:
        found = index.find_documents(str(given))
        record = found[0] if found else None  # the same call under one name: any copy
        path = source_file(settings, index, record.doc_id) if record is not None else None
    finally:
        index.close()
    if record is None or path is None:
        raise IngestError(
            f"Den Förderaufruf „{given}“ gibt es weder als Datei noch unter den eingelesenen "
            "Dokumenten. Bitte den Pfad zur Datei angeben."
        )
    return path, record.source


def _check_document(services: Services, document: DraftDocument, call: Path) -> CheckResult:
    from assistant.drafting.check import check_units, units_from_document
    from assistant.drafting.criteria import load_call

    checklist = load_call(call)
    encode = services.embedder.encode
    units = units_from_document(document)
    return check_units(checklist, units, document.title, encode)


def _print_checklist(checklist: object) -> None:
    from assistant.drafting.criteria import CATEGORIES, CallChecklist

    assert isinstance(checklist, CallChecklist)
    console.print(f"[bold]{escape(checklist.title)}[/] – {len(checklist.criteria)} Anforderungen\n")
    for category, items in checklist.by_category().items():
        console.print(f"[bold]{CATEGORIES.get(category, category)}[/] ({len(items)})")
        for c in items:
            points = f" ({c.points} Punkte)" if c.points is not None else ""
            console.print(
                f"  {c.id} {escape(c.text)}{points} [dim]– {escape(c.citation.label())}[/]",
                highlight=False,
            )
        console.print()


def _standalone() -> typer.Typer:
    """`python -m assistant.drafting.cli draft|criteria …` before the commands are registered."""
    app = typer.Typer(add_completion=False, no_args_is_help=True)
    app.command("draft", help=DRAFT_HELP)(draft_command)
    app.command("criteria", help=CRITERIA_HELP)(criteria_command)
    return app


if __name__ == "__main__":
    _standalone()()
