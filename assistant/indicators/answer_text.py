"""German answer texts for indicator results: figures as in their cells, `[n]` per cell.

Every text states the figures, the year, the method in one sentence and cites each cell it
quotes; `SourceList` numbers the cells in order of first mention.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.indicators.numbers import format_german
from assistant.indicators.operations import (
    ChangeRanking,
    ChangeResult,
    ComparisonResult,
    DeviationResult,
    LookupResult,
    Observation,
    RankingResult,
    ShareResult,
    SocialIndexResult,
    SumResult,
    ThresholdResult,
    change_unit,
    with_unit,
)
from assistant.models import Citation, SourceRef


class SourceList:
    """Numbers cells as [1], [2], … in order of first mention; `items` are their citations."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._index: dict[tuple[str, str | None, int | None, str | None], int] = {}

    def cite(self, ref: SourceRef) -> str:
        key = (ref.doc_id, ref.sheet, ref.row, ref.column)
        if key not in self._index:
            n = len(self.items) + 1
            self._index[key] = n
            # The chat shows a cell under its file's name without the extension.
            shown = replace(ref, title=Path(ref.source).stem or ref.source)
            self.items.append(Citation(n, shown, f"{ref.column_name}: {ref.value_text}"))
        return f"[{self._index[key]}]"


def lookup_text(result: LookupResult, sources: SourceList, share: bool = False) -> str:
    """The value asked for; `share`: a share was asked and the table holds it as such."""
    o = result.observation
    name = result.indicator.name
    when = year_phrase(o)
    if o.masked:
        return (
            f"{name} in {o.area_name} {when}: Der Wert wird nicht genannt, weil Fallzahlen "
            f"unter {o.display.removeprefix('unter ')} aus Datenschutzgründen nicht "
            f"ausgewiesen werden {sources.cite(o.ref)}."
        )
    if o.value is None:
        why = f" ({o.missing})" if o.missing else ""
        text = (
            f"{name} ist für {o.area_name} {when} nicht ausgewiesen: In der Tabelle steht "
            f"„{o.ref.value_text}“{why} {sources.cite(o.ref)}."
        )
        earlier = result.fallback
        if earlier is not None:
            text += (
                f" Zuletzt ausgewiesen: {year_phrase(earlier)}: {earlier.shown()} "
                f"{sources.cite(earlier.ref)}."
            )
        return text
    return f"{name} in {o.area_name} {when}: {o.shown()} {sources.cite(o.ref)}.\n" + (
        "Methode: Die Tabelle weist diesen Anteil selbst aus; er ist unverändert "
        "übernommen, nicht aus Zählwerten neu berechnet."
        if share
        else "Methode: Wert unverändert aus der Tabelle übernommen."
    )


def ranking_text(result: RankingResult, sources: SourceList, area_word: str | None) -> str:
    areas = area_noun(area_word)
    name = result.indicator.name
    if not result.entries:
        return ""
    how = "höchsten" if result.highest else "niedrigsten"
    year = f" {result.year}" if result.year else ""
    lines = [
        f"{rank_}. {o.area_name}: {o.shown()} {sources.cite(o.ref)}"
        for rank_, o in zip(result.ranks, result.entries, strict=True)
    ]
    count = len(result.entries)
    head = (
        f"Die {how} Werte bei „{name}“{year} ({count} von {result.total} {areas}):"
        if count > 1
        else f"Den {'höchsten' if result.highest else 'niedrigsten'} Wert bei „{name}“{year} "
        f"hat von {result.total} {areas}:"
    )
    notes = []
    if result.aggregates:
        totals = ", ".join(sorted({o.area_name for o in result.aggregates}))
        notes.append(f"Zeilen für Summen und Gesamtstadt ({totals}) sind nicht einbezogen")
    if result.missing:
        missing = len(result.missing)
        words_ = area_noun(area_word, dative=False) if missing > 1 else "Gebiet"
        verb = "sind" if missing > 1 else "ist"
        notes.append(f"{missing} {words_} ohne ausgewiesenen Wert {verb} nicht einbezogen")
    method = f"Methode: Rangfolge nach dem Tabellenwert{year}, gleiche Werte teilen sich einen Rang"
    method += ("; " + "; ".join(notes) + ".") if notes else "."
    return "\n".join([head, *lines, method])


