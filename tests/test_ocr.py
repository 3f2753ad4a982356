"""Scanned documents: text recognition finds the same facts on the same pages.

Scans are made from the demo PDFs (pages rendered at 150 dpi, no text layer; one copy
turned by 90°). The demo questions whose gold pages lie in those PDFs are asked against the
scans and against the text PDFs: the answers must name the same facts on the same pages for
at least 90 % of the questions the text PDFs answer.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.services import Services
from eval.dataset import load_questions
from eval.harness import evaluate
from eval.metrics import facts_answered
from ingest import ocr
from ingest.formats import load_file
from tests.scans import DEMO, mixed_copy, scanned_copy

pytestmark = pytest.mark.skipif(ocr.unavailable() is not None, reason=str(ocr.unavailable()))

SCANNED = ("Kita_Jugendhilfeplanung_Auszug_2024.pdf", "Foerderaufruf_Starke_Quartiere_2025.pdf")


@pytest.fixture(autouse=True)
def fresh_ocr_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run recognises for real: no page is taken from an earlier run's cache."""
    monkeypatch.setenv("PLANWERK_OCR_CACHE", str(tmp_path / "ocr-cache"))


def _questions() -> list:
    return [
        q
        for q in load_questions()
        if q.answerable and q.gold and all(g.source in SCANNED and g.page for g in q.gold)
    ]


def _passed(corpus: Path, work: Path, questions: list) -> dict[str, bool]:
    report = evaluate(corpus=corpus, work_dir=work, questions=questions, systems=["planwerk"])
    results = report["planwerk"].results
    return {r.question.id: _same_facts_and_page(r) for r in results}


def _same_facts_and_page(result: Any) -> bool:
    question = result.question
    pages = {(g.source, g.page) for g in question.gold}
    cited = any((c.ref.source, c.ref.page) in pages for c in result.answer.citations)
    return facts_answered(result.answer, question.answer_facts) and cited


def test_scans_answer_the_demo_questions_like_the_text_pdfs(tmp_path: Path) -> None:
    questions = _questions()
    assert len(questions) >= 10
    text, scans = tmp_path / "text", tmp_path / "scans"
    text.mkdir()
    for name in SCANNED:
        shutil.copy(DEMO / name, text / name)
        scanned_copy(DEMO / name, scans / name, turn=90 if name.startswith("Kita") else 0)
    with_text = _passed(text, tmp_path / "work-text", questions)
    with_scans = _passed(scans, tmp_path / "work-scans", questions)
    answered = [q for q, ok in with_text.items() if ok]
    kept = [q for q in answered if with_scans[q]]
    assert len(kept) >= 0.9 * len(answered), sorted(set(answered) - set(kept))


def test_a_mixed_pdf_cites_the_right_pages_and_flags_recognised_text(tmp_path: Path) -> None:
    mixed = mixed_copy(DEMO / SCANNED[1], tmp_path / "aufruf_gemischt.pdf", {2, 5})
    document = load_file(mixed)
    assert any("Seiten 2, 5 per Texterkennung" in w for w in document.warnings)
    by_page = {}
    for block in document.blocks:
        by_page.setdefault(block.page, []).append(block)
    assert all(b.ocr for b in by_page[2] + by_page[5])
    assert not any(b.ocr for p in (1, 3, 4, 6) for b in by_page[p])
    text_blocks = load_file(DEMO / SCANNED[1]).blocks
    original = " ".join(b.text for b in text_blocks if b.page == 5)
    recognised = " ".join(b.text for b in by_page[5])
    # The recognised page holds the words of the original page 5 (umlauts and figures too).
    words = [w for w in original.split() if len(w) > 6][:40]
    assert sum(w in recognised for w in words) >= 0.8 * len(words)


def test_an_image_upload_is_read_and_an_image_without_text_refused(tmp_path: Path) -> None:
    from PIL import Image

    page = scanned_copy(DEMO / SCANNED[0], tmp_path / "kita.pdf")
    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(str(page))[1].render(scale=1).to_pil()
    image.save(tmp_path / "seite2.png")
    document = load_file(tmp_path / "seite2.png")
    assert document.format == "image" and document.page_count == 1
    assert "Versorgungsziele" in " ".join(b.text for b in document.blocks)
    Image.new("L", (800, 600), 255).save(tmp_path / "leer.png")
    with pytest.raises(Exception, match="kein Text"):
        load_file(tmp_path / "leer.png")


def test_ingest_reports_each_recognised_page(services: Services, tmp_path: Path) -> None:
    mixed = mixed_copy(DEMO / SCANNED[1], tmp_path / "aufruf_gemischt.pdf", {2, 5})
    seen: list[str] = []
    result = services.pipeline.ingest_file(mixed, progress=lambda share, text: seen.append(text))
    assert "Texterkennung (OCR) gelesen" in result.message
    pages = [t for t in seen if t.startswith("Texterkennung: Seite")]
    assert pages == ["Texterkennung: Seite 1 von 2", "Texterkennung: Seite 2 von 2"]
