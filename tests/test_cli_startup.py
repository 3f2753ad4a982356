"""`planwerk --help` and argument parsing load nothing heavy (issue 20, item 4).

Checked by module, not by the clock: the machine is shared, a timed test would be flaky.
Each check runs in a fresh interpreter, because this test process has long imported
everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each costs from a tenth of a second to seconds at import; none is needed to parse arguments.
HEAVY = (
    "torch",
    "chromadb",
    "langchain",
    "langchain_core",
    "langchain_chroma",
    "langchain_text_splitters",
    "sentence_transformers",
    "transformers",
    "streamlit",
    "pandas",
    "numpy",
    "sqlalchemy",
    "argon2",
    "pydantic_settings",
)

# Imports the CLI, runs it with the arguments given (`--help` makes Typer build every
# command and sub-app), then prints the exit code and every module that was loaded.
_PROBE = """
import json, sys
import assistant.cli
args = sys.argv[1:]
if args:
    try:
        assistant.cli.app(args, prog_name="planwerk")
    except SystemExit as exit:
        code = exit.code
    else:
        code = 0
else:
    code = 0
loaded = sorted(sys.modules)
print(json.dumps({"code": code, "loaded": loaded}), file=sys.stderr)
"""


def _probe(*args: str, data_dir: Path | None = None) -> tuple[dict[str, object], str]:
    # No developer settings (a configured language model would load LangChain).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANWERK_")}
    env |= {"PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    if data_dir is not None:
        env |= {"PLANWERK_DATA_DIR": str(data_dir), "PLANWERK_CONFIG": str(data_dir / "x.toml")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    report = done.stderr.strip().splitlines()
    assert report, done.stderr
    return json.loads(report[-1]), done.stdout


def _heavy(loaded: object) -> list[str]:
    assert isinstance(loaded, list)
    packages = {name.split(".")[0] for name in loaded}
    return [name for name in HEAVY if name in packages]


def test_importing_the_cli_loads_nothing_heavy() -> None:
    result, _ = _probe()
    assert _heavy(result["loaded"]) == []


@pytest.mark.parametrize("args", [["--help"], ["ask", "--help"], ["indicators", "--help"]])
def test_help_works_and_loads_nothing_heavy(args: list[str]) -> None:
    result, output = _probe(*args)
    assert result["code"] == 0
    assert "Usage" in output
    assert _heavy(result["loaded"]) == []


def test_help_names_every_command() -> None:
    _, output = _probe("--help")
    for command in ("ingest", "ask", "sources", "indicators", "draft", "user", "workspace"):
        assert command in output


def test_ask_loads_no_model_backend_no_file_loader_and_no_migrations(tmp_path: Path) -> None:
    """An extractive `planwerk ask` needs neither LangChain, nor the ingest loaders, nor
    Alembic once the database is at its newest revision."""
    question = ("ask", "--json", "Was muss ein Antrag enthalten?")
    first, _ = _probe(*question, data_dir=tmp_path)  # creates and migrates the database
    assert first["code"] == 0
    again, output = _probe(*question, data_dir=tmp_path)
    assert again["code"] == 0 and '"answer"' in output
    loaded = again["loaded"]
    assert isinstance(loaded, list)
    unwanted = ("langchain_core", "alembic", "ingest.ocr", "ingest.formats", "torch")
    assert [name for name in unwanted if name in loaded] == []
