"""The real dashboard in a real browser: a Streamlit server on a free port with a fresh
database, and headless Chromium (Debian's package) driven by Playwright.

The browser is never downloaded: Playwright drives ``/usr/bin/chromium``, which ``make test``
installs with apt-get when it is missing. Without it the test is skipped with the reason,
except in CI (``CI`` set), where it fails: there the browser test must run."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "tests" / "artifacts" / "e2e"
SERVER_START_TIMEOUT = 60


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} : le test navigateur doit tourner en CI (make test l'installe)")
    pytest.skip(f"{reason} : lancez « make test » en root (apt-get install chromium)")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} absent")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("paquet Python playwright absent")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit stopped (code {proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_TIMEOUT} s:\n"
                       f"{log.read_text()}")  # fmt: skip


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


def start_app(db: Path, workdir: Path) -> tuple[subprocess.Popen, str, Path]:
    """``python -m streamlit run serve.py`` (as ``make run``) on a free port, with ``db`` as
    the database."""
    port = free_port()
    env = {**os.environ, "MATCHER_DB": str(db), "PYTHONPATH": str(ROOT)}
    log = workdir / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, proc, log)
    except BaseException:
        proc.terminate()
        proc.wait(10)
        raise
    return proc, url, log


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
