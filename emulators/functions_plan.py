"""How the local stack serves each function: read from infra/functions.json.

The same table declares the Cloud Run services (infra/functions.tf), so the
local functions run with production's server, threads and timeouts. Standard
library only: emulators/stack.py imports this before any virtualenv exists.

Locally every function is its own functions-framework process (gunicorn, as
in production) on a port of its own, the *function port*; a stand-in for
Firebase Hosting on the API port rewrites /api/<name> to the hosted ones and,
like Hosting, buffers each response and cuts it at 60 s
(emulators/hosting_proxy.py). The stream is reached on its own port, as the
widget reaches the stream function's own URL in production.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "infra" / "functions.json"
# Function ports are the API port plus this plus the function's place in the table.
PORT_OFFSET = 100
# Firebase Hosting's limit for a rewritten request (docs/platform.md).
HOSTING_TIMEOUT_SECONDS = 60
DEFAULT_STREAM_MAX_MINUTES = 10.0


@dataclass(frozen=True)
class FunctionPlan:
    name: str
    public: bool
    hosting: bool
    memory: str
    timeout_seconds: int
    concurrency: int
    max_instances: int
    port: int

    @property
    def threads(self) -> int:
        # One gunicorn thread per request Cloud Run may send the instance.
        return self.concurrency

    def environment(self) -> dict[str, str]:
        """What production's server reads (functions_framework/_http/gunicorn.py)."""
        return {
            "THREADS": str(self.threads),
            "WORKERS": "1",
            "CLOUD_RUN_TIMEOUT_SECONDS": str(self.timeout_seconds),
        }


def _check(name: str, spec: dict[str, object]) -> None:
    problems = []
    for key, kind in (("public", bool), ("hosting", bool), ("memory", str)):
        if not isinstance(spec.get(key), kind):
            problems.append(f"{key} must be {kind.__name__}")
    for key, low, high in (("concurrency", 1, 1000), ("max_instances", 1, 100)):
        value = spec.get(key)
        if not isinstance(value, int) or not low <= value <= high:
            problems.append(f"{key} must be a whole number from {low} to {high}")
    timeout = spec.get("timeout_seconds")
    if timeout is not None and (not isinstance(timeout, int) or not 1 <= timeout <= 3600):
        problems.append("timeout_seconds must be null or 1-3600")
    if spec.get("hosting") and not spec.get("public"):
        problems.append("only a public function can sit behind Hosting")
    if problems:
        raise ValueError(f"{TABLE.name}: {name}: " + "; ".join(problems))


def load(
    *, api_port: int = 5001, stream_max_minutes: float = DEFAULT_STREAM_MAX_MINUTES
) -> list[FunctionPlan]:
    """Every function of the table, validated, with its local port."""
    table = json.loads(TABLE.read_text("utf-8"))["functions"]
    stream_timeout = math.ceil(stream_max_minutes * 60) + 60  # as infra/functions.tf
    plans = []
    for index, (name, spec) in enumerate(sorted(table.items())):
        _check(name, spec)
        timeout = spec["timeout_seconds"]
        plans.append(
            FunctionPlan(
                name=name,
                public=spec["public"],
                hosting=spec["hosting"],
                memory=spec["memory"],
                timeout_seconds=stream_timeout if timeout is None else timeout,
                concurrency=spec["concurrency"],
                max_instances=spec["max_instances"],
                port=api_port + PORT_OFFSET + index,
            )
        )
    return plans


def stream_url(host: str, api_port: int) -> str:
    """The stream function's own address, as VTCHAT_STREAM_URL names it."""
    (stream,) = (plan for plan in load(api_port=api_port) if plan.name == "stream")
    return f"http://{host}:{stream.port}"


def push_urls(host: str, api_port: int) -> dict[str, str]:
    """Each function Pub/Sub pushes to, at its own address (as in production)."""
    return {p.name: f"http://{host}:{p.port}" for p in load(api_port=api_port) if not p.public}
