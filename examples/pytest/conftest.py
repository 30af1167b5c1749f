"""Fixtures: the simulator (FINNET_MOCK_URL, or one started with FINNET_MOCK_CMD) and the shop's callback receiver."""
import contextlib
import os
import re
import selectors
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import Iterator

import pytest

from callback_receiver import CallbackReceiver


@dataclass(frozen=True)
class FinnetMock:
    url: str
    merchant_id: str
    merchant_key: str


def _wait_for_url(process: subprocess.Popen, timeout_s: float) -> str:
    """Reads the simulator's start-up banner until it prints the URL it listens on."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout_s
    output = ""
    while time.monotonic() < deadline:
        if selector.select(timeout=deadline - time.monotonic()):
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"finnet-mock exited before printing its URL:\n{output}")
            output += line
            found = re.search(r"listening on (http://\S+)", line)
            if found:
                return found.group(1)
    raise RuntimeError(f"finnet-mock printed no URL within {timeout_s} s:\n{output}")


@pytest.fixture(scope="session")
def finnet_mock() -> Iterator[FinnetMock]:
    merchants = os.environ.get("FINNET_MOCK_MERCHANTS") or "FINPAY770:SoSecret123"
    merchant_id, _, merchant_key = merchants.split(",")[0].strip().partition(":")
    url = os.environ.get("FINNET_MOCK_URL")
    if url:
        yield FinnetMock(url.rstrip("/"), merchant_id, merchant_key)
        return
    command = shlex.split(os.environ.get("FINNET_MOCK_CMD") or "npx --no-install finnet-mock")
    # Its own process group, stopped as a whole: npx does not pass the stop signal on to the simulator.
    process = subprocess.Popen(
        [*command, "--port", "0", "--db", ":memory:", "--log-level", "warn"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, start_new_session=True,
    )
    try:
        yield FinnetMock(_wait_for_url(process, 30), merchant_id, merchant_key)
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen) -> None:
    """SIGTERM to the simulator's process group, SIGKILL to whatever is left of it after 5 s."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while _group_alive(process) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _group_alive(process):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _group_alive(process: subprocess.Popen) -> bool:
    process.poll()  # reaps the leader first: a zombie would still count as a member of the group
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def shop(finnet_mock: FinnetMock) -> Iterator[CallbackReceiver]:
    receiver = CallbackReceiver(finnet_mock.merchant_key, os.environ.get("CALLBACK_HOST", ""))
    yield receiver
    receiver.stop()
