"""Drive the Streamlit app in Debian's Chromium (Playwright, headless) on 127.0.0.1.

Shared by the browser test (tests/browser/), `make screenshots` (eval/ui_screenshots.py)
and the UI benchmark (eval/bench_ui.py). Playwright never downloads a browser here: it
launches /usr/bin/chromium, which `make test` installs from Debian.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from unittest.mock import patch

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "ui" / "app.py"
CHROMIUM = Path(os.environ.get("PLANWERK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
START_TIMEOUT_S = 60.0


def missing_prerequisites() -> str:
    """Why the browser cannot run here, or "" when Chromium and Playwright are installed."""
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} fehlt (apt-get install -y chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Python-Paket playwright fehlt (pip install playwright==1.65.2)"
    return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_environment(data_dir: Path) -> dict[str, str]:
    """The environment of a test app: its own data dir, no developer config, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANWERK_")}
    env.update(
        PLANWERK_DATA_DIR=str(data_dir),
        PLANWERK_CONFIG=str(data_dir / "absent-planwerk.toml"),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    return env


@contextmanager
def running_app(
    data_dir: Path, log_path: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`streamlit run ui/app.py` on a free port of 127.0.0.1; yields its base URL. `env`
    adds settings (`PLANWERK_LLM__MODE`, …) to the app's environment."""
    with app_process(data_dir, log_path, env=env) as (url, _):
        yield url


@contextmanager
def app_process(
    data_dir: Path,
    log_path: Path | None = None,
    wrapper: Sequence[str] = (),
    root: Path = ROOT,
    env: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`running_app` that also yields the process it started. `wrapper` runs the server
    under another command (the start-up benchmark uses `/usr/bin/time -v -o FILE`; the
    server is then its child, see `child_pids`); `root` is the source tree whose app runs
    (the benchmark also measures an older tree for comparison)."""
    port = free_port()
    log = (log_path or data_dir.parent / "streamlit.log").open("w")
    environment = {**app_environment(data_dir), **(env or {})}
    if root != ROOT:
        environment["PYTHONPATH"] = str(root)
    process = subprocess.Popen(
        [
            *wrapper,
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(root / "ui" / "app.py"),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=root,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, process
    finally:
        # Only the server we started (its own process group), never anything by name. A
        # wrapper must outlive the server to report on it, so the server is stopped first.
        try:
            if wrapper:
                for child in child_pids(process.pid):
                    os.kill(child, signal.SIGTERM)
            else:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@contextmanager
def app_with_uploads(
    data_dir: Path, uploads: Mapping[str, bytes], env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`running_app` on a data dir that first gets `uploads` (name -> content) ingested as
    the app's upload would; no developer config is read, `env` is added to the app's."""
    from assistant.documents.uploads import ingest_upload
    from assistant.platform.config import Settings
    from assistant.services import Services

    own = {"PLANWERK_DATA_DIR": str(data_dir), "PLANWERK_CONFIG": str(data_dir / "absent.toml")}
    with patch.dict(os.environ, own):
        services = Services(Settings())
        try:
            for name, content in uploads.items():
                ingest_upload(services.settings, services.pipeline, name, content)
        finally:
            services.close()
    with running_app(data_dir, env=env) as url:
        yield url


def child_pids(pid: int) -> list[int]:
    """Direct child processes of `pid` (Linux /proc)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit ended with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)  # fine-grained: the start-up benchmark times this wait
    raise TimeoutError(f"streamlit did not answer on {url} within {START_TIMEOUT_S:.0f} s")


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def open_app(browser: Browser, url: str, path: str = "/") -> Page:
    """A page on the app, waited for until the first script run has drawn its title."""
    page = browser.new_page(viewport=VIEWPORT, locale="de-DE")
    page.set_default_timeout(30_000)
    page.goto(url + path)
    page.locator("h1").first.wait_for(timeout=60_000)
    wait_idle(page)
    return page


def wait_idle(page: Page, timeout_ms: int = 30_000) -> None:
    """Wait until no script run is going on (the app root's `data-test-script-state`)."""
    page.wait_for_timeout(150)  # let a click reach the server and start its run
    page.wait_for_function(
        """() => {
          const app = document.querySelector('[data-testid="stApp"]');
          const state = app && app.getAttribute('data-test-script-state');
          return state && !['running', 'rerunRequested', 'initial'].includes(state);
        }""",
        timeout=timeout_ms,
    )


def ask(page: Page, question: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(question)
    box.press("Enter")


def copy_data_dir(source: Path, target: Path) -> Path:
    """A private copy of an index (the app writes threads and feedback into it)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("uploads"))
    return target
