#!/usr/bin/env python3
"""Run the local emulator stack: Firestore, Pub/Sub, Auth and the functions.

    python emulators/stack.py up [--services firestore,pubsub,auth,functions]
    python emulators/stack.py exec [--services ...] -- CMD ARGS...
    python emulators/stack.py check [--services ...]

`up` starts the services, prints the environment to use them and runs until
Ctrl-C or SIGTERM. `exec` starts them, runs CMD with that environment, stops
them and exits with CMD's exit code. A service whose environment variable is
already set and answers is reused, not started (so `exec` nests). `check` only
checks the prerequisites.

From Python (tests):

    with Stack(services=("firestore", "auth")) as env:
        reset_firestore(env["FIRESTORE_EMULATOR_HOST"], PROJECT)

Standard library only: it runs before any virtualenv or npm install exists.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib.util
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

if __package__ in (None, ""):  # run as a script: emulators/ is sys.path[0], not the root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from emulators import functions_plan

ROOT = Path(__file__).resolve().parent.parent
EMULATORS = ROOT / "emulators"
LOGS = EMULATORS / ".logs"
RULES = ROOT / "firestore.rules"
# The rules as the local stack loads them (local_rules): written at start.
LOCAL_RULES = LOGS / "firestore.local.rules"
FIREBASE_JSON = EMULATORS / "firebase.json"
FIREBASE_BIN = EMULATORS / "node_modules" / ".bin" / "firebase"
SERVE_FUNCTIONS = Path("emulators") / "serve_functions.py"  # relative to ROOT (the cwd)

PROJECT = "demo-vtchat"
SERVICES = ("firestore", "pubsub", "auth", "functions")
EMULATOR_SERVICES = ("firestore", "pubsub", "auth")  # started concurrently, before functions

MIN_JAVA = 17
MIN_NODE = 20
STOP_GRACE = 10.0  # seconds between SIGTERM and SIGKILL
LOG_TAIL = 30
POLL = 0.1  # seconds between readiness probes

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StackError(Exception):
    """The stack could not be started; the message says why."""

    exit_code = 1


class PrerequisiteError(StackError):
    """A required tool is missing; one line per missing thing."""

    exit_code = 2

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class Signalled(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# --- small helpers ----------------------------------------------------------------------


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _http(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> tuple[int, bytes]:
    """One HTTP request to a local emulator (never through a proxy); (status, body)."""
    if not url.startswith("http://"):
        raise ValueError(f"not a local http URL: {url}")
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))  # noqa: S310
    try:
        with _NO_PROXY.open(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _answers(url: str, check: Callable[[bytes], bool], timeout: float = 1.0) -> bool:
    try:
        status, body = _http("GET", url, timeout=timeout)
    except (OSError, ValueError):
        return False
    return status == 200 and check(body)


def _says_ok(body: bytes) -> bool:
    return body.strip().startswith(b"Ok")


def _auth_ready(body: bytes) -> bool:
    try:
        info = json.loads(body)
    except ValueError:
        return False
    return isinstance(info, dict) and bool(info.get("authEmulator", {}).get("ready"))


def _anything(_body: bytes) -> bool:
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _port_in_use(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _port_holder(port: int) -> str | None:
    """'pid 123: java -jar …' for the process listening on the port, if Linux lets us see it."""
    inodes: set[str] = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        try:
            rows = table.read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) > 9 and cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{cols[9]}]")
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if str(fd.readlink()) in inodes:
                    raw = (proc / "cmdline").read_bytes().replace(b"\0", b" ").strip()
                    cmd = raw.decode(errors="replace")
                    return f"pid {proc.name}: {cmd[:157] + '…' if len(cmd) > 160 else cmd}"
        except OSError:
            continue
    return None


def _tail(path: Path, lines: int = LOG_TAIL) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"    ({path} is missing)"
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- process groups ----------------------------------------------------------------------


def _session_members(sid: int) -> list[int] | None:
    """Live (non-zombie) processes in the session/process group `sid`; None without /proc."""
    if not Path("/proc/self/stat").exists():
        return None
    members: list[int] = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # state ppid pgrp session …
        if fields[0] != "Z" and sid in (int(fields[2]), int(fields[3])):
            members.append(int(proc.name))
    return members


def _group_alive(sid: int) -> bool:
    members = _session_members(sid)
    if members is not None:
        return bool(members)
    try:
        os.killpg(sid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(sid: int, signum: int) -> None:
    """Signal the process group and anything else left in the child's session."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(sid, signum)
    for pid in _session_members(sid) or []:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """While stopping, Ctrl-C/SIGTERM/SIGHUP only print a note instead of interrupting."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted = False

    def note(_signum: int, _frame: FrameType | None) -> None:
        nonlocal noted
        if not noted:
            noted = True
            _say("stack: still stopping the services, please wait")

    names = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, note) for signum in names}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _raise_signalled(signum: int, _frame: FrameType | None) -> None:
    raise Signalled(signum)


# --- services -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Service:
    name: str
    title: str
    env_var: str
    default: Address
    deadline: float  # seconds to answer after the start
    probe_path: str
    probe: Callable[[bytes], bool]

    def env_value(self, address: Address) -> str:
        if self.name == "functions":
            return f"http://{address}/api"
        return str(address)

    def parse(self, value: str) -> Address:
        """The address in an environment value ('host:port' or the functions' base URL)."""
        if self.name == "functions":
            parts = urllib.parse.urlsplit(value)
            if parts.scheme != "http" or not parts.hostname or not parts.port:
                raise StackError(f"{self.env_var}={value} is not like http://127.0.0.1:5001/api")
            return Address(parts.hostname, parts.port)
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise StackError(f"{self.env_var}={value} is not like {self.default}")
        return Address(host, int(port))

    def probe_url(self, address: Address) -> str:
        return f"http://{address}{self.probe_path}"

    def answers(self, address: Address, timeout: float = 1.0) -> bool:
        return _answers(self.probe_url(address), self.probe, timeout)


SERVICE = {
    service.name: service
    for service in (
        Service(
            "firestore",
            "Firestore emulator",
            "FIRESTORE_EMULATOR_HOST",
            Address("127.0.0.1", 8080),
            60.0,
            "/",
            _says_ok,
        ),
        Service(
            "pubsub",
            "Pub/Sub emulator",
            "PUBSUB_EMULATOR_HOST",
            Address("127.0.0.1", 8085),
            60.0,
            "/",
            _says_ok,
        ),
        Service(
            "auth",
            "Auth emulator",
            "FIREBASE_AUTH_EMULATOR_HOST",
            Address("127.0.0.1", 9099),
            120.0,
            "/",
            _auth_ready,
        ),
        Service(
            "functions",
            "functions server",
            "VTCHAT_API_URL",
            Address("127.0.0.1", 5001),
            # One production server per function (19 processes) on 2 cores.
            120.0,
            "/healthz",
            _anything,
        ),
    )
}
ENV_VARS = tuple(SERVICE[name].env_var for name in SERVICES)
# The event stream is not behind the Hosting stand-in: its own address.
STREAM_URL_VAR = "VTCHAT_STREAM_URL"


def _stream_url(api: Address) -> str:
    return functions_plan.stream_url(api.host, api.port)


@dataclass
class _Running:
    service: Service
    address: Address
    proc: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)
    ready: bool = False


