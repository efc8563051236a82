"""firestore.rules as deployed, and as the local stack loads it.

Production requires staff to have signed in with a second factor; the Auth
emulator cannot give one (TOTP), so the local stack loads the rules with that
single check answering true. These tests hold the two together: infra/
deploys the file verbatim, the file requires the factor for every staff read,
and the local rendering changes that one line and nothing else. The rules
themselves are exercised by tests/js/rules (the deployed file).
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import hcl2
import pytest
from emulators.stack import RULES, StackError, local_rules_text

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "web" / "console" / "src" / "data" / "listeners.ts"


def _strip(value: str) -> str:
    return json.loads(value) if value.startswith('"') else value


def test_infra_deploys_the_rules_file_verbatim() -> None:
    with (ROOT / "infra" / "firestore.tf").open() as handle:
        parsed = hcl2.load(handle)
    (ruleset,) = [
        body
        for block in parsed["resource"]
        for kind, named in block.items()
        if _strip(kind) == "google_firebaserules_ruleset"
        for body in named.values()
    ]
    (source,) = ruleset["source"]
    (files,) = source["files"]
    assert _strip(files["name"]) == "firestore.rules"
    # No replace(), no template: what tests/js/rules tests is what is deployed.
    assert _strip(files["content"]) == '${file("${local.repo_root}/firestore.rules")}'


def test_every_staff_read_requires_the_second_factor() -> None:
    rules = RULES.read_text()
    body = re.search(r"function isStaff\(\) \{(.*?)\n    \}", rules, re.S)
    assert body and "&& signedInWithSecondFactor()" in body.group(1)
    factor = re.search(r"function signedInWithSecondFactor\(\) \{\s*return ([^;]+);", rules)
    assert factor and "sign_in_second_factor" in factor.group(1)
    # Every allow goes through isStaff() (directly or via isSupervisorOf/canRead*).
    for allow in re.findall(r"allow [a-z, ]+: if ([^;]+);", rules):
        assert re.search(r"isStaff\(\)|isSupervisorOf\(|canReadSession\(", allow), allow


def test_every_staff_read_refuses_tokens_from_before_a_revocation() -> None:
    """POST /api/disable and `vtchat.admin revoke` write staffRevocations (tests/js/rules)."""
    rules = RULES.read_text()
    body = re.search(r"function isStaff\(\) \{(.*?)\n    \}", rules, re.S)
    assert body and "&& notRevoked()" in body.group(1)
    check = re.search(r"function notRevoked\(\) \{(.*?)\n    \}", rules, re.S)
    assert check and "/staffRevocations/$(request.auth.uid)" in check.group(1)
    assert "request.auth.token.auth_time * 1000 >=" in check.group(1)
    # No client reads the collection itself.
    assert "match /staffRevocations" not in rules


def test_the_local_rules_differ_in_the_second_factor_only() -> None:
    deployed = RULES.read_text()
    local = local_rules_text(deployed)
    changed = [
        line
        for line in difflib.unified_diff(deployed.splitlines(), local.splitlines(), lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-      return request.auth.token.firebase.get('sign_in_second_factor', null) is string;",
        "+      return true;",
    ]


def test_the_local_rendering_refuses_rules_it_does_not_recognise() -> None:
    deployed = RULES.read_text()
    with pytest.raises(StackError):
        local_rules_text(deployed.replace("signedInWithSecondFactor() {", "secondFactor() {"))
    twice = deployed.replace(
        "function isStaff()", _factor_function(deployed) + "\n    function isStaff()"
    )
    with pytest.raises(StackError):
        local_rules_text(twice)


def _factor_function(rules: str) -> str:
    found = re.search(r"    function signedInWithSecondFactor\(\) \{.*?\n    \}", rules, re.S)
    assert found
    return found.group(0)


def test_every_console_query_bounds_expire_at() -> None:
    """Rules are not filters: a query without the bound is refused whole (tests/js/rules)."""
    source = CONSOLE.read_text()
    queries = re.findall(r"query\((?:[^()]|\([^()]*\))*\)", source)
    assert len(queries) >= 8
    for q in queries:
        assert "unexpired()" in q, q
