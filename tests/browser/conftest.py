"""One production build of Rapport per test run, on its own port and its own database."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass(frozen=True)
class RunningApp:
    url: str
    db_url: str
    admin_email: str
    admin_password: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 (loopback only)
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the app did not answer within {timeout} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def running_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    tmp = tmp_path_factory.mktemp("app")
    port = _free_port()
    env = dict(os.environ)
    env.update(
        REFLEX_DB_URL=f"sqlite:///{tmp / 'rapport.db'}",
        RAPPORT_PORT=str(port),
        RAPPORT_DEMO="1",
        REFLEX_TELEMETRY_ENABLED="false",
        REFLEX_CHECK_LATEST_VERSION="false",
        # Build into our own folders: sharing .web with a running `make run` would rebuild
        # its frontend for this port.
        REFLEX_WEB_WORKDIR=str(tmp / "web"),
        # The project's bun (make installs it into .tools from the npm registry).
        PATH=f"{ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        REFLEX_USE_SYSTEM_BUN="1",
        REFLEX_DIR=str(ROOT / ".tools" / "reflex"),
        REFLEX_STATES_WORKDIR=str(tmp / "states"),
    )
    bin_dir = Path(sys.executable).parent
    setup = subprocess.run(
        [str(bin_dir / "rapport"), "setup"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    email = re.search(r"e-mail:\s+(\S+)", setup.stdout)
    password = re.search(r"password:\s+(\S+)", setup.stdout)
    assert email and password, setup.stdout
    log = tmp / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(bin_dir / "reflex"), "run", "--env", "prod"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for(f"http://127.0.0.1:{port}/ping", proc, log)
        yield RunningApp(
            f"http://localhost:{port}", env["REFLEX_DB_URL"], email.group(1), password.group(1)
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def base_url(running_app: RunningApp) -> str:
    return running_app.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    chromium = os.environ.get("RAPPORT_CHROMIUM", "")
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if chromium and chromium != "playwright":
        args["executable_path"] = chromium
    elif not chromium and Path("/usr/bin/chromium").exists():
        args["executable_path"] = "/usr/bin/chromium"
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}}
