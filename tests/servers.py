"""Run pytest against a throwaway PostgreSQL and a Chroma server on 127.0.0.1.

    python -m tests.servers [pytest arguments]

Creates a PostgreSQL cluster in a temporary folder (initdb; as the `postgres` user when
run as root), starts it and `chroma run` on free ports, exports
`PLANWERK_TEST_POSTGRES_URL` and `PLANWERK_TEST_CHROMA_PORT`, runs pytest, and stops
both servers and removes their data whatever happens (also on Ctrl-C). A server that
cannot be started is reported and its tests skip with that message.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_FAST_INIT = ("--no-locale", "--no-sync")
_ON_LOCALHOST = ("--host", "127.0.0.1", "--port")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pg_bin(name: str) -> str | None:
    versions = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if versions:
        return str(versions[-1])
    return shutil.which(name)


def _as_postgres(command: list[str]) -> list[str]:
    """Run as the `postgres` user when we are root (PostgreSQL refuses to run as root)."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *command]
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]


@contextlib.contextmanager
def postgres(workdir: Path) -> Iterator[str | None]:
    """A running cluster's SQLAlchemy URL, or None (with a message) if there is none."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        print("servers: PostgreSQL ist nicht installiert; PostgreSQL-Tests werden übersprungen.")
        yield None
        return
    data = workdir / "pg"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
    port = free_port()
    log = workdir / "pg.log"
    init = subprocess.run(
        _as_postgres(
            [initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", *_FAST_INIT]
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if init.returncode != 0:
        print(
            f"servers: initdb fehlgeschlagen, PostgreSQL-Tests werden übersprungen:\n{init.stderr}"
        )
        yield None
        return
    options = f"-h 127.0.0.1 -p {port} -k {workdir} -c fsync=off -c full_page_writes=off"
    start = subprocess.run(
        _as_postgres([pg_ctl, "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]),
        capture_output=True,
        text=True,
        check=False,
    )
    if start.returncode != 0:
        print(f"servers: PostgreSQL startet nicht:\n{start.stderr}\n{_tail(log)}")
        yield None
        return
    try:
        print(f"servers: PostgreSQL läuft auf 127.0.0.1:{port}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
            check=False,
        )


@contextlib.contextmanager
def chroma(workdir: Path) -> Iterator[int | None]:
    """A running Chroma server's port, or None (with a message)."""
    executable = Path(sys.executable).parent / "chroma"
    if not executable.exists():
        found = shutil.which("chroma")
        if not found:
            print("servers: `chroma` fehlt (Paket chromadb); Chroma-Server-Tests übersprungen.")
            yield None
            return
        executable = Path(found)
    port = free_port()
    log = (workdir / "chroma.log").open("w")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [str(executable), "run", "--path", str(workdir / "chroma"), *_ON_LOCALHOST, str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )
    try:
        if not _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, 60):
            print(f"servers: Chroma-Server startet nicht:\n{_tail(workdir / 'chroma.log')}")
            yield None
            return
        print(f"servers: Chroma-Server läuft auf 127.0.0.1:{port}")
        yield port
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` must still run the cleanup below
    args = list(argv)
    if not any(a.startswith("tests") or ".py" in a for a in args):  # default: server tests
        args += sorted(str(p) for p in (ROOT / "tests").glob("test_servers_*.py"))
    workdir = Path(tempfile.mkdtemp(prefix="planwerk-servers-"))
    os.chmod(workdir, 0o755)  # the postgres user must reach its folder inside
    (workdir / "pg-root").mkdir()
    env = dict(os.environ)
    try:
        with postgres(workdir / "pg-root") as url, chroma(workdir) as port:
            if url:
                env["PLANWERK_TEST_POSTGRES_URL"] = url
            if port:
                env["PLANWERK_TEST_CHROMA_PORT"] = str(port)
            return subprocess.run(
                [sys.executable, "-m", "pytest", *args], env=env, cwd=ROOT, check=False
            ).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
