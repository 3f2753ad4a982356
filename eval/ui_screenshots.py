"""Screenshots of every page of the app, for reviews and the user guide (`make screenshots`).

Starts the app twice in headless Chromium: once with an empty data folder (onboarding),
once on a copy of the demo index, and writes PNG files to eval/reports/screenshots/.

    python -m eval.ui_screenshots [--index data/index] [--out eval/reports/screenshots]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from eval.bench_common import REPORTS, quiet_environment
from eval.ui_browser import (
    ask,
    copy_data_dir,
    launch_chromium,
    missing_prerequisites,
    open_app,
    running_app,
    wait_idle,
)

OUT = REPORTS / "screenshots"


def take(index: Path, out: Path) -> list[Path]:
    from playwright.sync_api import Page, expect, sync_playwright

    written: list[Path] = []

    def shot(page: Page, name: str, full_page: bool = True) -> None:
        wait_idle(page)
        path = out / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        written.append(path)

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            empty = Path(tmp) / "leer"
            empty.mkdir()
            with running_app(empty) as url:
                shot(open_app(browser, url), "01_chat_erster_start")

            data_dir = copy_data_dir(index, Path(tmp) / "index")
            with running_app(data_dir) as url:
                page = open_app(browser, url)
                shot(page, "02_chat_beispielfragen")
                ask(page, "Was ist eine Präventionskette?")
                expect(page.get_by_text("Als Entwurfsabschnitt übernehmen")).to_be_visible()
                shot(page, "03_chat_antwort_mit_quellen")

                # A page citation (S. n) shows the page text and the rendered PDF page.
                page.get_by_role("button", name=re.compile(r"^\[\d\] .*S\. \d+")).first.click()
                dialog = page.get_by_role("dialog")
                expect(dialog.locator("mark").first).to_be_visible()
                shot(page, "04_quelle_seitentext", full_page=False)
                tab = dialog.get_by_role("tab", name=re.compile("Originalseite"))
                if tab.count():
                    tab.click()
                    expect(dialog.get_by_role("img").first).to_be_visible()
                    page.wait_for_timeout(500)
                    shot(page, "05_quelle_pdf_seite", full_page=False)
                page.keyboard.press("Escape")
                wait_idle(page)

                # Computed from the indicator tables: the source is a table row.
                ask(page, "Wie hoch ist die SGB-II-Quote im Hafenviertel?")
                row_chip = page.get_by_role("button", name=re.compile(r"^\[\d\] .*Z\. \d+"))
                expect(row_chip.first).to_be_visible()
                row_chip.first.click()
                expect(page.get_by_role("dialog")).to_contain_text("Kopfzeile")
                page.wait_for_timeout(1000)  # the table grid draws after the dialog opens
                shot(page, "06_quelle_tabellenzeile", full_page=False)
                page.keyboard.press("Escape")

                page.get_by_text("Suche eingrenzen").first.click()
                shot(page, "07_chat_filter")

                nav = page.get_by_test_id("stSidebarNavItems")
                nav.get_by_role("link", name="Dokumente").click()
                expect(page.get_by_role("heading", name="Dateien hochladen")).to_be_visible()
                shot(page, "08_dokumente")
                nav.get_by_role("link", name="Entwürfe").click()
                expect(page.get_by_role("heading", name="Entwürfe")).to_be_visible()
                shot(page, "08b_entwuerfe")
                nav.get_by_role("link", name="Indikatoren").click()
                expect(page.get_by_role("heading", name="Indikatoren")).to_be_visible()
                shot(page, "09_indikatoren")
                nav.get_by_role("link", name="Einstellungen").click()
                page.get_by_role("button", name=re.compile("Verbindung testen")).click()
                expect(page.get_by_text("Ergebnis:")).to_be_visible()
                shot(page, "10_einstellungen_status")
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path("data/index"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    quiet_environment()
    if missing := missing_prerequisites():
        print(f"Browser fehlt: {missing}")
        return 2
    if not (args.index / "catalog.sqlite3").is_file():
        print(f"Kein Index unter {args.index}; zuerst `make demo-index`.")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for path in take(args.index, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
