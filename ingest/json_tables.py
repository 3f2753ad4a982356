"""JSON and GeoJSON files as one table, for the document loader and the indicator reader.

Open-data portals publish district indicators as a GeoJSON FeatureCollection (each
district's figures in its feature's `properties`) or as a JSON array of records. Either
becomes one `Sheet`: row 1 holds the column names (the keys, in the order first seen),
row n + 1 the n-th feature or record. Geometry is dropped; a nested object is flattened
into „Eltern.Kind“ columns, a list of plain values joined with „, “, a list of objects
skipped. Any other JSON is refused with a German message that says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from ingest.encoding import decode_bytes
from ingest.errors import IngestError
from ingest.limits import FileLimits, TableSize, refused
from ingest.sheets import Sheet, SheetRow

_GENERAL = "General"
# A key: a string followed by a colon. Counted on the raw bytes before parsing.
_KEY = re.compile(rb'"\s*:')
# Keys a GeoJSON file needs besides the properties (type, geometry, coordinates, …).
_STRUCTURE_KEYS_PER_FEATURE = 6
_MAX_DEPTH = 3  # deeper nesting is skipped: „a.b.c.d“ is no column a planner reads
Scalar = str | int | float | bool | None


def read_json(path: Path, name: str, limits: FileLimits) -> Sheet:
    """The table of a GeoJSON FeatureCollection or a JSON array of flat objects.

    Raises `IngestError` (German, naming `name`) for invalid JSON, JSON that is no table,
    or a table past `limits.max_table_cells`.
    """
    raw = path.read_bytes()
    _check_keys(raw, name, limits)
    data = _parse(raw, name)
    records = _records(data, name)
    return _sheet(records, name, limits)


def _check_keys(raw: bytes, name: str, limits: FileLimits) -> None:
    """Refuse before parsing what would be refused after it: Python's objects for a JSON
    record take some 20 times its text, so a 100 MB file could take 2 GB."""
    features = raw.count(b'"Feature"')
    keys = len(_KEY.findall(raw)) - _STRUCTURE_KEYS_PER_FEATURE * features
    if keys > limits.max_table_cells:
        raise refused(
            name,
            f"hat etwa {_german(keys)} Werte",
            f"höchstens {_german(limits.max_table_cells)} Zellen",
            "max_table_cells",
        )


def _parse(raw: bytes, name: str) -> object:
    try:
        return json.loads(decode_bytes(raw))
    except json.JSONDecodeError as error:
        raise IngestError(
            f"„{name}“ ist keine gültige JSON-Datei (Fehler in Zeile {error.lineno}, Spalte "
            f"{error.colno}). Bitte die Datei erneut exportieren oder herunterladen."
        ) from error
    except RecursionError as error:
        raise _not_a_table(name, "sie ist zu tief verschachtelt") from error


def _records(data: object, name: str) -> list[dict[str, object]]:
    """The rows: the features' properties, or the objects of a top-level array."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if isinstance(data, dict) and isinstance(data.get("features"), list):
        features = data["features"]
        if not features:
            raise _not_a_table(
                name, "die GeoJSON-FeatureCollection enthält keine Objekte", geo=True
            )
        records = [f["properties"] for f in features if isinstance(f, dict) and f.get("properties")]
        if not records or not all(isinstance(r, dict) for r in records):
            reason = "die GeoJSON-Objekte haben keine Eigenschaften (properties)"
            raise _not_a_table(name, reason, geo=True)
        return records
    if isinstance(data, list):
        if not data:
            raise _not_a_table(name, "die Liste ist leer")
        if not all(isinstance(item, dict) for item in data):
            raise _not_a_table(name, "die Liste enthält nicht nur Objekte mit Spaltennamen")
        return data
    wrapped = _wrapped_records(data)
    if wrapped is not None:
        return _records(wrapped, name)
    if isinstance(data, dict):
        keys = ", ".join(f"„{key}“" for key in list(data)[:5])
        found = f"ein Objekt mit den Schlüsseln {keys}" if keys else "ein leeres Objekt"
        raise _not_a_table(name, f"sie enthält {found}, aber keine Liste von Datensätzen")
    raise _not_a_table(name, "sie enthält nur einen einzelnen Wert")


def _wrapped_records(data: object) -> list[object] | None:
    """The list of objects an API answer wraps one or two levels down
    (`{"result": {"records": [...], "fields": [...]}}`, as CKAN portals deliver it): the
    longest such list, or None when there is none or two are equally long."""
    if not isinstance(data, dict):
        return None
    found = [v for v in data.values() if isinstance(v, list)]
    for inner in (v for v in data.values() if isinstance(v, dict)):
        found += [v for v in inner.values() if isinstance(v, list)]
    lists = sorted(
        (v for v in found if v and all(isinstance(item, dict) for item in v)), key=len, reverse=True
    )
    if not lists or (len(lists) > 1 and len(lists[0]) == len(lists[1])):
        return None
    return lists[0]


def _not_a_table(name: str, reason: str, *, geo: bool = False) -> IngestError:
    """The German refusal; for GeoJSON it points to where a map of boundaries belongs."""
    map_hint = (
        " Eine Karte der Gebietsgrenzen bitte unter „Indikatoren → Karte“ hochladen." if geo else ""
    )
    return IngestError(
        f"„{name}“ enthält keine Tabelle: {reason}. Eingelesen werden eine GeoJSON-"
        "FeatureCollection (die Eigenschaften jedes Objekts werden eine Zeile) oder eine "
        'JSON-Liste gleichartiger Objekte, z. B. [{"Stadtteil": "Altstadt", '
        f'"Arbeitslosenquote": 7.4}}, …].{map_hint}'
    )


def _sheet(records: list[dict[str, object]], name: str, limits: FileLimits) -> Sheet:
    """Header row and one row per record, counted while they are built."""
    size = TableSize(name, limits.max_table_cells)
    size.new_sheet()
    columns: dict[str, int] = {}
    flat_rows: list[dict[str, Scalar]] = []
    for number, record in enumerate(records, start=2):
        flat = dict(_flatten(record, ""))
        for key in flat:
            columns.setdefault(key, len(columns))
        size.row(number, len(columns))
        flat_rows.append(flat)
    if not columns:
        raise _not_a_table(name, "die Objekte haben keine einfachen Werte")
    header = SheetRow(1, list(columns), [_GENERAL] * len(columns))
    rows = [header] + [
        SheetRow(number, [flat.get(key) for key in columns], [_GENERAL] * len(columns))
        for number, flat in enumerate(flat_rows, start=2)
    ]
    return Sheet("", rows)


def _flatten(value: object, prefix: str, depth: int = 0) -> Iterator[tuple[str, Scalar]]:
    """(column, value) pairs of one record; nested objects give „Eltern.Kind“ columns."""
    if isinstance(value, dict):
        if depth > _MAX_DEPTH:
            return
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key), depth + 1)
    elif isinstance(value, list):
        if all(isinstance(item, str | int | float | bool) for item in value):
            yield prefix, ", ".join(_plain(item) for item in value)
    else:
        yield prefix, value if isinstance(value, str | int | float | bool) else None


def _plain(value: str | int | float | bool) -> str:
    """A list item as text; numbers with a German decimal comma like the cells."""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return f"{value:.10g}".replace(".", ",")
    return str(value)


def _german(number: int) -> str:
    return f"{number:,}".replace(",", ".")
