"""A real browser against `streamlit run`: upload, ask, click a citation, see the source.

Runs in `make test`, which installs Debian's Chromium and Playwright first. Elsewhere the
test is skipped when they are missing, unless PLANWERK_BROWSER_TEST=required (set by the
Makefile), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.ui_browser import ask, launch_chromium, missing_prerequisites, open_app, running_app
from eval.ui_browser import wait_idle as idle
from tests.corpus import write_report_pdf

QUESTION = "Wie hoch ist die SGB-II-Quote im Hafenviertel?"

_missing = missing_prerequisites()
if _missing and os.environ.get("PLANWERK_BROWSER_TEST") != "required":
    pytest.skip(f"Browser-Test übersprungen: {_missing}", allow_module_level=True)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert not _missing, _missing
    data_dir = tmp_path_factory.mktemp("browser") / "index"
    data_dir.mkdir()
    with running_app(data_dir) as url:
        yield url


def test_upload_ask_and_open_cited_source(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    report = write_report_pdf(tmp_path / "Sozialbericht Lindenfeld.pdf")
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.4 keine echte PDF-Datei")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = open_app(browser, app_url)
            expect(page.get_by_text("Noch keine Dokumente im Index")).to_be_visible()

            # Dokumente: two files at once; the broken one is refused in German.
            page.get_by_role("link", name="Eigene Dokumente hochladen").click()
            expect(page.get_by_role("heading", name="Dateien hochladen")).to_be_visible()
            page.locator("input[type=file]").set_input_files([report, broken])
            expect(page.get_by_text("kaputt.pdf", exact=False).first).to_be_visible()
            page.get_by_role("button", name="Hochladen und einlesen").click()
            expect(page.get_by_text("2 Dateien: 1 indexiert, 1 abgelehnt.")).to_be_visible(
                timeout=60_000
            )
            refused = page.get_by_test_id("stAlert").filter(has_text="kaputt.pdf")
            expect(refused).to_contain_text("Abgelehnt")
            expect(page.get_by_text("Im Index (1 Dokumente)")).to_be_visible()

            # Chat: ask, get a cited answer, open the citation.
            page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Chat").click()
            idle(page)
            ask(page, QUESTION)
            answer = page.get_by_test_id("stChatMessage").nth(1)
            expect(answer).to_contain_text("24,7 Prozent", timeout=20_000)
            chip = page.get_by_role("button", name=re.compile(r"^\[1\] "))
            expect(chip).to_be_visible()
            chip.click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_contain_text("Zitierte Stelle")
            mark = dialog.locator("mark").first
            expect(mark).to_be_visible()
            expect(mark).to_contain_text("24,7 Prozent")
            expect(dialog.get_by_role("tab", name=re.compile("Originalseite 3"))).to_be_visible()

            # Esc closes the panel (keyboard use).
            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog")).to_have_count(0)
        finally:
            browser.close()
