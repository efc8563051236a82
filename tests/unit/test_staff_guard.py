"""The staff side without emulators: the second-factor claim, its switch, and IAM.

The attacks with real tokens (revoked, disabled, no second factor) run on the
Auth emulator in tests/functions/test_staff_access.py.
"""

from __future__ import annotations

import ast
import re
from typing import Any

import hcl2
import pytest

from tests.support import MAIN, ROOT
from tests.unit.test_push_auth import PRODUCTION_ENV
from vtchat.errors import Forbidden
from vtchat.services import require_second_factor
from vtchat.settings import load_settings

# The helpers of vtchat.http that verify a staff ID token.
STAFF_GUARDS = {"staff_identity", "staff_call", "caller"}


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"firebase": {"sign_in_provider": "password"}},
        {"firebase": {"sign_in_second_factor": ""}},
        {"firebase": {"sign_in_second_factor": None}},
        {"firebase": "totp"},
        # Top-level is a custom claim anyone with Admin access could set; Firebase's is nested.
        {"sign_in_second_factor": "totp"},
    ],
)
def test_a_sign_in_without_a_second_factor_is_refused(claims: dict[str, Any]) -> None:
    with pytest.raises(Forbidden) as refused:
        require_second_factor(claims)
    assert refused.value.code == "second_factor_required"
    assert "tweede stap" in refused.value.message


@pytest.mark.parametrize("factor", ["totp", "phone"])
def test_any_second_factor_counts(factor: str) -> None:
    require_second_factor(
        {"firebase": {"sign_in_provider": "password", "sign_in_second_factor": factor}}
    )


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("FIRESTORE_EMULATOR_HOST", "VTCHAT_PUSH_AUTH", "VTCHAT_STAFF_SECOND_FACTOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_production_requires_the_second_factor(production: pytest.MonkeyPatch) -> None:
    assert load_settings().staff_second_factor


def test_production_refuses_to_start_without_it(production: pytest.MonkeyPatch) -> None:
    production.setenv("VTCHAT_STAFF_SECOND_FACTOR", "off")
    with pytest.raises(ValueError, match="VTCHAT_STAFF_SECOND_FACTOR"):
        load_settings()


def test_the_emulators_do_not_require_it_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
    monkeypatch.delenv("VTCHAT_STAFF_SECOND_FACTOR", raising=False)
    assert not load_settings().staff_second_factor
    monkeypatch.setenv("VTCHAT_STAFF_SECOND_FACTOR", "on")
    assert load_settings().staff_second_factor


def _staff_entry_points() -> set[str]:
    tree = ast.parse(MAIN.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            called = {
                call.func.id
                for call in ast.walk(node)
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            }
            if called & STAFF_GUARDS:
                found.add(node.name)
    return found


def test_exactly_the_staff_functions_may_look_accounts_up() -> None:
    """check_revoked reads the account: only those functions hold firebaseauth.viewer."""
    with (ROOT / "infra" / "iam.tf").open() as handle:
        blocks = hcl2.load(handle)["locals"]
    (declared,) = [block["staff_functions"] for block in blocks if "staff_functions" in block]
    names = set(re.findall(r'"([a-z]+)"', declared))
    assert names == _staff_entry_points()
    iam = (ROOT / "infra" / "iam.tf").read_text()
    assert '"roles/firebaseauth.viewer"' in iam
    assert "for_each = local.staff_functions" in iam


def test_only_the_supervisors_account_functions_hold_auth_admin() -> None:
    """invite and disable create, disable and revoke accounts (vtchat.accounts); no other."""
    with (ROOT / "infra" / "iam.tf").open() as handle:
        parsed = hcl2.load(handle)
    blocks = parsed["locals"]
    (declared,) = [b["account_admin_functions"] for b in blocks if "account_admin_functions" in b]
    assert set(re.findall(r'"([a-z]+)"', declared)) == {"invite", "disable"}
    grants = [
        body
        for block in parsed["resource"]
        for kind, named in block.items()
        if kind.strip('"') == "google_project_iam_member"
        for body in named.values()
        if "firebaseauth.admin" in str(body.get("role"))
    ]
    assert [str(g["for_each"]).strip('"') for g in grants] == ["${local.account_admin_functions}"]
    main = MAIN.read_text(encoding="utf-8")
    for name in ("invite", "disable"):
        assert f"def {name}(request: Request)" in main
