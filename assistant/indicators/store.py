"""The indicator store: every value of every ingested table, long format, on SQLAlchemy.

Keyed by document id like the document index, so re-ingest, replace and remove stay in
step with it; each document is written in one transaction (all or nothing). Works on the
app database URL of `Settings.database` (SQLite by default, PostgreSQL by URL).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

from assistant.indicators.catalogue import Catalogue, IndicatorDef, derived_definition, stem_set
from assistant.indicators.gazetteer import normalise_name
from assistant.indicators.geography import Geographies, build_geographies
from assistant.indicators.headers import parse_header
from assistant.indicators.numbers import FRACTION
from assistant.indicators.tables import TABLE_SUFFIXES, read_table
from assistant.platform.config import Settings
from assistant.platform.db import engine_for
from ingest.limits import FileLimits

metadata = MetaData()

documents_table = Table(
    "indicator_documents",
    metadata,
    Column("workspace", String(100), primary_key=True),
    Column("doc_id", String(100), primary_key=True),
    Column("source", Text, nullable=False),
    Column("seq", Integer, nullable=False),  # order of ingestion: newer documents win ties
    Column("added_at", String(40), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("notes", Text, nullable=False, default="[]"),  # JSON list of German notes
)

values_table = Table(
    "indicator_values",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workspace", String(100), nullable=False),
    Column("doc_id", String(100), nullable=False),
    Column("sheet", Text),
    Column("row", Integer, nullable=False),
    Column("column", String(10), nullable=False),
    Column("column_name", Text, nullable=False),
    Column("area_code", String(100), nullable=False),
    Column("area_name", Text, nullable=False),
    Column("aggregate", String(40), nullable=False),
    Column("label", Text, nullable=False),
    Column("indicator", String(120), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("year", Integer),
    Column("reference", String(60), nullable=False),
    Column("value", Float),
    Column("value_text", Text, nullable=False),
    Column("display", Text, nullable=False),
    Column("missing", Text, nullable=False),
    Column("decimals", Integer, nullable=False),
    Column("area_type", String(40), nullable=False, server_default=""),
    Column("region", String(100), nullable=False, server_default=""),
    Index("ix_indicator_values_doc", "workspace", "doc_id"),
    Index("ix_indicator_values_query", "workspace", "indicator", "year"),
)

area_names_table = Table(
    "indicator_area_names",
    metadata,
    Column("workspace", String(100), primary_key=True),
    Column("doc_id", String(100), primary_key=True),  # "" for names a user added by hand
    Column("code", String(100), primary_key=True),
    Column("name", String(300), primary_key=True),
)

_VALUE_FIELDS = (
    "sheet", "row", "column", "column_name", "area_code", "area_name", "aggregate", "label",
    "indicator", "unit", "year", "reference", "value", "value_text", "display", "missing",
    "decimals", "area_type", "region",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PreparedTable:
    """A parsed table ready to be written: long-format records and the reader's notes."""

    records: list[dict[str, Any]]
    notes: tuple[str, ...]

    @property
    def rows(self) -> int:
        return len(self.records)


@dataclass(frozen=True, slots=True)
class StoredTable:
    """A document in the indicator store."""

    doc_id: str
    source: str
    rows: int
    added_at: str
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IndicatorSummary:
    """An indicator available in a workspace: what the UI and `indicators list` show."""

    key: str
    name: str
    unit: str
    direction: str
    kind: str
    years: tuple[int, ...]
    areas: int
    sources: tuple[str, ...]
    catalogued: bool


@dataclass(slots=True)
class _Snapshot:
    version: tuple[int, int]
    frame: pd.DataFrame
    definitions: dict[str, IndicatorDef]
    geographies: Geographies


