"""The goal-measure-indicator chain: each measure linked to an evidenced problem, a goal
and an indicator for monitoring; every missing link is listed as a gap.

Measures are read from the municipality's documents: rows of tables with a "Maßnahme"
(or "Vorhaben"/"Projekt") column, and paragraphs that start with a measure number ("M3 …").
A measure's theme (prompts/outlines, `themes`) is the one whose keywords it mentions most;
the theme's indicators give the problem (a value clearly worse than the city's) and the
monitoring indicator (the first with data, its current value as baseline). Goals are
sentences under a "Ziel…" heading; a measure takes the goal of its own theme that shares
most with it, never a goal about another theme (themes are told apart by their keywords
and name parts, the longest mention winning: „Frühe Bildung“ is not school „Bildung“).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.drafting.evidence import Unit, plain_text, table_rows
from assistant.drafting.facts import IndicatorFact
from assistant.drafting.outlines import Theme
from assistant.language.german import content_terms, fold
from assistant.models import RetrievedChunk
from ingest.chunking import leaf_heading
from ingest.structure import CELL_SEPARATOR, row_cells

_MEASURE_COLUMNS = ("maßnahme", "massnahme", "vorhaben", "projekt")
_ID_COLUMNS = ("nr", "nr.", "nummer", "id", "kennung")
_COST_WORDS = ("kosten", "ausgaben", "budget")
_TOTAL_ROWS = ("summe", "gesamt", "insgesamt", "zusammen")
_PROSE_MEASURE = re.compile(
    r"^\s*(?P<id>(?:M|Maßnahme\s+|Vorhaben\s+)\d{1,2})\b[.:]?\s*(?P<title>[^.]+)"
)
_GOAL_HEADING = re.compile(r"ziel", re.IGNORECASE)
# Words that appear in almost every measure and say nothing about its topic.
_GENERIC = frozenset(content_terms("Maßnahme Quartier Stadt Träger Umsetzung Angebot Angebote"))


@dataclass(slots=True)
class Measure:
    id: str  # "M1", or a running number when the documents give none
    title: str
    text: str  # everything read about it (row and description), for matching
    source: RetrievedChunk  # the row or paragraph it is cited by
    quote: str  # the row line or first sentence, as quoted
    cost: str = ""  # the cost cell as written, if the table has one


@dataclass(slots=True)
class ChainLink:
    """One measure and its links; `sources` are keys into the section's source list."""

    measure: Measure
    theme: Theme | None
    problem: IndicatorFact | None
    goal: Unit | None
    indicator: IndicatorFact | None
    gaps: list[str] = field(default_factory=list)

    def as_row(self, number: Callable[[object], int]) -> dict[str, Any]:
        """The JSON row of the chain table; `number(x)` gives x's source number."""
        m = self.measure
        measure = f"{m.id} {m.title}".strip()
        if m.cost:
            measure += f" (Kosten: {m.cost})"
        row: dict[str, Any] = {
            "measure": measure,
            "measure_n": number(m.source),
            "theme": self.theme.name if self.theme else "",
            "problem": "",
            "problem_n": None,
            "goal": "",
            "goal_n": None,
            "indicator": "",
            "indicator_n": None,
            "gaps": list(self.gaps),
        }
        if self.problem is not None:
            p = self.problem
            row["problem"] = f"{p.name} {p.shown} (Stadt gesamt {p.city_shown}, Stand {p.stand})"
            row["problem_n"] = number(p)
        if self.goal is not None:
            row["goal"] = self.goal.text
            row["goal_n"] = number(self.goal.chunk)
        if self.indicator is not None:
            i = self.indicator
            row["indicator"] = f"{i.name} (Ausgangswert {i.shown}, Stand {i.stand})"
            row["indicator_n"] = number(i)
        return row


def find_measures(chunks: Sequence[RetrievedChunk]) -> list[Measure]:
    """Measures named in the passages, in document order, each once (table rows first)."""
    found: dict[str, Measure] = {}
    prose: list[tuple[str, str, str, RetrievedChunk]] = []
    for chunk in chunks:
        if chunk.metadata.get("kind") == "table":
            for measure in _table_measures(chunk):
                found.setdefault(_key(measure.id, measure.title), measure)
        else:
            for paragraph in chunk.text.split("\n"):
                match = _PROSE_MEASURE.match(paragraph)
                if match:
                    ident = match.group("id").replace("Maßnahme ", "M").replace("Vorhaben ", "M")
                    prose.append((ident, match.group("title").strip(), paragraph.strip(), chunk))
    for ident, title, paragraph, chunk in prose:
        key = _key(ident, title)
        if key in found:
            found[key].text += " " + paragraph
        else:
            quote = paragraph.split(". ")[0].rstrip(".") + "."
            found[key] = Measure(ident, title, paragraph, chunk, quote)
    return sorted(found.values(), key=_order)


def theme_of(measure: Measure, themes: Sequence[Theme]) -> Theme | None:
    """The theme whose keywords the measure mentions most (ties: the earlier theme)."""
    return text_theme(measure.text, themes)


def text_theme(text: str, themes: Sequence[Theme]) -> Theme | None:
    """The theme a text is about: the one with most mentions of its keywords and name
    parts (ties: the earlier theme). A mention inside a longer mention of another phrase
    does not count: „Frühe Bildung sichern“ is about early education, not about the
    „Bildung“ of schools."""
    counts = theme_mentions(text, themes)
    best = max(counts.values(), default=0)
    if best == 0:
        return None
    return next(t for t in themes if counts.get(t.id) == best)


