"""Fictional boundaries of Lindwerden's Stadtteile as a GeoJSON FeatureCollection.

The map is made up, like the city: an irregular city outline about 10 km across, centred at a
fictional spot in NRW (lon 7.3, lat 51.55), divided into one polygon per Stadtteil by a Voronoi
partition of hand-placed seed points. Each cell is the outline clipped by the half-planes
"closer to this seed than to that one" (Sutherland-Hodgman, one half-plane at a time), so the
cells tile the outline without gaps or overlaps. Borders between two Stadtteile are then bent
a little (the same polyline for both neighbours) so that they look less like a ruler drawing.

All geometry is computed in kilometres east/north of the city centre and converted to WGS84
longitude/latitude at the end (equirectangular, good enough for a 10 km city). Coordinates are
rounded to 5 decimals (about 1 m), exterior rings are counter-clockwise and closed (RFC 7946).
Everything is deterministic: no randomness other than ``random.Random`` seeded with constants.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

Point = tuple[float, float]

CENTRE_LON = 7.3
CENTRE_LAT = 51.55
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LON = 111.32 * math.cos(math.radians(CENTRE_LAT))
DECIMALS = 5

MAP_NAME = "Stadtteile der fiktiven Stadt Lindwerden (fiktive Grenzen, Beispieldaten)"
CODE_PROPERTY = "Stadtteil-Nr"
NAME_PROPERTY = "Stadtteil"

# Seed point of each Stadtteil in km east/north of the market square, with the position the
# texts in stadtteile.yaml imply. The river Werde comes from the west through the floodplain
# (Wiesental), passes the harbour north-west of the Altstadt and leaves to the north-east; the
# railway runs west-east just north of the Altstadt with the Hauptbahnhof north-east of it.
SEEDS: dict[str, tuple[float, float, str]] = {
    "01": (0.0, 0.0, "centre: market square, town hall"),
    "02": (1.25, 1.05, "between the Altstadt and the Hauptbahnhof (north-east of the centre)"),
    "03": (-1.3, 1.5, "north of the railway, by the Werdehafen on the river (north-west)"),
    "04": (0.3, 3.45, "north"),
    "05": (0.3, -1.65, "ridge just south of the Altstadt"),
    "06": (2.05, -0.35, "east of the centre, 1960s/70s housing"),
    "07": (4.15, -1.1, "eastern edge, suburban"),
    "08": (3.75, 1.25, "east; Gewerbegebiet Marienau-Ost at the city edge"),
    "09": (2.3, 3.15, "north-east, former mining estate (Zeche Schlägel)"),
    "10": (-4.0, 0.55, "west, floodplain of the Werde"),
    "11": (-2.7, 3.0, "north-west, old village core and 1990s estate"),
    "12": (-1.4, -1.3, "small hill south-west of the centre, next to the Lindenhöhe"),
    "13": (-2.75, -2.65, "south-west, edge of the Eichwald forest"),
    "14": (2.75, -3.2, "south-east, former village"),
    "15": (0.2, -3.65, "south, former Südkaserne"),
}

# Power-diagram weights in km^2 (default 0): a larger weight pushes the borders away from the
# seed. The old town is compact, the Sonnenberg is the smallest Stadtteil, and the wide west
# (the Werde floodplain) is shared between Wiesental, Eichwald and Holtkamp.
WEIGHTS: dict[str, float] = {"01": -0.6, "12": -1.7, "10": -1.0, "13": 0.4, "11": 0.3}

# The city outline: a lumpy, slightly oval shape, given as radius harmonics around the centre.
OUTLINE_VERTICES = 72
OUTLINE_RADIUS_KM = 5.0
OUTLINE_HARMONICS: tuple[tuple[int, float, float], ...] = (
    # (frequency, relative amplitude, phase)
    (2, 0.09, 0.4),
    (3, 0.07, 2.2),
    (4, 0.035, 5.1),
    (5, 0.04, 1.0),
    (7, 0.025, 3.9),
    (11, 0.012, 0.7),
    (17, 0.008, 2.6),
)
OUTLINE_STRETCH = (1.08, 0.95)  # wider east-west than north-south
OUTLINE_JITTER = 0.018  # relative random change of each vertex's radius (field and parcel edges)
OUTLINE_SEED = 1975  # the year of the kommunale Neugliederung

BEND_STEP_KM = 0.22  # spacing of the intermediate points of a bent border
BEND_SEED = 2024


# --------------------------------------------------------------------------------------------
# Planar geometry
# --------------------------------------------------------------------------------------------


def signed_area(ring: Sequence[Point]) -> float:
    """Shoelace area; positive for counter-clockwise rings (closing point optional)."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def clip_half_plane(polygon: Sequence[Point], a: float, b: float, c: float) -> list[Point]:
    """Sutherland-Hodgman step: the part of `polygon` where a*x + b*y <= c."""
    result: list[Point] = []
    n = len(polygon)
    for i in range(n):
        current = polygon[i]
        following = polygon[(i + 1) % n]
        d_cur = a * current[0] + b * current[1] - c
        d_next = a * following[0] + b * following[1] - c
        if d_cur <= 0:
            result.append(current)
        if (d_cur < 0 < d_next) or (d_next < 0 < d_cur):
            t = d_cur / (d_cur - d_next)
            result.append(
                (
                    current[0] + t * (following[0] - current[0]),
                    current[1] + t * (following[1] - current[1]),
                )
            )
    return _drop_repeats(result)