def threshold_text(result: ThresholdResult, sources: SourceList, area_word: str) -> str:
    name = result.indicator.name
    limit = with_unit(
        format_german(result.threshold, _decimals_of(result.threshold)), result.indicator.unit
    )
    side = "über" if result.above else "unter"
    share = format_german(result.share * 100, 1)
    year = f" {result.year}" if result.year else ""
    head = (
        f"„{name}“ lag{year} in {len(result.matching)} von {result.total} {area_word} {side} "
        f"{limit} ({share} %)"
    )
    if result.matching:
        head += ": " + "; ".join(
            f"{o.area_name} {o.shown()} {sources.cite(o.ref)}" for o in result.matching
        )
    return (
        head + ".\nMethode: Anteil der Gebiete mit einem Wert "
        f"{'oberhalb' if result.above else 'unterhalb'} des Schwellenwerts; Summenzeilen "
        "und nicht ausgewiesene Werte sind nicht einbezogen."
    )


def change_text(result: ChangeResult, sources: SourceList) -> str:
    start, end = result.start, result.end
    name = result.indicator.name
    verb = "stieg" if result.difference > 0 else "sank" if result.difference < 0 else "blieb"
    relative = (
        f", relativ {format_german(result.relative, 1, sign=True)} %"
        if result.relative is not None
        else ""
    )
    if result.difference == 0:
        core = f"blieb von {start.year} bis {end.year} bei {end.shown()} {sources.cite(start.ref)}"
        core += f" {sources.cite(end.ref)}"
    else:
        core = (
            f"{verb} von {start.shown()} ({start.year}) {sources.cite(start.ref)} auf "
            f"{end.shown()} ({end.year}) {sources.cite(end.ref)}, also um "
            f"{result.difference_text}{relative}"
        )
    unit_note = " (bei Anteilen in Prozentpunkten)" if result.indicator.unit == "%" else ""
    return (
        f"„{name}“ in {end.area_name} {core}.\n"
        f"Methode: Differenz der Tabellenwerte {end.year} und {start.year}{unit_note}, relativ "
        "in Prozent des Ausgangswerts."
    )


def change_ranking_text(result: ChangeRanking, sources: SourceList, area_word: str) -> str:
    name = result.indicator.name
    how = "gestiegen" if result.increase else "gesunken"
    lines = [
        f"{i}. {r.end.area_name}: {r.difference_text} ({r.start.shown()} "
        f"{sources.cite(r.start.ref)} → {r.end.shown()} {sources.cite(r.end.ref)})"
        for i, r in enumerate(result.entries, start=1)
    ]
    head = (
        f"Am stärksten {how} ist „{name}“ von {result.start} bis {result.end} in diesen "
        f"{len(result.entries)} von {result.total} {area_word}:"
    )
    return "\n".join(
        [
            head,
            *lines,
            f"Methode: Differenz der Tabellenwerte {result.end} und {result.start} "
            "je Gebiet, der Größe nach geordnet; Summenzeilen nicht einbezogen.",
        ]
    )


def deviation_text(result: DeviationResult, sources: SourceList) -> str:
    o = result.observation
    unit = result.indicator.unit or o.unit
    decimals = o.decimals
    amount = change_unit(format_german(abs(result.difference), decimals), unit)
    if round(result.difference, decimals) == 0:
        position = "genau im Durchschnitt der Stadt"
    else:
        side = "über" if result.difference > 0 else "unter"
        position = f"{amount} {side} dem Durchschnitt der Stadt"
    average = with_unit(result.average_text, unit)
    cite_average = f" {sources.cite(result.average_ref)}" if result.average_ref else ""
    city = ""
    if result.city is not None:
        city = (
            f" Die Tabelle selbst nennt für „{result.city.area_name}“ {result.city.shown()} "
            f"{sources.cite(result.city.ref)}."
        )
    return (
        f"„{result.indicator.name}“ in {o.area_name} {year_phrase(o)}: {o.shown()} "
        f"{sources.cite(o.ref)}, damit {position} ({average}{cite_average}).{city}\n"
        f"Methode: {result.method}."
    )