def theme_mentions(text: str, themes: Sequence[Theme]) -> dict[str, int]:
    """Per theme id, how often the text mentions its phrases (longest mention wins)."""
    plain = plain_text(text)
    spans: list[tuple[int, int, str]] = []
    for theme in themes:
        for phrase in theme_phrases(theme):
            wanted = plain_text(phrase)
            if not wanted:
                continue
            pattern = r"(?<![a-z0-9])" + re.escape(wanted)
            spans += [(m.start(), m.end(), theme.id) for m in re.finditer(pattern, plain)]
    spans = list(dict.fromkeys(spans))
    counts: dict[str, int] = {}
    for start, end, theme_id in spans:
        inside = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        if not inside:
            counts[theme_id] = counts.get(theme_id, 0) + 1
    return counts


def theme_phrases(theme: Theme) -> list[str]:
    """The keywords of a theme and the parts of its name („Frühe Bildung“, „Familie“)."""
    parts = re.split(r"\s+(?:und|–|-)\s+|,\s*", theme.name)
    return list(dict.fromkeys([*theme.keywords, *(p.strip() for p in parts if p.strip())]))


def link(
    measure: Measure,
    themes: Sequence[Theme],
    facts: dict[str, IndicatorFact],
    goals: Sequence[Unit],
    indicator_name: Callable[[str], str],
) -> ChainLink:
    """The chain of one measure; `facts` maps indicator keys to the Quartier's facts."""
    theme = theme_of(measure, themes)
    gaps: list[str] = []
    problem = indicator = None
    if theme is None:
        gaps.append(
            "Thema der Maßnahme nicht erkannt – Handlungsfeld der Maßnahme im Konzept "
            "nachsehen, dann Problem und Indikator zuordnen"
        )
    else:
        available = [facts[k] for k in theme.indicators if k in facts]
        problem = next((f for f in available if f.burden() == "ungünstig"), None)
        indicator = available[0] if available else None
        where = f", z. B. aus: {theme.sources}" if theme.sources else ""
        if indicator is None:
            # One gap for both links: without any figure there is neither problem nor baseline.
            wanted = ", ".join(indicator_name(k) for k in theme.indicators)
            missing = f"keine Daten zu: {wanted}" if wanted else "keine Kennzahl in den Tabellen"
            gaps.append(
                f"Kennzahl zum Thema „{theme.name}“ fehlt ({missing}) – Problem belegen und "
                f"Ergebnisindikator mit Ausgangswert festlegen{where}"
            )
        elif problem is None:
            gaps.append(
                f"Problem nicht mit Kennzahlen belegt (Thema „{theme.name}“, kein Wert "
                f"ungünstiger als die Gesamtstadt) – Beleg ergänzen{where}"
            )
    goal = _best_goal(measure, theme, goals, themes)
    if goal is None:
        topic = f" zum Thema „{theme.name}“" if theme is not None else ""
        gaps.append(
            f"Kein Handlungsziel{topic} im Zielsystem der Unterlagen – Ziel mit Zielwert "
            "ergänzen (Kapitel „Leitbild und Ziele“)"
        )
    return ChainLink(measure, theme, problem, goal, indicator, gaps)


def goal_units(units: Sequence[Unit]) -> list[Unit]:
    """Units that state goals: under a heading about goals, or naming a target year."""
    return [
        u
        for u in units
        if _GOAL_HEADING.search(leaf_heading(u.chunk.ref.heading))
        or re.search(r"\bbis (?:Ende )?20\d\d\b", u.text)
    ]


def _best_goal(
    measure: Measure, theme: Theme | None, goals: Sequence[Unit], themes: Sequence[Theme]
) -> Unit | None:
    """The goal of the measure's own theme that shares most with it. A goal about another
    theme is never taken (a Lernwerkstatt does not serve the U3 goal of early education)."""
    words = content_terms(measure.title) - _GENERIC
    best, best_score = None, 0.0
    for goal in goals:
        goal_theme = text_theme(goal.text, themes)
        if theme is not None and goal_theme is not None and goal_theme.id != theme.id:
            continue
        score = float(len(content_terms(goal.text) & words))
        if theme is not None:
            score += 2.0 * theme_mentions(goal.text, [theme]).get(theme.id, 0)
        if score > best_score:
            best, best_score = goal, score
    return best if best_score >= 2.0 else None


def _table_measures(chunk: RetrievedChunk) -> list[Measure]:
    header, rows = table_rows(chunk)
    measure_column = next(
        (h for h in header if any(fold(h).startswith(fold(c)) for c in _MEASURE_COLUMNS)), None
    )
    if measure_column is None:
        return []
    id_column = next((h for h in header if fold(h).strip(". ") in _ID_COLUMNS), None)
    cost_column = next((h for h in header if any(w in fold(h) for w in _COST_WORDS)), None)
    measures = []
    for index, (line, number) in enumerate(rows, start=1):
        cells = dict(row_cells(line))
        title = cells.get(measure_column, "").strip()
        if not title or fold(title) in _TOTAL_ROWS:
            continue
        ident = cells.get(id_column, "") if id_column else ""
        ref = replace(chunk.ref, row=number) if number is not None else chunk.ref
        source = replace(chunk, text=f"{CELL_SEPARATOR.join(header)}\n{line}", ref=ref)
        measures.append(
            Measure(
                id=ident or f"#{index}",
                title=title,
                text=line,
                source=source,
                quote=line,
                cost=cells.get(cost_column, "") if cost_column else "",
            )
        )
    return measures


def _key(ident: str, title: str) -> str:
    return ident if ident and not ident.startswith("#") else fold(title)


def _order(measure: Measure) -> tuple[int, str]:
    digits = re.findall(r"\d+", measure.id)
    return (int(digits[0]) if digits else 999, measure.title)
