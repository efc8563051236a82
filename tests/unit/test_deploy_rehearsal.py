"""The deploy rehearsal, offline: what `firebase deploy` would publish, checked.

From a fixture shaped like `terraform output -json` (tests/data/terraform-outputs.json,
checked against infra/ here) and the build in web/dist (`make test` builds it
first), web/render_production.py writes the two Hosting directories into a
temporary directory. Then:

- the publish directories exist and hold only what they should;
- no loopback address, demo project, fake key or emulator setting is left;
- each Content-Security-Policy allows exactly the origins the built code uses
  (found in the bundles), the console's <meta> policy agrees with Hosting's;
- every path the clients call is a deployed function, through Hosting only
  where that is safe (never the event stream);
- every setting the code reads is set (the functions' by infra/, reusing
  test_infra_contract; the console page's data-* by the rendered page).
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.test_infra_contract import _locals, _tf
from tests.unit.test_infra_contract import (
    test_environment_covers_every_setting_the_code_reads as _functions_settings_are_set,
)

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
DIST = WEB / "dist"
FIXTURE = ROOT / "tests" / "data" / "terraform-outputs.json"
FUNCTIONS = json.loads((ROOT / "infra" / "functions.json").read_text())["functions"]

BUILT = (DIST / "widget" / "loader.js").is_file() and (DIST / "console" / "index.html").is_file()
needs_build = pytest.mark.skipif(
    not BUILT, reason="web/dist is not built: run `make web-build` (`make test` builds it first)"
)

# reCAPTCHA Enterprise's own scripts and frames, as Google's reCAPTCHA FAQ
# lists them for a CSP (https://cloud.google.com/recaptcha/docs/faq): needed
# once a bundle loads reCAPTCHA (enterprise.js on www.google.com).
RECAPTCHA = {
    "script-src": {"https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"},
    "frame-src": {"https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"},
}
# Every origin the built bundles name, classified: what the page needs it for
# (None: never contacted, and why). An origin not listed fails the rehearsal.
KNOWN_ORIGINS: dict[str, tuple[str | None, str]] = {
    "https://identitytoolkit.googleapis.com": (
        "connect-src",
        "Firebase Auth sign-in, second factor",
    ),
    "https://securetoken.googleapis.com": ("connect-src", "Firebase Auth token refresh"),
    "https://firestore.googleapis.com": ("connect-src", "Firestore listeners"),
    "https://content-firebaseappcheck.googleapis.com": ("connect-src", "App Check token exchange"),
    "https://www.google.com": ("recaptcha", "reCAPTCHA Enterprise script (App Check provider)"),
    "https://apis.google.com": (
        None,
        "gapi: popup/redirect sign-in only; initializeAuth without a resolver",
    ),
    "https://securetoken.google.com": (None, "issuer claim of the SDK's emulator mock tokens"),
    "https://console.firebase.google.com": (None, "link in an SDK error message"),
    "https://firebase.google.com": (None, "link in an SDK error message"),
    "https://developer.mozilla.org": (None, "link in an SDK error message"),
    "https://developers.google.com": (None, "link in an SDK error message"),
    "https://www.google.nl": (None, "widget: 'Snel weg' navigates there (top-level, no fetch)"),
    "https://www.veiligthuis.nl": (None, "widget: a link the visitor may follow"),
}
# Local values a production file must not carry. In the bundles they may stand
# only in these places, which point nowhere in production.
DEV_VALUES = re.compile(r"127\.0\.0\.1|localhost|\[::1\]|demo-|fake-api-key")
DEV_ALLOWED_IN_JS = {
    # main.ts: the emulators only on a loopback page.
    r"`127\.0\.0\.1`,`localhost`,`\[::1\]`\]\.includes\(location\.hostname\)",
    # Auth SDK: requestUri placeholder of OAuth credentials, never contacted.
    r"`http://localhost`,\w+=class \w+ extends \w+\{constructor\(\)\{super\(\.\.\.arguments\),"
    r"this\.pendingToken=null",
    # Firestore/Auth SDK: default project of emulator mock tokens.
    r"r=t\|\|`demo-project`",
}
# The console page's data-* attributes that only a local page sets.
LOCAL_ONLY_ATTRIBUTES = {"data-emulators"}
# Settings the code defaults sensibly when the page says nothing.
DEFAULTED_ATTRIBUTES = {"data-idle-minutes", "data-lang"}


@cache
def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_production", WEB / "render_production.py")
    assert spec and spec.loader, "web/render_production.py is missing"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _outputs() -> dict[str, Any]:
    return {name: entry["value"] for name, entry in json.loads(FIXTURE.read_text()).items()}


def _hosting() -> dict[str, dict[str, Any]]:
    config = json.loads(_outputs()["firebase_json"])
    by_site = {entry["site"]: entry for entry in config["hosting"]}
    sites = _outputs()["hosting_sites"]
    return {key: by_site[site["site_id"]] for key, site in sites.items()}


def _policy(text: str) -> dict[str, list[str]]:
    directives = (d.split() for d in text.split(";") if d.strip())
    return {d[0]: d[1:] for d in directives}


def _header_policy(key: str) -> dict[str, list[str]]:
    (rule,) = [r for r in _hosting()[key]["headers"] if r["source"] == "**"]
    (value,) = [h["value"] for h in rule["headers"] if h["key"] == "Content-Security-Policy"]
    return _policy(value)


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _origins(text: str) -> set[str]:
    """https:// origins a bundle names, literally or as a bare Google API host."""
    found = set(re.findall(r"https://[a-z0-9.-]+\.[a-z]{2,}", text))
    found |= {
        f"https://{h}" for h in re.findall(r"[`'\"]([a-z0-9-]+\.googleapis\.com)[`'\"]", text)
    }
    return found