def comparison_text(result: ComparisonResult, sources: SourceList) -> str:
    name = result.indicator.name
    year = f" {result.year}" if result.year else ""
    parts = [f"{o.area_name} {o.shown()} {sources.cite(o.ref)}" for o in result.observations]
    text = f"„{name}“{year}: " + "; ".join(parts) + "."
    difference = result.difference()
    if difference is not None and len(result.observations) == 2:
        first, second = result.observations
        decimals = max(first.decimals, second.decimals)
        amount = change_unit(format_german(abs(difference), decimals), result.indicator.unit)
        if round(difference, decimals) == 0:
            text += " Beide Werte sind gleich."
        else:
            higher, lower = (first, second) if difference > 0 else (second, first)
            text += f" {higher.area_name} liegt um {amount} über {lower.area_name}."
        points = " (bei Anteilen in Prozentpunkten)" if result.indicator.unit == "%" else ""
        return text + f"\nMethode: Differenz der beiden Tabellenwerte desselben Jahres{points}."
    return text + "\nMethode: Vergleich der Tabellenwerte desselben Jahres."


def sum_text(result: SumResult, sources: SourceList) -> str:
    """The sum of several areas' counts with every input cited; for a rate, or when a
    value is not shown, the values without a sum and why."""
    name = result.indicator.name
    year = f" {result.year}" if result.year else ""
    inputs = "; ".join(
        f"{o.area_name} {o.shown()} {sources.cite(o.ref)}" for o in result.observations
    )
    areas = _listed([o.area_name for o in result.observations])
    if result.total is not None:
        amount = with_unit(format_german(result.total, result.decimals), result.indicator.unit)
        return (
            f"„{name}“{year} in {areas} zusammen: {amount}.\n"
            f"Eingesetzt: {inputs}.\n"
            f"Methode: Summe der Tabellenwerte der {len(result.observations)} Gebiete{year}."
        )
    hidden = [o for o in result.observations if o.value is None]
    if hidden:
        why = (
            f"{hidden[0].area_name} ist nicht ausgewiesen ({hidden[0].missing}), daher "
            "wird keine Summe genannt"
        )
    else:
        unit = f" ({result.indicator.unit})" if result.indicator.unit else ""
        why = (
            f"„{name}“ ist ein Anteil oder Durchschnitt{unit}, keine Anzahl; solche Werte "
            "verschiedener Gebiete lassen sich nicht zusammenzählen, weil sie sich auf "
            "unterschiedlich große Bezugsgruppen beziehen"
        )
    method = "Methode: Tabellenwerte desselben Jahres, nicht addiert"
    if not hidden:
        method += (
            "; einen gemeinsamen Wert ergeben nur die Zählwerte (Fälle und Bezugsgröße) der Gebiete"
        )
    return f"{why}. Die Werte{year}: {inputs}.\n{method}."


