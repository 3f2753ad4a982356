"""Helpers of the Indikatoren page: table downloads, the ranked bar chart and the choropleth.

Everything here is plain data work (no Streamlit calls except `download_buttons`), so the
matching of GeoJSON features to areas and the colour classes can be tested on their own.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from assistant.indicators.area_maps import normalise
from assistant.indicators.numbers import format_german

# Axis ticks and tooltips in German number format (1.234,5), like the figures in the cells.
GERMAN_NUMBERS = alt.Locale(
    number=alt.NumberLocale(decimal=",", thousands=".", grouping=[3], currency=["", " €"])
)

# Sequential palette, light (low values) to dark (high values); the legend always names the
# class and its value range, so the colour is never the only carrier of information.
PALETTE: tuple[tuple[int, int, int], ...] = (
    (255, 237, 160),
    (254, 178, 76),
    (253, 141, 60),
    (227, 26, 28),
    (128, 0, 38),
)
SHADES = ("sehr hell", "hell", "mittel", "dunkel", "sehr dunkel")
NO_VALUE = (200, 200, 200)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Semicolon CSV with decimal commas and a BOM (opens correctly in German Excel)."""
    return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Tabelle") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


def download_buttons(frame: pd.DataFrame, stem: str, key: str) -> None:
    """Two download buttons (CSV and XLSX) for one table."""
    left, right = st.columns(2)
    left.download_button(
        "Als CSV herunterladen",
        csv_bytes(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
    )
    right.download_button(
        "Als XLSX herunterladen",
        xlsx_bytes(frame),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        icon=":material/download:",
    )


def bar_chart(data: pd.DataFrame, unit: str) -> alt.LayerChart:
    """Horizontal bars in the order of the rows (the rank table's order), the value written
    next to each bar.

    `data` needs the columns Gebiet, Zahl (numeric) and Wert (the figure as written).
    """
    title = f"Wert ({unit})" if unit else "Wert"
    base = alt.Chart(data).encode(
        y=alt.Y("Gebiet:N", sort=list(dict.fromkeys(data["Gebiet"])), title=None),
        x=alt.X("Zahl:Q", title=title),
        tooltip=[alt.Tooltip("Gebiet:N"), alt.Tooltip("Wert:N")],
    )
    bars = base.mark_bar()
    labels = base.mark_text(align="left", dx=3).encode(text="Wert:N")
    return alt.layer(bars, labels).configure(locale=GERMAN_NUMBERS)


def line_chart(data: pd.DataFrame, unit: str) -> alt.Chart:
    """One line per area over the years; `data` needs Gebiet, Jahr, Zahl and Wert."""
    title = f"Wert ({unit})" if unit else "Wert"
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("Jahr:O", title="Jahr"),
            y=alt.Y("Zahl:Q", title=title),
            color=alt.Color("Gebiet:N", sort=list(dict.fromkeys(data["Gebiet"])), title=None),
            tooltip=[alt.Tooltip("Gebiet:N"), alt.Tooltip("Jahr:O"), alt.Tooltip("Wert:N")],
        )
        .configure(locale=GERMAN_NUMBERS)
    )


# --------------------------------------------------------------------------------------------
# Choropleth
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColourClass:
    number: int
    low: float
    high: float
    colour: tuple[int, int, int]
    shade: str


def colour_classes(values: list[float], count: int = 5) -> list[ColourClass]:
    """Equal-interval classes over the values (fewer when there are fewer distinct values)."""
    finite = sorted(v for v in values if v is not None and math.isfinite(v))
    if not finite:
        return []
    low, high = finite[0], finite[-1]
    count = max(1, min(count, len(set(finite))))
    if high == low:
        count = 1
    step = (high - low) / count if count else 0.0
    palette = _spread(count)
    return [
        ColourClass(
            i + 1,
            low + i * step,
            high if i == count - 1 else low + (i + 1) * step,
            palette[i][0],
            palette[i][1],
        )
        for i in range(count)
    ]


