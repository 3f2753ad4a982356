"""Generate the demo corpus of the fictional city of Lindwerden.

Everything in ``data/sample/generated/`` is produced from the editable sources in
``data/sample/sources/``:

* ``figures.csv``     - the single source of truth for all indicators (per Stadtteil and year)
* ``stadtteile.yaml`` - names, grammar helpers and short descriptions of the Stadtteile
* ``kita.csv``        - childcare places per Stadtteil (Kita-Jahr 2024/25)
* ``*.md``            - the documents, written in a small Markdown dialect (see ``parse_markdown``)

Numbers inside the Markdown texts are placeholders such as ``{{v:sgb2_quote:03:2023}}`` that are
resolved against ``figures.csv``; that way every document quotes the same figures.

It also writes the fictional map of the Stadtteile to
``data/sample/maps/Stadtteile_Lindwerden.geojson`` (outside ``generated/``, because everything
there is ingested as a document).

The output is deterministic: running the script twice yields byte-identical files.
Run with ``python data/sample/make_sample.py``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from samplegen.content import make_directives
from samplegen.docx_writer import render_docx
from samplegen.figures import Figures, KitaPlan, load_areas, social_index
from samplegen.geo import write_geojson
from samplegen.markup import parse_markdown
from samplegen.pdf import PdfRenderer
from samplegen.placeholders import Resolver
from samplegen.tabular import write_long_csv, write_wide_csv, write_xlsx

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
OUT = HERE / "generated"
MAPS = HERE / "maps"
MAP_FILE = "Stadtteile_Lindwerden.geojson"

DOCUMENTS: tuple[tuple[str, str], ...] = (
    # (source markdown, output format)
    ("sozialbericht.md", "pdf"),
    ("foerderaufruf.md", "pdf"),
    ("kita_jugendhilfeplanung.md", "pdf"),
    ("ratsbeschluss.md", "pdf"),
    ("ihk_entwurf_hafenviertel.md", "docx"),
    ("protokoll_stadtteilkonferenz.md", "docx"),
)


def build(out_dir: Path = OUT, map_dir: Path = MAPS) -> list[Path]:
    """Generate every output file (documents and tables, then the map); returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    areas = load_areas(SOURCES / "stadtteile.yaml")
    figs = Figures(SOURCES / "figures.csv", areas)
    index = social_index(figs)
    kita = KitaPlan(SOURCES / "kita.csv", figs)
    resolve = Resolver(figs, index, kita)
    directives = make_directives(figs, index, kita, resolve)
    written: list[Path] = []
    for source, fmt in DOCUMENTS:
        text = resolve((SOURCES / source).read_text(encoding="utf-8"))
        doc = parse_markdown(text, directives)
        path = out_dir / doc.meta["output"]
        if fmt == "pdf":
            PdfRenderer(doc, path).render()
        else:
            created = datetime.fromisoformat(str(doc.meta["date"]))
            render_docx(doc, path, created)
        written.append(path)
    stamp = datetime(2024, 9, 30, 8, 0, 0)
    tables = {
        "Indikatoren_Stadtteile_2019-2023.csv": lambda p: write_long_csv(figs, p),
        "Kennzahlen_Stadtteile.csv": lambda p: write_wide_csv(figs, index, p),
        "Sozialmonitoring_2019-2023.xlsx": lambda p: write_xlsx(figs, p, stamp),
    }
    for name, writer in tables.items():
        writer(out_dir / name)
        written.append(out_dir / name)
    write_geojson([(a.code, a.name) for a in areas], map_dir / MAP_FILE)
    written.append(map_dir / MAP_FILE)
    return written


def main() -> None:
    """Entry point."""
    for path in build():
        print(f"wrote {path.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
