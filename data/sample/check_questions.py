"""Check eval/questions.yaml against the generated demo corpus.

The checks themselves are `eval.questions_check` (gold locations exist and contain the
answer facts, ids unique, every fact at a gold location). The demo corpus adds two of its
own: the terms below must occur nowhere, so that their questions stay unanswerable, and no
PDF page may be empty apart from its running header and footer.

Run with ``python data/sample/check_questions.py``; exit code 1 on any failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pypdf import PdfReader

from eval.metrics import normalize_text
from eval.questions_check import CorpusText, check_file, report

HERE = Path(__file__).resolve().parent
GENERATED = HERE / "generated"
QUESTIONS = HERE.parent.parent / "eval" / "questions.yaml"

# Terms that must not occur anywhere in the corpus, so that these questions stay unanswerable.
ABSENT_TERMS: dict[str, list[str]] = {
    "q081": ["Rosenhügel"],
    "q083": ["Lebenserwartung"],
    "q084": ["Wohngeldempfänger", "Wohngeldbezug"],
    "q085": ["€/m²", "Quadratmetermiete", "Euro je Quadratmeter"],
    "q088": ["Quartiersmanagerin"],
    "q089": ["OGS-Plätze", "Ganztagsplätze"],
    "q091": ["Pflegequote", "Pflegebedürftige"],
    "q092": ["Jugendkriminalität", "Straftaten"],
}


def check_absent_terms() -> list[str]:
    everything = CorpusText(GENERATED).everything
    return [
        f"{qid}: term {term!r} occurs in the corpus"
        for qid, terms in ABSENT_TERMS.items()
        for term in terms
        if normalize_text(term).casefold() in everything
    ]


def check_pdf_pages() -> list[str]:
    """No PDF page may be empty apart from the running header and footer (4 lines)."""
    problems = []
    for path in sorted(GENERATED.glob("*.pdf")):
        for number, page in enumerate(PdfReader(path).pages, start=1):
            lines = [line for line in page.extract_text().splitlines() if line.strip()]
            if len(lines) <= 4:
                problems.append(f"{path.name}: page {number} is empty")
    return problems


def main() -> int:
    """Run all checks and print a summary."""
    return report(check_pdf_pages() + check_absent_terms() + check_file(GENERATED, QUESTIONS))


if __name__ == "__main__":
    sys.exit(main())
