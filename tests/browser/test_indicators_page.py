"""The Indikatoren page in a real browser, on the demo town's indicator tables.

Checks what a planner sees: the bars in the order of the rank table, figures in German
format, a time series with lines, and the map of the demo town's Stadtteile (shipped with
the sample) drawn and coloured without any upload.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from eval.ui_browser import app_with_uploads, launch_chromium, missing_prerequisites, open_app
from eval.ui_browser import wait_idle as idle

DEMO = Path(__file__).resolve().parents[2] / "data" / "sample" / "generated"
TABLES = (
    "Kennzahlen_Stadtteile.csv",
    "Indikatoren_Stadtteile_2019-2023.csv",
    "Sozialmonitoring_2019-2023.xlsx",
)
if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

GERMAN_PERCENT = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)? %$")

_missing = missing_prerequisites()
if _missing and os.environ.get("PLANWERK_BROWSER_TEST") != "required":
    pytest.skip(f"Browser-Test übersprungen: {_missing}", allow_module_level=True)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert not _missing, _missing
    data_dir = tmp_path_factory.mktemp("indikatoren") / "index"
    with app_with_uploads(data_dir, {n: (DEMO / n).read_bytes() for n in TABLES}) as url:
        yield url


def _cells(page: Page, columns: int) -> list[list[str]]:
    """The rows of the first data grid in view (its accessible cells, row by row)."""
    grid = page.get_by_test_id("stDataFrame").locator("visible=true").first
    grid.locator("[role=gridcell]").first.wait_for(state="attached")
    texts = grid.locator("[role=gridcell]").all_inner_texts()
    return [texts[i : i + columns] for i in range(0, len(texts), columns)]


def _axis_labels(chart: Locator) -> list[str]:
    """The y-axis labels of a Vega chart, top to bottom."""
    labels = chart.locator("g.role-axis-label text")
    boxes = [
        (labels.nth(i).bounding_box(), labels.nth(i).text_content() or "")
        for i in range(labels.count())
    ]
    left = min(box["x"] for box, _ in boxes if box)
    column = [(box["y"], text) for box, text in boxes if box and box["x"] < left + 150]
    return [text for _, text in sorted(column) if not re.fullmatch(r"[\d.,]+", text)]


def test_indicators_page_ranks_series_and_map(app_url: str, tmp_path: Path) -> None:
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = open_app(browser, app_url)
            page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Indikatoren").click()
            idle(page)
            dataset = page.get_by_role("combobox", name="Datensatz")
            expect(dataset).to_have_value(re.compile(r"^15 Stadtteile: Kennzahlen_Stadtteile"))

            # Rangfolge: bars in the table's order, figures in German format.
            chart = page.get_by_test_id("stVegaLiteChart").locator("visible=true").first
            expect(chart.locator("svg")).to_be_visible(timeout=20_000)
            rows = _cells(page, 4)
            assert len(rows) == 10, rows
            assert [int(r[0]) for r in rows] == sorted(int(r[0]) for r in rows)
            assert _axis_labels(chart) == [r[1] for r in rows]
            assert all(GERMAN_PERCENT.match(r[2]) for r in rows), [r[2] for r in rows]
            bar_texts = chart.locator("g.role-mark text").all_text_contents()
            assert bar_texts[: len(rows)] == [r[2] for r in rows], "value labels = table"
            assert all("nan" not in r[3] for r in rows)

            # Zeitreihe: the ranking's areas, several years, lines drawn.
            page.get_by_role("tab", name="Zeitreihe").click()
            idle(page)
            series_chart = page.get_by_test_id("stVegaLiteChart").locator("visible=true").first
            expect(series_chart.locator("g.role-mark path").first).to_be_attached()
            series = _cells(page, 4)
            assert len({r[1] for r in series}) >= 2, "at least two years"
            assert {r[0] for r in series} <= {r[1] for r in rows}
            assert all(GERMAN_PERCENT.match(r[2]) for r in series)

            # Karte: the demo town's map, coloured, without an upload.
            page.get_by_role("tab", name="Karte").click()
            idle(page)
            expect(page.get_by_text("Karte: Stadtteile_Lindwerden.geojson")).to_be_visible()
            expect(page.get_by_text("Klasse 1", exact=False).first).to_be_visible()
            deck = page.get_by_test_id("stDeckGlJsonChart").locator("visible=true").first
            expect(deck.locator("canvas").first).to_be_visible(timeout=20_000)
            page.wait_for_timeout(1500)  # the first WebGL frame
            shot = tmp_path / "karte.png"
            deck.screenshot(path=str(shot))
            rgb = np.asarray(Image.open(io.BytesIO(shot.read_bytes())).convert("RGB"), dtype=int)
            red, blue = rgb[..., 0], rgb[..., 2]
            coloured = ((red > 180) & (blue < 130) & (red - blue > 80)).mean()
            assert coloured > 0.05, "the Stadtteile are filled with class colours"
            mapped = _cells(page, 4)
            assert mapped and all(r[1] and r[2] for r in mapped), "features joined to areas"
            expect(page.get_by_text("Ohne zugeordnetes Gebiet")).to_have_count(0)
        finally:
            browser.close()
