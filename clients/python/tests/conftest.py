"""Session fixtures: the packaged Churnwire server (``java -jar server/target/churnwire-server.jar``)
started once, on a free port, and stopped with SIGTERM, which must drain and exit 0. Every server
records its predictions in a DuckDB file of its own, beside its log."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
LISTENING = re.compile(r"churnwire: listening on [^:\s]+:(\d+), serving model (\S+)")
START_TIMEOUT_S = 180
STOP_TIMEOUT_S = 60


@dataclass
class RunningServer:
    """A server process, the address it listens on and the log file its output goes to."""

    process: subprocess.Popen
    target: str
    model_version: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    java = shutil.which("java")
    if java is None:
        pytest.fail("no java found: set JAVA_HOME to a JDK 25 (scripts/env.sh does)")
    return java


def _jar() -> Path:
    jar = Path(os.environ.get("CHURNWIRE_SERVER_JAR", REPO / "server" / "target" / "churnwire-server.jar"))
    if not jar.is_file():
        pytest.fail(f"{jar} is missing: build it first (./mvnw -B -pl server -am package -DskipTests)")
    return jar


def start_server(log: Path, model_dir: Path, *flags: str) -> RunningServer:
    """Starts the jar with its output in ``log`` and waits, bounded, for its listening line. The admin
    port is a free one too, and the prediction history a file beside ``log`` unless ``flags`` say
    otherwise, so several servers run side by side."""
    history = () if any(flag.startswith("--history") for flag in flags) else (
        f"--history-url=jdbc:duckdb:{log.parent / 'history.duckdb'}",)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_java(), "-Xmx512m", "-jar", str(_jar()), "--host=127.0.0.1", "--port=0",
             "--admin-port=0", "--metrics-port=0", f"--model-dir={model_dir}", *history, *flags],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        match = LISTENING.search(log.read_text(errors="replace"))
        if match:
            return RunningServer(process, f"127.0.0.1:{match.group(1)}", match.group(2), log)
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=STOP_TIMEOUT_S)
    pytest.fail(f"the server did not start within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


def stop_server(server: RunningServer) -> None:
    """SIGTERM, then asserts the drain ended in exit code 0."""
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=STOP_TIMEOUT_S)
        pytest.fail(f"the server did not stop within {STOP_TIMEOUT_S} s of SIGTERM:\n{server.output()}")
    assert code == 0, f"the server exited {code} after SIGTERM:\n{server.output()}"


def _trainer_jar() -> Path:
    jar = Path(os.environ.get("CHURNWIRE_TRAINER_JAR", REPO / "trainer" / "target" / "churnwire-trainer.jar"))
    if not jar.is_file():
        pytest.fail(f"{jar} is missing: build it first (./mvnw -B -pl trainer -am package -DskipTests)")
    return jar


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    """One model registry for every server of the session, given the demo model by the trainer."""
    registry = tmp_path_factory.mktemp("model")
    subprocess.run([_java(), "-Xmx1g", "-jar", str(_trainer_jar()), "init", "--demo", f"--registry={registry}"],
                   check=True, stdout=subprocess.DEVNULL, timeout=START_TIMEOUT_S)
    return registry


@pytest.fixture(scope="session")
def server(tmp_path_factory, model_dir) -> RunningServer:
    running = start_server(tmp_path_factory.mktemp("server") / "server.log", model_dir)
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def target(server) -> str:
    return server.target


@pytest.fixture
def unused_target() -> str:
    """An address on which nothing listens: a port the OS just handed out and that was closed again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"127.0.0.1:{port}"
