"""Serve every entry point of functions/main.py as production serves it.

Each function runs in its own process under functions-framework's production
server (gunicorn, `functions-framework --target <name>` without --debug), with
the threads, workers and timeout that infra/functions.json gives its Cloud Run
service (emulators/functions_plan.py). In front, on the API port, a stand-in
for Firebase Hosting rewrites /api/<name> to the hosted functions and buffers
their responses as Hosting does (emulators/hosting_proxy.py). The event stream
is not behind Hosting: it answers on its own port (VTCHAT_STREAM_URL).

Exits when any function process exits, so the stack notices.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from the stack
    sys.path.insert(0, str(ROOT))

from emulators.functions_plan import FunctionPlan, load, stream_url  # noqa: E402
from emulators.hosting_proxy import serve  # noqa: E402

SOURCE = ROOT / "functions" / "main.py"
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def command(plan: FunctionPlan, host: str) -> list[str]:
    """The production server's command line (the console script `functions-framework`)."""
    return [
        sys.executable,
        "-m",
        "functions_framework",
        f"--target={plan.name}",
        f"--source={SOURCE}",
        f"--host={host}",
        f"--port={plan.port}",
    ]


def _answers(host: str, port: int) -> bool:
    try:
        with _NO_PROXY.open(f"http://{host}:{port}/", timeout=1.0):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer: the server is up
    except OSError:
        return False


class Functions:
    """The function processes: started together, watched, stopped together."""

    def __init__(self, plans: list[FunctionPlan], host: str, env: dict[str, str]) -> None:
        self.plans = plans
        self.host = host
        self.env = env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self._up: set[str] = set()

    def start(self) -> None:
        for plan in self.plans:
            env = {**self.env, **plan.environment()}
            self.procs[plan.name] = subprocess.Popen(
                command(plan, self.host), cwd=ROOT, env=env, stdin=subprocess.DEVNULL
            )

    def ready(self) -> bool:
        for plan in self.plans:
            if plan.name not in self._up and _answers(self.host, plan.port):
                self._up.add(plan.name)
        return len(self._up) == len(self.plans)

    def exited(self) -> str | None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return f"{name} exited with code {proc.returncode}"
        return None

    def stop(self) -> None:
        # SIGINT is gunicorn's quick shutdown; SIGTERM (which the stack sends
        # the whole group) would wait up to 30 s for the open event streams.
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 10
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args()
    minutes = float(os.environ.get("VTCHAT_STREAM_MAX_MINUTES") or 10)
    plans = load(api_port=args.port, stream_max_minutes=minutes)
    env = dict(os.environ)
    env.setdefault("VTCHAT_STREAM_URL", stream_url(args.host, args.port))
    functions = Functions(plans, args.host, env)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    functions.start()
    hosted = {plan.name: plan for plan in plans if plan.hosting}
    server = serve(args.host, args.port, hosted, ready=functions.ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"functions: {len(plans)} functions under gunicorn; Hosting stand-in on "
        f"http://{args.host}:{args.port}/api/<name>; stream on {env['VTCHAT_STREAM_URL']}",
        file=sys.stderr,
    )
    try:
        while (why := functions.exited()) is None:
            time.sleep(0.5)
        print(f"functions: {why}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        functions.stop()


if __name__ == "__main__":
    main()
