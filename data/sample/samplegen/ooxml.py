"""Make zip-based Office files (DOCX, XLSX) byte-for-byte reproducible."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def normalise_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps, stable order and fixed core dates."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = {info.filename: zin.read(info.filename) for info in zin.infolist()}
    core = entries.get("docProps/core.xml")
    if core is not None:
        text = core.decode("utf-8")
        for tag in ("created", "modified"):
            text = re.sub(
                rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)", rf"\g<1>{stamp}\g<2>", text
            )
        entries["docProps/core.xml"] = text.encode("utf-8")
    names = sorted(entries, key=lambda n: (n != "[Content_Types].xml", n))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zout.writestr(info, entries[name])
    return buffer.getvalue()
