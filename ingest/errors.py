"""Errors a user sees: each carries a German message that says what to do."""


class IngestError(Exception):
    """A file could not be read. `str(error)` is a German message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# German messages for the failures every loader can meet; each says what to do next.


def file_not_found(name: str) -> IngestError:
    return IngestError(f"Die Datei „{name}“ wurde nicht gefunden. Bitte Pfad und Namen prüfen.")


def not_a_file(name: str) -> IngestError:
    return IngestError(f"„{name}“ ist keine Datei. Bitte eine einzelne Datei auswählen.")


def empty_file(name: str) -> IngestError:
    return IngestError(
        f"Die Datei „{name}“ ist leer (0 Byte). Bitte die Originaldatei erneut exportieren."
    )


def unreadable_file(name: str, reason: str) -> IngestError:
    return IngestError(
        f"Die Datei „{name}“ kann nicht gelesen werden ({reason}). Bitte Zugriffsrechte prüfen "
        "oder die Datei an einen anderen Ort kopieren und erneut versuchen."
    )


def unsupported_format(name: str, suffix: str, supported: str) -> IngestError:
    label = f"Das Format „{suffix}“" if suffix else "Eine Datei ohne Endung"
    return IngestError(
        f"{label} wird nicht unterstützt („{name}“). Unterstützt werden: {supported}. "
        "Bitte die Datei in eines dieser Formate umwandeln."
    )


def legacy_office_format(name: str, replacement: str) -> IngestError:
    return IngestError(
        f"Die Datei „{name}“ hat ein altes Office-Format oder ist verschlüsselt. Bitte in "
        f"Word bzw. Excel öffnen, ohne Kennwort als {replacement} speichern und erneut hochladen."
    )


def damaged_file(name: str, kind: str) -> IngestError:
    return IngestError(
        f"Die Datei „{name}“ ist keine lesbare {kind}-Datei (beschädigt, unvollständig oder "
        "falsch benannt). Bitte die Originaldatei erneut exportieren oder herunterladen."
    )


def encrypted_pdf(name: str) -> IngestError:
    return IngestError(
        f"Die PDF-Datei „{name}“ ist mit einem Kennwort geschützt. Bitte eine Fassung ohne "
        "Kennwortschutz speichern (z. B. über „Drucken als PDF“) und erneut hochladen."
    )


def scanned_pdf(name: str, ocr_reason: str | None = None) -> IngestError:
    """A PDF without text: `ocr_reason` says why Planwerk's own text recognition did not
    run (None: it ran and found nothing)."""
    if ocr_reason is None:
        return IngestError(
            f"Die PDF-Datei „{name}“ ist offenbar eingescannt, aber auch die Texterkennung "
            "(OCR) hat darin keinen Text gefunden. Ist die Datei leer oder nur ein Bild ohne "
            "Schrift?"
        )
    return IngestError(
        f"Die PDF-Datei „{name}“ enthält keinen auslesbaren Text – vermutlich ist sie "
        f"eingescannt. {ocr_reason} Alternativ die Datei vorher mit der OCR-Funktion Ihres "
        "PDF-Programms oder mit „ocrmypdf“ erkennen lassen und die erkannte Fassung hochladen."
    )


def no_text(name: str) -> IngestError:
    return IngestError(
        f"In der Datei „{name}“ wurde kein Text gefunden. Bitte prüfen, ob es die richtige "
        "Datei ist und ob sie Inhalt hat."
    )
