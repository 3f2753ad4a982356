"""Indikatoren: ranking, time series, social index and map of the indicator store's areas."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pydeck as pdk
import streamlit as st

from assistant.indicators.export import export_index, index_rows
from assistant.indicators.operations import IndicatorQueryError, rank, social_index
from ui import indicator_charts as charts
from ui import state

services = state.services()
store = services.indicators
workspace = services.settings.workspace
st.title("Indikatoren")
summaries = store.indicators(workspace) if store.documents(workspace) else []
if not summaries:
    st.info(
        "Noch keine Indikatortabellen im Indikatorenspeicher. Bitte laden Sie auf der Seite "
        "„Dokumente“ Tabellen (CSV, XLSX) hoch – mit Gebieten in den Zeilen und Indikatoren "
        "in den Spalten. Danach stehen hier Rangfolgen, Zeitreihen, der Sozialindex und "
        "eine Karte der Stadtteile.",
        icon=":material/info:",
    )
    st.stop()

by_key = {s.key: s for s in summaries}


def _label(key: str) -> str:
    summary = by_key[key]
    return summary.name + (f" ({summary.unit})" if summary.unit else "")


left, right = st.columns([3, 2])
key = left.selectbox("Indikator", list(by_key), format_func=_label)
summary = by_key[key]
years = sorted(summary.years, reverse=True)
year = right.selectbox("Jahr", years, format_func=str) if years else None
frame = store.frame(workspace)
areas_frame = frame[frame["aggregate"] == ""]
names = dict(zip(areas_frame["area_key"], areas_frame["area_label"], strict=True))

rank_tab, series_tab, index_tab, map_tab = st.tabs(
    ["Rangfolge", "Zeitreihe", "Sozialindex", "Karte"]
)

# --- Rangfolge ------------------------------------------------------------------------------
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
        max_value=max(summary.areas, 1),
        value=min(10, max(summary.areas, 1)),
    )
    result = None
    try:
        result = rank(store, key, year=year, n=int(n), highest=highest, workspace=workspace)
    except IndicatorQueryError as error:
        st.warning(str(error))
    if result is not None:
        ranked = pd.DataFrame(
            [
                {
                    "Rang": r,
                    "Gebiet": o.area_name,
                    "Wert": o.shown(),
                    "Zahl": o.value,
                    "Quelle": o.ref.label(),
                }
                for r, o in zip(result.ranks, result.entries, strict=True)
            ],
            columns=["Rang", "Gebiet", "Wert", "Zahl", "Quelle"],
        )
        if not ranked.empty:
            st.altair_chart(charts.bar_chart(ranked, summary.unit), width="stretch")
        st.dataframe(ranked, hide_index=True, width="stretch")
        st.caption(
            f"{result.indicator.name}, {result.year or 'alle Jahre'}: {result.total} Gebiete "
            "mit Wert; Gesamtstadt und Summenzeilen sind nicht mitgezählt. „Wert“ steht wie in "
            "der Quellzelle."
        )
        if result.missing:
            st.caption(
                "Ohne Wert: "
                + ", ".join(f"{o.area_name} ({o.missing or o.shown()})" for o in result.missing)
            )
        charts.download_buttons(ranked, f"rangfolge_{key}_{year or 'alle'}", "rank")

# --- Zeitreihe ------------------------------------------------------------------------------
with series_tab:
    rows = areas_frame[(areas_frame["indicator"] == key) & areas_frame["year"].notna()]
    area_keys = list(dict.fromkeys(rows["area_key"]))
    if not area_keys:
        st.info("Für diesen Indikator gibt es keine Werte mit Jahresangabe.")
    else:
        chosen = st.multiselect(
            "Gebiete",
            area_keys,
            default=area_keys[:5],
            format_func=lambda a: names.get(a, a),
        )
        part = rows[rows["area_key"].isin(chosen)]
        if part.empty:
            st.info("Bitte mindestens ein Gebiet auswählen.")
        else:
            wide = part.pivot_table(
                index="year", columns="area_label", values="value", aggfunc="first"
            )
            wide.index = wide.index.astype(int).astype(str)
            wide.index.name = "Jahr"
            if len(wide) < 2:
                st.caption("Nur ein Jahr vorhanden – die Linie beginnt mit dem zweiten Jahr.")
            st.line_chart(wide, x_label="Jahr", y_label=_label(key))
            series = pd.DataFrame(
                {
                    "Gebiet": part["area_label"],
                    "Jahr": part["year"].astype(int),
                    "Wert": part["display"],
                    "Zahl": part["value"],
                    "Quelle": part["source"]
                    + part["sheet"].map(lambda s: f", Blatt „{s}“" if s else "")
                    + ", Zeile "
                    + part["row"].astype(str)
                    + ", Spalte "
                    + part["column"].astype(str),
                }
            ).sort_values(["Gebiet", "Jahr"])
            st.dataframe(series, hide_index=True, width="stretch")
            charts.download_buttons(series, f"zeitreihe_{key}", "series")

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
    upload = st.file_uploader(
        "GeoJSON der Gebiete (.geojson, .json)", type=["geojson", "json"], key="geojson"
    )
    if upload is None:
        st.info(
            "Für die Karte bitte eine GeoJSON-Datei mit den Gebietsgrenzen hochladen. Die "
            "Flächen werden über eine Eigenschaft (Gebietsschlüssel oder Name) den Gebieten "
            "der Tabellen zugeordnet. Es werden keine Kartenkacheln aus dem Internet geladen.",
            icon=":material/map:",
        )
    else:
        try:
            geojson = charts.parse_geojson(upload.getvalue())
        except charts.GeoJsonError as error:
            st.error(str(error))
            geojson = None
        if geojson is not None:
            props = charts.property_names(geojson)
            if not props:
                st.warning("Die Flächen der GeoJSON-Datei haben keine Eigenschaften.")
            else:
                lookup: dict[str, str] = {}
                for record in (
                    areas_frame[["area_key", "area_code", "area_name", "area_label"]]
                    .drop_duplicates()
                    .itertuples(index=False)
                ):
                    for text in (record.area_code, record.area_name, record.area_label):
                        if isinstance(text, str) and text.strip():
                            lookup.setdefault(charts.normalise(text), record.area_key)
                matched = {
                    p: sum(
                        charts.normalise((f.get("properties") or {}).get(p, "")) in lookup
                        for f in geojson["features"]
                    )
                    for p in props
                }
                best = max(props, key=lambda p: matched[p])
                first, second = st.columns(2)
                prop = first.selectbox(
                    "Eigenschaft mit Gebietsschlüssel oder Name",
                    props,
                    index=props.index(best),
                    format_func=lambda p: f"{p} ({matched[p]} Treffer)",
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
                    value_texts = dict(
                        zip(chosen_rows["area_key"], chosen_rows["display"], strict=True)
                    )
                    if not chosen_rows.empty:
                        decimals = int(chosen_rows["decimals"].max())
                elif index_result is not None:
                    status = index_result.status.table
                    values = {str(a): float(v) for a, v in status["value"].items()}
                    value_texts = {
                        str(a): f"{v:.2f}".replace(".", ",") + f" ({status.at[a, 'class']})"
                        for a, v in status["value"].items()
                    }
                    decimals = 2
                drawn = charts.build_choropleth(geojson, prop, lookup, values, value_texts, names)
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
                    initial_view_state=pdk.ViewState(**charts.view_state(geojson)),
                    map_style=None,
                    map_provider=None,
                    tooltip={"text": "{_text}"},
                )
                st.pydeck_chart(deck)
                st.markdown(
                    "**Legende** – "
                    + measure
                    + "\n\n"
                    + "\n".join(
                        f"- {line}" for line in charts.legend_lines(drawn.classes, decimals)
                    )
                )
                if drawn.unmatched:
                    st.caption(
                        "Ohne zugeordnetes Gebiet: "
                        + ", ".join(drawn.unmatched[:20])
                        + (" …" if len(drawn.unmatched) > 20 else "")
                    )
                st.dataframe(drawn.table, hide_index=True, width="stretch")
                charts.download_buttons(drawn.table, "karte_werte", "map")
