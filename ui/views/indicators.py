"""Indikatoren: ranking, time series, social index and map of one dataset's areas.

The page first asks which tables (a geography: the demo town's Stadtteile, a
municipalities export, a Kreis table) to look at, so no chart, ranking or index ever mixes
areas of different tables; then the indicator and the year.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from assistant.documents import uploads
from assistant.indicators import area_maps
from assistant.indicators.export import export_index, index_rows
from assistant.indicators.geography import Geography
from assistant.indicators.numbers import format_german
from assistant.indicators.operations import IndicatorQueryError, Scope, rank, series, social_index
from ui import indicator_charts as charts
from ui import state

services = state.services()
store = services.indicators
workspace = services.settings.workspace
st.title("Indikatoren")
frame = store.frame(workspace) if store.documents(workspace) else None
held = set(frame["geography"]) if frame is not None else set()
geographies = [g for g in store.geographies(workspace).items if g.id in held]
if frame is None or not geographies:
    st.info(
        "Noch keine Indikatortabellen im Indikatorenspeicher. Bitte laden Sie auf der Seite "
        "„Dokumente“ Tabellen (CSV, XLSX) hoch – mit Gebieten in den Zeilen und Indikatoren "
        "in den Spalten. Danach stehen hier Rangfolgen, Zeitreihen, der Sozialindex und "
        "eine Karte der Gebiete.",
        icon=":material/info:",
    )
    st.stop()


def _tables(geography: Geography) -> str:
    stems = list(dict.fromkeys(Path(d.source).stem for d in geography.datasets))
    return ", ".join(stems[:3]) + (f" und {len(stems) - 3} weitere" if len(stems) > 3 else "")


def _dataset_label(geography: Geography) -> str:
    assert frame is not None  # the page stopped above without tables
    areas = frame.loc[
        (frame["geography"] == geography.id) & (frame["aggregate"] == ""), "area_key"
    ].nunique()
    return f"{areas} {geography.area_plural}: {_tables(geography)}"


by_id = {g.id: g for g in geographies}
dataset_column, region_column = st.columns([3, 2])
geography = by_id[
    dataset_column.selectbox(
        "Datensatz", list(by_id), format_func=lambda i: _dataset_label(by_id[i])
    )
]
here = frame[frame["geography"] == geography.id]
regions = sorted(r for r in here["region"].unique() if r)
region = (
    region_column.selectbox(
        "Land", [None, *regions], format_func=lambda r: "alle Länder" if r is None else r
    )
    if regions
    else None
)
if region:
    here = here[here["region"] == region]
scope = Scope(geography.id, region)
summaries = store.indicators(workspace, geography.id)
by_key = {s.key: s for s in summaries}
areas_frame = here[here["aggregate"] == ""]
names = dict(zip(areas_frame["area_key"], areas_frame["area_label"], strict=True))


def _label(key: str) -> str:
    summary = by_key[key]
    return summary.name + (f" ({summary.unit})" if summary.unit else "")


left, right = st.columns([3, 2])
key = left.selectbox("Indikator", list(by_key), format_func=_label)
summary = by_key[key]
years = sorted(summary.years, reverse=True)
year = right.selectbox("Jahr", years, format_func=str) if years else None
area_count = int(areas_frame.loc[areas_frame["indicator"] == key, "area_key"].nunique())
st.caption(
    f"Berechnet nur aus {_tables(geography)} ({geography.area_plural}"
    + (f", {region}" if region else "")
    + "); Gebiete anderer Tabellen werden nicht gemischt."
)

rank_tab, series_tab, index_tab, map_tab = st.tabs(
    ["Rangfolge", "Zeitreihe", "Sozialindex", "Karte"]
)

# --- Rangfolge ------------------------------------------------------------------------------
ranked_keys: list[str] = []
with rank_tab:
    order, count = st.columns([3, 2])
    highest = (
        order.radio(
            "Reihenfolge", ["höchste Werte zuerst", "niedrigste Werte zuerst"], horizontal=True
        )
        == "höchste Werte zuerst"
    )
    n = count.number_input(
        "Anzahl Gebiete",
        min_value=1,
        max_value=max(area_count, 1),
        value=min(10, max(area_count, 1)),
    )
    result = None
    try:
        result = rank(
            store, key, year=year, n=int(n), highest=highest, workspace=workspace, scope=scope
        )
    except IndicatorQueryError as error:
        st.warning(str(error))
    if result is not None:
        ranked_keys = [o.area_key for o in result.entries]
        ranked = pd.DataFrame(
            [
                {
                    "Rang": r,
                    "Gebiet": o.area_name,
                    "Wert": o.shown(),
                    "Zahl": o.value,
                    "Quelle": o.ref.cell_label(),
                }
                for r, o in zip(result.ranks, result.entries, strict=True)
            ],
            columns=["Rang", "Gebiet", "Wert", "Zahl", "Quelle"],
        )
        if not ranked.empty:
            st.altair_chart(charts.bar_chart(ranked, summary.unit), width="stretch")
        st.dataframe(ranked.drop(columns="Zahl"), hide_index=True, width="stretch")
        st.caption(
            f"{result.indicator.name}, {result.year or 'alle Jahre'}: {result.total} "
            f"{geography.area_plural} mit Wert; Gesamtwerte und Summenzeilen sind nicht "
            "mitgezählt. „Wert“ steht wie in der Quellzelle."
        )
        if result.missing:
            st.caption(
                "Ohne Wert: "
                + ", ".join(f"{o.area_name} ({o.missing or o.shown()})" for o in result.missing)
            )
        charts.download_buttons(ranked, f"rangfolge_{key}_{year or 'alle'}", "rank")

# --- Zeitreihe ------------------------------------------------------------------------------
with series_tab:
    dated = areas_frame[(areas_frame["indicator"] == key) & areas_frame["year"].notna()]
    area_keys = sorted(set(dated["area_key"]), key=lambda a: names.get(a, a))
    if not area_keys:
        st.info("Für diesen Indikator gibt es keine Werte mit Jahresangabe.")
    else:
        # The areas of the ranking in view, so both tabs speak of the same areas.
        default = [a for a in ranked_keys if a in area_keys][:5] or area_keys[:5]
        chosen = st.multiselect(
            "Gebiete", area_keys, default=default, format_func=lambda a: names.get(a, a)
        )
        points = series(store, key, chosen, workspace=workspace, scope=scope) if chosen else []
        if not points:
            st.info("Bitte mindestens ein Gebiet auswählen.")
        else:
            table = pd.DataFrame(
                [
                    {
                        "Gebiet": o.area_name,
                        "Jahr": o.year,
                        "Wert": o.shown(),
                        "Zahl": o.value,
                        "Quelle": o.ref.cell_label(),
                    }
                    for o in points
                ]
            )
            if table["Jahr"].nunique() < 2:
                st.caption(
                    f"Nur das Jahr {table['Jahr'].iloc[0]} ist vorhanden – für eine Zeitreihe "
                    "braucht es mindestens zwei Jahre."
                )
            st.altair_chart(
                charts.line_chart(table[table["Zahl"].notna()], summary.unit), width="stretch"
            )
            st.dataframe(table.drop(columns="Zahl"), hide_index=True, width="stretch")
            charts.download_buttons(table, f"zeitreihe_{key}", "series")

# --- Sozialindex ----------------------------------------------------------------------------
index_result = None
with index_tab:
    defaults = [k for k in store.catalogue.index.status if k in by_key]
    candidates = [k for k in by_key if by_key[k].kind != "population"] or list(by_key)
    chosen_keys = st.multiselect(
        "Indikatoren des Index",
        list(by_key),
        default=defaults or candidates[:4],
        format_func=_label,
    )
    all_years = sorted({y for s in summaries for y in s.years}, reverse=True)
    first, second = st.columns(2)
    index_year = first.selectbox(
        "Indexjahr",
        [None, *all_years],
        format_func=lambda y: "neuestes gemeinsames Jahr" if y is None else str(y),
    )
    min_population = second.number_input(
        "Mindestzahl Einwohner",
        min_value=0.0,
        value=float(store.catalogue.index.min_population),
        step=100.0,
    )
    if not chosen_keys:
        st.info("Bitte mindestens einen Indikator für den Index wählen.")
    else:
        try:
            index_result = social_index(
                store,
                indicators=chosen_keys,
                year=index_year,
                min_population=min_population,
                workspace=workspace,
                scope=scope,
            )
        except (IndicatorQueryError, ValueError, KeyError) as error:
            st.warning(f"Der Index lässt sich nicht berechnen: {error}")
    if index_result is not None:
        labels = {d.key: d.name for d in index_result.indicators}
        header, index_data = index_rows(
            index_result.status,
            index_result.names,
            index_result.dynamics,
            index_result.overlay,
            labels,
        )
        table = pd.DataFrame(index_data, columns=header)
        st.dataframe(table, hide_index=True, width="stretch")
        since = f", Dynamik seit {index_result.since}" if index_result.since else ""
        st.caption(
            f"Statusindex {index_result.year}{since}; Indikatoren: "
            + ", ".join(labels.values())
            + ". Klassen stehen als Text in der Tabelle; „sehr niedrig“ bedeutet am "
            "stärksten belastet."
        )
        if index_result.dynamics is None:
            st.caption("Kein Dynamikindex: für das Vergleichsjahr fehlen Werte.")
        method = [
            f"Statusindex {index_result.year}{since}",
            "Indikatoren: " + ", ".join(labels.values()),
            f"Mindestzahl Einwohner: {index_result.min_population:g}",
        ]
        stem = f"sozialindex_{index_result.year}"
        with tempfile.TemporaryDirectory() as tmp:
            exports = {}
            for suffix in (".csv", ".xlsx"):
                path = export_index(
                    Path(tmp) / f"{stem}{suffix}",
                    index_result.status,
                    index_result.names,
                    index_result.dynamics,
                    index_result.overlay,
                    labels,
                    method,
                )
                exports[suffix] = path.read_bytes()
        one, two = st.columns(2)
        one.download_button(
            "Als CSV herunterladen",
            exports[".csv"],
            file_name=f"{stem}.csv",
            mime="text/csv",
            key="index-csv",
            icon=":material/download:",
        )
        two.download_button(
            "Als XLSX herunterladen",
            exports[".xlsx"],
            file_name=f"{stem}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="index-xlsx",
            icon=":material/download:",
        )

# --- Karte ----------------------------------------------------------------------------------
with map_tab:
    settings = services.settings
    lookup = area_maps.area_lookup(
        (r.area_key, (r.area_code, r.area_name, r.area_label))
        for r in areas_frame[["area_key", "area_code", "area_name", "area_label"]]
        .drop_duplicates()
        .itertuples(index=False)
    )
    upload = st.file_uploader(
        "Eigene Karte hochladen (GeoJSON der Gebietsgrenzen, .geojson oder .json)",
        type=["geojson", "json"],
        key="geojson",
    )
    if upload is not None:
        try:
            uploads.save_map(settings, upload.name, upload.getvalue())
        except area_maps.GeoJsonError as error:
            st.error(f"„{upload.name}“ wurde nicht übernommen: {error}")
    drawn_map = area_maps.best_map(
        area_maps.map_files(uploads.map_folder(settings)), lookup
    ) or area_maps.best_map(area_maps.map_files(area_maps.SAMPLE_MAPS), lookup, min_share=0.5)
    if drawn_map is None:
        st.info(
            "Für die Karte dieses Datensatzes bitte eine GeoJSON-Datei mit den Gebietsgrenzen "
            "hochladen. Die Flächen werden über eine Eigenschaft (Gebietsschlüssel oder Name) "
            "den Gebieten der Tabellen zugeordnet. Es werden keine Kartenkacheln aus dem "
            "Internet geladen.",
            icon=":material/map:",
        )
    else:
        hits = drawn_map.hits
        props = list(hits)
        first, second = st.columns(2)
        prop = first.selectbox(
            "Eigenschaft mit Gebietsschlüssel oder Name",
            props,
            index=props.index(drawn_map.prop),
            format_func=lambda p: f"{p} ({hits[p]} Treffer)",
        )
        options = [f"Indikator: {_label(key)} ({year or 'alle Jahre'})"]
        if index_result is not None:
            options.append(f"Statusindex {index_result.year}")
        measure = second.radio("Einfärben nach", options)
        values: dict[str, float] = {}
        value_texts: dict[str, str] = {}
        decimals = 1
        if measure == options[0]:
            chosen_rows = areas_frame[areas_frame["indicator"] == key]
            if year is not None:
                chosen_rows = chosen_rows[chosen_rows["year"] == year]
            chosen_rows = chosen_rows[chosen_rows["value"].notna()]
            chosen_rows = chosen_rows.drop_duplicates("area_key", keep="last")
            values = dict(zip(chosen_rows["area_key"], chosen_rows["value"], strict=True))
            value_texts = dict(zip(chosen_rows["area_key"], chosen_rows["display"], strict=True))
            if not chosen_rows.empty:
                decimals = int(chosen_rows["decimals"].max())
        elif index_result is not None:
            status = index_result.status.table
            values = {str(a): float(v) for a, v in status["value"].items()}
            value_texts = {
                str(a): f"{format_german(float(v), 2)} ({status.at[a, 'class']})"
                for a, v in status["value"].items()
            }
            decimals = 2
        drawn = charts.build_choropleth(drawn_map.geojson, prop, lookup, values, value_texts, names)
        layer = pdk.Layer(
            "GeoJsonLayer",
            drawn.geojson,
            pickable=True,
            stroked=True,
            filled=True,
            get_fill_color="properties._fill",
            get_line_color=[60, 60, 60],
            line_width_min_pixels=1,
        )
        deck = pdk.Deck(
            layers=[layer],
            initial_view_state=pdk.ViewState(**charts.view_state(drawn_map.geojson)),
            map_style=None,
            map_provider=None,
            tooltip={"text": "{_text}"},
        )
        st.caption(f"Karte: {drawn_map.path.name}")
        st.pydeck_chart(deck)
        st.markdown(
            "**Legende** – "
            + measure
            + "\n\n"
            + "\n".join(f"- {line}" for line in charts.legend_lines(drawn.classes, decimals))
        )
        if drawn.unmatched:
            st.caption(
                "Ohne zugeordnetes Gebiet: "
                + ", ".join(drawn.unmatched[:20])
                + (" …" if len(drawn.unmatched) > 20 else "")
            )
        st.dataframe(drawn.table, hide_index=True, width="stretch")
        charts.download_buttons(drawn.table, "karte_werte", "map")