# --- prerequisites ---------------------------------------------------------------------------


def _version_of(cmd: Sequence[str], pattern: str) -> tuple[int, ...] | None:
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, result.stdout + result.stderr)
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def java_major() -> int | None:
    """Major version of `java` on PATH (8 for '1.8.0_392', 17 for '17.0.15'); None if unknown."""
    version = _version_of(["java", "-version"], r'version "(\d+)(?:\.(\d+))?')
    if not version:
        return None
    return version[1] if version[0] == 1 and len(version) > 1 else version[0]


def gcloud_sdk_root() -> Path | None:
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        return None
    root = Path(gcloud).resolve().parent.parent  # …/google-cloud-sdk/bin/gcloud
    if (root / "platform").is_dir():
        return root
    try:
        result = subprocess.run(
            ["gcloud", "info", "--format=value(installation.sdk_root)"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = result.stdout.strip()
    return Path(value) if result.returncode == 0 and value else None


def check_prerequisites(services: Sequence[str]) -> list[str]:
    """One message per missing prerequisite of starting these services (empty when all fine)."""
    problems: list[str] = []
    wanted = set(services)
    if wanted & {"firestore", "pubsub"}:
        titles = {"firestore": "Firestore", "pubsub": "Pub/Sub"}
        need = [title for name, title in titles.items() if name in wanted]
        emulators = f"the {' and '.join(need)} emulator{'s' if len(need) > 1 else ''}"
        if shutil.which("java") is None:
            problems.append(
                f"Java {MIN_JAVA} or newer is required for {emulators}: not found on PATH. "
                "Install e.g. Debian package openjdk-17-jre-headless."
            )
        else:
            major = java_major()
            if major is None or major < MIN_JAVA:
                found = "an unrecognised version" if major is None else f"Java {major}"
                problems.append(
                    f"Java {MIN_JAVA} or newer is required for {emulators}: found {found} "
                    f"({shutil.which('java')}). Install e.g. Debian package "
                    "openjdk-17-jre-headless and put it first on PATH."
                )
        sdk = gcloud_sdk_root()
        if shutil.which("gcloud") is None:
            problems.append(
                f"The Google Cloud SDK (gcloud) is required for {emulators}: not found on PATH. "
                "Install e.g. Debian package google-cloud-cli "
                "(https://cloud.google.com/sdk/docs/install)."
            )
        elif sdk is None:
            problems.append(
                f"The Google Cloud SDK is required for {emulators}: could not find its "
                "installation root (`gcloud info --format='value(installation.sdk_root)'` failed)."
            )
        else:
            components = (
                ("firestore", "cloud-firestore-emulator", "google-cloud-cli-firestore-emulator"),
                ("pubsub", "pubsub-emulator", "google-cloud-cli-pubsub-emulator"),
            )
            for name, component, package in components:
                if name in wanted and not (sdk / "platform" / component).is_dir():
                    problems.append(
                        f"The gcloud component {component} is required for the "
                        f"{SERVICE[name].title}: {sdk / 'platform' / component} does not exist. "
                        f"Install it with `gcloud components install {component}` "
                        f"(or Debian package {package})."
                    )
        if "firestore" in wanted and not RULES.is_file():
            problems.append(f"The Firestore emulator needs the rules file {RULES}: not found.")
    if "auth" in wanted:
        if shutil.which("node") is None:
            problems.append(
                f"Node.js {MIN_NODE} or newer is required for the Auth emulator (firebase-tools): "
                "not found on PATH. Install e.g. Debian/NodeSource package nodejs "
                "(https://nodejs.org)."
            )
        else:
            node = _version_of(["node", "--version"], r"v(\d+)\.")
            if node is None or node[0] < MIN_NODE:
                found = "an unrecognised version" if node is None else f"Node.js {node[0]}"
                problems.append(
                    f"Node.js {MIN_NODE} or newer is required for the Auth emulator "
                    f"(firebase-tools): found {found} ({shutil.which('node')}). "
                    "Install e.g. Debian/NodeSource package nodejs."
                )
        if shutil.which("npm") is None:
            problems.append(
                "npm is required to install firebase-tools for the Auth emulator: not found on "
                "PATH. Install e.g. Debian package npm (it comes with the nodejs.org builds)."
            )
    if "functions" in wanted:
        if not (ROOT / SERVE_FUNCTIONS).is_file():
            problems.append(f"The functions server {ROOT / SERVE_FUNCTIONS} does not exist.")
        if importlib.util.find_spec("functions_framework") is None:
            problems.append(
                "The functions server needs the project's Python packages: functions_framework "
                f"is not importable by {sys.executable}. Run `make deps` and use .venv/bin/python."
            )
    return problems


# --- the stack -------------------------------------------------------------------------------


class Stack:
    """Start (or reuse) emulator services; a context manager yielding the environment.

    For each service whose environment variable is set and answers, nothing is
    started. Everything started is stopped on exit, on SIGTERM/SIGHUP/Ctrl-C and
    at interpreter exit.
    """

    def __init__(
        self,
        services: Sequence[str] = SERVICES,
        project: str = PROJECT,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        unknown = [name for name in services if name not in SERVICE]
        if unknown:
            raise ValueError(f"unknown service(s) {', '.join(unknown)}; known: {SERVICES}")
        self.services = tuple(name for name in SERVICES if name in services)
        self.project = project
        self.environ = dict(os.environ if environ is None else environ)
        self.env: dict[str, str] = {}
        self.started: list[str] = []
        self.reused: list[str] = []
        self._running: list[_Running] = []
        self._previous_handlers: dict[int, Any] = {}

    # context manager

    def __enter__(self) -> dict[str, str]:
        self._install_signal_handlers()
        atexit.register(self.stop)
        try:
            self.start()
        except BaseException:
            self.stop()
            self._restore_signal_handlers()
            atexit.unregister(self.stop)
            raise
        return dict(self.env)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.stop()
        finally:
            self._restore_signal_handlers()
            atexit.unregister(self.stop)

    # starting

    def start(self) -> dict[str, str]:
        """Start what is not running yet; returns the environment (also in `self.env`)."""
        began = time.monotonic()
        self.env = {"GOOGLE_CLOUD_PROJECT": self.project, "GCLOUD_PROJECT": self.project}
        plan: dict[str, Address] = {}
        for name in self.services:
            service = SERVICE[name]
            address = self._plan(service)
            if address is None:
                self.reused.append(name)
            else:
                plan[name] = address
        if plan:
            problems = check_prerequisites(list(plan))
            if problems:
                raise PrerequisiteError(problems)
            self._check_ports(plan)
            if "auth" in plan:
                self._ensure_firebase_tools()
        emulators = [name for name in EMULATOR_SERVICES if name in plan]
        for name in emulators:
            self._launch(SERVICE[name], plan[name])
        self._wait_ready(emulators)
        if "functions" in plan:
            self._launch(SERVICE["functions"], plan["functions"])
            self._wait_ready(["functions"])
        if self.started:
            _say(f"stack: {', '.join(self.started)} ready in {time.monotonic() - began:.1f} s")
        return dict(self.env)

    def _plan(self, service: Service) -> Address | None:
        """None to reuse the running service, else the address to start it on."""
        value = self.environ.get(service.env_var)
        if not value:
            return service.default
        address = service.parse(value)
        if service.answers(address, timeout=2.0):
            self.env[service.env_var] = value
            if service.name == "functions":
                self.env[STREAM_URL_VAR] = self.environ.get(STREAM_URL_VAR) or _stream_url(address)
            _say(f"{service.name}: using the running {service.title} ({service.env_var}={value})")
            return None
        if not _is_loopback(address.host):
            raise StackError(
                f"{service.name}: {service.env_var}={value} does not answer and is not a local "
                f"address; unset it to start a local {service.title}."
            )
        _say(f"{service.name}: {service.env_var}={value} is set but does not answer; starting it")
        return address

    def _check_ports(self, plan: Mapping[str, Address]) -> None:
        busy: list[str] = []
        for name, address in plan.items():
            service = SERVICE[name]
            if _port_in_use(address.host, address.port):
                holder = _port_holder(address.port) or "a process this user cannot identify"
                if self.environ.get(service.env_var):
                    advice = f"it does not answer like a {service.title}; stop it."
                else:
                    advice = (
                        f"stop it, or if it is a {service.title} you started, reuse it with "
                        f"{service.env_var}={service.env_value(address)}."
                    )
                busy.append(
                    f"{name}: port {address.port} ({address}) is already in use by {holder}; "
                    + advice
                )
        if busy:
            raise StackError("\n".join(busy))

    def _ensure_firebase_tools(self) -> None:
        if FIREBASE_BIN.exists():
            return
        LOGS.mkdir(parents=True, exist_ok=True)
        log = LOGS / "npm.log"
        _say(
            "auth: emulators/node_modules is missing; running `npm ci --no-audit --no-fund` in "
            f"emulators/ (a few minutes; log: {_rel(log)})…"
        )
        began = time.monotonic()
        with log.open("wb") as out:
            result = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund"],
                cwd=EMULATORS,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if result.returncode != 0 or not FIREBASE_BIN.exists():
            raise StackError(
                f"auth: npm ci in emulators/ failed (exit {result.returncode}); last lines of "
                f"{_rel(log)}:\n{_tail(log)}"
            )
        _say(f"auth: npm ci done in {time.monotonic() - began:.1f} s")

    def _command(
        self, service: Service, address: Address
    ) -> tuple[list[str], Path, dict[str, str]]:
        """(argv, cwd, env) to start the service on the address."""
        env = dict(self.environ)
        if service.name == "firestore":
            argv = ["gcloud", "emulators", "firestore", "start", f"--host-port={address}"]
            argv.append(f"--rules={local_rules()}")
            env["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1"
            return argv, ROOT, env
        if service.name == "pubsub":
            argv = ["gcloud", "beta", "emulators", "pubsub", "start", f"--host-port={address}"]
            argv.append(f"--project={self.project}")
            env["CLOUDSDK_CORE_DISABLE_PROMPTS"] = "1"
            return argv, ROOT, env
        if service.name == "auth":
            argv = [str(FIREBASE_BIN), "emulators:start", "--only", "auth"]
            argv += ["--project", self.project]
            if address != service.default:
                argv += ["--config", str(self._firebase_config(address))]
            for name in ENV_VARS:  # a stale value must not steer firebase-tools
                env.pop(name, None)
            env["CI"] = "1"  # skips the MOTD fetch (no network needed)
            return argv, EMULATORS, env
        argv = [sys.executable, str(SERVE_FUNCTIONS), "--host", address.host]
        argv += ["--port", str(address.port)]
        env.update(self.env)
        env[STREAM_URL_VAR] = _stream_url(address)
        env["PYTHONUNBUFFERED"] = "1"
        return argv, ROOT, env

    @staticmethod
    def _firebase_config(address: Address) -> Path:
        """A copy of firebase.json with the Auth emulator on another address."""
        config = json.loads(FIREBASE_JSON.read_text())
        config["emulators"]["auth"] = {"host": address.host, "port": address.port}
        # firebase-tools also opens a hub (4400) and a log port (4500): a
        # second stack on the same machine needs its own, next to its Auth.
        config["emulators"]["hub"] = {"host": address.host, "port": address.port + 1}
        config["emulators"]["logging"] = {"host": address.host, "port": address.port + 2}
        path = LOGS / f"firebase.auth-{address.port}.json"
        path.write_text(json.dumps(config, indent=2) + "\n")
        return path

    def _launch(self, service: Service, address: Address) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = LOGS / f"{service.name}.log"
        argv, cwd, env = self._command(service, address)
        _say(f"{service.name}: starting…")
        with log.open("wb") as out:
            out.write(f"$ cd {shlex.quote(str(cwd))} && {shlex.join(argv)}\n".encode())
            out.flush()
            try:
                proc = subprocess.Popen(
                    argv,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            except OSError as exc:
                raise StackError(f"{service.name}: could not run {argv[0]}: {exc}") from exc
        self._running.append(_Running(service, address, proc, log))
        self.started.append(service.name)
        self.env[service.env_var] = service.env_value(address)
        if service.name == "functions":
            self.env[STREAM_URL_VAR] = _stream_url(address)

    def _wait_ready(self, names: Sequence[str]) -> None:
        pending = [run for run in self._running if run.service.name in names]
        while pending:
            for run in list(pending):
                elapsed = time.monotonic() - run.started
                if run.service.answers(run.address, timeout=1.0):
                    _say(f"{run.service.name}: ready in {elapsed:.1f} s")
                    run.ready = True
                    pending.remove(run)
                elif run.proc.poll() is not None:
                    self._fail(run, f"exited with code {run.proc.returncode} before it answered")
                elif elapsed > run.service.deadline:
                    self._fail(
                        run,
                        f"did not answer at {run.service.probe_url(run.address)} "
                        f"within {run.service.deadline:.0f} s",
                    )
            if pending:
                time.sleep(POLL)

    def _fail(self, run: _Running, what: str) -> None:
        raise StackError(
            f"{run.service.name}: the {run.service.title} {what}; last lines of "
            f"{_rel(run.log)}:\n{_tail(run.log)}"
        )

    def check_alive(self) -> None:
        """Raise StackError when a started service has exited."""
        for run in self._running:
            if run.proc.poll() is not None:
                self._fail(run, f"exited with code {run.proc.returncode}")

    # stopping

    def stop(self) -> None:
        """Stop everything this stack started (idempotent): SIGTERM, then SIGKILL after 10 s."""
        if not self._running:
            return
        with _signals_deferred():
            running, self._running = list(reversed(self._running)), []
            began = time.monotonic()
            for run in running:  # one still starting has nothing to shut down cleanly
                _signal_group(run.proc.pid, signal.SIGTERM if run.ready else signal.SIGKILL)
            left = self._wait_gone(running, STOP_GRACE)
            for run in left:
                _say(f"{run.service.name}: still running after {STOP_GRACE:.0f} s; killing it")
                _signal_group(run.proc.pid, signal.SIGKILL)
            left = self._wait_gone(left, 5.0)
            names = ", ".join(run.service.name for run in running)
            if left:
                pids = ", ".join(str(run.proc.pid) for run in left)
                _say(f"stack: could not stop process group(s) {pids}")
            else:
                _say(f"stack: stopped {names} in {time.monotonic() - began:.1f} s")

    @staticmethod
    def _wait_gone(runs: Sequence[_Running], timeout: float) -> list[_Running]:
        deadline = time.monotonic() + timeout
        left = list(runs)
        while left:
            for run in list(left):
                run.proc.poll()  # reap the group leader
                if run.proc.returncode is not None and not _group_alive(run.proc.pid):
                    left.remove(run)
            if not left or time.monotonic() > deadline:
                break
            time.sleep(POLL)
        return left

    # signals

    def _install_signal_handlers(self) -> None:
        """SIGTERM and SIGHUP raise Signalled (like Ctrl-C) so that the stack is stopped."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(signum) in (signal.SIG_DFL, None):
                self._previous_handlers[signum] = signal.signal(signum, _raise_signalled)

    def _restore_signal_handlers(self) -> None:
        while self._previous_handlers:
            signum, handler = self._previous_handlers.popitem()
            signal.signal(signum, handler)


# --- emulator data ---------------------------------------------------------------------------


def _expect(method: str, url: str, body: bytes | None = None) -> None:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    status, answer = _http(method, url, body, headers)
    if status != 200:
        text = answer.decode(errors="replace")[:2000]
        raise RuntimeError(f"{method} {url} answered {status}: {text}")


def reset_firestore(host: str, project: str = PROJECT) -> None:
    """Delete every document in the Firestore emulator's default database."""
    url = f"http://{host}/emulator/v1/projects/{project}/databases/(default)/documents"
    # The emulator answers 499 CANCELLED now and then while a listener of a
    # previous test is still being torn down, and 409 while a transaction a
    # closed stream left behind still holds a lock; both pass.
    attempts = 20
    for attempt in range(attempts):
        status, answer = _http("DELETE", url, None, {})
        if status == 200:
            return
        if status not in (409, 499) or attempt == attempts - 1:
            text = answer.decode(errors="replace")[:2000]
            raise RuntimeError(f"DELETE {url} answered {status}: {text}")
        time.sleep(0.2 if status == 499 else 1.0)


def reset_auth(host: str, project: str = PROJECT) -> None:
    """Delete every account in the Auth emulator."""
    _expect("DELETE", f"http://{host}/emulator/v1/projects/{project}/accounts")


# The one difference between the deployed rules and the emulator's: production
# staff must have signed in with a second factor (TOTP), which the Auth
# emulator cannot give (it offers SMS only). docs/architecture.md says why.
_SECOND_FACTOR = re.compile(
    r"(    function signedInWithSecondFactor\(\) \{\n      return )([^;\n]+)(;\n    \})"
)


def local_rules_text(deployed: str) -> str:
    """The deployed rules with signedInWithSecondFactor() answering true; nothing else changes."""
    rendered, found = _SECOND_FACTOR.subn(r"\1true\3", deployed)
    if found != 1:
        raise StackError(f"{RULES.name}: signedInWithSecondFactor() not found once (found {found})")
    return rendered


def local_rules() -> Path:
    """Write the rules for the local emulator (local_rules_text of firestore.rules); its path."""
    LOGS.mkdir(parents=True, exist_ok=True)
    partial = LOCAL_RULES.with_name(f"{LOCAL_RULES.name}.{os.getpid()}")
    partial.write_text(local_rules_text(RULES.read_text()))
    partial.replace(LOCAL_RULES)  # atomic: another stack may start at the same moment
    return LOCAL_RULES


def load_rules(host: str, project: str, path: str | os.PathLike[str]) -> None:
    """Replace the Firestore emulator's security rules with the file's (RuntimeError if invalid).

    The deployed firestore.rules is loaded as the local stack loads it (local_rules_text).
    """
    rules = Path(path)
    content = rules.read_text()
    if rules.resolve() == RULES.resolve():
        content = local_rules_text(content)
    files = [{"name": rules.name, "content": content}]
    body = json.dumps({"rules": {"files": files}}).encode()
    _expect("PUT", f"http://{host}/emulator/v1/projects/{project}:securityRules", body)


# --- command line ----------------------------------------------------------------------------


def _services(value: str) -> tuple[str, ...]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if names == ["all"]:
        return SERVICES
    unknown = [name for name in names if name not in SERVICE]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown service(s) {', '.join(unknown) or '(none)'}; choose from {','.join(SERVICES)}"
        )
    return tuple(name for name in SERVICES if name in names)


def _run_command(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Run CMD in the foreground; SIGTERM/SIGHUP are passed on. Returns its exit code."""
    try:
        proc = subprocess.Popen(list(argv), env=dict(env))
    except FileNotFoundError:
        _say(f"exec: command not found: {argv[0]}")
        return 127
    except PermissionError:
        _say(f"exec: permission denied: {argv[0]}")
        return 126
    signalled = False
    while True:
        try:
            code = proc.wait(timeout=STOP_GRACE if signalled else None)
            break
        except subprocess.TimeoutExpired:
            _say(f"exec: {argv[0]} still running {STOP_GRACE:.0f} s after the signal; killing it")
            proc.kill()
            code = proc.wait()
            break
        except KeyboardInterrupt as exc:
            # Ctrl-C from the terminal already reached CMD (same process group).
            signum = exc.signum if isinstance(exc, Signalled) else signal.SIGINT
            if signum != signal.SIGINT or signalled:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signum)
            signalled = True
    return code if code >= 0 else 128 - code


def _print_env(env: Mapping[str, str]) -> None:
    for name, value in env.items():
        print(f"export {name}={shlex.quote(value)}", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="stack.py",
        description="Run the local emulator stack (project demo-vtchat).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    services_help = f"comma-separated subset of {','.join(SERVICES)} (default: all)"
    up = commands.add_parser("up", help="start the services and run until Ctrl-C or SIGTERM")
    run = commands.add_parser("exec", help="start the services, run CMD, stop them")
    check = commands.add_parser("check", help="only check the prerequisites")
    for sub in (up, run, check):
        sub.add_argument("--services", type=_services, default=SERVICES, help=services_help)
    run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- CMD ARGS...")
    args = parser.parse_args(argv)

    if args.command == "check":
        problems = check_prerequisites(args.services)
        for problem in problems:
            _say(problem)
        if not problems:
            _say(f"stack: prerequisites for {', '.join(args.services)} are present")
        return 2 if problems else 0

    cmd: list[str] = []
    if args.command == "exec":
        cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
        if not cmd:
            run.error("missing CMD: stack.py exec [--services ...] -- CMD ARGS...")
        if shutil.which(cmd[0]) is None:  # before minutes of start-up, not after
            _say(f"exec: command not found: {cmd[0]}")
            return 127

    stack = Stack(services=args.services)
    try:
        with stack as env:
            if args.command == "up":
                _print_env(env)
                _say("stack: running; press Ctrl-C to stop")
                try:
                    while True:
                        stack.check_alive()
                        time.sleep(0.5)
                except KeyboardInterrupt:
                    return 0
            return _run_command(cmd, {**os.environ, **env})
    except PrerequisiteError as exc:
        for problem in exc.problems:
            _say(problem)
        return exc.exit_code
    except StackError as exc:
        _say(str(exc))
        return exc.exit_code
    except KeyboardInterrupt as exc:
        return 128 + (exc.signum if isinstance(exc, Signalled) else signal.SIGINT)


if __name__ == "__main__":
    sys.exit(main())
