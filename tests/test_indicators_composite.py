"""The graded index: invariants (hypothesis) and a table computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from assistant.indicators.composite import (
    DYNAMICS_SCHEME,
    STATUS_SCHEME,
    ClassScheme,
    dynamics_index,
    graded_index,
    overlay,
    weights_from,
    zscores,
)


@st.composite
def indicator_tables(draw: st.DrawFn) -> pd.DataFrame:
    areas = draw(st.integers(min_value=3, max_value=40))
    count = draw(st.integers(min_value=1, max_value=6))
    values = draw(
        arrays(
            np.float64,
            (areas, count),
            elements=st.floats(min_value=0, max_value=100, allow_nan=False, width=32),
        )
    )
    columns = [f"i{k}" for k in range(count)]
    return pd.DataFrame(values, index=[f"a{k}" for k in range(areas)], columns=columns)


def _spread(values: np.ndarray) -> bool:
    return bool(np.all(values.std(axis=0) > 1e-6))


@settings(max_examples=150, deadline=None)
@given(indicator_tables())
def test_index_is_standardised_and_classes_add_up(table: pd.DataFrame) -> None:
    assume(_spread(table.to_numpy()))
    result = graded_index(table)
    assume(result.table["sum"].std(ddof=0) > 1e-6)  # indicators that cancel out exactly
    values = result.values.to_numpy()
    assert values.mean() == pytest.approx(0.0, abs=1e-9)
    assert values.std(ddof=0) == pytest.approx(1.0, abs=1e-9)
    for column in table.columns:
        z = result.table[f"z:{column}"].to_numpy()
        assert z.mean() == pytest.approx(0.0, abs=1e-9)
        assert z.std(ddof=0) == pytest.approx(1.0, abs=1e-9)
    assert sum(result.counts().values()) == len(table) - len(result.excluded)
    assert set(result.classes) <= set(STATUS_SCHEME.labels)


@settings(max_examples=100, deadline=None)
@given(indicator_tables())
def test_weights_of_one_equal_no_weights(table: pd.DataFrame) -> None:
    assume(_spread(table.to_numpy()))
    plain = graded_index(table)
    weighted = graded_index(table, weights={c: 1.0 for c in table.columns})
    np.testing.assert_allclose(plain.values, weighted.values, atol=1e-12)
    assert list(plain.classes) == list(weighted.classes)


@settings(max_examples=100, deadline=None)
@given(indicator_tables(), st.floats(min_value=0.1, max_value=1000))
def test_units_do_not_matter_and_direction_flips_the_index(
    table: pd.DataFrame, factor: float
) -> None:
    assume(_spread(table.to_numpy()))
    base = graded_index(table)
    assume(base.table["sum"].std(ddof=0) > 1e-6)
    scaled = graded_index(table * factor + 7.0)
    np.testing.assert_allclose(base.values, scaled.values, atol=1e-6)
    flipped = graded_index(table, signs={c: -1 for c in table.columns})
    np.testing.assert_allclose(base.values, -flipped.values, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(indicator_tables(), st.integers(min_value=0, max_value=1000))
def test_small_and_incomplete_areas_are_left_out_and_listed(table: pd.DataFrame, seed: int) -> None:
    rng = np.random.default_rng(seed)
    population = pd.Series(rng.integers(0, 1000, len(table)), index=table.index, dtype=float)
    table = table.copy()
    table.iloc[0, 0] = np.nan
    result = graded_index(table, population=population, min_population=300)
    small = set(population.index[population < 300])
    assert small <= set(result.excluded)
    assert "a0" in result.excluded
    assert set(result.table.index).isdisjoint(result.excluded)
    assert len(result.table) + len(result.excluded) == len(table)
    assert sum(result.counts().values()) == len(result.table)


def test_zscores_use_the_population_standard_deviation() -> None:
    z = zscores(np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]))  # mean 5, pstdev 2
    np.testing.assert_allclose(z, [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2])
    assert list(zscores(np.array([3.0, 3.0, 3.0]))) == [0.0, 0.0, 0.0]


def test_class_boundaries_follow_berlin() -> None:
    labels = STATUS_SCHEME.classify([-1.01, -1.0, 0.0, 1.0, 1.01, 1.5, 1.51])
    assert list(labels) == ["hoch", "mittel", "mittel", "mittel", "niedrig", "niedrig",
                            "sehr niedrig"]  # fmt: skip
    assert list(DYNAMICS_SCHEME.classify([-1.2, 0.3, 1.2])) == ["positiv", "stabil", "negativ"]
    custom = ClassScheme((0.0,), ("unauffällig", "auffällig"))
    assert list(custom.classify([-0.1, 0.0, 0.1])) == ["unauffällig", "auffällig", "auffällig"]
    with pytest.raises(ValueError):
        ClassScheme((1.0, 0.0), ("a", "b", "c"))


# Hand-computed fixture: 6 areas × 3 indicators (+ one small area that must be left out).
#
# Every indicator is built as mean + sd * d with deviations d whose population standard
# deviation is exactly 1 (sum of d = 0, sum of d² = 6), so the z-values equal d:
#   SGB-II-Quote (higher = worse), mean 10, sd 2:   d1 = [ 2, -1, -1,  0,  0,  0]
#       values = [14, 8, 8, 10, 10, 10]
#   Kinderarmut (higher = worse), mean 20, sd 3:    d2 = [-1, -1,  0,  0,  0,  2]
#       values = [17, 17, 20, 20, 20, 26]
#   Übergang Gymnasium (higher = BETTER), mean 40, sd 5, raw d = [-2, 0, 0, 1, 1, 0]
#       values = [30, 40, 40, 45, 45, 40]; oriented (× -1) d3 = [ 2, 0, 0, -1, -1, 0]
# Sum of z:  s = d1 + d2 + d3 = [3, -2, -1, -1, -1, 2]        (mean 0)
# Population sd of s: sqrt((9 + 4 + 1 + 1 + 1 + 4) / 6) = sqrt(20 / 6) = 1.8257419
# Index = s / 1.8257419 = [1.6431677, -1.0954451, -0.5477226, -0.5477226, -0.5477226, 1.0954451]
# Classes: A > 1.5 "sehr niedrig"; B < -1 "hoch"; C, D, E in -1…+1 "mittel";
#          F in +1…+1.5 "niedrig".
# With weights (2, 1, 1): s = 2*d1 + d2 + d3 = [5, -3, -2, -1, -1, 2],
#   sd = sqrt((25 + 9 + 4 + 1 + 1 + 4) / 6) = sqrt(44 / 6) = 2.7080128
#   index A = 5 / 2.7080128 = 1.8463724, B = -3 / 2.7080128 = -1.1078234
HAND = pd.DataFrame(
    {
        "sgb2_quote": [14, 8, 8, 10, 10, 10, 30],
        "kinderarmut": [17, 17, 20, 20, 20, 26, 50],
        "uebergang_gymnasium": [30, 40, 40, 45, 45, 40, 5],
    },
    index=["A", "B", "C", "D", "E", "F", "Klein"],
    dtype=float,
)
HAND_POPULATION = pd.Series([5000, 6000, 7000, 8000, 9000, 4000, 120], index=HAND.index)
SIGNS = {"uebergang_gymnasium": -1}


def test_hand_computed_status_index() -> None:
    result = graded_index(HAND, signs=SIGNS, population=HAND_POPULATION, min_population=300)
    assert result.excluded == {"Klein": "weniger als 300 Einwohner (120)"}
    expected = pd.Series(
        [1.6431677, -1.0954451, -0.5477226, -0.5477226, -0.5477226, 1.0954451],
        index=list("ABCDEF"),
    )
    np.testing.assert_allclose(result.values.loc[list("ABCDEF")], expected, atol=1e-6)
    np.testing.assert_allclose(result.table["z:uebergang_gymnasium"], [2, 0, 0, -1, -1, 0])
    np.testing.assert_allclose(result.table["sum"], [3, -2, -1, -1, -1, 2])
    assert dict(result.classes) == {
        "A": "sehr niedrig",
        "B": "hoch",
        "C": "mittel",
        "D": "mittel",
        "E": "mittel",
        "F": "niedrig",
    }
    assert result.counts() == {"hoch": 1, "mittel": 3, "niedrig": 1, "sehr niedrig": 1}


def test_hand_computed_weights() -> None:
    result = graded_index(
        HAND.drop(index="Klein"), signs=SIGNS, weights=weights_from("2,1,1", list(HAND.columns))
    )
    assert result.values["A"] == pytest.approx(5 / math.sqrt(44 / 6))
    assert result.values["B"] == pytest.approx(-3 / math.sqrt(44 / 6))
    assert weights_from("1,5;1;1", list(HAND.columns)) == {
        "sgb2_quote": 1.5,
        "kinderarmut": 1.0,
        "uebergang_gymnasium": 1.0,
    }
    with pytest.raises(ValueError, match="Gewichte"):
        weights_from("1,2", list(HAND.columns))


def test_dynamics_and_overlay() -> None:
    then = HAND.drop(index="Klein")
    # A worsens strongly on both burden indicators, F improves: dynamics follow the change.
    now = then.copy()
    now.loc["A", ["sgb2_quote", "kinderarmut"]] += [3.0, 4.0]
    now.loc["F", ["sgb2_quote", "kinderarmut"]] -= [2.0, 3.0]
    now.loc["C", "sgb2_quote"] += 0.5
    dynamics = dynamics_index(now, then, signs=SIGNS)
    direct = graded_index(now - then, signs=SIGNS, scheme=DYNAMICS_SCHEME)
    np.testing.assert_allclose(dynamics.values, direct.values)
    assert dynamics.classes["A"] == "negativ" and dynamics.classes["F"] == "positiv"
    status = graded_index(now, signs=SIGNS)
    combined = overlay(status, dynamics)
    assert combined.table.loc["A", "group"] == f"{status.classes['A']} / negativ"
    assert bool(combined.table.loc["A", "attention"])
    assert len(combined.table) == 6