def _origin(url: str) -> str:
    match = re.match(r"https://[^/]+", url)
    assert match, url
    return match.group()


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not BUILT:
        pytest.skip("web/dist is not built: run `make web-build` (`make test` builds it first)")
    out = tmp_path_factory.mktemp("release")
    targets: dict[str, Path] = _renderer().render(_outputs(), DIST, out)
    return targets


# -- the fixture is what infra/ renders ------------------------------------------


def test_the_fixture_is_what_infra_renders() -> None:
    hosting = _locals("hosting.tf")
    sites = _hosting()
    assert set(sites) == {"widget", "console"}
    for key, entry in sites.items():
        assert entry["public"] == hosting["hosting_public_dirs"][key] == f"web/release/{key}"
        assert (
            "public   = local.hosting_public_dirs[key]" in (ROOT / "infra/hosting.tf").read_text()
        )
    # The CSP Hosting sends is hosting.tf's, with the fixture's values.
    values = {
        "${local.recaptcha_script_sources}": hosting["recaptcha_script_sources"],
        "${local.recaptcha_frame_sources}": hosting["recaptcha_frame_sources"],
        "${local.site_origins.widget}": _outputs()["widget_embedding"]["origin"],
        "${local.stream_origin}": _origin(_outputs()["stream_url"]),
    }

    def evaluate(directive: str) -> str:
        for name, value in values.items():
            directive = directive.replace(name, value)
        assert "${" not in directive, directive
        return directive

    for key, directives in hosting["content_security_policy_directives"].items():
        assert _header_policy(key) == _policy("; ".join(evaluate(d) for d in directives)), key
    embedding = [evaluate(d) for d in hosting["widget_embedding_csp"]]
    assert _outputs()["widget_embedding"]["csp"] == embedding
    # The outputs the renderer reads are declared with these fields.
    declared = {name: body for block in _tf("outputs.tf")["output"] for name, body in block.items()}
    for name in ("console_web_config", "widget_embedding", "firebase_json", "stream_url"):
        assert name in declared, f"infra/outputs.tf declares no output {name}"
        value = declared[name]["value"]
        if isinstance(value, dict):
            assert set(value) == set(_outputs()[name]), name


def test_every_path_the_clients_call_is_a_deployed_function_behind_hosting_where_safe() -> None:
    widget_api = (WEB / "widget/src/chat/api.ts").read_text()
    loader = (WEB / "widget/src/loader.ts").read_text()
    console = "".join(p.read_text() for p in (WEB / "console/src").rglob("*.ts"))
    called = set(re.findall(r"this\.call(?:<[^(]*>)?\(\s*'(?:GET|POST)',\s*'([a-z]+)'", widget_api))
    called |= set(re.findall(r"\$\{config\.api\}/([a-z]+)", loader))
    called |= set(re.findall(r"api\.(?:call|get)(?:<[^(]*>)?\(\s*[`'\"]([a-z]+)", console))
    assert {"intake", "messages", "status", "accept", "availability"} <= called, called
    for key, entry in _hosting().items():
        rewritten = {r["source"]: r["run"]["serviceId"] for r in entry["rewrites"]}
        for name in sorted(called):
            assert name in FUNCTIONS, f"{name}: no such function (infra/functions.json)"
            assert FUNCTIONS[name]["public"] and FUNCTIONS[name]["hosting"], name
            assert rewritten.get(f"/api/{name}") == name, f"{key}: /api/{name} not rewritten"
        # Through Hosting only what is public and answers at once: never a push
        # target, never the event stream (Hosting buffers it, docs/platform.md).
        for name in rewritten.values():
            assert FUNCTIONS[name]["public"] and FUNCTIONS[name]["hosting"], name
        assert "/api/stream" not in rewritten
    # The stream: its own URL, handed out with the intake answer.
    sse = (WEB / "widget/src/chat/sse.ts").read_text()
    assert "fetch(this.url" in sse and "streamUrl" in widget_api
    stream = _outputs()["stream_url"]
    assert FUNCTIONS["stream"]["public"] and not FUNCTIONS["stream"]["hosting"]
    assert stream.startswith("https://") and _origin(stream) not in {
        _origin(site["url"]) for site in _outputs()["hosting_sites"].values()
    }
    assert _outputs()["widget_embedding"]["stream_url"] == stream


