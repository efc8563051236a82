"""The unit tests need no emulator (`make test-unit` runs them in seconds).

A unit test that asks for the emulator stack (through `svc`, `functions` or
`emulators`) fails here rather than quietly starting one: it belongs in
tests/functions.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def stack() -> None:
    pytest.fail("a unit test needs no emulator: this one belongs in tests/functions")
