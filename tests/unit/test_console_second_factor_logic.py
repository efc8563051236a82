"""The console's second-factor decisions (web/console/src/secondfactor.ts), run in Node.

The module has no imports (no Firebase, no DOM): TypeScript compiles it alone
and Node runs the cases below; the browser test (tests/browser/
test_console_second_factor.py) drives the screens built on it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support import ROOT

WEB = ROOT / "web"
SOURCE = WEB / "console" / "src" / "secondfactor.ts"
TSC = WEB / "node_modules" / ".bin" / "tsc"

CASES: list[tuple[str, list[Any], Any]] = [
    # Production asks for the authenticator app, the emulators for SMS; nothing else.
    ("pickHint", [[{"factorId": "phone"}, {"factorId": "totp"}], "totp"], 1),
    ("pickHint", [[{"factorId": "phone"}], "emulator-sms"], 0),
    ("pickHint", [[{"factorId": "phone"}], "totp"], -1),
    ("pickHint", [[], "totp"], -1),
    # Production: no way in without a factor. Emulators: only where the functions say so.
    ("mustEnrol", ["totp", 0, False], True),
    ("mustEnrol", ["totp", 1, False], False),
    ("mustEnrol", ["emulator-sms", 0, False], False),
    ("mustEnrol", ["emulator-sms", 0, True], True),
    ("mustEnrol", ["emulator-sms", 1, True], False),
    ("cleanCode", ["123456"], "123456"),
    ("cleanCode", [" 123 456 "], "123456"),
    ("cleanCode", ["123-456"], "123456"),
    ("cleanCode", ["12345"], None),
    ("cleanCode", ["1234567"], None),
    ("cleanCode", ["12345a"], None),
    ("cleanCode", [""], None),
    ("cleanPhone", ["+31 6 1234 5678"], "+31612345678"),
    ("cleanPhone", ["0612345678"], None),
    ("cleanPhone", ["+0612345678"], None),
    ("groupSecret", ["JBSWY3DPEHPK3PXPJBSWY3DP"], "JBSW Y3DP EHPK 3PXP JBSW Y3DP"),
    ("groupSecret", [""], ""),
    ("problemOf", ["auth/invalid-verification-code"], "badCode"),
    ("problemOf", ["auth/code-expired"], "expired"),
    ("problemOf", ["auth/invalid-multi-factor-session"], "expired"),
    ("problemOf", ["auth/too-many-requests"], "tooMany"),
    ("problemOf", ["auth/unverified-email"], "unverified"),
    ("problemOf", ["auth/invalid-phone-number"], "badPhone"),
    ("problemOf", ["auth/requires-recent-login"], "recentLogin"),
    ("problemOf", ["auth/network-request-failed"], "failed"),
]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not TSC.exists() or not shutil.which("node"):
        pytest.skip("web/node_modules or node missing: run `make web-deps`")
    out = tmp_path_factory.mktemp("secondfactor")
    subprocess.run(
        [
            *(str(TSC), "--outDir", str(out), "--module", "es2022", "--target", "es2022"),
            *("--strict", "--skipLibCheck", "--ignoreConfig", str(SOURCE)),
        ],
        check=True,
        cwd=WEB,
    )
    built = out / "secondfactor.js"
    built.rename(out / "secondfactor.mjs")
    return out / "secondfactor.mjs"


def test_second_factor_decisions(compiled: Path) -> None:
    script = (
        f"import * as m from {json.dumps(compiled.as_uri())};\n"
        f"const cases = {json.dumps([[name, args] for name, args, _ in CASES])};\n"
        "console.log(JSON.stringify(cases.map(([name, args]) => m[name](...args) ?? null)));\n"
    )
    run = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True
    )
    got = json.loads(run.stdout)
    wrong = [
        f"{name}{tuple(args)} = {result!r}, expected {expected!r}"
        for (name, args, expected), result in zip(CASES, got, strict=True)
        if result != expected
    ]
    assert not wrong, "\n".join(wrong)