class IndicatorStore:
    """Typed long-format indicator values per workspace, with the area gazetteer."""

    def __init__(self, url: str | Engine, catalogue: Catalogue | None = None) -> None:
        self.engine = url if isinstance(url, Engine) else _make_engine(url)
        self.catalogue = catalogue or Catalogue.load()
        metadata.create_all(self.engine)
        self._snapshots: dict[str, _Snapshot] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls, settings: Settings, catalogue: Catalogue | None = None
    ) -> IndicatorStore:
        """The store on the app database; the catalogue from `settings.indicator_catalogue`
        when that setting exists and is set, else prompts/indicators.yaml."""
        if catalogue is None:
            configured = getattr(settings, "indicator_catalogue", None)
            catalogue = Catalogue.load(Path(configured)) if configured else Catalogue.load()
        engine_for(settings)  # migrates a database of an earlier version before it is read
        return cls(settings.database, catalogue)

    @property
    def min_count(self) -> int:
        return self.catalogue.min_count

    # ----------------------------------------------------------------------------------------
    # Writing
    # ----------------------------------------------------------------------------------------

    def add_table(
        self,
        doc_id: str,
        source: str,
        path: Path,
        workspace: str = "default",
        *,
        replaces: Sequence[str] = (),
    ) -> int:
        """Parse a table file and store its values under `doc_id`; returns the rows stored.

        Replaces an earlier version of the same doc_id and the documents in `replaces`, all
        in one transaction. A table without area or number columns stores no values (0) but
        is recorded, so `remove_document` stays symmetric; other file types are ignored (0).
        Raises `IngestError` (German message) if the file cannot be read; the store is then
        unchanged. Same as `write_table(doc_id, source, prepare_table(path), …)`.
        """
        return self.write_table(
            doc_id, source, self.prepare_table(path), workspace, replaces=replaces
        )

    def prepare_table(self, path: Path, limits: FileLimits | None = None) -> PreparedTable:
        """Read and classify a table without touching the store (may raise `IngestError`,
        also for a table over `limits`).

        Lets the ingest pipeline parse before it writes the document index, and write both
        stores only when both parts succeeded.
        """
        if path.suffix.lower() not in TABLE_SUFFIXES:
            return PreparedTable([], ())
        label = self.catalogue.is_indicator_label
        table = read_table(path, is_indicator_label=label, limits=limits)
        return PreparedTable(self._resolved_records(table.records), tuple(table.notes))

    def write_table(
        self,
        doc_id: str,
        source: str,
        prepared: PreparedTable,
        workspace: str = "default",
        *,
        replaces: Sequence[str] = (),
    ) -> int:
        """Store prepared values under `doc_id` in one transaction; returns the rows stored."""
        records = prepared.records
        areas = {
            (str(r["area_code"]), str(r["area_name"]))
            for r in records
            if not r["aggregate"] and r["area_code"] and r["area_name"]
        }
        with self._lock, self.engine.begin() as conn:
            for old in {doc_id, *replaces}:
                _delete_document(conn, workspace, old)
            seq = conn.execute(
                select(func.coalesce(func.max(documents_table.c.seq), 0)).where(
                    documents_table.c.workspace == workspace
                )
            ).scalar_one()
            conn.execute(
                insert(documents_table).values(
                    workspace=workspace,
                    doc_id=doc_id,
                    source=source,
                    seq=int(seq) + 1,
                    added_at=datetime.now(UTC).isoformat(timespec="seconds"),
                    rows=len(records),
                    notes=json.dumps(list(prepared.notes), ensure_ascii=False),
                )
            )
            if records:
                rows = [{"workspace": workspace, "doc_id": doc_id, **r} for r in records]
                _bulk_insert(conn, values_table, rows)
            if areas:
                conn.execute(
                    insert(area_names_table),
                    [
                        {"workspace": workspace, "doc_id": doc_id, "code": c, "name": n}
                        for c, n in sorted(areas)
                    ],
                )
            self._snapshots.pop(workspace, None)
        return len(records)

    def remove_document(self, doc_id: str, workspace: str = "default") -> int:
        """Delete a document's values and learned area names; returns the values removed."""
        with self._lock, self.engine.begin() as conn:
            removed = _delete_document(conn, workspace, doc_id)
            self._snapshots.pop(workspace, None)
        return removed

    def learn_area_name(self, code: str, name: str, workspace: str = "default") -> None:
        """Teach the gazetteer a name variant by hand ("Nord-Stadt" is area "04")."""
        with self._lock, self.engine.begin() as conn:
            exists = conn.execute(
                select(area_names_table.c.code).where(
                    area_names_table.c.workspace == workspace,
                    area_names_table.c.doc_id == "",
                    area_names_table.c.code == code,
                    area_names_table.c.name == name,
                )
            ).first()
            if exists is None:
                conn.execute(
                    insert(area_names_table).values(
                        workspace=workspace, doc_id="", code=code, name=name
                    )
                )
            self._snapshots.pop(workspace, None)

    def reclassify(self, workspace: str = "default") -> int:
        """Re-match stored labels to the catalogue after it was edited; returns rows changed."""
        changed = 0
        with self._lock, self.engine.begin() as conn:
            rows = [
                dict(r)
                for r in conn.execute(
                    select(values_table).where(values_table.c.workspace == workspace)
                ).mappings()
            ]
            by_doc: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                by_doc.setdefault(str(row["doc_id"]), []).append(row)
            for part in by_doc.values():
                resolved = self._resolved_records(part)
                for old, new in zip(part, resolved, strict=True):
                    if new["indicator"] != old["indicator"]:
                        conn.execute(
                            update(values_table)
                            .where(values_table.c.id == int(old["id"]))
                            .values(indicator=new["indicator"], unit=new["unit"])
                        )
                        changed += 1
            self._snapshots.pop(workspace, None)
        return changed

    def _resolved_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Records with the catalogue key per label; duplicate keys fall back to the header."""
        groups: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
        for record in records:
            key = (str(record["sheet"] or ""), str(record["column"]), str(record["label"]))
            groups.setdefault(key, []).append(record)
        definitions: dict[tuple[str, str, str], IndicatorDef] = {}
        fractions: set[tuple[str, str, str]] = set()
        for key, rows in groups.items():
            values = [abs(float(r["value"])) for r in rows if _present(r["value"])]
            unit = next((str(r["unit"]) for r in rows if r["unit"]), "")
            definitions[key] = self.catalogue.resolve(key[2], unit, max(values, default=None))
            # A rate whose cells all lie in 0…1 is a fraction ("0,147"), not a percentage.
            if not unit and definitions[key].unit == "%" and values and max(values) <= 1.0:
                fractions.add(key)
        out: list[dict[str, Any]] = []
        for record in records:
            key = (str(record["sheet"] or ""), str(record["column"]), str(record["label"]))
            definition = definitions[key]
            row = {name: record[name] for name in _VALUE_FIELDS if name != "indicator"}
            row["indicator"] = definition.key
            if not _present(row["value"]):
                row["value"] = None
            if not _present(row["year"]):
                row["year"] = None
            if key in fractions:
                row["unit"] = FRACTION
            elif not row["unit"]:
                row["unit"] = definition.unit
            out.append(row)
        # Two columns (or two labels of one long-format column) that claim an indicator for
        # the same area and year: the one label plainly naming it keeps it („Einwohner“,
        # not „Einwohner nach Geschlecht – Weiblich“), the others get their own; without one
        # plain label, all do („Frauen / SGB-II-Quote“, „Männer / SGB-II-Quote“).
        spots = [
            (row["sheet"], row["area_code"], row["area_name"], row["indicator"], row["year"])
            for row in out
        ]
        claims: dict[tuple[Any, ...], set[tuple[str, str]]] = {}
        for spot, row in zip(spots, out, strict=True):
            claims.setdefault(spot, set()).add((row["column"], row["label"]))
        plainest = {
            spot: _plainest(rivals, self.catalogue.get(str(spot[3])))
            for spot, rivals in claims.items()
            if len(rivals) > 1
        }
        for spot, row, record in zip(spots, out, records, strict=True):
            rivals = claims[spot]
            if len(rivals) > 1 and (row["column"], row["label"]) != plainest[spot]:
                # Its own label names it where the label is more than its column's
                # header (a long table's „INDIKATOR_WERT“ holds many indicators).
                by_label = len({column for column, _ in rivals}) == 1 or (
                    row["label"] != parse_header(str(row["column_name"])).name
                )
                own = self.catalogue.derived(row["label"] if by_label else row["column_name"])
                row["indicator"] = own.key
                # The catalogue's unit belonged to the indicator it no longer is.
                row["unit"] = str(record["unit"] or "") or own.unit
        return out

    # ----------------------------------------------------------------------------------------
    # Reading
    # ----------------------------------------------------------------------------------------

    def has_document(self, doc_id: str, workspace: str = "default") -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(documents_table.c.doc_id).where(
                        documents_table.c.workspace == workspace,
                        documents_table.c.doc_id == doc_id,
                    )
                ).first()
                is not None
            )

    def documents(self, workspace: str = "default") -> list[StoredTable]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(documents_table)
                .where(documents_table.c.workspace == workspace)
                .order_by(documents_table.c.seq)
            ).mappings()
            return [
                StoredTable(
                    r["doc_id"],
                    r["source"],
                    r["rows"],
                    r["added_at"],
                    tuple(json.loads(r["notes"])),
                )
                for r in rows
            ]

    def frame(self, workspace: str = "default") -> pd.DataFrame:
        """All values of a workspace, one per area, indicator and year (newest document wins).

        Columns: the stored fields plus `area_key` (resolved through the gazetteer),
        `area_label` (display name), `name`, `direction`, `kind` (from the catalogue or the
        header), `source` and `seq`. Aggregate rows ("Stadt gesamt") are included with a
        non-empty `aggregate`; operations leave them out of rankings.
        """
        return self._snapshot(workspace).frame

    def definitions(self, workspace: str = "default") -> dict[str, IndicatorDef]:
        return self._snapshot(workspace).definitions

    def geographies(self, workspace: str = "default") -> Geographies:
        """The workspace's geographies with their area names and codes."""
        return self._snapshot(workspace).geographies

    def definition(self, key: str, workspace: str = "default") -> IndicatorDef:
        found = self.definitions(workspace).get(key) or self.catalogue.get(key)
        return found or derived_definition(key)

    def indicators(
        self, workspace: str = "default", geography: str | None = None
    ) -> list[IndicatorSummary]:
        """The indicators of a workspace, or of one geography (their years and areas
        counted there only)."""
        frame = self.frame(workspace)
        if geography is not None:
            frame = frame[frame["geography"] == geography]
        out = []
        definitions = self.definitions(workspace)
        for key, part in frame.groupby("indicator", sort=True):
            definition = definitions[str(key)]
            areas = part.loc[part["aggregate"] == "", "area_key"].nunique()
            years = tuple(sorted(int(y) for y in part["year"].dropna().unique()))
            out.append(
                IndicatorSummary(
                    str(key),
                    definition.name,
                    definition.unit,
                    definition.direction,
                    definition.kind,
                    years,
                    int(areas),
                    tuple(sorted(part["source"].unique())),
                    definition.catalogued,
                )
            )
        return out

    def close(self) -> None:
        self.engine.dispose()

    def _version(self, workspace: str) -> tuple[int, int]:
        with self.engine.connect() as conn:
            count, seq = conn.execute(
                select(func.count(), func.coalesce(func.max(documents_table.c.seq), 0)).where(
                    documents_table.c.workspace == workspace
                )
            ).one()
            names = conn.execute(
                select(func.count()).where(area_names_table.c.workspace == workspace)
            ).scalar_one()
        return int(count) * 1_000_003 + int(names), int(seq)

    def _snapshot(self, workspace: str) -> _Snapshot:
        version = self._version(workspace)
        cached = self._snapshots.get(workspace)
        if cached is not None and cached.version == version:
            return cached
        with self.engine.connect() as conn:
            values = pd.read_sql(
                select(values_table, documents_table.c.source, documents_table.c.seq)
                .join(
                    documents_table,
                    (documents_table.c.workspace == values_table.c.workspace)
                    & (documents_table.c.doc_id == values_table.c.doc_id),
                )
                .where(values_table.c.workspace == workspace),
                conn,
            )
            manual = conn.execute(
                select(area_names_table.c.code, area_names_table.c.name)
                .where(area_names_table.c.workspace == workspace, area_names_table.c.doc_id == "")
                .order_by(area_names_table.c.code)
            ).all()
        geographies, column = build_geographies(values, [(str(c), str(n)) for c, n in manual])
        frame, definitions = self._prepared(values.assign(geography=column), geographies)
        snapshot = _Snapshot(version, frame, definitions, geographies)
        self._snapshots[workspace] = snapshot
        return snapshot

    def _prepared(
        self, values: pd.DataFrame, geographies: Geographies
    ) -> tuple[pd.DataFrame, dict[str, IndicatorDef]]:
        """The frame of `frame()` from stored values that carry their `geography`."""
        if values.empty:
            empty = values.assign(
                area_key="",
                area_label="",
                name="",
                direction="",
                kind="",
                catalogued=False,
                geography="",
            )
            return empty, {}
        pairs = values[["geography", "area_code", "area_name", "aggregate"]].drop_duplicates()
        keys, labels = [], []
        for geography_id, code, name, aggregate in pairs.itertuples(index=False):
            geography = geographies.get(str(geography_id))
            assert geography is not None
            if aggregate:
                keys.append(geography.key("*" + normalise_name(str(name) or str(code))))
                labels.append(str(name) or "Gesamt")
            else:
                local = geography.gazetteer.key_for(str(code), str(name))
                keys.append(geography.key(local))
                labels.append(geography.gazetteer.name(local))
        pairs = pairs.assign(area_key=keys, area_label=labels)
        values = values.merge(
            pairs, on=["geography", "area_code", "area_name", "aggregate"], how="left"
        )
        definitions: dict[str, IndicatorDef] = {}
        for key, part in values.groupby("indicator", sort=False):
            definition = _with_headers(self.catalogue.get(str(key)), part) or replace(
                derived_definition(str(part["label"].iloc[0]), _first_unit(part["unit"])),
                key=str(key),
            )
            if _looks_like_counts(definition, part):
                definition = replace(definition, kind="count")
            definitions[str(key)] = definition
        for field in ("name", "direction", "kind"):
            values[field] = values["indicator"].map(
                {k: getattr(d, field) for k, d in definitions.items()}
            )
        values["year"] = values["year"].astype("Int64")
        # One value per area, indicator and year: a present value beats a suppressed one,
        # then the newest document, then the first cell in reading order. Area keys are
        # unique across geographies, so tables of different places never replace each other.
        if values.duplicated(["area_key", "indicator", "year"]).any():
            values = values.assign(_has=values["value"].notna(), _sheet=values["sheet"].fillna(""))
            values = values.sort_values(
                ["_has", "seq", "_sheet", "row"], ascending=[False, False, True, True]
            )
            values = values.drop_duplicates(["area_key", "indicator", "year"], keep="first")
            values = values.drop(columns=["_has", "_sheet"])
        return values.reset_index(drop=True), definitions


