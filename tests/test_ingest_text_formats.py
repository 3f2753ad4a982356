"""Markdown, plain text and HTML loaders."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.blocks import BlockKind
from ingest.encoding import decode_bytes, detect_encoding
from ingest.formats import load_file

MARKDOWN = """---
title: Förderaufruf Soziale Teilhabe 2025
---

# 1 Ziel des Programms

Gefördert werden Projekte, die **soziale Teilhabe** in benachteiligten
Quartieren stärken. Details stehen in der [Richtlinie](https://example.org/r.pdf).

## 1.1 Fördergegenstand

- Quartiersmanagement
- Beratungsangebote für Familien
  mit kleinen Kindern
1. Erstens nummeriert

| Fördersatz | Höchstbetrag |
|---|---:|
| 80 % | 250.000 € |
| 90 % | 100.000 € |

Fristen
-------

Anträge bis zum 31. März.
"""


def test_markdown_structure(tmp_path: Path) -> None:
    path = tmp_path / "aufruf.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = load_file(path)
    assert doc.title == "Förderaufruf Soziale Teilhabe 2025"
    summary = [(b.kind.value, b.text) for b in doc.blocks]
    assert summary[:3] == [
        ("heading", "1 Ziel des Programms"),
        (
            "paragraph",
            "Gefördert werden Projekte, die soziale Teilhabe in benachteiligten Quartieren "
            "stärken. Details stehen in der Richtlinie.",
        ),
        ("heading", "1.1 Fördergegenstand"),
    ]
    items = [b.text for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [
        "Quartiersmanagement",
        "Beratungsangebote für Familien mit kleinen Kindern",
        "Erstens nummeriert",
    ]


def test_markdown_pipe_table_and_underlined_heading(tmp_path: Path) -> None:
    path = tmp_path / "aufruf.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    doc = load_file(path)
    rows = [b for b in doc.blocks if b.kind is BlockKind.TABLE_ROW]
    assert [b.text for b in rows] == [
        "Fördersatz: 80 %; Höchstbetrag: 250.000 €",
        "Fördersatz: 90 %; Höchstbetrag: 100.000 €",
    ]
    assert rows[0].heading_path == ("1 Ziel des Programms", "1.1 Fördergegenstand")
    assert rows[0].row == 2
    last = doc.blocks[-1]
    assert last.text == "Anträge bis zum 31. März."
    assert last.heading_path == ("1 Ziel des Programms", "Fristen")


def test_markdown_footnotes_leave_no_marks(tmp_path: Path) -> None:
    path = tmp_path / "bericht.md"
    path.write_text(
        "# Zeit für Familie\n\nDie Differenz liegt bei sieben Prozentpunkten "
        "(97 gegenüber 90 Prozent).[^3]\n\n[^3]: Quelle: Bildungsbericht 2016.\n",
        encoding="utf-8",
    )
    texts = [b.text for b in load_file(path).blocks if b.kind is BlockKind.PARAGRAPH]
    assert texts == [
        "Die Differenz liegt bei sieben Prozentpunkten (97 gegenüber 90 Prozent).",
        "Quelle: Bildungsbericht 2016.",
    ]


def test_text_file_in_cp1252(tmp_path: Path) -> None:
    text = (
        "1 Ausgangslage\n\nDie Sozial-\nplanung im Süden\nbeginnt 2025.\n\n"
        "• Größere Kitas\n• Mehr Personal\n\nZIELE UND MASSNAHMEN\n\nWeniger Kinderarmut."
    )
    path = tmp_path / "notiz.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    doc = load_file(path)
    summary = [(b.kind.value, b.text, b.heading_path) for b in doc.blocks]
    assert summary == [
        ("heading", "1 Ausgangslage", ()),
        ("paragraph", "Die Sozialplanung im Süden beginnt 2025.", ("1 Ausgangslage",)),
        ("list_item", "Größere Kitas", ("1 Ausgangslage",)),
        ("list_item", "Mehr Personal", ("1 Ausgangslage",)),
        ("heading", "ZIELE UND MASSNAHMEN", ()),
        ("paragraph", "Weniger Kinderarmut.", ("ZIELE UND MASSNAHMEN",)),
    ]
    assert doc.title == "notiz"  # a numbered heading names a section, not the document


def test_text_file_with_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("Größe und Süd.".encode("utf-8-sig"))
    assert load_file(path).blocks[0].text == "Größe und Süd."


HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Quartier Süd – Steckbrief</title>
<style>p { color: red }</style><script>var geheim = "Skript";</script></head>
<body>
<nav><a href="/">Startseite</a> <a href="/kontakt">Kontakt</a></nav>
<h1>Quartier Süd</h1>
<p>Im Quartier leben 4.200 Menschen.</p>
<h2>Angebote</h2>
<ul><li>Familienzentrum<ul><li>Elterncafé</li></ul></li><li>Jugendtreff</li></ul>
<table>
<tr><th>Angebot</th><th>Träger</th></tr>
<tr><td>Familienzentrum</td><td>Caritas</td></tr>
</table>
</body></html>"""


def test_html_blocks_without_navigation_and_scripts(tmp_path: Path) -> None:
    path = tmp_path / "sued.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load_file(path)
    assert doc.title == "Quartier Süd – Steckbrief"
    summary = [(b.kind.value, b.text) for b in doc.blocks]
    assert summary == [
        ("heading", "Quartier Süd"),
        ("paragraph", "Im Quartier leben 4.200 Menschen."),
        ("heading", "Angebote"),
        ("list_item", "Familienzentrum"),
        ("list_item", "Elterncafé"),
        ("list_item", "Jugendtreff"),
        ("table_row", "Angebot: Familienzentrum; Träger: Caritas"),
    ]
    assert doc.blocks[-1].heading_path == ("Quartier Süd", "Angebote")
    assert doc.blocks[-1].table_header == "Angebot | Träger"


def test_html_text_in_bare_divs_is_kept(tmp_path: Path) -> None:
    page = (
        "<html><body><div><div>Sprechzeiten: dienstags 9–12 Uhr</div>"
        "<p>Beratung für Familien.</p></div><div>Telefon 0123 4567</div></body></html>"
    )
    path = tmp_path / "kontakt.htm"
    path.write_bytes(page.encode("cp1252"))
    doc = load_file(path)
    assert [b.text for b in doc.blocks] == [
        "Sprechzeiten: dienstags 9–12 Uhr",
        "Beratung für Familien.",
        "Telefon 0123 4567",
    ]
    assert doc.title == "kontakt"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Größe".encode(), "utf-8"),
        ("Größe".encode("utf-8-sig"), "utf-8-sig"),
        ("Größe – Süd".encode("cp1252"), "cp1252"),
        (b"Gr\xf6\xdfe \x81", "latin-1"),  # 0x81 is undefined in cp1252
        ("Größe".encode("utf-16"), "utf-16"),
    ],
)
def test_detect_encoding(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding
    assert decode_bytes(data).startswith("Größe")
