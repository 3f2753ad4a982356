"""Maps of the areas of indicator tables: GeoJSON files, their features matched to areas.

The demo town's Stadtteile come with the sample (`data/sample/maps/`); a map a user uploads
is kept beside the workspace's uploads (`documents.uploads.save_map`), so it is there again
on the next visit. Which map
and which feature property fit a set of areas is decided by how many features they match.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SAMPLE_MAPS = Path(__file__).resolve().parents[2] / "data" / "sample" / "maps"
MAP_SUFFIXES = (".geojson", ".json")


class GeoJsonError(ValueError):
    """The file is not a GeoJSON FeatureCollection that can be drawn; German message."""


def parse_geojson(data: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GeoJsonError(f"Die Datei ist kein gültiges JSON ({error}).") from error
    if isinstance(parsed, dict) and parsed.get("type") == "Feature":
        parsed = {"type": "FeatureCollection", "features": [parsed]}
    if not isinstance(parsed, dict) or not isinstance(parsed.get("features"), list):
        raise GeoJsonError("Die Datei enthält keine GeoJSON-FeatureCollection.")
    if not parsed["features"]:
        raise GeoJsonError("Die GeoJSON-Datei enthält keine Flächen.")
    return parsed


def property_names(geojson: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for feature in geojson["features"]:
        for name in feature.get("properties") or {}:
            if name not in names:
                names.append(str(name))
    return names


def normalise(text: object) -> str:
    value = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    return " ".join(value.split())


def map_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in MAP_SUFFIXES)


@dataclass(frozen=True, slots=True)
class MapMatch:
    """A map, the feature property that names its areas, and how many features it matched."""

    path: Path
    geojson: dict[str, Any]
    prop: str
    hits: dict[str, int]  # matched features per property

    @property
    def matched(self) -> int:
        return self.hits.get(self.prop, 0)

    @property
    def share(self) -> float:
        """Share of the map's features that are areas of the tables."""
        return self.matched / max(len(self.geojson["features"]), 1)


def area_lookup(areas: Iterable[tuple[str, Iterable[object]]]) -> dict[str, str]:
    """Normalised codes and names → area key, from (area key, its codes and names)."""
    lookup: dict[str, str] = {}
    for key, texts in areas:
        for text in texts:
            if isinstance(text, str) and text.strip():
                lookup.setdefault(normalise(text), key)
    return lookup


def match_map(path: Path, geojson: Mapping[str, Any], lookup: Mapping[str, str]) -> MapMatch:
    """The property of the map's features that matches most areas."""
    props = property_names(geojson)
    hits = {
        p: sum(
            normalise((f.get("properties") or {}).get(p, "")) in lookup for f in geojson["features"]
        )
        for p in props
    }
    best = max(props, key=lambda p: hits[p]) if props else ""
    return MapMatch(path, dict(geojson), best, hits)


def best_map(
    paths: Iterable[Path], lookup: Mapping[str, str], min_share: float = 0.0
) -> MapMatch | None:
    """The readable map whose features match most of the areas, None when none matches.

    `min_share` keeps a map of another town away whose few area names happen to recur
    (maps shipped with the sample ask for half their features; a user's own map for one).
    """
    matches = []
    for path in paths:
        try:
            geojson = parse_geojson(path.read_bytes())
        except (OSError, GeoJsonError):
            continue
        found = match_map(path, geojson, lookup)
        if found.matched > 0 and found.share >= min_share:
            matches.append(found)
    return max(matches, key=lambda m: m.matched, default=None)
