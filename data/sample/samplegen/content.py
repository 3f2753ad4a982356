"""Tables, directives and Stadtteil profiles built from the figures (PDF and DOCX alike)."""

from __future__ import annotations

from collections.abc import Sequence

from .figures import (
    CITY_CODE,
    CITY_LABEL,
    IND,
    STATUS_INDICATORS,
    SUPPRESSED,
    YEARS,
    Area,
    Figures,
    IndexResult,
    KitaPlan,
    de_number,
    de_signed,
)
from .markup import Block, Directive, TableData
from .placeholders import Resolver


class TableFactory:
    """Builds the standard tables of the reports from the figures."""

    SOURCE_SGB = (
        "Quelle: Statistik der Bundesagentur für Arbeit (Grundsicherung für Arbeitsuchende, "
        "Stand Dezember); Einwohnermelderegister der Stadt Lindwerden; eigene Berechnungen."
    )
    SOURCE_POP = "Quelle: Einwohnermelderegister der Stadt Lindwerden, jeweils 31.12."

    def __init__(self, figs: Figures, index: dict[str, IndexResult], kita: KitaPlan) -> None:
        self.figs = figs
        self.index = index
        self.kita = kita

    def timeseries(self, key: str, caption: str, note: str) -> TableData:
        """One indicator for all Stadtteile and years, plus the change 2019-2023."""
        figs = self.figs
        ind = IND[key]
        unit = "" if ind.unit == "Anzahl" else f" ({ind.unit})"
        change = "Veränd. 2019–2023 (%)" if ind.unit == "Anzahl" else "Veränd. 2019–2023 (Pp.)"
        header = ["Nr.", "Stadtteil", *[str(y) for y in YEARS], change]
        rows = []
        for code in figs.codes(with_city=True):
            values = [figs.fmt(key, code, y) for y in YEARS]
            if SUPPRESSED in (values[0], values[-1]):
                delta = SUPPRESSED
            elif ind.unit == "Anzahl":
                old = figs.value(key, code, YEARS[0])
                delta = de_signed(100 * (figs.value(key, code, YEARS[-1]) - old) / old, 1)
            else:
                delta = de_signed(
                    figs.value(key, code, YEARS[-1]) - figs.value(key, code, YEARS[0]),
                    ind.decimals,
                )
            rows.append(["" if code == CITY_CODE else code, figs.name(code), *values, delta])
        return TableData(
            header,
            rows,
            caption or f"{ind.label}{unit}",
            note,
            [0.6, 2.6, 1, 1, 1, 1, 1, 1.5],
            total_row=True,
        )

    def overview(self, year: int, keys: Sequence[str], caption: str, note: str) -> TableData:
        """Several indicators for one year (wide)."""
        figs = self.figs
        header = ["Nr.", "Stadtteil"]
        for key in keys:
            ind = IND[key]
            header.append(ind.header + ("" if ind.unit == "Anzahl" else f" ({ind.unit})"))
        rows = [
            ["" if c == CITY_CODE else c, figs.name(c), *[figs.fmt(k, c, year) for k in keys]]
            for c in figs.codes(with_city=True)
        ]
        widths = [0.55, 2.0, *[1.15] * len(keys)]
        return TableData(header, rows, caption, note, widths, total_row=True, font_size=7.5)

    def index_table(self, caption: str, note: str) -> TableData:
        """Status and dynamics index per Stadtteil."""
        figs = self.figs
        header = [
            "Nr.",
            "Stadtteil",
            *[IND[k].header + " 2023 (%)" for k in STATUS_INDICATORS],
            "Status\xadindex",
            "Status\xadklasse",
            "Dynamik\xadindex",
            "Dynamik\xadklasse",
        ]
        rows = []
        for code in figs.codes():
            res = self.index[code]
            rows.append(
                [
                    code,
                    figs.name(code),
                    *[figs.fmt(k, code, 2023) for k in STATUS_INDICATORS],
                    de_signed(res.status, 2),
                    res.status_class,
                    de_signed(res.dynamics, 2),
                    res.dynamics_class,
                ]
            )
        widths = [0.5, 1.85, 0.95, 0.95, 1.3, 0.95, 0.95, 1.15, 0.95, 1.0]
        return TableData(header, rows, caption, note, widths, font_size=7.2)

    def profile(self, code: str) -> TableData:
        """Key figures of one Stadtteil compared with the city."""
        figs = self.figs
        header = ["Indikator", "2019", "2023", "Stadt gesamt 2023", "Veränd. 2019–2023"]
        keys = (
            "einwohner",
            "anteil_unter_18",
            "anteil_ab_65",
            "migrationshintergrund",
            "sgb2_quote",
            "kinderarmut",
            "arbeitslosenanteil",
            "jugendarbeitslosigkeit",
            "alleinerziehende",
            "altersarmut",
            "uebergang_gymnasium",
            "wohnflaeche",
        )
        rows = []
        for key in keys:
            ind = IND[key]
            first, last = figs.fmt(key, code, YEARS[0]), figs.fmt(key, code, YEARS[-1])
            if SUPPRESSED in (first, last):
                delta = SUPPRESSED
            elif ind.unit == "Anzahl":
                old = figs.value(key, code, YEARS[0])
                delta = de_signed(100 * (figs.value(key, code, YEARS[-1]) - old) / old) + " %"
            else:
                diff = figs.value(key, code, YEARS[-1]) - figs.value(key, code, YEARS[0])
                delta = de_signed(diff) + (" Pp." if ind.unit == "%" else " m²")
            label = ind.short if ind.unit == "Anzahl" else f"{ind.short} ({ind.unit})"
            rows.append([label, first, last, figs.fmt(key, CITY_CODE, YEARS[-1]), delta])
        caption = f"Kennzahlen {figs.name(code)} ({code}) im Vergleich"
        return TableData(header, rows, caption, "", [3.2, 1, 1, 1.4, 1.5], font_size=8)

    def area_vs_city(self, code: str, year: int, keys: Sequence[str], caption: str) -> TableData:
        """Compact comparison Stadtteil vs. city for one year."""
        figs = self.figs
        header = ["Indikator", figs.name(code), CITY_LABEL, "Faktor"]
        rows = []
        for key in keys:
            ind = IND[key]
            label = ind.short if ind.unit == "Anzahl" else f"{ind.short} ({ind.unit})"
            factor = (
                ""
                if ind.unit == "Anzahl"
                else de_number(figs.value(key, code, year) / figs.value(key, CITY_CODE, year), 1)
            )
            rows.append([label, figs.fmt(key, code, year), figs.fmt(key, CITY_CODE, year), factor])
        return TableData(header, rows, caption, self.SOURCE_SGB, [3.2, 1.3, 1.3, 0.8])

    def kita_table(self, group: str, caption: str, note: str) -> TableData:
        """Childcare supply for U3 or Ü3 per Stadtteil."""
        figs, kita = self.figs, self.kita
        if group == "u3":
            header = [
                "Nr.",
                "Stadtteil",
                "Kinder unter 3 J.",
                "Plätze Kita",
                "Plätze Tages\xadpflege",
                "Plätze gesamt",
                "Versorgungs\xadquote (%)",
                "Ausbau bis 2026",
            ]
            cols = (
                "kinder_u3",
                "kita_u3",
                "tagespflege_u3",
                "plaetze_u3",
                "quote_u3",
                "ausbau_u3_2026",
            )
        else:
            header = [
                "Nr.",
                "Stadtteil",
                "Kinder 3 bis unter 6 J.",
                "Plätze Kita",
                "Versorgungs\xadquote (%)",
                "Ausbau bis 2026",
            ]
            cols = ("kinder_ue3", "kita_ue3", "quote_ue3", "ausbau_ue3_2026")
        rows = [
            ["" if c == CITY_CODE else c, figs.name(c), *[kita.fmt(col, c) for col in cols]]
            for c in figs.codes(with_city=True)
        ]
        widths = [0.5, 1.9, *[1.1] * len(cols)]
        return TableData(header, rows, caption, note, widths, total_row=True, font_size=7.5)

    def kita_facilities(self, caption: str, note: str) -> TableData:
        """Facilities per Stadtteil."""
        figs, kita = self.figs, self.kita
        header = [
            "Nr.",
            "Stadtteil",
            "Kindertages\xadeinrichtungen",
            "davon Familienzentren",
            "Einrichtungen der Offenen Kinder- und Jugendarbeit",
            "Grundschulen",
        ]
        cols = ("kitas", "familienzentren", "jugendeinrichtungen", "grundschulen")
        rows = [
            ["" if c == CITY_CODE else c, figs.name(c), *[kita.fmt(col, c) for col in cols]]
            for c in figs.codes(with_city=True)
        ]
        return TableData(
            header, rows, caption, note, [0.6, 2.4, 1.3, 1.3, 1.8, 1.2], total_row=True
        )


