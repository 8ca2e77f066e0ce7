"""``storytrace serve`` as a user starts it: the address it prints, a port in use, several workers."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from storytrace import analyze
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("serve") / "s.db")
    analyze([str(EXAMPLES / "text")], db=db, embedder=None, compare=False)
    return db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(db: str, port: int, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "storytrace.cli", "serve", "--db", db, "--port", str(port), *options]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_port_in_use_exits_2_naming_the_address(served_db: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        _, stderr = _serve(served_db, port).communicate(timeout=60)
    assert f"cannot listen on 127.0.0.1:{port}" in stderr and "Traceback" not in stderr


def test_several_workers_serve_and_the_address_is_printed(served_db: str) -> None:
    port = _free_port()
    server = _serve(served_db, port, "--workers", "2")
    try:
        deadline, status = time.monotonic() + 60, None
        while status is None:
            assert server.poll() is None and time.monotonic() < deadline, server.communicate()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stories", timeout=5) as answer:
                    status = answer.status
            except OSError:
                time.sleep(0.2)
        assert status == 200
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=30)
    assert f"serving at http://127.0.0.1:{port}/" in stderr