def _drop_repeats(points: Sequence[Point], tol: float = 1e-9) -> list[Point]:
    kept: list[Point] = []
    for p in points:
        if not kept or math.dist(p, kept[-1]) > tol:
            kept.append(p)
    while len(kept) > 1 and math.dist(kept[0], kept[-1]) <= tol:
        kept.pop()
    return kept


def outline_km() -> list[Point]:
    """The city outline, counter-clockwise, in km around the centre."""
    rng = random.Random(OUTLINE_SEED)
    points = []
    for i in range(OUTLINE_VERTICES):
        angle = 2 * math.pi * i / OUTLINE_VERTICES
        factor = 1.0 + sum(amp * math.cos(k * angle + phase) for k, amp, phase in OUTLINE_HARMONICS)
        factor += rng.uniform(-OUTLINE_JITTER, OUTLINE_JITTER)
        radius = OUTLINE_RADIUS_KM * factor
        points.append(
            (
                OUTLINE_STRETCH[0] * radius * math.cos(angle),
                OUTLINE_STRETCH[1] * radius * math.sin(angle),
            )
        )
    return points


def voronoi_cells(
    seeds: dict[str, Point], outline: Sequence[Point], weights: dict[str, float] | None = None
) -> dict[str, list[Point]]:
    """Each seed's (power-weighted) Voronoi cell clipped to the outline (counter-clockwise)."""
    weights = weights or {}
    cells: dict[str, list[Point]] = {}
    for code, (px, py) in seeds.items():
        cell = list(outline)
        for other, (qx, qy) in seeds.items():
            if other == code:
                continue
            # |x - p|^2 - w_p <= |x - q|^2 - w_q  <=>  2 (q - p) . x <= |q|^2 - |p|^2 + w_p - w_q
            a, b = 2 * (qx - px), 2 * (qy - py)
            c = qx * qx + qy * qy - px * px - py * py
            c += weights.get(code, 0.0) - weights.get(other, 0.0)
            cell = clip_half_plane(cell, a, b, c)
        if len(cell) < 3:
            raise ValueError(f"Stadtteil {code}: empty cell (seed outside the outline?)")
        cells[code] = cell
    return cells


# --------------------------------------------------------------------------------------------
# Shared vertices and bent borders
# --------------------------------------------------------------------------------------------


class _Vertices:
    """Snaps nearly equal points to one shared vertex, so neighbours use identical points."""

    def __init__(self, tol: float = 1e-6) -> None:
        self.points: list[Point] = []
        self.tol = tol

    def index(self, point: Point) -> int:
        for i, known in enumerate(self.points):
            if math.dist(known, point) <= self.tol:
                return i
        self.points.append(point)
        return len(self.points) - 1


def _bend(start: Point, end: Point, rng: random.Random) -> list[Point]:
    """Intermediate points of a gently curved border from `start` to `end`."""
    length = math.dist(start, end)
    steps = max(2, math.ceil(length / BEND_STEP_KM))
    # Smooth bends that vanish at both ends, plus a little jitter like street corners.
    a1 = rng.uniform(-0.06, 0.06)
    a2 = rng.uniform(-0.03, 0.03)
    a3 = rng.uniform(-0.012, 0.012)
    nx, ny = (start[1] - end[1]) / length, (end[0] - start[0]) / length
    points = []
    for k in range(1, steps):
        t = k / steps
        envelope = math.sin(math.pi * t)
        offset = length * (
            a1 * envelope + a2 * math.sin(2 * math.pi * t) + a3 * math.sin(3 * math.pi * t)
        )
        offset += rng.uniform(-0.02, 0.02) * envelope
        points.append(
            (
                start[0] + t * (end[0] - start[0]) + offset * nx,
                start[1] + t * (end[1] - start[1]) + offset * ny,
            )
        )
    return points