def _args_text(args: list[str]) -> str:
    return " ".join(args)


def make_directives(
    figs: Figures, index: dict[str, IndexResult], kita: KitaPlan, resolve: Resolver
) -> dict[str, Directive]:
    """Directives available in all Markdown sources."""
    tables = TableFactory(figs, index, kita)

    def timeseries(args: list[str]) -> list[Block]:
        key, *rest = args
        note = TableFactory.SOURCE_POP if key == "einwohner" else TableFactory.SOURCE_SGB
        if key == "uebergang_gymnasium":
            note = (
                "Quelle: Kommunale Schulstatistik (Übergänge nach Klasse 4, Schuljahr des "
                "Wechsels beginnend im Berichtsjahr); eigene Berechnungen."
            )
        elif key in ("wohnflaeche", "wohndauer_5j", "migrationshintergrund", "alleinerziehende"):
            note = (
                "Quelle: Einwohnermelderegister und Gebäude- und Wohnungsdatei der Stadt "
                "Lindwerden; eigene Berechnungen."
            )
        elif key == "altersarmut":
            note = (
                "Quelle: Sozialamt der Stadt Lindwerden (Grundsicherung im Alter nach "
                "SGB XII, Viertes Kapitel, jeweils 31.12.); eigene Berechnungen."
            )
        if SUPPRESSED in [figs.fmt(key, c, y) for c in figs.codes() for y in YEARS]:
            note += " . = Wert unterdrückt (Fallzahl unter 5)."
        return [Block("table", table=tables.timeseries(key, _args_text(rest), note))]

    def overview(args: list[str]) -> list[Block]:
        year, keys, *rest = args
        note = "Quelle: Sozialmonitoring der Stadt Lindwerden, Stichtag 31.12." + year + "."
        if SUPPRESSED in [figs.fmt(k, c, int(year)) for c in figs.codes() for k in keys.split(",")]:
            note += " . = Wert unterdrückt (Fallzahl unter 5)."
        table = tables.overview(int(year), keys.split(","), _args_text(rest), note)
        return [Block("table", table=table)]

    def index_table(args: list[str]) -> list[Block]:
        note = (
            "Lesehilfe: Positive Indexwerte bedeuten eine ungünstigere soziale Lage "
            "beziehungsweise eine Verschlechterung. Statusklassen: hoch (< -1), mittel "
            "(-1 bis +1), niedrig (> +1 bis +1,5), sehr niedrig (> +1,5). Dynamik "
            "2021–2023: positiv (< -1), stabil (-1 bis +1), negativ (> +1)."
        )
        return [Block("table", table=tables.index_table(_args_text(args), note))]

    def area_vs_city(args: list[str]) -> list[Block]:
        code, year, keys, *rest = args
        table = tables.area_vs_city(code, int(year), keys.split(","), _args_text(rest))
        return [Block("table", table=table)]

    def kita_table(args: list[str]) -> list[Block]:
        group, *rest = args
        note = (
            "Quelle: Jugendamt der Stadt Lindwerden, Kita-Bedarfsplanung; Plätze zum "
            "01.08.2024, Kinder zum 31.12.2023 (Einwohnermelderegister)."
        )
        if group == "einrichtungen":
            note = (
                "Quelle: Jugendamt und Schulverwaltungsamt der Stadt Lindwerden, Stand 01.08.2024."
            )
            return [Block("table", table=tables.kita_facilities(_args_text(rest), note))]
        return [Block("table", table=tables.kita_table(group, _args_text(rest), note))]

    def profiles(args: list[str]) -> list[Block]:
        number = args[0] if args else "11"
        blocks: list[Block] = []
        for n, area in enumerate(figs.areas, start=1):
            blocks += profile_blocks(figs, index, tables, resolve, area, f"{number}.{n}")
        return blocks

    return {
        "timeseries": timeseries,
        "overview": overview,
        "index": index_table,
        "area_vs_city": area_vs_city,
        "kita": kita_table,
        "profiles": profiles,
    }