def _spread(count: int) -> list[tuple[tuple[int, int, int], str]]:
    if count == 1:
        return [(PALETTE[2], SHADES[2])]
    picks = [round(i * (len(PALETTE) - 1) / (count - 1)) for i in range(count)]
    return [(PALETTE[p], SHADES[p]) for p in picks]


def class_of(value: float, classes: list[ColourClass]) -> ColourClass | None:
    if value is None or not math.isfinite(value) or not classes:
        return None
    for colour_class in classes:
        if value <= colour_class.high:
            return colour_class
    return classes[-1]


@dataclass(frozen=True, slots=True)
class Choropleth:
    geojson: dict[str, Any]  # a copy whose features carry fill colour and German tooltip text
    classes: list[ColourClass]
    table: pd.DataFrame  # one row per feature: Fläche, Gebiet, Wert, Klasse
    unmatched: list[str]  # feature labels without a matching area


def build_choropleth(
    geojson: Mapping[str, Any],
    prop: str,
    lookup: Mapping[str, str],
    values: Mapping[str, float],
    texts: Mapping[str, str],
    names: Mapping[str, str],
) -> Choropleth:
    """Colour each feature by the value of the area its property `prop` names.

    `lookup` maps normalised area codes/names to area keys; `values` and `texts` give each
    area key's number and its figure as written; `names` the display name.
    """
    classes = colour_classes(list(values.values()))
    features = []
    rows = []
    unmatched = []
    for feature in geojson["features"]:
        properties = dict(feature.get("properties") or {})
        label = str(properties.get(prop, ""))
        area = lookup.get(normalise(label)) if label else None
        value = values.get(area) if area else None
        found = class_of(value, classes) if value is not None else None
        if area is None:
            unmatched.append(label or "(ohne Eigenschaft)")
        text = texts.get(area, "kein Wert") if area else "kein Gebiet zugeordnet"
        klasse = f"Klasse {found.number} ({found.shade})" if found else "ohne Wert"
        properties["_fill"] = [*(found.colour if found else NO_VALUE), 200]
        properties["_text"] = f"{names.get(area, label) if area else label}: {text} – {klasse}"
        features.append({**feature, "properties": properties})
        rows.append(
            {
                "Fläche": label,
                "Gebiet": names.get(area, "") if area else "",
                "Wert": text if area else "",
                "Klasse": klasse,
            }
        )
    return Choropleth(
        {"type": "FeatureCollection", "features": features},
        classes,
        pd.DataFrame(rows, columns=["Fläche", "Gebiet", "Wert", "Klasse"]),
        unmatched,
    )


def legend_lines(classes: list[ColourClass], decimals: int = 1) -> list[str]:
    return [
        f"Klasse {c.number} ({c.shade}): {format_german(c.low, decimals)} bis "
        f"{format_german(c.high, decimals)}"
        for c in classes
    ] + ["grau: kein Wert oder kein Gebiet zugeordnet"]


def bounds(geojson: Mapping[str, Any]) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) over all coordinates, None without any."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(node: object) -> None:
        if isinstance(node, list | tuple):
            if len(node) >= 2 and all(isinstance(v, int | float) for v in node[:2]):
                xs.append(float(node[0]))
                ys.append(float(node[1]))
            else:
                for child in node:
                    walk(child)

    for feature in geojson["features"]:
        walk((feature.get("geometry") or {}).get("coordinates"))
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def view_state(geojson: Mapping[str, Any]) -> dict[str, float]:
    box = bounds(geojson)
    if box is None:
        return {"longitude": 10.0, "latitude": 51.0, "zoom": 5}
    west, south, east, north = box
    span = max(east - west, north - south, 1e-4)
    zoom = max(1.0, min(16.0, math.log2(360.0 / span) - 0.5))
    return {"longitude": (west + east) / 2, "latitude": (south + north) / 2, "zoom": zoom}
