"""Two people, two browsers, one workspace: a comment with „@bernd“ written by Anna
(Bearbeitung) is seen by Bernd (Lesen) on the same draft section.

Like test_browser_flow.py: skipped when Chromium or Playwright are missing, unless
PLANWERK_BROWSER_TEST=required, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.access.roles import Role
from assistant.documents.uploads import ingest_upload
from assistant.drafting.outlines import list_outlines
from assistant.drafting.service import DraftingService
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from assistant.services import Services
from assistant.workspace.accounts import Accounts
from assistant.workspace.workspaces import Workspaces
from eval.ui_browser import VIEWPORT, launch_chromium, missing_prerequisites, running_app
from eval.ui_browser import wait_idle as idle
from tests.corpus import write_report_pdf
from tests.fixtures_files import write_csv

PASSWORD = "geheim-genug-123"
WORKSPACE = "lindwerden"
COMMENT = "@bernd bitte die SGB-II-Quote im Hafenviertel prüfen"

_missing = missing_prerequisites()
if _missing and os.environ.get("PLANWERK_BROWSER_TEST") != "required":
    pytest.skip(f"Browser-Test übersprungen: {_missing}", allow_module_level=True)


def _seed(data_dir: Path, tmp: Path) -> str:
    """Accounts, the workspace with a report and a table, and one draft; returns the
    title of the draft's first section."""
    settings = Settings(data_dir=data_dir, workspace=WORKSPACE, database_url="", auth=True)
    engine = engine_for(settings)
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
    services = Services(settings)
    try:
        report = write_report_pdf(tmp / "Sozialbericht.pdf").read_bytes()
        ingest_upload(settings, services.pipeline, "Sozialbericht.pdf", report)
        rows = [
            ["Stadtteil", "SGB-II-Quote (%)", "Einwohner"],
            ["Hafenviertel", "24,7", "10318"],
            ["Nordfeld", "8,1", "9000"],
            ["Altstadt", "11,6", "7791"],
        ]
        table = write_csv(tmp / "kennzahlen_2023.csv", rows, encoding="utf-8").read_bytes()
        ingest_upload(settings, services.pipeline, "kennzahlen_2023.csv", table)
        outline = list_outlines()[0]
        anna = services.policy(accounts.principal("anna"))
        DraftingService(services, guard=anna).create_draft(
            "Hafenviertel", outline.id, "IHK Hafenviertel"
        )
    finally:
        services.close()
    return outline.sections[0].title


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    assert not _missing, _missing
    root = tmp_path_factory.mktemp("two_users")
    data_dir = root / "index"
    data_dir.mkdir()
    # running_app points PLANWERK_CONFIG at this file: login on, the team's workspace.
    (data_dir / "absent-planwerk.toml").write_text(
        f'auth = true\nworkspace = "{WORKSPACE}"\n', encoding="utf-8"
    )
    section = _seed(data_dir, root)
    with running_app(data_dir) as url:
        yield url, section


def _login(browser, url: str, username: str):  # type: ignore[no-untyped-def]
    """A page in its own browser context (own cookies, own Streamlit session)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_text("Angemeldet:")).to_be_visible(timeout=60_000)
    idle(page, 60_000)
    return page


def _open_section(page, section: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Entwürfe").click()
    idle(page, 60_000)
    expect(page.get_by_role("heading", name="IHK Hafenviertel")).to_be_visible(timeout=30_000)
    page.locator("summary").filter(has_text=f"1 {section}").first.click()
    idle(page)


def test_comment_with_mention_is_seen_by_the_other_user(app: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, section = app
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            anna = _login(browser, url, "anna")
            expect(anna.get_by_text("Rolle: Bearbeitung")).to_be_visible()
            _open_section(anna, section)
            box = anna.get_by_role("textbox", name="Kommentar schreiben").first
            box.fill(COMMENT)
            anna.get_by_role("button", name="Kommentar speichern").first.click()
            idle(anna)
            expect(anna.get_by_text(COMMENT)).to_be_visible(timeout=30_000)

            bernd = _login(browser, url, "bernd")
            expect(bernd.get_by_text("Rolle: Lesen")).to_be_visible()
            _open_section(bernd, section)
            expect(bernd.get_by_text(COMMENT)).to_be_visible(timeout=30_000)
            expect(bernd.get_by_text(re.compile(r"^Anna Beispiel · "))).to_be_visible()
            # A reader cannot edit: the section's controls are disabled.
            expect(bernd.get_by_role("button", name="Speichern", exact=True).first).to_be_disabled()
        finally:
            browser.close()