def _population_trend(change: float, since: int) -> str:
    if abs(change) <= 0.5:
        return f"die Einwohnerzahl ist seit {since} nahezu unverändert ({de_signed(change)} %)."
    direction = "gewachsen" if change > 0 else "geschrumpft"
    return f"seit {since} ist die Bevölkerung um {de_number(abs(change))} % {direction}."


def _compare(value: float, city: float) -> str:
    ratio = value / city
    if ratio >= 1.8:
        return "weit über"
    if ratio >= 1.25:
        return "deutlich über"
    if ratio >= 1.05:
        return "leicht über"
    if ratio > 0.95:
        return "etwa gleichauf mit"
    if ratio > 0.7:
        return "leicht unter"
    return "deutlich unter"


def profile_blocks(
    figs: Figures,
    index: dict[str, IndexResult],
    tables: TableFactory,
    resolve: Resolver,
    area: Area,
    number: str,
) -> list[Block]:
    """One-page profile of a Stadtteil: description, key figures in prose, table, needs."""
    code, y0, y1 = area.code, YEARS[0], YEARS[-1]
    loc = area.loc

    def v(key: str, code_: str = code) -> str:
        return figs.fmt(key, code_, y1, unit=True)

    pop_change = 100 * (figs.value("einwohner", code, y1) / figs.value("einwohner", code, y0) - 1)
    sgb_cmp = _compare(figs.value("sgb2_quote", code, y1), figs.value("sgb2_quote", CITY_CODE, y1))
    kid_cmp = _compare(
        figs.value("kinderarmut", code, y1), figs.value("kinderarmut", CITY_CODE, y1)
    )
    sgb_diff = figs.value("sgb2_quote", code, y1) - figs.value("sgb2_quote", code, y0)
    if abs(sgb_diff) < 0.3:
        sgb_trend = (
            f"Gegenüber {y0} ist die Quote nahezu unverändert ({de_signed(sgb_diff)} "
            "Prozentpunkte)."
        )
    else:
        direction = "gestiegen" if sgb_diff > 0 else "gesunken"
        sgb_trend = f"Seit {y0} ist sie um {de_number(abs(sgb_diff))} Prozentpunkte {direction}."
    if figs.suppressed("jugendarbeitslosigkeit", code, y1):
        youth = (
            "Die Jugendarbeitslosigkeit wird wegen geringer Fallzahlen (unter fünf "
            "Personen) nicht ausgewiesen."
        )
    else:
        youth = (
            f"Von den 15- bis unter 25-Jährigen sind {v('jugendarbeitslosigkeit')} "
            f"arbeitslos gemeldet (Stadt: {v('jugendarbeitslosigkeit', CITY_CODE)})."
        )
    res = index[code]
    text_demo = (
        f"Zum 31.12.{y1} lebten {loc} {v('einwohner')} Einwohnerinnen und Einwohner; "
        f"{_population_trend(pop_change, y0)} "
        f"{v('anteil_unter_18')} der Bewohnerinnen und Bewohner sind jünger als 18 Jahre "
        f"(Stadt: {v('anteil_unter_18', CITY_CODE)}), {v('anteil_ab_65')} sind 65 Jahre und "
        f"älter. Der Anteil der Menschen mit Migrationshintergrund beträgt "
        f"{v('migrationshintergrund')}."
    )
    text_social = (
        f"Die SGB-II-Quote liegt {loc} bei {v('sgb2_quote')} und damit {sgb_cmp} dem "
        f"gesamtstädtischen Wert von {v('sgb2_quote', CITY_CODE)}. {sgb_trend} "
        f"Von den Kindern unter 15 Jahren leben {v('kinderarmut')} in Bedarfsgemeinschaften "
        f"nach dem SGB II; die Kinderarmut liegt damit {kid_cmp} dem städtischen Durchschnitt "
        f"von {v('kinderarmut', CITY_CODE)}. Der Arbeitslosenanteil (SGB II) beträgt "
        f"{v('arbeitslosenanteil')}. {youth} {v('alleinerziehende')} der Haushalte mit "
        f"Kindern sind Alleinerziehendenhaushalte, und {v('altersarmut')} der Menschen ab "
        f"65 Jahren beziehen Grundsicherung im Alter."
    )
    text_edu = (
        f"Beim Übergang nach der Grundschule wechselten {y1} {v('uebergang_gymnasium')} der "
        f"Kinder auf ein Gymnasium (Stadt: {v('uebergang_gymnasium', CITY_CODE)}). Die "
        f"durchschnittliche Wohnfläche beträgt {v('wohnflaeche')} je Person; "
        f"{v('wohndauer_5j')} der Bewohnerschaft leben seit mehr als fünf Jahren an ihrer "
        f"Adresse. Im Sozialindex {y1} gehört {area.data.get('nom', area.name)} zur Statusklasse "
        f"„{res.status_class}“ (Indexwert {de_signed(res.status, 2)}); die Dynamik "
        f"{YEARS[-3]}–{y1} ist „{res.dynamics_class}“."
    )
    blocks = [
        Block("pagebreak"),
        Block("heading", f"{number} {area.name} ({code})", level=2),
        Block("para", resolve(area.data["beschreibung"].strip())),
        Block("para", text_demo),
        Block("para", text_social),
        Block("table", table=tables.profile(code)),
        Block("para", text_edu),
        Block("heading", "Handlungsbedarfe", level=3),
        Block("list", items=[resolve(b) for b in area.data["bedarfe"]]),
    ]
    return blocks