def _delete_document(conn: object, workspace: str, doc_id: str) -> int:
    execute = conn.execute  # type: ignore[attr-defined]
    removed = execute(
        delete(values_table).where(
            values_table.c.workspace == workspace, values_table.c.doc_id == doc_id
        )
    ).rowcount
    execute(
        delete(area_names_table).where(
            area_names_table.c.workspace == workspace, area_names_table.c.doc_id == doc_id
        )
    )
    execute(
        delete(documents_table).where(
            documents_table.c.workspace == workspace, documents_table.c.doc_id == doc_id
        )
    )
    return int(removed or 0)


_BATCH = 10_000


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight through the driver, with SQL compiled for the connection's dialect.

    SQLAlchemy's per-row parameter processing costs more than SQLite's own insert for
    large tables; the columns here are plain numbers and text, so it is not needed.
    """
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if compiled.positional:
        order = compiled.positiontup or []
        params: list[Any] = [tuple(row[name] for name in order) for row in rows]
    else:
        params = rows
    for start in range(0, len(params), _BATCH):
        conn.exec_driver_sql(str(compiled), params[start : start + _BATCH])


def _with_headers(definition: IndicatorDef | None, part: pd.DataFrame) -> IndicatorDef | None:
    """A catalogue entry that also answers to the headers its columns have here: a
    question may use a table's own words („Anteil der unter 18-Jährigen“) rather than the
    catalogue's („Anteil unter 18 Jahren“), and must then not land on a similar column."""
    if definition is None:
        return None
    headers = dict.fromkeys(parse_header(str(label)).name for label in part["label"].unique())
    extra = tuple(h for h in headers if h and h not in definition.phrases)
    return replace(definition, synonyms=(*definition.synonyms, *extra)) if extra else definition