def share_text(result: ShareResult, sources: SourceList) -> str:
    """A share computed from two counts: the result first, then the inputs cited and the
    computation in one line."""
    part, whole = result.part_indicator.name, result.whole_indicator.name
    areas = _listed([o.area_name for o in result.part])
    if result.part[0].aggregate:  # the city's own share
        areas = f"der Stadt („{result.part[0].area_name}“)"
    year = f" {result.year}" if result.year else ""
    parts = "; ".join(f"{o.area_name} {o.shown()} {sources.cite(o.ref)}" for o in result.part)
    wholes = "; ".join(f"{o.area_name} {o.shown()} {sources.cite(o.ref)}" for o in result.whole)
    if result.percent is None:
        hidden = next(o for o in (*result.part, *result.whole) if o.value is None)
        name = part if hidden in result.part else whole
        return (
            f"Der Anteil lässt sich nicht berechnen: „{name}“ ist für {hidden.area_name} nicht "
            f"ausgewiesen ({hidden.missing}). Die Werte{year}: {parts}; Bezugsgröße: {wholes}."
        )
    percent = format_german(result.percent, 1 if result.percent >= 1 else 2)
    divided = (
        f"{format_german(ShareResult.added(result.part), _decimals(result.part))} ÷ "
        f"{format_german(ShareResult.added(result.whole), _decimals(result.whole))} × 100"
    )
    if result.city:
        total = result.whole[0].area_name
        return (
            f"Auf {areas} entfielen{year} {percent} % von „{whole}“ der Stadt ({total}).\n"
            f"Eingesetzt: {parts}; {wholes}.\n"
            f"Methode: {divided} (Wert des Gebiets durch den der Zeile „{total}“), gerundet; "
            "aus zwei Tabellenwerten berechnet."
        )
    together = " zusammen" if len(result.part) > 1 else ""
    return (
        f"Anteil „{part}“ an „{whole}“ in {areas}{together}{year}: {percent} %.\n"
        f"Eingesetzt: „{part}“ {parts}; „{whole}“ {wholes}.\n"
        f"Methode: {divided}, gerundet; aus zwei Zählwerten der Tabellen berechnet."
    )


def _decimals(observations: list[Observation]) -> int:
    return max(o.decimals for o in observations)


