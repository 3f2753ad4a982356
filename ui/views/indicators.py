"""Indikatoren: a ranked table of areas for one indicator from the indicator store."""

from __future__ import annotations

import streamlit as st

from assistant.indicators.operations import IndicatorQueryError, rank
from ui import state

services = state.services()
store = services.indicators
workspace = services.settings.workspace
st.title("Indikatoren")
summaries = store.indicators(workspace) if store.documents(workspace) else []
if not summaries:
    st.info(
        "Noch keine Indikatortabellen im Indikatorenspeicher. Tabellen (CSV, XLSX) mit "
        "Gebieten in den Zeilen und Indikatoren in den Spalten werden beim Einlesen "
        "übernommen; danach stehen hier Rangfolgen der Stadtteile.",
        icon=":material/info:",
    )
    st.stop()

by_key = {s.key: s for s in summaries}
left, right = st.columns([3, 2])
key = left.selectbox(
    "Indikator",
    list(by_key),
    format_func=lambda k: f"{by_key[k].name}" + (f" ({by_key[k].unit})" if by_key[k].unit else ""),
)
summary = by_key[key]
years = sorted(summary.years, reverse=True)
year = right.selectbox("Jahr", years, format_func=str) if years else None
order, count = st.columns([3, 2])
highest = (
    order.radio("Reihenfolge", ["höchste Werte zuerst", "niedrigste Werte zuerst"], horizontal=True)
    == "höchste Werte zuerst"
)
n = count.number_input(
    "Anzahl Gebiete",
    min_value=1,
    max_value=max(summary.areas, 1),
    value=min(10, max(summary.areas, 1)),
)
try:
    result = rank(store, key, year=year, n=int(n), highest=highest, workspace=workspace)
except IndicatorQueryError as error:
    st.warning(str(error))
    st.stop()

st.dataframe(
    [
        {
            "Rang": r,
            "Gebiet": o.area_name,
            "Wert": o.shown(),
            "Quelle": o.ref.label(),
        }
        for r, o in zip(result.ranks, result.entries, strict=True)
    ],
    hide_index=True,
    width="stretch",
)
st.caption(
    f"{result.indicator.name}, {result.year or 'alle Jahre'}: {result.total} Gebiete mit Wert; "
    "Gesamtstadt und Summenzeilen sind nicht mitgezählt."
)
if result.missing:
    st.caption(
        "Ohne Wert: "
        + ", ".join(f"{o.area_name} ({o.missing or o.shown()})" for o in result.missing)
    )