_NOT_COUNTS = re.compile(r"rang|platz|nr\b|nummer|index|jahr|klasse|code", re.IGNORECASE)


def _looks_like_counts(definition: IndicatorDef, part: pd.DataFrame) -> bool:
    """A header-only indicator without unit whose cells are all whole numbers is a count, so
    the privacy rule covers it ("unter_3", "Haushalte mit Kindern"); ranks and codes are not."""
    if definition.catalogued or definition.unit or definition.kind != "other":
        return False
    if _NOT_COUNTS.search(definition.name):
        return False
    shown = part["value"].dropna()
    return (
        bool(len(shown))
        and bool((part["decimals"] == 0).all())
        and bool(((shown % 1 == 0) & (shown >= 0)).all())
    )


def _plainest(
    claims: set[tuple[str, str]], definition: IndicatorDef | None
) -> tuple[str, str] | None:
    """The one (column, label) that names the indicator itself: its last part is one of the
    indicator's names („Einwohner in Köln – Einwohner“); else the one with clearly the
    fewest words; None on a tie."""
    if definition is not None:
        names = {stem_set(phrase) for phrase in definition.phrases}
        naming = [c for c in claims if stem_set(c[1].rsplit(" – ", 1)[-1]) in names]
        if len(naming) == 1:
            return naming[0]
    sizes = sorted((len(stem_set(label)), (column, label)) for column, label in claims)
    return sizes[0][1] if sizes[0][0] < sizes[1][0] else None


def _present(value: object) -> bool:
    """Not None and not NaN (values come from readers, the database or pandas)."""
    if value is None or value is pd.NA:
        return False
    return bool(value == value)  # NaN is the one value unequal to itself


def _first_unit(units: Iterable[object]) -> str:
    for unit in units:
        if isinstance(unit, str) and unit:
            return unit
    return ""


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            return create_engine(url, connect_args={"check_same_thread": False})
        return create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
    return create_engine(url, pool_pre_ping=True)
