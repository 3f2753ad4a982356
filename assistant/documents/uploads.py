"""Files uploaded through the browser: safe names, saved under the data directory, ingested.

An upload named „Bericht 2024.pdf“ is stored as `data_dir/uploads/Bericht 2024.pdf` (in
the workspace "default"; others use `data_dir/uploads/<workspace>/`) and
identified in the index by the source key `upload:Bericht 2024.pdf`, so uploading a new
version under the same name replaces the old one. The bytes are first written to a folder
of their own under `uploads/.incoming/` and only moved into place once the ingest
succeeded, under the workspace's write lock: a refused file never overwrites the version
the index holds, and two sessions uploading the same name at once never share a file.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

from assistant.access.policy import UNGUARDED, Guard
from assistant.access.roles import Action, PermissionDenied
from assistant.documents.ingestion import (
    IngestPipeline,
    IngestResult,
    IngestStatus,
    Progress,
    no_progress,
)
from assistant.indicators.area_maps import parse_geojson
from assistant.platform.config import Settings

log = logging.getLogger(__name__)

UPLOAD_PREFIX = "upload:"
MAX_NAME_CHARS = 150
_UNSAFE = re.compile(r"[^\w .,()+&'-]", re.UNICODE)
_MAP_FOLDER = ".karten"


def safe_upload_name(name: str) -> str:
    """A file name that stays inside the upload folder and reads like the original.

    Path parts („../“, „C:\\…“) are dropped, Unicode is normalised (NFC, so umlauts from
    macOS stay one character), control and shell-special characters become „_“, leading
    dots go (no hidden files) and the length is capped, keeping the suffix.
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base)
    base = " ".join(base.split()).lstrip(". ").rstrip(". ")
    if not base or set(base) <= {"_", "."}:
        base = "datei"
    if len(base) > MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            base = stem[: MAX_NAME_CHARS - len(suffix) - 1].rstrip() + "." + suffix
        else:
            base = base[:MAX_NAME_CHARS].rstrip()
    return base


def upload_dir(settings: Settings) -> Path:
    """`data_dir/uploads/`; other workspaces than "default" get a subfolder of their own,
    so two workspaces uploading „bericht.pdf“ keep two files."""
    base = settings.data_dir / "uploads"
    if settings.workspace == "default":
        return base
    return base / safe_upload_name(settings.workspace)


def upload_source_key(name: str) -> str:
    return f"{UPLOAD_PREFIX}{name}"


def upload_path(settings: Settings, source_key: str) -> Path | None:
    """Where an uploaded document's file lives, for a source key `upload:<name>`."""
    if not source_key.startswith(UPLOAD_PREFIX):
        return None
    return upload_dir(settings) / safe_upload_name(source_key.removeprefix(UPLOAD_PREFIX))


def ingest_upload(
    settings: Settings,
    pipeline: IngestPipeline,
    name: str,
    data: bytes,
    progress: Progress = no_progress,
    *,
    guard: Guard = UNGUARDED,
) -> IngestResult:
    """Save an uploaded file under the data directory and ingest it; never raises for
    bad files (`PermissionDenied` when `guard` refuses the upload).

    Returns the pipeline's result (indexed, unchanged, replaced or refused, with a German
    message). An unexpected error becomes a refused result, so one bad file never stops
    the others of a batch.
    """
    # Checked before the file touches the disk; the pipeline checks again under its lock.
    guard.require(Action.UPLOAD, name)
    safe = safe_upload_name(name)
    staging = None
    try:
        staging = _staging_folder(settings)
        staged = staging / safe
        staged.write_bytes(data)
    except OSError as error:
        if staging is not None:  # a full disk: no half-written file stays behind
            shutil.rmtree(staging, ignore_errors=True)
        return IngestResult(
            safe,
            IngestStatus.REFUSED,
            f"„{safe}“ konnte nicht gespeichert werden ({error.strerror or error}). "
            "Ist der Datenträger voll oder schreibgeschützt?",
        )
    try:
        # The kept file must be the version the index holds, also when two sessions
        # upload the same name: ingest and move under one hold of the write lock.
        with pipeline.write_lock(progress):
            result = pipeline.ingest_file(
                staged, safe, upload_source_key(safe), progress, guard=guard
            )
            if result.status != IngestStatus.REFUSED:
                os.replace(staged, upload_dir(settings) / safe)
    except PermissionDenied:  # the role was revoked meanwhile: a refusal, not a bad file
        raise
    except Exception as error:  # a loader bug must not stop the batch
        log.exception("Unerwarteter Fehler beim Einlesen von %s", safe)
        return IngestResult(
            safe,
            IngestStatus.REFUSED,
            f"„{safe}“ konnte wegen eines unerwarteten Fehlers nicht eingelesen werden "
            f"({type(error).__name__}). Bitte die Datei prüfen oder als PDF speichern und "
            "erneut hochladen.",
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _staging_folder(settings: Settings) -> Path:
    """A new, empty folder under `uploads/.incoming/` for one upload's bytes."""
    incoming = upload_dir(settings) / ".incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=incoming))


def map_folder(settings: Settings) -> Path:
    """Where the workspace's uploaded maps live (beside its uploads, so backups keep them)."""
    return upload_dir(settings) / _MAP_FOLDER


def save_map(settings: Settings, name: str, data: bytes) -> Path:
    """Keep an uploaded map after checking it is GeoJSON (raises
    `indicators.area_maps.GeoJsonError`)."""
    parse_geojson(data)
    folder = map_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_upload_name(name)
    target.write_bytes(data)
    return target
