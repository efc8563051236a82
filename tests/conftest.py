"""One suite over the official emulators.

When the emulator variables are set (inside `make test`, which runs the suite in
`emulators/stack.py exec`), the running stack is used; otherwise the suite
starts its own and stops it at the end. Every test that touches the emulators
starts from empty Firestore and Auth.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from tests.support import ALWAYS_OPEN_SCHEDULE, PROJECT, SAMPLE_PC4, SHARED_PC4, Functions

# Before any Services exist, and inherited by a stack this suite starts.
os.environ.setdefault("VTCHAT_SCHEDULE_FILE", str(ALWAYS_OPEN_SCHEDULE))
# One process runs hundreds of intakes a minute here; the intake limits have
# their own tests with their own settings (tests/functions/test_lifecycle.py).
os.environ.setdefault("VTCHAT_INTAKES_PER_MINUTE", "100000")
os.environ.setdefault("VTCHAT_MAX_WAITING_PER_ORG", "10000")
# The intake puzzle at a tenth of its production base: hundreds of intakes
# here; the stack's own functions servers keep the production value.
os.environ.setdefault("VTCHAT_PROOF_BASE_NUMBER", "5000")


@pytest.fixture(scope="session")
def stack() -> Iterator[dict[str, str]]:
    from emulators.stack import Stack

    with ExitStack() as stop:
        env = stop.enter_context(Stack(services=("firestore", "pubsub", "auth", "functions")))
        os.environ.update(env)
        yield env


@pytest.fixture
def emulators(stack: dict[str, str]) -> dict[str, str]:
    from emulators.stack import reset_auth, reset_firestore

    reset_firestore(stack["FIRESTORE_EMULATOR_HOST"], PROJECT)
    reset_auth(stack["FIREBASE_AUTH_EMULATOR_HOST"], PROJECT)
    return stack


@pytest.fixture
def svc(emulators: dict[str, str]):  # type: ignore[no-untyped-def]
    from vtchat.services import services

    return services()


@pytest.fixture
def functions(emulators: dict[str, str]) -> Functions:
    return Functions()


@pytest.fixture
def postcodes(svc) -> str:  # type: ignore[no-untyped-def]
    """Load the reference PC4 table when shared/ has it, else the sample; return its path."""
    from vtchat.admin import load_postcodes

    path = SHARED_PC4 if SHARED_PC4.exists() else SAMPLE_PC4
    load_postcodes(svc, path=path, column="veilig_thuis_26")
    return str(path)
