"""German number cells: property tests (round trips) and the cases tables really contain."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.indicators.headers import parse_header
from assistant.indicators.numbers import (
    detect_decimal_mark,
    excel_display,
    format_german,
    parse_number,
)

values = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=0, max_value=3)


@settings(max_examples=300, deadline=None)
@given(values, decimals, st.booleans())
def test_formatted_numbers_parse_back(value: float, places: int, thousands: bool) -> None:
    text = format_german(value, places, thousands=thousands)
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(float(text.replace(".", "").replace(",", ".")))
    assert parsed.value == pytest.approx(value, abs=0.5 * 10**-places + 1e-6 * abs(value))
    assert parsed.display == text


@settings(max_examples=200, deadline=None)
@given(values, decimals, st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_space_thousands_separators(value: float, places: int, space: str) -> None:
    text = format_german(value, places).replace(".", space)
    assert parse_number(text).value == pytest.approx(
        float(format_german(value, places, thousands=False).replace(",", "."))
    )


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.001, max_value=1e6), decimals, st.integers(min_value=0, max_value=4))
def test_negative_with_padding_after_the_sign(value: float, places: int, spaces: int) -> None:
    digits = format_german(value, places)
    parsed = parse_number(f"  -{' ' * spaces}{digits} ")
    assert parsed.value == pytest.approx(-float(digits.replace(".", "").replace(",", ".")))
    assert parsed.display == f"-{digits}"


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=100), decimals, st.sampled_from(["%", " %", "\u00a0%"]))
def test_percentages(value: float, places: int, suffix: str) -> None:
    text = format_german(value, places) + suffix
    parsed = parse_number(text)
    assert parsed.unit == "%"
    assert parsed.value == pytest.approx(float(format_german(value, places).replace(",", ".")))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=9999), min_size=1, max_size=20),
       st.integers(min_value=1, max_value=2))  # fmt: skip
def test_decimal_mark_of_a_column(numbers: list[float], places: int) -> None:
    german = [format_german(n, places, thousands=False) for n in numbers]
    english = [f"{n:.{places}f}" for n in numbers]
    assert detect_decimal_mark(german) == ","
    assert detect_decimal_mark(english) == "."
    for text, number in zip(english, numbers, strict=True):
        assert parse_number(text, ".").value == pytest.approx(round(number, places), abs=1e-9)


@pytest.mark.parametrize(
    ("text", "value", "display"),
    [
        ("1.234,5", 1234.5, "1.234,5"),
        ("12,3 %", 12.3, "12,3 %"),
        ("-  23", -23.0, "-23"),
        ("−4,5", -4.5, "-4,5"),
        ("  7 ", 7.0, "7"),
        ("1 234", 1234.0, "1 234"),
        ("1.234", 1234.0, "1.234"),
        ("23,4¹", 23.4, "23,4"),
        ("23,4 *", 23.4, "23,4"),
        ("+1,23", 1.23, "+1,23"),
        ("11.6", 11.6, "11,6"),  # a decimal point in a German table still reads right
    ],
)
def test_cells_as_written(text: str, value: float, display: str) -> None:
    parsed = parse_number(text)
    assert parsed.value == pytest.approx(value)
    assert parsed.display == display
    assert not parsed.missing


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (".", "geheim"),
        ("-", "nichts vorhanden"),
        ("–", "nichts vorhanden"),
        ("x", "gesperrt"),
        ("*", "Datenschutz"),
        ("< 3", "Fallzahl unter 3"),
        ("k. A.", "keine Angabe"),
        ("", "leer"),
        ("Hafen", "kein Zahlenwert"),
    ],
)
def test_suppressed_cells_keep_their_reason(text: str, reason: str) -> None:
    parsed = parse_number(text)
    assert parsed.value is None and parsed.is_missing
    assert reason in parsed.missing


def test_excel_cells_show_like_german_excel() -> None:
    assert excel_display(0.234, "0.0%").display == "23,4 %"
    assert excel_display(0.234, "0.0%").value == pytest.approx(23.4)
    assert excel_display(7834, "#,##0").display == "7.834"
    assert excel_display(23.0, "0.0").display == "23,0"
    assert excel_display(23.4).display == "23,4"


def test_headers_give_name_unit_and_date() -> None:
    info = parse_header("Anteil Alleinerziehender in % (Dez 2013)")
    assert (info.name, info.unit, info.year, info.reference) == (
        "Anteil Alleinerziehender",
        "%",
        2013,
        "Dez 2013",
    )
    assert parse_header("Wohnfläche je Person (m²)").unit == "m²"
    assert parse_header("Arbeitslose unter 25 J. (Anzahl)").unit == "Anzahl"
    assert parse_header("Einwohner am 31.12.2023").year == 2023
    assert parse_header("Veränderung 2019–2023 in %-Punkten").unit == "Prozentpunkte"
