"""Login in the Streamlit app (`PLANWERK_AUTH=true`), driven by Streamlit's AppTest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.access.roles import Role
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.workspace.accounts import Accounts
from assistant.workspace.workspaces import Workspaces

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")
PASSWORD = "geheim-genug-123"
WORKSPACE = "lindwerden"


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Auth on; „anna“ (Bearbeitung) and „bernd“ (Lesen) in the workspace „lindwerden“."""
    for key in list(os.environ):
        if key.startswith("PLANWERK_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PLANWERK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("PLANWERK_DATA_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("PLANWERK_AUTH", "true")
    engine = engine_for(Settings())
    accounts = Accounts(engine)
    accounts.create_first_admin("admin", PASSWORD)
    admin = accounts.principal("admin")
    workspaces = Workspaces(engine)
    workspaces.create(admin, WORKSPACE, "Lindwerden")
    for name, label, role in (
        ("anna", "Anna Beispiel", Role.BEARBEITUNG),
        ("bernd", "Bernd Leser", Role.LESEN),
    ):
        accounts.create_user(admin, name, PASSWORD, display_name=label)
        workspaces.grant(admin, name, WORKSPACE, role)
    return tmp_path / "index"


def login(username: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="auth.username").input(username)
    at.text_input(key="auth.password").input(password)
    next(b for b in at.button if b.label == "Anmelden").click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("info", "success", "warning", "error"):
        parts += [str(e.value) for e in at.get(kind)]
    return "\n".join(parts)


def test_login_form_is_shown_first(team: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Planwerk – Anmeldung"
    assert at.text_input(key="auth.username").label == "Benutzername"
    assert at.text_input(key="auth.password").label == "Passwort"
    assert not at.chat_input  # nothing of the app before login


def test_failed_login_shows_german_message(team: Path) -> None:
    at = login("anna", "falsches-passwort")
    assert "Benutzername oder Passwort ist falsch." in [e.value for e in at.error]
    assert at.title[0].value == "Planwerk – Anmeldung"


def test_login_shows_user_workspace_and_logout(team: Path) -> None:
    at = login("anna")
    shown = texts(at)
    assert "Anna Beispiel" in shown
    assert "Rolle: Bearbeitung" in shown
    assert at.selectbox(key="auth.workspace_select").value == WORKSPACE
    next(b for b in at.button if b.label == "Abmelden").click().run()
    assert at.title[0].value == "Planwerk – Anmeldung"


def test_reader_sees_upload_disabled(team: Path) -> None:
    at = login("bernd")
    at.switch_page("views/documents.py").run()
    assert not at.exception, at.exception
    upload = next(b for b in at.button if b.label == "Hochladen und einlesen")
    assert upload.disabled
    assert any("Rolle „Lesen“" in str(i.value) for i in at.info)


def test_editor_may_upload(team: Path) -> None:
    at = login("anna")
    at.switch_page("views/documents.py").run()
    assert not at.exception, at.exception
    upload = next(b for b in at.button if b.label == "Hochladen und einlesen")
    assert not upload.disabled


def _thread_buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button if b.key and b.key.startswith("thread-")]


def test_a_private_conversation_is_hidden_from_the_others(team: Path) -> None:
    anna = login("anna")
    anna.chat_input[0].set_value("Wie hoch ist die SGB-II-Quote?").run()
    assert not anna.exception, anna.exception
    assert len(_thread_buttons(anna)) == 1
    bernd = login("bernd")
    assert len(_thread_buttons(bernd)) == 1, "a new conversation is shared by default"

    toggle = next(t for t in anna.toggle if t.label.startswith("Privat"))
    assert toggle.value is False
    toggle.set_value(True).run()
    assert not anna.exception, anna.exception
    assert len(_thread_buttons(anna)) == 1, "the author keeps seeing it"
    bernd = login("bernd")
    assert _thread_buttons(bernd) == []
    assert not [t for t in bernd.toggle if t.label.startswith("Privat")]


def test_private_by_default_when_configured(team: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWERK_PRIVATE_THREADS", "true")
    anna = login("anna")
    anna.chat_input[0].set_value("Welche Quartiere sind belastet?").run()
    assert not anna.exception, anna.exception
    assert next(t for t in anna.toggle if t.label.startswith("Privat")).value is True
    assert _thread_buttons(login("bernd")) == []
