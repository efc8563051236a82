"""Drive tests/js/advisor_agent.mjs: a real Firebase JS SDK console, headless."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import threading
from collections.abc import Callable
from typing import Any

from tests.support import ROOT, wait_until

AGENT = ROOT / "tests" / "js" / "advisor_agent.mjs"


class AdvisorAgent:
    def __init__(self) -> None:
        if not (ROOT / "tests" / "js" / "node_modules").exists():
            raise RuntimeError("tests/js/node_modules is missing: run `make deps` first")
        self._process = subprocess.Popen(
            ["node", str(AGENT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        self._replies: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        for line in self._process.stdout:
            message = json.loads(line)
            if "id" in message and "event" not in message:
                self._replies.setdefault(message["id"], queue.Queue()).put(message)
            else:
                self.events.put(message)

    def command(self, cmd: str, timeout: float = 20, **fields: Any) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            command_id = self._next_id
            inbox = self._replies.setdefault(command_id, queue.Queue())
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"id": command_id, "cmd": cmd, **fields}) + "\n")
        self._process.stdin.flush()
        reply = inbox.get(timeout=timeout)
        if not reply.get("ok"):
            raise AssertionError(f"agent {cmd} failed: {reply}")
        return reply

    def call(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.command("call", name=name, body=body)

    def wait_for(
        self,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 20,
        *,
        what: str = "the agent's event the test waits for",
    ) -> dict[str, Any]:
        """The first event (from now on) that `predicate` accepts; the ones before are dropped."""

        def next_match() -> dict[str, Any] | None:
            # Blocking on the queue, not polling it: the benchmark times these events.
            try:
                event = self.events.get(timeout=0.1)
            except queue.Empty:
                return None
            if event.get("event") == "error":
                raise AssertionError(f"listener failed: {event}")
            return event if predicate(event) else None

        return wait_until(next_match, what, timeout, every=0)

    def close(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(Exception):  # closing anyway
                self.command("quit", timeout=5)
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
