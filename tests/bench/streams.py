"""Issue 14: hundreds of visitors' streams on one production-configured stream server.

The stack's stream function runs as Cloud Run runs it (gunicorn, THREADS from
infra/functions.json, its own address). This opens N streams at once, posts
one message per visitor through the Hosting stand-in, all at once, and times
each from the POST to its own stream delivering it; the baseline is the same
path with one stream open. It also reads the stream process's memory and CPU
from /proc: per open stream, and what idle streams cost.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from tests.bench.stats import percentile
from tests.support import Functions, new_id, parse_sse
from vtchat.services import services

STREAMS = int(os.environ.get("VTCHAT_BENCH_STREAMS", "500"))
BASELINE_ROUNDS = 30
IDLE_SECONDS = 20.0
_TICKS = os.sysconf("SC_CLK_TCK")


class _Visitor:
    def __init__(self, stream_url: str, chat: dict[str, Any]) -> None:
        self.chat = chat
        self.open = threading.Event()
        self.arrived: dict[str, float] = {}
        # Commit (the entry's server timestamp) to arrival, wall clock, seconds.
        self.delivery: dict[str, float] = {}
        self.heard = threading.Condition()
        self.error: str | None = None
        self.texts: list[str] = []
        headers = {"Authorization": f"Bearer {chat['token']}"}
        self._response = requests.get(stream_url, headers=headers, stream=True, timeout=(10, 300))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for event in parse_sse(self._response.iter_content(chunk_size=None)):
                self.open.set()
                if event.type == "message":
                    with self.heard:
                        self.arrived[event.data["text"]] = time.perf_counter()
                        committed = datetime.fromisoformat(event.data["at"]).timestamp()
                        self.delivery[event.data["text"]] = time.time() - committed
                        self.texts.append(event.data["text"])
                        self.heard.notify_all()
        except (requests.RequestException, AttributeError) as e:
            self.error = type(e).__name__

    def wait_for(self, text: str, timeout: float) -> float | None:
        with self.heard:
            self.heard.wait_for(lambda: text in self.arrived, timeout=timeout)
            return self.arrived.get(text)


def _post(api: str, chat: dict[str, Any], text: str) -> tuple[int, float]:
    began = time.perf_counter()
    body = {"sessionId": chat["sessionId"], "messageId": new_id(), "text": text}
    headers = {"Authorization": f"Bearer {chat['token']}"}
    status = requests.post(f"{api}/messages", json=body, headers=headers, timeout=60).status_code
    return status, began


def _stream_pid(stream_url: str) -> int | None:
    port = stream_url.rsplit(":", 1)[-1].strip("/")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--target=stream" in cmdline and f"--port={port}".encode() in cmdline:
            # gunicorn's worker is the child of the arbiter: the one that serves.
            children = (proc / "task" / proc.name / "children").read_text().split()
            return int(children[0]) if children else int(proc.name)
    return None


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _idle_cpu(pid: int) -> float:
    """CPU share of the stream process over a quiet window."""
    before, began = _cpu_seconds(pid), time.monotonic()
    time.sleep(IDLE_SECONDS)
    return (_cpu_seconds(pid) - before) / (time.monotonic() - began)


def _leave(functions: Functions, chat: dict[str, Any]) -> None:
    functions.post("leave", {"sessionId": chat["sessionId"]}, token=chat["token"])


def _baseline(api: str, stream_url: str, functions: Functions) -> tuple[list[float], list[float]]:
    """(post -> stream, commit -> stream) in ms with one stream open."""
    visitor = _Visitor(stream_url, functions.intake())
    visitor.open.wait(10)
    times, deliveries = [], []
    for n in range(BASELINE_ROUNDS):
        text = f"alleen {n}"
        _, began = _post(api, visitor.chat, text)
        arrived = visitor.wait_for(text, 10)
        if arrived is not None:
            times.append((arrived - began) * 1000)
            deliveries.append(visitor.delivery[text] * 1000)
    _leave(functions, visitor.chat)
    return times, deliveries


def _post_all(api: str, visitors: list[_Visitor], *, per_second: float | None) -> list[Any]:
    """One message per visitor: all at once, or paced at `per_second`."""

    def one(item: tuple[int, _Visitor]) -> tuple[int, float]:
        n, visitor = item
        if per_second:
            time.sleep(max(0.0, start + n / per_second - time.perf_counter()))
        return _post(api, visitor.chat, f"{label} {visitor.chat['sessionId']}")

    label = "gespreid" if per_second else "tegelijk"
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        posted = list(pool.map(one, enumerate(visitors)))
    results = []
    deadline = time.monotonic() + 60  # one bound for all, not 60 s each
    for visitor, (status, began) in zip(visitors, posted, strict=True):
        text = f"{label} {visitor.chat['sessionId']}"
        arrived = visitor.wait_for(text, max(0.0, deadline - time.monotonic()))
        results.append(
            (
                status,
                None if arrived is None else (arrived - began) * 1000,
                visitor.delivery.get(text, 0.0) * 1000,
            )
        )
    return results


def _line(name: str, values: list[float], baseline: list[float]) -> str:
    p95, base = percentile(values, 0.95), percentile(baseline, 0.95)
    ratio = f"   p95 {p95 / base:.2f}x one stream's" if base else ""
    return f"  {name:<44} p50 {percentile(values, 0.5):7.1f} ms   p95 {p95:7.1f} ms{ratio}"


def measure_streams(api: str, stream_url: str) -> list[str]:
    functions = Functions()
    pid = _stream_pid(stream_url)
    idle_before = _idle_cpu(pid) if pid else 0.0
    rss_before = _rss_mb(pid) if pid else 0.0
    alone, alone_delivery = _baseline(api, stream_url, functions)
    # Spread over every region, as visitors are: one queue of 500 would make
    # every intake move 499 other visitors' places (an update to each stream).
    regions = [org.id for org in services().directory]

    def intake(n: int) -> dict[str, Any]:
        return functions.intake(nickname=f"B{n}", region=regions[n % len(regions)])

    with ThreadPoolExecutor(max_workers=8) as pool:
        chats = list(pool.map(intake, range(STREAMS)))
    opened_at = time.perf_counter()
    with ThreadPoolExecutor(max_workers=64) as pool:
        visitors = list(pool.map(lambda chat: _Visitor(stream_url, chat), chats))
    open_by = time.monotonic() + 60
    opened = sum(v.open.wait(max(0.0, open_by - time.monotonic())) for v in visitors)
    open_seconds = time.perf_counter() - opened_at
    rss_open = _rss_mb(pid) if pid else 0.0
    idle_open = _idle_cpu(pid) if pid else 0.0
    burst = _post_all(api, visitors, per_second=None)
    paced = _post_all(api, visitors, per_second=25.0)
    received = sum(ms is not None for _, ms, _ in burst)
    errors = sum(status != 201 for status, _, _ in burst + paced)
    errors += sum(v.error is not None for v in visitors)
    strangers = sum(any(not t.endswith(v.chat["sessionId"]) for t in v.texts) for v in visitors)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda v: _leave(functions, v.chat), visitors))
    per_stream = (rss_open - rss_before) / max(opened, 1)
    return [
        f"Streams on one production-configured stream process, {STREAMS} visitors",
        "(gunicorn with THREADS from infra/functions.json; posts through the Hosting stand-in):",
        f"  {'streams answered':<44} {opened} of {STREAMS} in {open_seconds:.1f} s",
        f"  {'received their own message (burst)':<44} {received} of {STREAMS}; "
        f"another's: {strangers}; errors: {errors}",
        _line("post -> own stream, one stream open", alone, alone),
        _line(f"post -> own stream, {STREAMS} paced at 25/s", [m for _, m, _ in paced if m], alone),
        _line(
            f"post -> own stream, {STREAMS} posted at once", [m for _, m, _ in burst if m], alone
        ),
        _line("commit -> own stream, one stream open", alone_delivery, alone_delivery),
        _line(
            f"commit -> own stream, {STREAMS} paced at 25/s", [d for *_, d in paced], alone_delivery
        ),
        _line(
            f"commit -> own stream, {STREAMS} posted at once",
            [d for *_, d in burst],
            alone_delivery,
        ),
        f"  {'memory of the stream process':<44} {rss_before:.0f} MB idle, {rss_open:.0f} MB "
        f"with {opened} open: {per_stream * 1024:.0f} kB per open stream (target <= 1 MB)",
        f"  {'CPU of the stream process, quiet':<44} {idle_before * 100:.1f} % with "
        f"none open, {idle_open * 100:.1f} % with {opened} open",
    ]


if __name__ == "__main__":
    print("\n".join(measure_streams(os.environ["VTCHAT_API_URL"], os.environ["VTCHAT_STREAM_URL"])))
