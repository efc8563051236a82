"""Operator commands run against production from a workstation (docs/deploy.md §7).

They hold none of a serving function's secrets or addresses: before this, every
`vtchat.admin` and `vtchat.report` command refused to start outside the
emulators (no resume key, no push audiences, no stream URL).
"""

from __future__ import annotations

import os

import pytest

from vtchat import admin, report
from vtchat.services import operator_services
from vtchat.settings import load_settings


@pytest.fixture
def workstation(monkeypatch: pytest.MonkeyPatch) -> None:
    """An operator's shell: a project, no emulator, no VTCHAT_* at all."""
    for name in list(os.environ):
        if name.startswith("VTCHAT_") or name.endswith("_EMULATOR_HOST"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "vtchat-prod")


@pytest.mark.usefixtures("workstation")
def test_a_serving_function_still_refuses_to_start_without_its_configuration() -> None:
    with pytest.raises(ValueError):
        load_settings()


@pytest.mark.usefixtures("workstation")
def test_an_operator_command_starts_with_the_project_alone() -> None:
    svc = operator_services()
    assert (svc.settings.operator, svc.settings.emulated) == (True, False)
    assert svc.settings.project_id == "vtchat-prod"
    # A key of its own, random: nothing an operator command signs is ever accepted.
    assert operator_services().session_key != svc.session_key


def test_the_commands_use_the_operator_services() -> None:
    for module in (admin, report):
        assert module.operator_services is operator_services
        assert not hasattr(module, "services"), module.__name__