def _listed(names: list[str]) -> str:
    """„A“, „A und B“, „A, B und C“."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} und {names[-1]}"


def _describe_area(result: SocialIndexResult, sources: SourceList, area: str) -> str:
    """ "Hafenviertel (Index +2,15, Status „sehr niedrig“, …; SGB-II-Quote 23,6 % [2]; …)"."""
    table = result.status.table
    dyn = result.dynamics.table if result.dynamics is not None else None
    value = format_german(float(table.at[area, "value"]), 2, sign=True)
    parts = [f"Index {value}", f"Status „{table.at[area, 'class']}“"]
    if dyn is not None and area in dyn.index:
        change = format_german(float(dyn.at[area, "value"]), 2, sign=True)
        parts.append(f"Dynamikindex {change}, Dynamik „{dyn.at[area, 'class']}“")
    figures = []
    for definition in result.indicators:
        ref = result.ref(area, definition.key, result.year)
        if ref is not None:
            shown = with_unit(result.display(area, definition.key, result.year), definition.unit)
            figures.append(f"{definition.name} {shown} {sources.cite(ref)}")
    return f"{result.names.get(area, area)} ({', '.join(parts)}; {'; '.join(figures)})"


def index_area_text(
    result: SocialIndexResult, sources: SourceList, areas: list[str], area_word: str | None
) -> str:
    """The index position of the areas a question names."""
    lines = []
    for area in areas:
        name = result.names.get(area, area)
        if area in result.status.table.index:
            lines.append(
                f"Nach dem Statusindex {result.year}: {_describe_area(result, sources, area)}."
            )
        elif area in result.status.excluded:
            lines.append(
                f"{name} ist im Statusindex {result.year} nicht einbezogen "
                f"({result.status.excluded[area]})."
            )
    if not lines:
        return ""
    total = len(result.status.table)
    ranked = result.status.table["value"].rank(ascending=False, method="min")
    for area in areas:
        if area in ranked.index:
            lines.append(
                f"{result.names.get(area, area)} steht damit auf Rang {int(ranked[area])} von "
                f"{total} {area_noun(area_word)} (Rang 1 = höchste Belastung)."
            )
    return "\n".join([*lines, _index_method(result, area_word)])


def index_text(result: SocialIndexResult, sources: SourceList, area_word: str | None) -> str:
    status = result.status
    table = status.table.sort_values("value", ascending=False)
    labels = status.scheme.labels
    burdened = table[table["class"].isin(labels[-2:])]
    lines: list[str] = []
    if burdened.empty:
        head = (
            f"Nach dem Statusindex {result.year} liegt kein Gebiet über +1 Standardabweichung; "
            "den höchsten Indexwert hat:"
        )
        lines.append(_describe_area(result, sources, str(table.index[0])))
    else:
        verb = "sind" if len(burdened) > 1 else "ist"
        head = (
            f"Nach dem Statusindex {result.year} {verb} {len(burdened)} von {len(table)} "
            f"{area_noun(area_word)} besonders belastet "
            f"(Status „{labels[-2]}“ oder „{labels[-1]}“):"
        )
        lines.extend(
            f"{i}. {_describe_area(result, sources, str(a))}"
            for i, a in enumerate(burdened.index, start=1)
        )
    if result.overlay is not None:
        watch = result.overlay.table
        extra = watch[watch["attention"] & ~watch.index.isin(burdened.index)]
        if not extra.empty:
            lines.append(
                "Zusätzlich mit Aufmerksamkeitsbedarf (Status „mittel“, Dynamik „negativ“): "
                + ", ".join(result.names.get(str(a), str(a)) for a in extra.index)
                + "."
            )
    return "\n".join([head, *lines, _index_method(result, area_word)])


def _index_method(result: SocialIndexResult, area_word: str | None) -> str:
    status = result.status
    indicator_names = ", ".join(d.name for d in result.indicators)
    method = (
        f"Methode: Stufenverfahren wie im Berliner Monitoring Soziale Stadtentwicklung – die "
        f"Indikatoren ({indicator_names}) werden über die {len(status.table)} "
        f"{area_noun(area_word, dative=False)} z-standardisiert "
        "(Standardabweichung der Grundgesamtheit), je Gebiet addiert und erneut standardisiert; "
        f"Klassen: {status.scheme.describe()}."
    )
    if result.since is not None:
        method += (
            f" Die Dynamik beruht ebenso auf den Veränderungen {result.since}–{result.year} "
            "(in Prozentpunkten)."
        )
    if status.excluded:
        method += (
            " Nicht einbezogen: "
            + "; ".join(
                f"{result.names.get(a, a)} ({reason})" for a, reason in status.excluded.items()
            )
            + "."
        )
    return method


def year_phrase(o: Observation) -> str:
    """ "2023", or "2013 (Stand Dez 2013)" when the table names a more precise date."""
    if not o.year:
        return "(ohne Jahresangabe)"
    if o.reference and o.reference != str(o.year) and str(o.year) in o.reference:
        return f"{o.year} (Stand {o.reference})"
    return str(o.year)


# The plural forms of the area words a question may use (dative, nominative), by prefix.
_AREA_PLURALS = {
    "stadtteil": ("Stadtteilen", "Stadtteile"),
    "quartier": ("Quartieren", "Quartiere"),
    "gebiet": ("Gebieten", "Gebiete"),
    "bezirk": ("Bezirken", "Bezirke"),
    "sozialr": ("Sozialräumen", "Sozialräume"),
    "ortsteil": ("Ortsteilen", "Ortsteile"),
    "viertel": ("Vierteln", "Viertel"),
    "planungsr": ("Planungsräumen", "Planungsräume"),
    "stadtr": ("Stadträumen", "Stadträume"),
    "landkreis": ("Landkreisen", "Landkreise"),
    "kreis": ("Kreisen", "Kreise"),
    "gemeinde": ("Gemeinden", "Gemeinden"),
    "kommune": ("Kommunen", "Kommunen"),
}


def area_noun(area_word: str | None, dative: bool = True) -> str:
    """The question's own word for areas ("Quartiere"), dative plural for "von 15 …"."""
    word = (area_word or "gebiete").lower()
    dat, nom = next(
        (forms for prefix, forms in _AREA_PLURALS.items() if word.startswith(prefix)),
        _AREA_PLURALS["gebiet"],
    )
    return dat if dative else nom


def _decimals_of(value: float) -> int:
    return 0 if float(value).is_integer() else len(repr(float(value)).partition(".")[2])
