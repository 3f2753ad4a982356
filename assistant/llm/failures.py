"""German explanations of backend failures, for the notice above a fallback answer."""

from __future__ import annotations

from assistant.llm.watchdog import ModelTimeout
from assistant.platform.config import LLMSettings

FALLBACK_SUFFIX = (
    "Es antwortet stattdessen der extraktive Modus (zitierte Sätze ohne Sprachmodell)."
)


class BackendNotConfigured(ValueError):
    """The settings do not describe a usable backend; the message says how to fix it."""


def backend_label(settings: LLMSettings) -> str:
    model = f" „{settings.model}“" if settings.model else ""
    where = f" unter {settings.base_url}" if settings.base_url else ""
    return f"{settings.mode}{model}{where}"


def describe_failure(exc: BaseException, settings: LLMSettings) -> str:
    """What went wrong with the model, in German, with a hint and the fallback note."""
    label = backend_label(settings)
    if isinstance(exc, ModelTimeout):
        if exc.received:
            what = (
                f"Das Sprachmodell ({label}) hat mitten in der Antwort aufgehört und "
                f"{exc.timeout_s:g} s lang nichts mehr geliefert."
            )
        else:
            what = (
                f"Das Sprachmodell ({label}) hat innerhalb von {exc.timeout_s:g} s nicht "
                "geantwortet. Große Modelle brauchen auf dem Prozessor oft länger: "
                "PLANWERK_LLM__TIMEOUT_S erhöhen oder ein kleineres Modell wählen."
            )
    elif isinstance(exc, BackendNotConfigured):
        what = str(exc)
    else:
        what = f"Das Sprachmodell ({label}) ist nicht nutzbar: {_reason(exc)}"
    return f"{what} {FALLBACK_SUFFIX} „planwerk doctor“ prüft die Verbindung."


def _reason(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    name = type(exc).__name__
    text = str(exc)
    if status == 401 or "AuthenticationError" in name:
        return "Der API-Schlüssel wurde abgelehnt (PLANWERK_LLM__API_KEY prüfen)."
    if status == 404 or "not found" in text.lower():
        return "Das Modell ist auf dem Server nicht vorhanden (Modellname prüfen)."
    if "Connect" in name or "Connection" in name or "connect" in text.lower():
        return "Der Server ist nicht erreichbar (läuft er, stimmt die Adresse?)."
    if "Timeout" in name:
        return "Zeitüberschreitung bei der Verbindung."
    return f"{name}: {text[:200]}"
