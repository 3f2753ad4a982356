"""`planwerk user …`, `planwerk workspace …`, `planwerk backup` and `planwerk restore`.

Whoever runs these commands has shell access to the data directory and the database
settings, so the CLI acts as a system administrator; the audit log names the operating
system user („cli:<name>“).

The stores (SQLAlchemy, argon2, the settings) are imported inside the commands: the main
CLI builds these sub-apps for `planwerk --help` too, which must stay fast.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.access.roles import ROLE_LABELS, PermissionDenied, Principal, parse_role

if TYPE_CHECKING:
    from assistant.platform.config import Settings
    from assistant.workspace.accounts import Accounts
    from assistant.workspace.workspaces import WorkspaceKind, Workspaces

console = Console()
err = Console(stderr=True)

user_app = typer.Typer(
    help="Konten anlegen, Passwörter setzen, Rollen in Arbeitsbereichen vergeben.",
    no_args_is_help=True,
)
workspace_app = typer.Typer(
    help="Arbeitsbereiche (je Kommune oder Projekt) anlegen und die Wissensbasis anbinden.",
    no_args_is_help=True,
)

_KINDS: dict[str, WorkspaceKind] = {
    "kommune": "municipality",
    "projekt": "project",
    "wissensbasis": "knowledge_base",
}


def cli_actor() -> Principal:
    """The operator at the shell: a system administrator, named in the audit log."""
    return Principal(None, f"cli:{getpass.getuser()}", "Kommandozeile", is_admin=True)


def record_cli_action(settings: Settings, action: str, target: str = "", **details: object) -> None:
    """Log a change made from the command line (e.g. `planwerk ingest`, `planwerk remove`)
    in the audit log of the configured workspace."""
    from assistant.access.audit import AuditLog
    from assistant.platform.db import engine_for

    AuditLog(engine_for(settings)).record(
        cli_actor().username, action, settings.workspace, target, **details
    )


def _stores() -> tuple[Settings, Accounts, Workspaces]:
    from assistant.access.audit import AuditLog
    from assistant.platform.config import Settings
    from assistant.platform.db import engine_for
    from assistant.workspace.accounts import Accounts
    from assistant.workspace.workspaces import Workspaces

    settings = Settings()
    engine = engine_for(settings)
    log = AuditLog(engine)
    return settings, Accounts(engine, log), Workspaces(engine, log)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(message, highlight=False)
    return typer.Exit(code)


def _prompt_password(username: str) -> str:
    from assistant.workspace.accounts import AccountError, check_password

    while True:
        password = typer.prompt(
            f"Passwort für „{username}“", hide_input=True, confirmation_prompt="Wiederholen"
        )
        try:
            check_password(password, username)
        except AccountError as error:
            err.print(error.message)
            continue
        return password


# ---- planwerk user ---------------------------------------------------------------------


@user_app.command("init", help="Das erste Administratorkonto anlegen (nur wenn es keine gibt).")
def user_init() -> None:
    from assistant.workspace.accounts import ADMIN_PASSWORD_ENV, ADMIN_USER_ENV, AccountError

    settings, accounts, workspaces = _stores()
    if accounts.has_users():
        raise _fail(
            "Es gibt bereits Konten. Weitere legt „planwerk user create“ an.", code=1
        ) from None
    username = os.environ.get(ADMIN_USER_ENV, "").strip()
    password = os.environ.get(ADMIN_PASSWORD_ENV, "")
    if not username:
        if not _interactive():
            raise _fail(
                f"Kein Konto angelegt: bitte {ADMIN_USER_ENV} und {ADMIN_PASSWORD_ENV} setzen "
                "oder den Befehl in einem Terminal ausführen."
            )
        username = typer.prompt("Benutzername der Administratorin / des Administrators")
    if not password:
        if not _interactive():
            raise _fail(f"Kein Konto angelegt: {ADMIN_PASSWORD_ENV} ist nicht gesetzt.")
        password = _prompt_password(username)
    try:
        info = accounts.create_first_admin(username, password)
    except AccountError as error:
        raise _fail(error.message) from None
    if workspaces.get(settings.workspace) is None:
        workspaces.create(cli_actor(), settings.workspace, "Erster Arbeitsbereich")
    console.print(
        f"Administratorkonto „{info.username}“ angelegt. Arbeitsbereich: „{settings.workspace}“."
    )


@user_app.command("create", help="Ein Konto anlegen (fragt nach dem Passwort).")
def user_create(
    username: Annotated[str, typer.Argument(help="Benutzername, z. B. „anna.schmidt“")],
    name: Annotated[str, typer.Option("--name", help="Anzeigename")] = "",
    email: Annotated[str, typer.Option("--email", help="E-Mail-Adresse")] = "",
    admin: Annotated[bool, typer.Option("--admin", help="Systemadministrator")] = False,
    no_password: Annotated[
        bool, typer.Option("--ohne-passwort", help="nur Anmeldung über OIDC (Single Sign-on)")
    ] = False,
) -> None:
    from assistant.workspace.accounts import AccountError

    _, accounts, _ = _stores()
    password = None if no_password else _password_from_env_or_prompt(username)
    try:
        info = accounts.create_user(
            cli_actor(), username, password, display_name=name, email=email, is_admin=admin
        )
    except (AccountError, PermissionDenied) as error:
        raise _fail(_message(error)) from None
    console.print(f"Konto „{info.username}“ angelegt.")


@user_app.command("password", help="Ein neues Passwort setzen.")
def user_password(username: Annotated[str, typer.Argument(help="Benutzername")]) -> None:
    from assistant.workspace.accounts import AccountError

    _, accounts, _ = _stores()
    password = _password_from_env_or_prompt(username)
    try:
        accounts.set_password(cli_actor(), username, password)
    except (AccountError, PermissionDenied) as error:
        raise _fail(_message(error)) from None
    console.print(f"Passwort für „{username}“ geändert.")


@user_app.command("grant", help="Eine Rolle vergeben: admin | bearbeitung | lesen.")
def user_grant(
    username: Annotated[str, typer.Argument(help="Benutzername")],
    workspace: Annotated[str, typer.Argument(help="Arbeitsbereich")],
    role: Annotated[str, typer.Argument(help="admin | bearbeitung | lesen")],
) -> None:
    _, _, workspaces = _stores()
    try:
        parsed = parse_role(role)
        workspaces.grant(cli_actor(), username, workspace, parsed)
    except (ValueError, PermissionDenied) as error:
        raise _fail(_message(error)) from None
    console.print(f"„{username}“ hat in „{workspace}“ die Rolle „{ROLE_LABELS[parsed]}“.")


@user_app.command("revoke", help="Eine Person aus einem Arbeitsbereich entfernen.")
def user_revoke(
    username: Annotated[str, typer.Argument(help="Benutzername")],
    workspace: Annotated[str, typer.Argument(help="Arbeitsbereich")],
) -> None:
    _, _, workspaces = _stores()
    if not workspaces.revoke(cli_actor(), username, workspace):
        raise _fail(f"„{username}“ hatte in „{workspace}“ keine Rolle.")
    console.print(f"„{username}“ gehört nicht mehr zu „{workspace}“.")


@user_app.command("lock", help="Ein Konto sperren (Anmeldung nicht mehr möglich).")
def user_lock(username: Annotated[str, typer.Argument(help="Benutzername")]) -> None:
    _set_active(username, False)


@user_app.command("unlock", help="Ein gesperrtes Konto wieder freigeben.")
def user_unlock(username: Annotated[str, typer.Argument(help="Benutzername")]) -> None:
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    from assistant.workspace.accounts import AccountError

    _, accounts, _ = _stores()
    try:
        accounts.set_active(cli_actor(), username, active)
    except (AccountError, PermissionDenied) as error:
        raise _fail(_message(error)) from None
    console.print(f"Konto „{username}“ {'freigegeben' if active else 'gesperrt'}.")


@user_app.command("list", help="Alle Konten mit ihren Rollen.")
def user_list() -> None:
    _, accounts, _ = _stores()
    table = Table("Konto", "Name", "Rollen", "Status", "Letzte Anmeldung")
    for info in accounts.users():
        principal = accounts.principal(info.username) if info.active else None
        roles = (
            ", ".join(f"{w}: {ROLE_LABELS[r]}" for w, r in sorted(principal.roles.items()))
            if principal
            else ""
        )
        if info.is_admin:
            roles = "Systemadministration" + (f"; {roles}" if roles else "")
        last = info.last_login_at.strftime("%d.%m.%Y %H:%M") if info.last_login_at else "–"
        table.add_row(
            info.username, info.display_name, roles, "aktiv" if info.active else "gesperrt", last
        )
    console.print(table)


def _password_from_env_or_prompt(username: str) -> str:
    password = os.environ.get("PLANWERK_NEW_PASSWORD", "")
    if password:
        return password
    if not _interactive():
        raise _fail("Kein Passwort: im Terminal ausführen oder PLANWERK_NEW_PASSWORD setzen.")
    return _prompt_password(username)


# ---- planwerk workspace ----------------------------------------------------------------


@workspace_app.command("create", help="Einen Arbeitsbereich anlegen.")
def workspace_create(
    name: Annotated[str, typer.Argument(help="Kurzname, z. B. „lindwerden“")],
    title: Annotated[str, typer.Option("--titel", help="Anzeigename, z. B. „Stadt …“")] = "",
    kind: Annotated[
        str, typer.Option("--art", help="kommune | projekt | wissensbasis")
    ] = "kommune",
) -> None:
    from assistant.workspace.workspaces import KIND_LABELS, WorkspaceError

    _, _, workspaces = _stores()
    if kind.lower() not in _KINDS:
        raise _fail(f"Unbekannte Art „{kind}“. Möglich: {', '.join(_KINDS)}.", code=2)
    try:
        info = workspaces.create(cli_actor(), name, title, _KINDS[kind.lower()])
    except WorkspaceError as error:
        raise _fail(error.message) from None
    console.print(f"Arbeitsbereich „{info.name}“ ({KIND_LABELS[info.kind]}) angelegt.")


@workspace_app.command("list", help="Alle Arbeitsbereiche mit Mitgliedern und Wissensbasis.")
def workspace_list() -> None:
    from assistant.workspace.workspaces import KIND_LABELS

    _, _, workspaces = _stores()
    table = Table("Name", "Titel", "Art", "Mitglieder", "Angebunden")
    for info in workspaces.all():
        table.add_row(
            info.name,
            info.title,
            KIND_LABELS.get(info.kind, info.kind),
            str(len(workspaces.members(info.name))),
            ", ".join(workspaces.knowledge_bases(info.name)),
        )
    console.print(table)


@workspace_app.command("attach", help="Eine Wissensbasis an einen Arbeitsbereich binden.")
def workspace_attach(
    workspace: Annotated[str, typer.Argument(help="Arbeitsbereich (Kommune oder Projekt)")],
    knowledge_base: Annotated[str, typer.Argument(help="Wissensbasis, z. B. „wissensbasis“")],
) -> None:
    from assistant.workspace.workspaces import WorkspaceError

    _, _, workspaces = _stores()
    try:
        workspaces.attach(cli_actor(), workspace, knowledge_base)
    except WorkspaceError as error:
        raise _fail(error.message) from None
    console.print(f"„{knowledge_base}“ wird in „{workspace}“ mit durchsucht (nur lesend).")


@workspace_app.command("detach", help="Eine Wissensbasis wieder lösen.")
def workspace_detach(
    workspace: Annotated[str, typer.Argument(help="Arbeitsbereich")],
    knowledge_base: Annotated[str, typer.Argument(help="Wissensbasis")],
) -> None:
    _, _, workspaces = _stores()
    if not workspaces.detach(cli_actor(), workspace, knowledge_base):
        raise _fail(f"„{knowledge_base}“ war nicht an „{workspace}“ gebunden.")
    console.print(f"„{knowledge_base}“ ist von „{workspace}“ gelöst.")


@workspace_app.command("members", help="Mitglieder eines Arbeitsbereichs und ihre Rollen.")
def workspace_members(workspace: Annotated[str, typer.Argument(help="Arbeitsbereich")]) -> None:
    _, _, workspaces = _stores()
    table = Table("Konto", "Name", "Rolle")
    for member in workspaces.members(workspace):
        table.add_row(member.username, member.display_name, ROLE_LABELS[member.role])
    console.print(table)


@workspace_app.command("audit", help="Das Protokoll eines Arbeitsbereichs (neueste zuerst).")
def workspace_audit(
    workspace: Annotated[str, typer.Argument(help="Arbeitsbereich; „-“ für alle")],
    limit: Annotated[int, typer.Option("--anzahl", help="höchstens so viele Einträge")] = 50,
) -> None:
    from assistant.access.audit import AuditLog
    from assistant.access.models import as_utc
    from assistant.platform.config import Settings
    from assistant.platform.db import engine_for

    settings = Settings()
    log = AuditLog(engine_for(settings))
    table = Table("Zeit (UTC)", "Wer", "Was", "Bereich", "Ziel")
    for entry in log.entries(None if workspace == "-" else workspace, limit=limit):
        table.add_row(
            as_utc(entry.at).strftime("%d.%m.%Y %H:%M:%S"),
            entry.actor,
            entry.label,
            entry.workspace,
            entry.target,
        )
    console.print(table)


# ---- planwerk backup / restore ---------------------------------------------------------


def backup_command(
    target: Annotated[
        Path, typer.Argument(help="Zieldatei (.tar.gz) oder Ordner für die Sicherung")
    ],
) -> None:
    """Alle Daten sichern: Katalog, Datenbank, Vektoren, hochgeladene Dateien."""
    from assistant.access import audit
    from assistant.access.audit import AuditLog
    from assistant.operations.backup import BackupError, backup
    from assistant.platform.config import Settings
    from assistant.platform.db import engine_for

    settings = Settings()
    try:
        report = backup(settings, target)
    except BackupError as error:
        raise _fail(error.message) from None
    AuditLog(engine_for(settings)).record(
        cli_actor().username, audit.BACKUP, target=str(report.path), documents=report.documents
    )
    console.print(
        f"Sicherung geschrieben: {report.path} ({report.bytes / 1e6:.1f} MB; "
        f"{report.documents} Dokumente, {sum(report.chunks.values())} Abschnitte, "
        f"{report.uploads} hochgeladene Dateien)."
    )


def restore_command(
    archive: Annotated[Path, typer.Argument(help="Die Sicherung (.tar.gz)", exists=True)],
    force: Annotated[
        bool, typer.Option("--force", help="vorhandene Daten im Ziel überschreiben")
    ] = False,
) -> None:
    """Eine Sicherung in das eingestellte Datenverzeichnis (und die Datenbank) zurückspielen."""
    from assistant.access import audit
    from assistant.access.audit import AuditLog
    from assistant.operations.backup import BackupError, restore
    from assistant.platform.config import Settings
    from assistant.platform.db import engine_for

    settings = Settings()
    try:
        report = restore(settings, archive, force=force)
    except BackupError as error:
        raise _fail(error.message) from None
    AuditLog(engine_for(settings)).record(
        cli_actor().username, audit.RESTORE, target=str(archive), created_at=report.created_at
    )
    for warning in report.warnings:
        err.print(f"Hinweis: {warning}", highlight=False)
    console.print(
        f"Sicherung vom {report.created_at} wiederhergestellt: {report.documents} Dokumente, "
        f"{sum(report.chunks.values())} Abschnitte, {report.uploads} hochgeladene Dateien."
    )


def _interactive() -> bool:
    import sys

    return sys.stdin.isatty()


def _message(error: Exception) -> str:
    return str(getattr(error, "message", error))
