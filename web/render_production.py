"""Render the production Hosting directories from the build and Terraform's outputs.

    terraform -chdir=infra output -json > outputs.json
    python3 web/render_production.py --outputs outputs.json   # web/dist -> web/release

`make web-build` builds one set of files for every environment (web/dist: the
widget, the console and the local demo page). This writes what each Hosting
site publishes (infra/hosting.tf, `hosting_public_dirs`), and nothing else:

- web/release/widget: the widget's scripts only (web/dist/widget -> /widget/):
  no console, no demo page;
- web/release/console: the console, its page carrying the production
  configuration (output `console_web_config`) in its data-* attributes and the
  Content-Security-Policy that Hosting sends for it (output `firebase_json`),
  without the emulator attribute, the demo values and comments.

Standard library only; refuses to write a release that names a loopback
address, a demo project or a fake key outside the bundled JavaScript
(tests/unit/test_deploy_rehearsal.py checks the JavaScript too).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

WEB = Path(__file__).resolve().parent
RELEASE = "web/release"  # relative to the repository root, as firebase.json names it
SITES = ("widget", "console")

# The console page's data-* attributes, from output `console_web_config`
# (web/console/src/main.ts and appcheck.ts read them).
CONSOLE_ATTRIBUTES = {
    "data-api": "api",
    "data-project": "project_id",
    "data-api-key": "api_key",
    "data-auth-domain": "auth_domain",
    "data-app-id": "app_id",
    "data-app-check-site-key": "app_check_site_key",
}
# Page settings that are the same everywhere: kept from the build.
KEPT_ATTRIBUTES = ("data-idle-minutes", "data-lang")

# What only a local or demo configuration says.
DEV_VALUES = re.compile(
    r"127\.0\.0\.1|localhost|\[::1\]|demo-|fake-api-key|emulator", re.IGNORECASE
)

_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')
_CONSOLE_DIV = re.compile(r'<div id="console"(?P<attrs>[^>]*)>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
_COMMENT = re.compile(r"\s*<!--.*?-->", re.DOTALL)


def _attr(value: str) -> str:
    """An attribute value in double quotes ('...' stays readable in the policy)."""
    return html.escape(value, quote=False).replace('"', "&quot;")


class ReleaseError(Exception):
    """The outputs or the build cannot make a production release."""


def load_outputs(path: Path | None) -> dict[str, Any]:
    """`terraform output -json` ({name: {value, type, sensitive}}) as {name: value}."""
    text = sys.stdin.read() if path is None else path.read_text("utf-8")
    raw = json.loads(text)
    return {name: entry["value"] for name, entry in raw.items()}


def hosting_sites(outputs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The Hosting entries of firebase.json by site key, matched by their public dir."""
    config = json.loads(outputs["firebase_json"])
    by_public = {entry["public"]: entry for entry in config["hosting"]}
    found = {key: by_public.get(f"{RELEASE}/{key}") for key in SITES}
    missing = [key for key, entry in found.items() if entry is None]
    if missing or len(by_public) != len(SITES):
        raise ReleaseError(
            f"firebase.json publishes {sorted(by_public)}, not {RELEASE}/{{{','.join(SITES)}}}"
        )
    return {key: entry for key, entry in found.items() if entry is not None}


def header(entry: dict[str, Any], name: str) -> str:
    """The value of header `name` that Hosting sends for every path of a site."""
    for rule in entry["headers"]:
        if rule["source"] == "**":
            for pair in rule["headers"]:
                if pair["key"] == name:
                    return str(pair["value"])
    raise ReleaseError(f"firebase.json sends no {name} for {entry['site']}")


def meta_policy(policy: str) -> str:
    """The header's policy as a <meta> can carry it (no frame-ancestors, report-uri or sandbox)."""
    unsupported = ("frame-ancestors", "report-uri", "sandbox")
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    return "; ".join(d for d in directives if d.split()[0] not in unsupported)


def _console_values(config: dict[str, Any]) -> dict[str, str]:
    values = {attr: str(config.get(key) or "") for attr, key in CONSOLE_ATTRIBUTES.items()}
    empty = [attr for attr, value in values.items() if not value]
    if empty:
        raise ReleaseError(f"console_web_config lacks {', '.join(empty)}")
    if values["data-api"] != "/api" and not values["data-api"].startswith("https://"):
        raise ReleaseError("console_web_config.api must be /api or an https URL")
    return values


def console_page(page: str, config: dict[str, Any], policy: str) -> str:
    """The built console page with the production configuration and policy."""
    if len(_CSP_META.findall(page)) != 1 or len(_CONSOLE_DIV.findall(page)) != 1:
        raise ReleaseError("the built console page has not exactly one CSP <meta> and one #console")
    built = dict(_ATTRIBUTE.findall(_CONSOLE_DIV.search(page)["attrs"]))  # type: ignore[index]
    values = _console_values(config)
    values.update({name: built[name] for name in KEPT_ATTRIBUTES if name in built})
    attrs = "".join(f'\n     {name}="{_attr(value)}"' for name, value in values.items())
    page = _COMMENT.sub("", page)
    page = _CSP_META.sub(
        lambda _: f'<meta http-equiv="Content-Security-Policy" content="{_attr(policy)}">',
        page,
    )
    return _CONSOLE_DIV.sub(lambda _: f'<div id="console"{attrs}>', page)


def _check_no_dev_values(root: Path) -> None:
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix != ".js":
            found = DEV_VALUES.search(path.read_text("utf-8", errors="replace"))
            if found:
                raise ReleaseError(f"{path.relative_to(root)} still says {found.group()!r}")


def render(outputs: dict[str, Any], dist: Path, out: Path) -> dict[str, Path]:
    """Write out/widget and out/console from the build in `dist`; returns them by site."""
    sites = hosting_sites(outputs)
    built_page = dist / "console" / "index.html"
    if not (dist / "widget" / "loader.js").is_file() or not built_page.is_file():
        raise ReleaseError(f"{dist} holds no built widget and console: run `make web-build`")
    targets = {key: out / key for key in SITES}
    for target in targets.values():
        shutil.rmtree(target, ignore_errors=True)
    # The loader stays at /widget/loader.js (the regional websites' snippet).
    shutil.copytree(dist / "widget", targets["widget"] / "widget")
    shutil.copytree(
        dist / "console", targets["console"], ignore=shutil.ignore_patterns("index.html")
    )
    policy = meta_policy(header(sites["console"], "Content-Security-Policy"))
    page = console_page(built_page.read_text("utf-8"), outputs["console_web_config"], policy)
    (targets["console"] / "index.html").write_text(page, "utf-8")
    for target in targets.values():
        _check_no_dev_values(target)
    return targets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--outputs", type=Path, help="`terraform output -json` file (default: stdin)"
    )
    parser.add_argument("--dist", type=Path, default=WEB / "dist")
    parser.add_argument("--out", type=Path, default=WEB / "release")
    args = parser.parse_args(argv)
    try:
        targets = render(load_outputs(args.outputs), args.dist, args.out)
    except (ReleaseError, KeyError, ValueError) as error:
        print(f"render_production: {error}", file=sys.stderr)
        return 1
    for key, target in targets.items():
        print(f"{key}: {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
