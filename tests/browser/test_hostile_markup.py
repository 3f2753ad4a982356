"""Documents with hostile markup render no remote content, in a real browser.

A TXT, an HTML and a DOCX document (its title too) carry Markdown images, raw <img> tags
and links to a server on 127.0.0.1 that counts every request. A planner asks about them,
reads the answer and opens the cited source; with a language model configured, the model
writes an image and a web address into its answer. The browser must not fetch anything
from that server (no image, no prefetch), and the markup must show as text.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from eval.ui_browser import (
    app_with_uploads,
    ask,
    free_port,
    launch_chromium,
    missing_prerequisites,
    open_app,
)
from eval.ui_browser import wait_idle as idle
from tests.llm_servers import Behaviour, OpenAIServer

_missing = missing_prerequisites()
if _missing and os.environ.get("PLANWERK_BROWSER_TEST") != "required":
    pytest.skip(f"Browser-Test übersprungen: {_missing}", allow_module_level=True)


class _Counter(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def trap() -> Iterator[str]:
    """A local server standing in for a remote host; its requests are counted."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, trap: str) -> Iterator[str]:
    assert not _missing, _missing
    notes = (
        "Protokoll der Quartiersrunde\n\n"
        f"Die Sprechstunde im Quartiersbüro Ostpark findet dienstags statt ![Foto]({trap}/md.png) "
        f'und ist <img src="{trap}/raw.png"> barrierefrei erreichbar. '
        f"Anmeldung unter [Formular]({trap}/link).\n"
    )
    page = (
        "<html><head><title>Stadtteilzeitung</title></head><body><h1>Stadtteilzeitung</h1>"
        "<p>Das Familienzentrum Ostpark bietet jeden Mittwoch eine Elternberatung an "
        f"![Logo]({trap}/html-md.png) &lt;img src=&quot;{trap}/escaped.png&quot;&gt;.</p>"
        "</body></html>"
    )
    uploads = {
        "Protokoll_Ostpark.txt": notes.encode("utf-8"),
        "Stadtteilzeitung.html": page.encode("utf-8"),
        "Beirat_Ostpark.docx": _hostile_docx(trap),
    }
    with app_with_uploads(tmp_path_factory.mktemp("markup") / "index", uploads) as url:
        yield url


def _hostile_docx(trap: str) -> bytes:
    """A Word file whose title and text carry image syntax pointing at `trap`."""
    import docx

    document = docx.Document()
    document.core_properties.title = f"Seniorenbeirat ![Logo]({trap}/docx-title.png)"
    document.add_heading("Seniorenbeirat Ostpark", level=1)
    document.add_paragraph(
        f"Der Seniorenbeirat Ostpark tagt im Bürgerhaus ![Plan]({trap}/docx-md.png) "
        f'<img src="{trap}/docx-raw.png"> am Marktplatz.'
    )
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


@pytest.fixture(scope="module")
def model(trap: str) -> Iterator[OpenAIServer]:
    """An OpenAI-compatible server whose model writes an image and an address that are in
    no source into an otherwise sound answer."""
    reply = (
        "Die Sprechstunde im Quartiersbüro Ostpark findet dienstags statt [1]. "
        f"![Karte]({trap}/model.png) Mehr unter {trap}/model-link [1]."
    )
    with OpenAIServer(Behaviour(replies=[reply])) as server:
        yield server


@pytest.fixture(scope="module")
def model_app_url(
    tmp_path_factory: pytest.TempPathFactory, trap: str, model: OpenAIServer
) -> Iterator[str]:
    notes = (
        "Protokoll der Quartiersrunde\n\n"
        "Die Sprechstunde im Quartiersbüro Ostpark findet dienstags statt.\n"
    )
    env = {
        "PLANWERK_LLM__MODE": "openai",
        "PLANWERK_LLM__MODEL": "test-modell",
        "PLANWERK_LLM__BASE_URL": f"{model.url}/v1",
        "OPENAI_API_KEY": "test",
    }
    uploads = {"Protokoll_Ostpark.txt": notes.encode("utf-8")}
    with app_with_uploads(tmp_path_factory.mktemp("model") / "index", uploads, env) as url:
        yield url


def test_answers_and_sources_fetch_nothing_remote(app_url: str, trap: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    port = trap.rsplit(":", 1)[1]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = open_app(browser, app_url)
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url) if f":{port}/" in r.url else None)
            for question, word in (
                ("Wann findet die Sprechstunde im Quartiersbüro Ostpark statt?", "dienstags"),
                ("Wann bietet das Familienzentrum Ostpark eine Elternberatung an?", "Mittwoch"),
                ("Wo tagt der Seniorenbeirat Ostpark?", "Bürgerhaus"),
            ):
                ask(page, question)
                answer = page.get_by_test_id("stChatMessage").last
                expect(answer).to_contain_text(word, timeout=30_000)
                idle(page)
                page.get_by_role("button", name=re.compile(r"^\[1\] ")).last.click()
                dialog = page.get_by_role("dialog")
                expect(dialog).to_contain_text(word)
                idle(page)
                # The markup is shown as text: the image syntax is visible, no <img> to it.
                expect(page.locator(f"img[src*=':{port}']")).to_have_count(0)
                expect(page.locator(f"a[href*=':{port}']")).to_have_count(0)
                page.keyboard.press("Escape")
                expect(page.get_by_role("dialog")).to_have_count(0)
            page.wait_for_timeout(500)
            assert requested == [], requested
            assert _Counter.hits == [], _Counter.hits
        finally:
            browser.close()


def test_a_model_answer_with_an_image_address_fetches_nothing(
    model_app_url: str, trap: str, model: OpenAIServer
) -> None:
    """The model's image and address are in no source: neither the streamed draft nor the
    checked answer loads or links them, and the checked answer drops them."""
    from playwright.sync_api import expect, sync_playwright

    port = trap.rsplit(":", 1)[1]
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = open_app(browser, model_app_url)
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url) if f":{port}/" in r.url else None)
            ask(page, "Wann findet die Sprechstunde im Quartiersbüro Ostpark statt?")
            answer = page.get_by_test_id("stChatMessage").last
            expect(answer).to_contain_text("dienstags", timeout=60_000)
            idle(page)
            assert model.chats(), "the answer did not come from the model"
            expect(answer).not_to_contain_text("model.png")
            expect(answer).not_to_contain_text("model-link")
            expect(page.locator(f"img[src*=':{port}']")).to_have_count(0)
            expect(page.locator(f"a[href*=':{port}']")).to_have_count(0)
            page.wait_for_timeout(500)
            assert requested == [], requested
            assert _Counter.hits == [], _Counter.hits
        finally:
            browser.close()
