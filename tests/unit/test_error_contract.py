"""Every error code an entry point can raise is in its description, and no other.

The codes are found by following each entry point's calls from functions/main.py
through vtchat (the call reader of test_infra_contract, taught to collect the
codes of the errors it meets and to follow methods of the objects Services
hands out: `svc.store.transaction`, `svc.directory.get`). What it finds is
compared with vtchat.contract's row, which vtchat.openapi describes. Fast: no
emulators.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cache

import pytest

from tests.unit.test_infra_contract import PACKAGE, _CallReader, _entry_points
from vtchat import errors
from vtchat.contract import BY_NAME, ENDPOINTS
from vtchat.openapi import ERROR_CODES

# Answered by every entry point to a wrong method, and described by no row:
# a client never sends one (the description names the method).
_UNDESCRIBED = {errors.MethodNotAllowed.code}

# Calls the reader sees that cannot raise for the data they are given. The
# reader follows names, not values, so each exception says why it is safe.
_FROM_OWN_DATA = "the organisation id comes from a stored chat, a claim or the directory itself"
_CANNOT_RAISE: dict[tuple[str, str], str] = {
    **{
        (name, "region_unknown"): _FROM_OWN_DATA
        for name in ("resume", "leave", "availability", "accept", "end", "offer", "tick")
    },
    ("leave", "not_your_chat"): "lifecycle.end_chat checks the advisor only when staff end it",
    ("tick", "not_your_chat"): "lifecycle.end_chat checks the advisor only when staff end it",
}


@cache
def _error_classes() -> dict[str, type[errors.ChatError]]:
    found: dict[str, type[errors.ChatError]] = {}
    todo = [errors.ChatError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


@cache
def _classes(module: str) -> dict[str, dict[str, ast.FunctionDef]]:
    """The methods of each class a vtchat module defines."""
    tree = _CallReader.tree(module)
    if tree is None:
        return {}
    return {
        node.name: {n.name: n for n in node.body if isinstance(n, ast.FunctionDef)}
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }


@cache
def _handed_out() -> dict[str, tuple[str, str]]:
    """Services' members that are vtchat objects: member name -> (module, class)."""
    where = {cls: module for module in _modules() for cls in _classes(module)}
    found = {}
    for name, node in _CallReader.services_members().items():
        returns = ast.unparse(node.returns) if node.returns else ""
        if returns in where:
            found[name] = (where[returns], returns)
    return found


def _modules() -> list[str]:
    return sorted(path.stem for path in PACKAGE.glob("*.py"))


def _imported(module: str) -> dict[str, tuple[str, str]]:
    tree = _CallReader.tree(module)
    assert tree is not None
    return {
        alias.asname or alias.name: (node.module.split(".")[-1], alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vtchat.")
        for alias in node.names
    }


@cache
def _constant(module: str, name: str) -> str | None:
    """The code a module-level `NAME = declare("code", ...)` (or an import of it) holds."""
    tree = _CallReader.tree(module)
    if tree is None:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and [ast.unparse(t) for t in node.targets] == [name]
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func) == "declare"
        ):
            first = node.value.args[0]
            assert isinstance(first, ast.Constant), ast.unparse(node)
            return str(first.value)
    if name in _imported(module):
        return _constant(*_imported(module)[name])
    return None