def test_every_setting_the_functions_read_is_set_by_infra() -> None:
    _functions_settings_are_set()


# -- the published directories ---------------------------------------------------


@needs_build
def test_the_publish_directories_hold_only_what_they_should(release: dict[str, Path]) -> None:
    widget, console = release["widget"], release["console"]
    assert _files(widget) == {f"widget/{name}" for name in _files(DIST / "widget")}
    assert "widget/loader.js" in _files(widget)
    assert all(Path(name).suffix in {".js", ".css"} for name in _files(widget)), _files(widget)
    assert _files(console) == _files(DIST / "console")
    assert "index.html" in _files(console)
    # Nothing of the local demo: no host page, no exit page, no console on the widget site.
    assert not any(name.endswith(".html") for name in _files(widget))


@needs_build
def test_no_local_or_demo_value_is_left(release: dict[str, Path]) -> None:
    left: list[str] = []
    for root in release.values():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            text = path.read_text("utf-8", errors="replace")
            if path.suffix != ".js":
                left += [
                    f"{path.name}: {m.group()}"
                    for m in re.finditer(DEV_VALUES.pattern + "|emulator", text)
                ]
                continue
            for match in DEV_VALUES.finditer(text):
                context = text[max(0, match.start() - 120) : match.end() + 120]
                if not any(re.search(allowed, context) for allowed in DEV_ALLOWED_IN_JS):
                    left.append(
                        f"{path.name}: …{text[max(0, match.start() - 60) : match.end() + 40]}…"
                    )
    assert not left, "local or demo values in the production files:\n" + "\n".join(left)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.console: dict[str, str] = {}
        self.policies: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "div" and found.get("id") == "console":
            self.console = {k: v for k, v in found.items() if k.startswith("data-")}
        if tag == "meta" and found.get("http-equiv") == "Content-Security-Policy":
            self.policies.append(found.get("content", ""))


def _page(release: dict[str, Path]) -> _Page:
    page = _Page()
    page.feed((release["console"] / "index.html").read_text("utf-8"))
    return page


def _attributes_the_console_reads() -> set[str]:
    """main.ts reads the page's configuration (`const data = root.dataset`)."""
    main = (WEB / "console/src/main.ts").read_text()
    assert re.search(r"const data = root\.dataset\b", main)
    names = set(re.findall(r"\bdata\.([a-zA-Z]+)", main))
    return {"data-" + re.sub(r"[A-Z]", lambda m: "-" + m.group().lower(), n) for n in names}


@needs_build
def test_the_console_page_carries_the_production_configuration(release: dict[str, Path]) -> None:
    page = _page(release)
    config = _outputs()["console_web_config"]
    expected = {attr: config[key] for attr, key in _renderer().CONSOLE_ATTRIBUTES.items()}
    assert {k: v for k, v in page.console.items() if k not in DEFAULTED_ATTRIBUTES} == expected
    assert page.console["data-api"] == "/api"  # the console site's own /api rewrites
    # Every attribute the console's code reads is set, or is local-only and absent.
    read = _attributes_the_console_reads()
    assert {"data-project", "data-api-key", "data-app-id", "data-app-check-site-key"} <= read
    unknown = read - set(page.console) - LOCAL_ONLY_ATTRIBUTES - DEFAULTED_ATTRIBUTES
    assert not unknown, f"the console reads {unknown}, which the production page does not set"
    assert not LOCAL_ONLY_ATTRIBUTES & set(page.console)
    # The <meta> policy is Hosting's header, less what a <meta> cannot carry.
    header = _header_policy("console")
    (meta,) = page.policies
    assert _policy(meta) == {k: v for k, v in header.items() if k != "frame-ancestors"}


