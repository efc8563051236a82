"""A second functions server in its own process, so a test can kill it mid-request.

The in-process test client cannot die the way an instance does; this one can:
`kill()` sends SIGKILL (no shutdown hook, open streams and requests cut off as
by a crashed instance), `restart()` starts it again on the same port against
the same emulators. Its output goes to a log file the test names.

Run as `python -m tests.processes --host H --port P` it is that server with
one fault hook: while the file named by VTCHAT_TEST_HOLD_REPLY_FILE exists,
the next message the relay stores has its reply held back (the file is
consumed and `<file>.held` names the message), so a test can kill the
instance exactly between a committed write and its answer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import requests

from tests.support import ROOT, wait_until

SERVE_FUNCTIONS = ROOT / "emulators" / "one_process.py"
HOLD_REPLY_ENV = "VTCHAT_TEST_HOLD_REPLY_FILE"
_READY_TIMEOUT_SECONDS = 30.0
_HELD_REPLY_SECONDS = 60.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class FunctionsProcess:
    """`emulators/one_process.py` on a free port, killable and restartable.

    Inherits the environment (the emulator variables the suite runs with),
    plus `env` overrides such as a higher message rate limit.
    """

    def __init__(
        self,
        log_path: Path,
        *,
        env: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        with_hold_hook: bool = False,
    ) -> None:
        self.host = host
        self.port = free_port(host)
        self.log_path = log_path
        self._env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
        self.hold_file: Path | None = None
        if with_hold_hook:
            self.hold_file = log_path.with_name(f"{log_path.stem}.hold")
            self._env[HOLD_REPLY_ENV] = str(self.hold_file)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self.starts = 0
        self.kills = 0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.base_url}/api"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> float:
        """Start and wait until /healthz answers; returns the seconds that took."""
        assert not self.running, "already running"
        began = time.monotonic()
        if self._log is None:
            self._log = self.log_path.open("ab")
        self._log.write(f"--- start {self.starts + 1} on port {self.port}\n".encode())
        self._log.flush()
        program = ["-m", "tests.processes"] if self.hold_file else [str(SERVE_FUNCTIONS)]
        self._proc = subprocess.Popen(
            [sys.executable, *program, "--host", self.host, "--port", str(self.port)],
            cwd=ROOT,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            # Its own session: a Ctrl-C meant for pytest does not reach it first.
            start_new_session=True,
        )
        self.starts += 1
        self._wait_healthy(began)
        return time.monotonic() - began

    def _wait_healthy(self, began: float) -> None:
        proc = self._proc
        assert proc is not None

        def healthy() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"functions server exited with {proc.returncode}; see {self.log_path}"
                )
            try:
                return requests.get(f"{self.base_url}/healthz", timeout=1).ok
            except requests.RequestException:
                return False

        left = _READY_TIMEOUT_SECONDS - (time.monotonic() - began)
        wait_until(healthy, f"a healthy functions server (see {self.log_path})", left, every=0.05)

    def hold_next_reply(self) -> None:
        """The next message stored is committed but not answered (until the kill)."""
        assert self.hold_file is not None, "started without the hold hook"
        self.hold_file.with_suffix(".held").unlink(missing_ok=True)
        self.hold_file.write_text("hold\n")

    def wait_until_held(self, timeout: float = 10.0) -> str:
        """The id of the message whose reply is being held back."""
        assert self.hold_file is not None, "started without the hold hook"
        held = self.hold_file.with_suffix(".held")
        return wait_until(
            lambda: held.read_text().strip() if held.exists() else "",
            "a reply held back",
            timeout,
            every=0.002,
        )

    def kill(self) -> None:
        """SIGKILL: no goodbye, in-flight requests and streams are cut off."""
        assert self._proc is not None and self.running, "not running"
        self._proc.send_signal(signal.SIGKILL)
        self._proc.wait(timeout=10)
        self.kills += 1

    def restart(self) -> float:
        """Start again on the same port; returns the seconds until healthy."""
        if self.running:
            self.kill()
        return self.start()

    def stop(self) -> None:
        if self._proc is not None and self.running:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> FunctionsProcess:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _hold_replies_after_commit(hold_file: Path) -> None:
    from vtchat import relay  # the subprocess's own copy; main.py calls it by attribute

    stored = relay.post_message

    def post_message(*args: Any, **kwargs: Any) -> Any:
        result = stored(*args, **kwargs)
        if result.duplicate:
            return result
        try:
            hold_file.unlink()
        except FileNotFoundError:
            return result
        hold_file.with_suffix(".held").write_text(f"{result.message_id}\n")
        time.sleep(_HELD_REPLY_SECONDS)  # the test kills the process meanwhile
        return result

    relay.post_message = post_message


if __name__ == "__main__":
    if hold := os.environ.get(HOLD_REPLY_ENV):
        _hold_replies_after_commit(Path(hold))
    from emulators import one_process

    one_process.main()