@dataclass
class _CodeReader(_CallReader):
    """Collects the error codes raised on the way, and follows handed-out objects' methods."""

    codes: set[str] = field(default_factory=set)
    unresolved: list[str] = field(default_factory=list)

    def read(self, node: ast.AST, module: str, cls: str | None = None) -> None:
        super().read(node, module)
        for n in ast.walk(node):
            if isinstance(n, ast.Call):
                self.collect(n, module)
            elif isinstance(n, ast.Attribute):
                self.method(n, module, cls)

    def follow(self, module: str, name: str) -> None:
        """Also a module's private helper class (`_Post(...)`): read whole when made."""
        super().follow(module, name)
        if name.startswith("_") and name in _classes(module):
            for method, node in _classes(module)[name].items():
                if (f"{module}.{name}", method) not in self.seen:
                    self.seen.add((f"{module}.{name}", method))
                    self.read(node, module, name)

    def collect(self, call: ast.Call, module: str) -> None:
        called = call.func.attr if isinstance(call.func, ast.Attribute) else ast.unparse(call.func)
        given = [k.value for k in call.keywords if k.arg == "code"]
        for value in given:
            if isinstance(value, ast.Constant):
                self.unresolved.append(f"{module}: code={value.value!r} is not declared")
            elif isinstance(value, ast.Name) and (code := _constant(module, value.id)):
                self.codes.add(code)
        if not given and called in _error_classes():
            self.codes.add(_error_classes()[called].code)

    def method(self, n: ast.Attribute, module: str, cls: str | None) -> None:
        """`store.x`, `svc.store.x`, `self.store.x` -> Store.x; `self.x` in a class -> its x."""
        owner = n.value.attr if isinstance(n.value, ast.Attribute) else None
        if isinstance(n.value, ast.Name):
            owner = n.value.id
        if owner == "self" and cls is not None:
            target: tuple[str, str] | None = (module, cls)
        else:
            target = _handed_out().get(owner or "")
        if target is None or n.attr not in _classes(target[0]).get(target[1], {}):
            return
        key = (f"{target[0]}.{target[1]}", n.attr)
        if key not in self.seen:
            self.seen.add(key)
            self.read(_classes(target[0])[target[1]][n.attr], target[0], target[1])


@cache
def _raised(name: str) -> frozenset[str]:
    reader = _CodeReader()
    reader.follow("main", name)
    assert reader.unresolved == [], reader.unresolved
    safe = {code for where, code in _CANNOT_RAISE if where == name}
    return frozenset(reader.codes - _UNDESCRIBED - safe)


def test_every_entry_point_has_a_row() -> None:
    assert set(_entry_points()) == set(BY_NAME)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_the_description_lists_exactly_the_codes_the_entry_point_raises(endpoint: object) -> None:
    assert isinstance(endpoint, type(ENDPOINTS[0]))
    raised, described = _raised(endpoint.name), set(endpoint.codes)
    assert raised - described == set(), "raised but not described: add to vtchat.contract"
    assert described - raised == set(), "described but never raised: drop from vtchat.contract"


def test_every_described_code_is_declared_with_a_status_and_meaning() -> None:
    for endpoint in ENDPOINTS:
        for code in endpoint.codes:
            assert code in ERROR_CODES, f"{endpoint.name}: {code} is declared nowhere"
            assert ERROR_CODES[code].meaning, code


def test_the_reader_sees_codes_through_modules_services_and_handed_out_objects() -> None:
    """Guards the reader itself, with codes known to be raised at each kind of hop."""
    assert "not_your_chat" in _raised("end")  # vtchat.access via lifecycle
    assert "staff_revoked" in _raised("end")  # Services.verify_staff
    assert "region_unknown" in _raised("status")  # Directory.get via svc.directory
    assert "contention" in _raised("accept")  # Store.transaction
    assert "proof_harder" in _raised("intake")  # a code passed to a helper
    assert "method_not_allowed" not in _raised("intake")
    assert "chat_too_long" in _raised("messages")  # a private helper class (relay._Post)


def test_every_exception_to_the_reader_is_still_needed() -> None:
    for name, code in _CANNOT_RAISE:
        reader = _CodeReader()
        reader.follow("main", name)
        assert code in reader.codes, f"{name}/{code}: the reader no longer sees it; drop it"


def test_a_literal_code_is_refused() -> None:
    """`code="x"` bypasses the declaration, so the description would miss it."""
    reader = _CodeReader()
    reader.collect(ast.parse('Conflict("x", code="made_up")').body[0].value, "relay")  # type: ignore[attr-defined]
    assert reader.unresolved


_BODY_READERS = {"read_json", "staff_call", "read_push"}


def test_each_entry_point_reads_the_body_its_row_names() -> None:
    """main.py names the request model for the type checker; it must be the contract's."""
    tree = _CallReader.tree("main")
    assert tree is not None
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name not in BY_NAME:
            continue
        read = {
            ast.unparse(call.args[-1])
            for call in ast.walk(node)
            if isinstance(call, ast.Call) and ast.unparse(call.func) in _BODY_READERS
        }
        row = BY_NAME[node.name].request
        assert read == ({row.__name__} if row else set()), node.name