# -- the policies allow exactly what the code uses ---------------------------------


def _required(bundles: list[Path]) -> dict[str, set[str]]:
    needed: dict[str, set[str]] = {"connect-src": set(), "script-src": set(), "frame-src": set()}
    for bundle in bundles:
        for origin in _origins(bundle.read_text("utf-8", errors="replace")):
            assert origin in KNOWN_ORIGINS, (
                f"{bundle.name} names {origin}: classify it in KNOWN_ORIGINS"
            )
            use = KNOWN_ORIGINS[origin][0]
            if use == "recaptcha":
                for directive, sources in RECAPTCHA.items():
                    needed[directive] |= sources
            elif use:
                needed[use].add(origin)
    return needed


@needs_build
def test_the_console_policy_allows_exactly_what_the_console_uses(release: dict[str, Path]) -> None:
    bundles = sorted((release["console"] / "assets").glob("*.js"))
    bundles += sorted((release["console"] / "assets").glob("*.css"))
    needed = _required(bundles)
    api = _outputs()["console_web_config"]["api"]
    if api.startswith("https://"):
        needed["connect-src"].add(_origin(api))
    header = _header_policy("console")
    for directive, sources in needed.items():
        granted = {s for s in header.get(directive, []) if not s.startswith("'")}
        assert granted == sources, f"{directive}: allows {granted}, the console uses {sources}"
    # infra/identity.tf enforces App Check on Auth and Firestore: without it no sign-in.
    assert "https://content-firebaseappcheck.googleapis.com" in needed["connect-src"], (
        "the console does not initialise App Check, which infra/ enforces"
    )
    assert header["default-src"] == ["'self'"] and header["object-src"] == ["'none'"]
    assert header["frame-ancestors"] == ["'none'"] and header["base-uri"] == ["'none'"]
    for directive, listed in header.items():
        for source in listed:
            assert not re.match(r"'unsafe-|http:|ws:|\*|blob:", source), f"{directive} {source}"
            assert source != "data:" or directive == "img-src", f"{directive} {source}"


@needs_build
def test_the_widget_policies_allow_exactly_what_the_widget_uses(release: dict[str, Path]) -> None:
    # The widget site serves scripts only: its own policy allows nothing.
    assert _header_policy("widget") == _policy(
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    # The widget runs in the regional website's page: what that page's policy must add.
    needed = _required(sorted((release["widget"] / "widget").glob("*.*")))
    embedding = _outputs()["widget_embedding"]
    needed["script-src"].add(_origin(embedding["loader_url"]))
    needed["connect-src"] |= {_origin(embedding["api_url"]), _origin(embedding["stream_url"])}
    granted = _policy("; ".join(embedding["csp"]))
    assert {k: set(v) for k, v in granted.items()} == {k: v for k, v in needed.items() if v}


def test_the_snippet_gives_the_widget_its_region_and_api() -> None:
    embedding = _outputs()["widget_embedding"]
    script = dict(re.findall(r'([a-z-]+)="([^"]*)"', embedding["snippet"]))
    assert script == {
        "type": "module",
        "src": embedding["loader_url"],
        "data-region": "REGION_ID",
        # Without it the widget would call /api on the regional website's own origin.
        "data-api": embedding["api_url"],
    }
    read = set(re.findall(r"\bdata\.([a-zA-Z]+)", (WEB / "widget/src/config.ts").read_text()))
    assert read == {"region", "api", "exitUrl", "lang"}
    assert embedding["loader_url"] == f"{embedding['origin']}/widget/loader.js"


# -- the renderer refuses what would not be production ------------------------------


@needs_build
@pytest.mark.parametrize(
    "change",
    [
        {"console_web_config": {"project_id": "demo-vtchat"}},
        {"console_web_config": {"api": "http://127.0.0.1:5001/api"}},
        {"console_web_config": {"api_key": ""}},
        {"console_web_config": {"app_check_site_key": None}},
        {"firebase_json": "web/dist"},
    ],
    ids=["demo-project", "loopback-api", "no-api-key", "no-site-key", "publishes-web-dist"],
)
def test_the_renderer_refuses_what_is_not_production(
    change: dict[str, Any], tmp_path: Path
) -> None:
    outputs = json.loads(json.dumps(_outputs()))
    if "firebase_json" in change:
        outputs["firebase_json"] = outputs["firebase_json"].replace(
            "web/release/widget", "web/dist"
        )
    else:
        outputs["console_web_config"].update(change["console_web_config"])
    renderer = _renderer()
    with pytest.raises(renderer.ReleaseError):
        renderer.render(outputs, DIST, tmp_path)
