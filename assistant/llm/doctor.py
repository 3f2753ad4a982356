"""`planwerk doctor`: is the configured language model usable, and if not, what to do.

Every check says in German what it found and, when something is wrong, how to fix it.
The server checks use the backends' own listing endpoints (Ollama `/api/tags`, OpenAI
`/models`); the final test sends one tiny request through the same client as production.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from langchain_core.messages import HumanMessage

from assistant.llm.backends import api_key, base_url, chat_model, is_local
from assistant.llm.chat import ChatGenerator
from assistant.llm.failures import BackendNotConfigured
from assistant.llm.llamacpp import INSTALL_COMMAND, NOT_INSTALLED, llama_cpp_available
from assistant.llm.watchdog import ModelTimeout
from assistant.platform.config import LLMSettings
from assistant.platform.templates import prompt_text

_HTTP_TIMEOUT_S = 5.0
# Beyond the file itself a GGUF model needs room for the context (KV cache) and buffers.
_RUNTIME_OVERHEAD_GB = 1.0


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    title: str
    fix: str = ""


def diagnose(settings: LLMSettings, probe: bool = True) -> list[Check]:
    """All checks for the configured backend, in order; later ones stop at a failure."""
    if settings.mode == "extractive":
        return [
            Check(
                True,
                "Kein Sprachmodell eingestellt: Planwerk antwortet extraktiv mit zitierten "
                "Sätzen aus den Quellen, ohne Modell und ohne Netz.",
                "Für ausformulierte Antworten ein Modell anbinden, z. B. "
                "PLANWERK_LLM__MODE=ollama PLANWERK_LLM__MODEL=llama3.1:8b "
                "(README, Abschnitt „Language models“).",
            )
        ]
    checks = {"ollama": _ollama, "openai": _openai, "llamacpp": _llamacpp}[settings.mode](settings)
    if probe and all(c.ok for c in checks):
        checks.append(_probe(settings))
    return checks


def _model_set(settings: LLMSettings, example: str) -> Check:
    if settings.model:
        return Check(True, f"Modell eingestellt: {settings.model}")
    return Check(False, "Kein Modell eingestellt.", f"PLANWERK_LLM__MODEL setzen, z. B. {example}.")


def _ollama(settings: LLMSettings) -> list[Check]:
    url = base_url(settings)
    checks = [_model_set(settings, "„llama3.1:8b“ oder „qwen2.5:7b“")]
    try:
        response = httpx.get(f"{url}/api/tags", timeout=_HTTP_TIMEOUT_S)
        response.raise_for_status()
        names = [m.get("name", "") for m in response.json().get("models", [])]
    except (httpx.HTTPError, ValueError) as exc:
        checks.append(
            Check(
                False,
                f"Der Ollama-Server unter {url} ist nicht erreichbar ({_short(exc)}).",
                "Ollama starten („ollama serve“ oder die Ollama-App) oder die Adresse mit "
                "PLANWERK_LLM__BASE_URL angeben (Standard http://127.0.0.1:11434).",
            )
        )
        return checks
    checks.append(Check(True, f"Ollama-Server erreichbar: {url}"))
    if settings.model:
        if _ollama_has(names, settings.model):
            checks.append(Check(True, f"Modell „{settings.model}“ ist in Ollama vorhanden."))
        else:
            available = ", ".join(names) if names else "keine"
            checks.append(
                Check(
                    False,
                    f"Das Modell „{settings.model}“ ist in Ollama nicht vorhanden "
                    f"(vorhanden: {available}).",
                    f"„ollama pull {settings.model}“ (einmalig mit Internetzugang) oder eine "
                    "GGUF-Datei einbinden: „ollama create NAME -f Modelfile“ mit der Zeile "
                    "„FROM ./modell.gguf“.",
                )
            )
    return checks


def _ollama_has(names: list[str], model: str) -> bool:
    wanted = model if ":" in model else f"{model}:latest"
    return model in names or wanted in names


def _openai(settings: LLMSettings) -> list[Check]:
    url = base_url(settings)
    checks = [_model_set(settings, "den Namen, unter dem der Server das Modell anbietet")]
    key = api_key(settings)
    if key is None and not is_local(url):
        checks.append(
            Check(
                False,
                f"Für den Dienst unter {url} fehlt der API-Schlüssel.",
                "PLANWERK_LLM__API_KEY (oder OPENAI_API_KEY) setzen; lokale Server "
                "(vLLM, LM Studio) brauchen keinen.",
            )
        )
        return checks
    checks.append(
        Check(True, "API-Schlüssel vorhanden." if key else "Lokaler Server: kein Schlüssel nötig.")
    )
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        response = httpx.get(f"{url}/models", headers=headers, timeout=_HTTP_TIMEOUT_S)
    except httpx.HTTPError as exc:
        checks.append(
            Check(
                False,
                f"Der Server unter {url} ist nicht erreichbar ({_short(exc)}).",
                "Server starten (vLLM: „vllm serve MODELL --port 8000“, LM Studio: "
                "„Start Server“, llama.cpp: „llama-server -m modell.gguf --port 8080“) und "
                "PLANWERK_LLM__BASE_URL auf die Adresse mit „/v1“ setzen.",
            )
        )
        return checks
    if response.status_code in (401, 403):
        checks.append(
            Check(
                False,
                "Der Server lehnt den API-Schlüssel ab.",
                "PLANWERK_LLM__API_KEY prüfen.",
            )
        )
        return checks
    if response.status_code == 404:
        checks.append(
            Check(
                False,
                f"Unter {url} antwortet kein OpenAI-kompatibler Server (/models fehlt).",
                "Die Adresse endet meist auf „/v1“, z. B. http://127.0.0.1:8000/v1.",
            )
        )
        return checks
    try:
        response.raise_for_status()
        ids = [m.get("id", "") for m in response.json().get("data", [])]
    except (httpx.HTTPError, ValueError) as exc:
        checks.append(Check(False, f"Unerwartete Antwort von {url}/models ({_short(exc)})."))
        return checks
    checks.append(Check(True, f"Server erreichbar: {url}"))
    if settings.model and ids and settings.model not in ids:
        checks.append(
            Check(
                False,
                f"Der Server bietet das Modell „{settings.model}“ nicht an "
                f"(angeboten: {', '.join(ids)}).",
                "PLANWERK_LLM__MODEL auf einen der angebotenen Namen setzen.",
            )
        )
    elif settings.model:
        checks.append(Check(True, f"Modell „{settings.model}“ wird angeboten."))
    return checks


def _llamacpp(settings: LLMSettings) -> list[Check]:
    checks = []
    if llama_cpp_available():
        checks.append(Check(True, "Paket „llama-cpp-python“ installiert."))
    else:
        checks.append(Check(False, NOT_INSTALLED, INSTALL_COMMAND))
    path = Path(settings.model) if settings.model else None
    if path is None or not path.is_file():
        checks.append(
            Check(
                False,
                f"Die Modelldatei „{settings.model}“ gibt es nicht."
                if settings.model
                else "Keine Modelldatei eingestellt.",
                "PLANWERK_LLM__MODEL auf eine lokale .gguf-Datei setzen, z. B. "
                "models/qwen2.5-7b-instruct-q4_k_m.gguf.",
            )
        )
    elif path.suffix.lower() != ".gguf":
        checks.append(
            Check(False, f"„{path.name}“ ist keine GGUF-Datei.", "Eine .gguf-Datei angeben.")
        )
    else:
        size_gb = path.stat().st_size / 1e9
        checks.append(
            Check(
                True,
                f"Modelldatei {path.name}: {size_gb:.1f} GB, braucht etwa "
                f"{size_gb + _RUNTIME_OVERHEAD_GB:.0f} GB Arbeitsspeicher.",
            )
        )
    return checks


def _probe(settings: LLMSettings) -> Check:
    """One tiny request through the production client, with the configured timeout."""
    generator = ChatGenerator(settings.mode, lambda n: chat_model(settings, n), settings)
    start = time.perf_counter()
    try:
        reply = generator.complete([HumanMessage(prompt_text("verbindungstest.txt"))], 16)
    except ModelTimeout as exc:
        return Check(
            False,
            f"Testanfrage: keine Antwort innerhalb von {exc.timeout_s:g} s.",
            "PLANWERK_LLM__TIMEOUT_S erhöhen oder ein kleineres Modell wählen.",
        )
    except BackendNotConfigured as exc:
        return Check(False, f"Testanfrage nicht möglich: {exc}")
    except Exception as exc:
        return Check(
            False,
            f"Testanfrage fehlgeschlagen: {_short(exc)}",
            "Die Meldung des Servers oben prüfen; „planwerk doctor“ nach der Korrektur "
            "erneut ausführen.",
        )
    seconds = time.perf_counter() - start
    if not reply:
        return Check(False, "Testanfrage: Das Modell hat eine leere Antwort geliefert.")
    return Check(True, f"Testanfrage beantwortet in {seconds:.1f} s: „{reply[:40]}“")


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 160 else text[:159] + "…"
