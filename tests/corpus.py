"""A small mixed-format German corpus, written by the tests into a temporary folder."""

from __future__ import annotations

from pathlib import Path

# The fact every end-to-end test looks for sits on page 3 of the report.
REPORT_PAGES = [
    (
        "1 Einleitung",
        "Der Sozialbericht beschreibt die soziale Lage in den Stadtteilen von Lindenfeld. "
        "Er dient der Sozialplanung als Grundlage für Entscheidungen des Rates.",
    ),
    (
        "2 Bevölkerung",
        "Lindenfeld hatte Ende 2023 rund 118.400 Einwohnerinnen und Einwohner. "
        "Der Anteil der unter 18-Jährigen liegt bei 17,2 Prozent.",
    ),
    (
        "3 Mindestsicherung",
        "Die SGB-II-Quote im Hafenviertel beträgt 24,7 Prozent und ist damit die höchste "
        "aller Stadtteile. Im Stadtdurchschnitt liegt sie bei 11,3 Prozent. Das "
        "Stadtteilbüro im Hafenviertel wurde 2019 nach dem Ende der Förderung geschlossen.",
    ),
    (
        "4 Wohnen",
        "Die Wohnfläche je Person ist im Villenviertel mit 52 Quadratmetern am größten. "
        "Im Hafenviertel stehen jeder Person 29 Quadratmeter zur Verfügung.",
    ),
]


def write_report_pdf(path: Path, pages: list[tuple[str, str]] = REPORT_PAGES) -> Path:
    """A text PDF with a running header and footer and one section per page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for number, (heading, body) in enumerate(pages, start=1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, "Sozialbericht 2024 – Stadt Lindenfeld")
        pdf.drawString(width - 120, 30, f"Seite {number}")
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(72, height - 90, heading)
        text = pdf.beginText(72, height - 120)
        text.setFont("Helvetica", 11)
        for line in _wrap(body, 85):
            text.textLine(line)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return path


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + len(word) + 1 > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current]


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Integriertes Handlungskonzept Hafenviertel", level=1)
    document.add_heading("Ziele", level=2)
    document.add_paragraph(
        "Das Familienzentrum am Hafen soll bis 2027 zu einem Stadtteiltreff ausgebaut werden. "
        "Dafür sind 480.000 Euro Gesamtkosten veranschlagt."
    )
    document.save(str(path))
    return path


def write_markdown(path: Path) -> Path:
    path.write_text(
        "# Protokoll der Stadtteilkonferenz\n\n"
        "## Tagesordnungspunkt 2\n\n"
        "Die Teilnehmenden wünschen sich längere Öffnungszeiten der Stadtteilbibliothek.\n",
        encoding="utf-8",
    )
    return path


def write_latin1_csv(path: Path) -> Path:
    rows = [
        "Stadtteil;Einwohner;SGB-II-Quote in %;Größe in km²",
        "Hafenviertel;9.812;24,7;2,1",
        "Süd;14.230;8,9;5,4",
        "Villenviertel;6.105;2,3;3,8",
    ]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    return path


def write_xlsx(path: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "2023"
    sheet.append(["Stadtteil", "Kinderarmut in %", "Arbeitslosenanteil in %"])
    sheet.append(["Hafenviertel", 38.5, 12.1])
    sheet.append(["Süd", 14.2, 5.3])
    workbook.save(path)
    return path


def write_encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password="geheim", owner_password="geheim")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only a drawn picture: no text layer, as after a scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for y in range(100, 700, 20):
        pdf.rect(72, y, 400, 10, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def write_mixed_folder(folder: Path) -> dict[str, Path]:
    """Good files of every format plus the bad inputs planners actually produce."""
    folder.mkdir(parents=True, exist_ok=True)
    report = write_report_pdf(folder / "Sozialbericht_2024.pdf")
    files = {
        "pdf": report,
        "docx": write_docx(folder / "IHK_Hafenviertel.docx"),
        "md": write_markdown(folder / "Protokoll_Stadtteilkonferenz.md"),
        "csv": write_latin1_csv(folder / "Indikatoren_2023.csv"),
        "xlsx": write_xlsx(folder / "Monitoring.xlsx"),
        "encrypted": write_encrypted_pdf(folder / "vertraulich.pdf", report),
        "scanned": write_scanned_pdf(folder / "scan.pdf"),
        "empty": folder / "leer.docx",
        "unknown": folder / "daten.xyz",
    }
    files["empty"].write_bytes(b"")
    files["unknown"].write_text("irgendwas", encoding="utf-8")
    return files
