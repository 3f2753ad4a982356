"""`planwerk user …`, `planwerk workspace …`, `planwerk backup` / `restore` (the sub-apps as
the main CLI registers them)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.access.audit import AuditLog
from assistant.access.roles import Role
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.workspace.accounts import Accounts
from assistant.workspace.cli import (
    backup_command,
    record_cli_action,
    restore_command,
    user_app,
    workspace_app,
)
from assistant.workspace.workspaces import Workspaces
from tests.workspace_scenarios import PASSWORD, fast_hashing  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("fast_hashing")

app = typer.Typer()
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.command("backup")(backup_command)
app.command("restore")(restore_command)


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(settings.data_dir))
    return settings


def run(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def fail(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code != 0, result.output
    return result.output


def test_first_admin_needs_env_or_prompt_and_never_a_default(cli_settings: Settings) -> None:
    assert "PLANWERK_ADMIN_USER" in fail("user", "init")  # no terminal, nothing set
    assert not Accounts(engine_for(cli_settings)).has_users()
    env = {"PLANWERK_ADMIN_USER": "admin", "PLANWERK_ADMIN_PASSWORD": "kurz"}
    assert "zu kurz" in fail("user", "init", env=env)
    env["PLANWERK_ADMIN_PASSWORD"] = PASSWORD
    assert "Administratorkonto „admin“ angelegt" in run("user", "init", env=env)
    assert "bereits Konten" in fail("user", "init", env=env)
    accounts = Accounts(engine_for(cli_settings))
    assert accounts.authenticate("admin", PASSWORD).is_admin
    # The configured workspace exists, so the data of a single-user install has a home.
    assert Workspaces(engine_for(cli_settings)).get("default") is not None


def test_users_workspaces_roles_and_knowledge_base(cli_settings: Settings) -> None:
    new_password = {"PLANWERK_NEW_PASSWORD": PASSWORD}
    run("workspace", "create", "lindwerden", "--titel", "Stadt Lindwerden")
    run("workspace", "create", "wissensbasis", "--art", "wissensbasis")
    assert "Ungültiger Name" in fail("workspace", "create", "Lind Werden")
    run("user", "create", "anna", "--name", "Anna Schmidt", env=new_password)
    run("user", "create", "sso.person", "--ohne-passwort")
    assert "Rolle „Bearbeitung“" in run("user", "grant", "anna", "lindwerden", "Bearbeitung")
    assert "Unbekannte Rolle" in fail("user", "grant", "anna", "lindwerden", "chef")
    run("workspace", "attach", "lindwerden", "wissensbasis")
    assert "keine Wissensbasis" in fail("workspace", "attach", "wissensbasis", "lindwerden")

    listing = run("workspace", "list")
    assert "lindwerden" in listing and "Wissensbasis" in listing
    assert "Bearbeitung" in run("workspace", "members", "lindwerden")
    assert "Bearbeit" in run("user", "list")
    engine = engine_for(cli_settings)
    assert Accounts(engine).principal("anna").role_in("lindwerden") is Role.BEARBEITUNG
    assert Workspaces(engine).knowledge_bases("lindwerden") == ["wissensbasis"]
    assert Accounts(engine).user("sso.person").has_password is False  # type: ignore[union-attr]

    run("user", "password", "anna", env={"PLANWERK_NEW_PASSWORD": "ein-neues-passwort"})
    Accounts(engine).authenticate("anna", "ein-neues-passwort")
    run("user", "lock", "anna")
    run("user", "revoke", "anna", "lindwerden")
    assert "keine Rolle" in fail("user", "revoke", "anna", "lindwerden")
    audit_table = run("workspace", "audit", "lindwerden")
    assert "Rolle vergeben" in audit_table and "Rolle entzogen" in audit_table
    assert {e.actor for e in AuditLog(engine).entries()} >= {"anna"}  # the login above
    assert all(e.actor.startswith(("cli:", "anna")) for e in AuditLog(engine).entries())


def test_backup_and_restore_commands(
    cli_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("workspace", "create", "lindwerden")
    archive = tmp_path / "sicherung.tar.gz"
    assert "Sicherung geschrieben" in run("backup", str(archive))
    target = tmp_path / "neu"
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(target))
    assert "wiederhergestellt" in run("restore", str(archive))
    restored = Workspaces(engine_for(Settings(data_dir=target)))
    assert [w.name for w in restored.all()] == ["lindwerden"]
    assert "nicht leer" in fail("restore", str(archive))  # refuses to overwrite
    run("restore", str(archive), "--force")


def test_command_line_changes_can_be_logged(cli_settings: Settings) -> None:
    record_cli_action(cli_settings, "upload", "bericht.pdf", chunks=12)
    [entry] = AuditLog(engine_for(cli_settings)).entries()
    assert entry.actor.startswith("cli:") and entry.workspace == "default"
    assert (entry.action, entry.target, entry.details) == ("upload", "bericht.pdf", {"chunks": 12})
