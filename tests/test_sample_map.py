"""The fictional Stadtteil map shipped with the demo city (data/sample/maps/)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
MAP = SAMPLE / "maps" / "Stadtteile_Lindwerden.geojson"
TABLE = SAMPLE / "generated" / "Kennzahlen_Stadtteile.csv"

if str(SAMPLE) not in sys.path:  # the generator's modules import as in make_sample.py
    sys.path.insert(0, str(SAMPLE))

from samplegen import geo  # noqa: E402
from samplegen.figures import load_areas  # noqa: E402

Ring = list[tuple[float, float]]


@pytest.fixture(scope="module")
def collection() -> dict[str, Any]:
    return json.loads(MAP.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rings(collection: dict[str, Any]) -> dict[str, Ring]:
    return {
        f["properties"]["Stadtteil-Nr"]: [(p[0], p[1]) for p in f["geometry"]["coordinates"][0]]
        for f in collection["features"]
    }


def area(ring: Ring) -> float:
    """Signed shoelace area of a closed ring (positive = counter-clockwise)."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring)) / 2


def inside(point: tuple[float, float], ring: Ring) -> bool:
    """Ray casting point-in-polygon for a closed ring."""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def test_shipped_map_equals_a_fresh_generation(tmp_path: Path) -> None:
    areas = [(a.code, a.name) for a in load_areas(SAMPLE / "sources" / "stadtteile.yaml")]
    fresh = tmp_path / MAP.name
    geo.write_geojson(areas, fresh)
    assert fresh.read_bytes() == MAP.read_bytes(), (
        "data/sample/maps is out of date: run .venv/bin/python data/sample/make_sample.py"
    )
    text = MAP.read_text(encoding="utf-8")
    assert text.endswith("}\n") and "\r" not in text


def test_one_feature_per_stadtteil_of_the_tables(collection: dict[str, Any]) -> None:
    rows = csv.DictReader(io.StringIO(TABLE.read_text(encoding="utf-8-sig")), delimiter=";")
    table = {r["Stadtteil-Nr"]: r["Stadtteil"] for r in rows if r["Stadtteil-Nr"] != "00"}
    assert sorted(table) == [f"{n:02d}" for n in range(1, 16)]

    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 15
    assert [list(f["properties"]) for f in features] == [["Stadtteil-Nr", "Stadtteil"]] * 15
    shipped = {f["properties"]["Stadtteil-Nr"]: f["properties"]["Stadtteil"] for f in features}
    assert shipped == table
    assert [f["properties"]["Stadtteil-Nr"] for f in features] == sorted(table)
    assert all(f["type"] == "Feature" for f in features)
    assert all(f["geometry"]["type"] == "Polygon" for f in features)
    assert all(len(f["geometry"]["coordinates"]) == 1 for f in features)  # no holes


def test_polygons_are_valid_and_tile_the_city(
    collection: dict[str, Any], rings: dict[str, Ring]
) -> None:
    for code, ring in rings.items():
        assert ring[0] == ring[-1], f"{code}: ring not closed"
        assert len(set(ring)) >= 3 and len(set(ring)) == len(ring) - 1, code
        assert area(ring) > 0, f"{code}: not counter-clockwise or empty"
        for lon, lat in ring:
            assert 7.2 < lon < 7.4 and 51.5 < lat < 51.6, (code, lon, lat)
            assert round(lon, 5) == lon and round(lat, 5) == lat
    assert not re.search(r"\d\.\d{6}", MAP.read_text(encoding="utf-8")), "more than 5 decimals"

    outline = [(p[0], p[1]) for p in geo.outline_lonlat()]
    assert area(outline) > 0
    total = sum(area(ring) for ring in rings.values())
    assert math.isclose(total, area(outline), rel_tol=1e-3)

    # About 10 km across (1 degree of longitude is about 69 km here).
    lons = [p[0] for p in outline]
    lats = [p[1] for p in outline]
    assert 8 < (max(lons) - min(lons)) * 69.2 < 13
    assert 8 < (max(lats) - min(lats)) * 111.2 < 13

    # No border crosses another one (within a ring or between two rings).
    segments = [(code, a, b) for code, ring in rings.items() for a, b in pairwise(ring)]
    for i, (code_a, a1, a2) in enumerate(segments):
        for code_b, b1, b2 in segments[i + 1 :]:
            assert not geo.segments_cross(a1, a2, b1, b2), (code_a, a1, a2, code_b, b1, b2)


def test_features_do_not_overlap_and_leave_no_gaps(rings: dict[str, Ring]) -> None:
    outline = [(p[0], p[1]) for p in geo.outline_lonlat()]
    west, east = min(p[0] for p in outline), max(p[0] for p in outline)
    south, north = min(p[1] for p in outline), max(p[1] for p in outline)
    steps = 45
    hits = dict.fromkeys(rings, 0)
    checked = 0
    for i in range(steps):
        for j in range(steps):
            # Odd offsets keep the sample points off the rounded vertex grid.
            point = (
                west + (i + 0.5137) / steps * (east - west),
                south + (j + 0.4721) / steps * (north - south),
            )
            owners = [code for code, ring in rings.items() if inside(point, ring)]
            if inside(point, outline):
                checked += 1
                assert len(owners) == 1, (point, owners)
                hits[owners[0]] += 1
            else:
                assert owners == [], (point, owners)
    assert checked > 1000
    assert min(hits.values()) >= 10, hits