def bent_cells(cells: dict[str, list[Point]]) -> dict[str, list[Point]]:
    """Cells whose shared borders are bent; borders on the city outline stay as they are."""
    vertices = _Vertices()
    rings = {code: [vertices.index(p) for p in cell] for code, cell in cells.items()}
    owners: dict[tuple[int, int], list[str]] = {}
    for code, ring in rings.items():
        for i, u in enumerate(ring):
            v = ring[(i + 1) % len(ring)]
            owners.setdefault((min(u, v), max(u, v)), []).append(code)
    bends: dict[tuple[int, int], list[Point]] = {}
    for edge, codes in owners.items():  # each border gets its own seeded generator
        if len(codes) == 2:
            pair = sorted(codes)
            rng = random.Random(BEND_SEED * 10_000 + int(pair[0]) * 100 + int(pair[1]))
            start, end = vertices.points[edge[0]], vertices.points[edge[1]]
            bends[edge] = _bend(start, end, rng)
        elif len(codes) > 2:
            raise ValueError(f"edge shared by more than two Stadtteile: {codes}")
    result: dict[str, list[Point]] = {}
    for code, ring in rings.items():
        points: list[Point] = []
        for i, u in enumerate(ring):
            v = ring[(i + 1) % len(ring)]
            points.append(vertices.points[u])
            middle = bends.get((min(u, v), max(u, v)), [])
            points.extend(middle if u < v else reversed(middle))
        result[code] = points
    return result


# --------------------------------------------------------------------------------------------
# Coordinates and validation
# --------------------------------------------------------------------------------------------


def to_lonlat(point: Point) -> Point:
    """km east/north of the centre -> (lon, lat), rounded to DECIMALS."""
    x, y = point
    return (
        round(CENTRE_LON + x / KM_PER_DEG_LON, DECIMALS),
        round(CENTRE_LAT + y / KM_PER_DEG_LAT, DECIMALS),
    )


def closed_ring(points: Sequence[Point]) -> list[list[float]]:
    """Rounded lon/lat ring, counter-clockwise, first point repeated at the end."""
    ring = _drop_repeats([to_lonlat(p) for p in points], tol=0.0)
    if signed_area(ring) < 0:
        ring.reverse()
    return [[lon, lat] for lon, lat in [*ring, ring[0]]]


def outline_lonlat() -> list[list[float]]:
    """The city outline as a closed lon/lat ring (for checks: the cells must add up to it)."""
    return closed_ring(outline_km())


def _cross(o: Point, a: Point, b: Point) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def segments_cross(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """True if the segments cross in a point interior to both (touching does not count)."""
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return ((d1 > 0 > d2) or (d2 > 0 > d1)) and ((d3 > 0 > d4) or (d4 > 0 > d3))


def crossing_borders(rings: dict[str, list[list[float]]]) -> list[str]:
    """Pairs of border segments (within or between rings) that cross each other."""
    segments: list[tuple[str, Point, Point]] = []
    for code, ring in rings.items():
        for a, b in pairwise(ring):
            segments.append((code, (a[0], a[1]), (b[0], b[1])))
    problems = []
    for i, (code_a, a1, a2) in enumerate(segments):
        for code_b, b1, b2 in segments[i + 1 :]:
            if segments_cross(a1, a2, b1, b2):
                problems.append(f"{code_a} {a1}-{a2} crosses {code_b} {b1}-{b2}")
    return problems


# --------------------------------------------------------------------------------------------
# GeoJSON
# --------------------------------------------------------------------------------------------


def feature_collection(areas: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The FeatureCollection for (code, name) pairs; codes must be exactly the SEEDS' codes."""
    codes = [code for code, _ in areas]
    if sorted(codes) != sorted(SEEDS):
        raise ValueError(f"Stadtteil codes {codes} do not match the map seeds {sorted(SEEDS)}")
    seeds = {code: (SEEDS[code][0], SEEDS[code][1]) for code in sorted(SEEDS)}
    cells = bent_cells(voronoi_cells(seeds, outline_km(), WEIGHTS))
    rings = {code: closed_ring(cells[code]) for code in seeds}
    problems = crossing_borders(rings)
    if problems:
        raise ValueError("borders cross: " + "; ".join(problems[:5]))
    return {
        "type": "FeatureCollection",
        "name": MAP_NAME,
        "features": [
            {
                "type": "Feature",
                "properties": {CODE_PROPERTY: code, NAME_PROPERTY: name},
                "geometry": {"type": "Polygon", "coordinates": [rings[code]]},
            }
            for code, name in sorted(areas)
        ],
    }


def render(areas: Sequence[tuple[str, str]]) -> str:
    """The GeoJSON text: fixed key order, one feature per line, trailing newline."""
    collection = feature_collection(areas)

    def dump(value: object) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = [
        "{" + f'"type":{dump(collection["type"])},"name":{dump(collection["name"])},',
        '"features":[',
        ",\n".join(dump(feature) for feature in collection["features"]),
        "]}",
    ]
    return "\n".join(lines) + "\n"


def write_geojson(areas: Sequence[tuple[str, str]], path: Path) -> None:
    """Write the map of the given Stadtteile (UTF-8, LF line ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render(areas).encode("utf-8"))
