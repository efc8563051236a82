"""docs/privacy.md says exactly what is stored and logged: checked against the code.

Each collection in "Wat wordt opgeslagen" is a `### \\`path/{id}\\`` heading
with a table whose first column names the stored fields in backticks. The
fields must be the document model's fields as Firestore stores them (their
camelCase aliases), no more and no fewer; every collection the code opens
must have its section; "tijdelijk" in a heading means the collection has a
TTL policy on `expireAt`. The table under "Velden in onze logregels" must
name exactly the fields the code passes to `log(...)`.

To add a field: add it to the model in functions/vtchat/models.py (a write
with a key outside every model fails here too), then a row to its table in
docs/privacy.md: what it holds, and whether it is personal data.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from pathlib import Path

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from vtchat import models, store
from vtchat.content import OrgContentDoc
from vtchat.housekeeping import TickReport

ROOT = Path(__file__).resolve().parents[2]
PRIVACY = ROOT / "docs" / "privacy.md"
PACKAGE = ROOT / "functions" / "vtchat"

# Collection path (ids left out) → the model of its documents.
MODELS: dict[str, type[BaseModel]] = {
    "sessions": models.SessionDoc,
    "sessions/messages": models.MessageDoc,
    "sessions/watchers": models.WatcherDoc,
    "sessions/notes": models.NoteDoc,
    "auditLog": models.AuditDoc,
    "advisors": models.AdvisorDoc,
    "queues": models.QueueDoc,
    "handovers": models.HandoverDoc,
    "transfers": models.TransferDoc,
    "staffRevocations": models.StaffRevocationDoc,
    "chatRecords": models.ChatRecordDoc,
    "proofs": models.ProofDoc,
    "feedback": models.FeedbackCountDoc,
    "feedbackGiven": models.FeedbackGivenDoc,
    "orgContent": OrgContentDoc,
    "orgContent/versions": OrgContentDoc,
}
# The one collection without a model: written by `vtchat.admin load-postcodes`.
POSTCODES = "postcodes"
# Every log line has these besides the caller's fields (vtchat/logs.py).
LOG_BASE = {"severity", "message", "time"}


def stored_names(model: type[BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


def sections(text: str, heading: str) -> Iterator[tuple[str, list[str]]]:
    """Under `## heading`: every `### \\`path\\`` with the lines of its section."""
    part = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    for chunk in part.split("\n### ")[1:]:
        title, _, body = chunk.partition("\n")
        yield title, body.splitlines()


def first_column_names(lines: list[str]) -> set[str]:
    """The backticked names in the first cell of every table row (not the header)."""
    rows = [line for line in lines if line.startswith("|")]
    names: set[str] = set()
    for row in rows[2:]:
        names |= set(re.findall(r"`([^`]+)`", row.split("|")[1]))
    return names


def documented_collections() -> dict[str, tuple[str, set[str]]]:
    """Collection path → (its heading, its documented fields)."""
    found = {}
    for title, lines in sections(PRIVACY.read_text(encoding="utf-8"), "Wat wordt opgeslagen"):
        match = re.match(r"`([^`]+)`", title)
        if match is None:
            continue
        path = "/".join(part for part in match.group(1).split("/") if not part.startswith("{"))
        found[path] = (title, first_column_names(lines))
    return found


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def collections_in_code() -> set[str]:
    """Every collection name `vtchat.store` opens (`.collection(NAME)`)."""
    names = set()
    for node in ast.walk(parsed(PACKAGE / "store.py")):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "collection":
            argument = node.args[0]
            if isinstance(argument, ast.Name):
                names.add(getattr(store, argument.id))
    return names


def written_keys() -> dict[str, set[str]]:
    """Keys of dict literals passed to a Firestore write (update, set, create), by file."""
    found: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(parsed(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in ("update", "set", "create"):
                continue
            for argument in node.args:
                if isinstance(argument, ast.Dict):
                    keys = {k.value for k in argument.keys if isinstance(k, ast.Constant)}
                    found.setdefault(path.name, set()).update(str(k) for k in keys)
    return found


def postcode_fields() -> set[str]:
    """What `load_postcodes` (vtchat/cli/admin.py) writes into a postcode document."""
    for node in ast.walk(parsed(PACKAGE / "cli" / "admin.py")):
        if isinstance(node, ast.FunctionDef) and node.name == "load_postcodes":
            for inner in ast.walk(node):
                if isinstance(inner, ast.Dict):
                    return {str(k.value) for k in inner.keys if isinstance(k, ast.Constant)}
    raise AssertionError("vtchat.admin.load_postcodes writes no dict literal any more")


def test_every_collection_the_code_opens_is_described() -> None:
    documented = set(documented_collections())
    in_code = collections_in_code()
    assert in_code <= {path.split("/")[-1] for path in MODELS} | {POSTCODES}, (
        f"collections without a model in this test: {in_code - set(MODELS) - {POSTCODES}}"
    )
    expected = set(MODELS) | {POSTCODES}
    assert documented == expected, (
        f"docs/privacy.md lacks {sorted(expected - documented)}, "
        f"describes unknown {sorted(documented - expected)}"
    )


def test_every_stored_field_is_documented_and_nothing_else() -> None:
    documented = documented_collections()
    problems = []
    for path, model in MODELS.items():
        fields = documented.get(path, ("", set()))[1]
        stored = stored_names(model)
        if stored - fields:
            problems.append(f"{path}: stored but not in docs/privacy.md: {sorted(stored - fields)}")
        if fields - stored:
            problems.append(f"{path}: in docs/privacy.md but not stored: {sorted(fields - stored)}")
    postcodes = documented.get(POSTCODES, ("", set()))[1]
    if postcodes != postcode_fields():
        problems.append(f"postcodes: documented {sorted(postcodes)}, written {postcode_fields()}")
    assert not problems, "\n".join(problems)


def test_every_key_the_code_writes_belongs_to_a_model() -> None:
    """A field written around the model (a dict key only) would escape the test above."""
    known = set().union(*(stored_names(model) for model in MODELS.values()))
    stray = {
        name: sorted(keys - known)
        for name, keys in written_keys().items()
        if keys - known and name != "admin.py"
    }
    assert not stray, f"written to Firestore outside the document models: {stray}"


def test_temporary_collections_are_exactly_those_with_a_ttl_policy() -> None:
    overrides = json.loads((ROOT / "firestore.indexes.json").read_text())["fieldOverrides"]
    ttl = {o["collectionGroup"] for o in overrides if o.get("ttl") and o["fieldPath"] == "expireAt"}
    assert ttl == set(store.EPHEMERAL)
    terraform = (ROOT / "infra" / "firestore.tf").read_text()
    groups = re.search(r"ttl_collection_groups\s*=\s*toset\(\[([^\]]*)\]\)", terraform)
    assert groups is not None
    assert set(re.findall(r'"([^"]+)"', groups.group(1))) == ttl
    for path, (title, fields) in documented_collections().items():
        temporary = path.split("/")[-1] in ttl
        assert ("tijdelijk" in title) == temporary, f"{path}: heading {title!r}"
        assert ("expireAt" in fields) == temporary, path


def logged_fields() -> set[str]:
    """Keyword names passed to `log(...)` anywhere in the functions, `**` expanded."""
    names = set(LOG_BASE)
    for path in sorted((ROOT / "functions").rglob("*.py")):
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.Call):
                continue
            if getattr(node.func, "id", None) != "log" and getattr(node.func, "attr", "") != "log":
                continue
            for keyword in node.keywords:
                if keyword.arg is not None:
                    names.add(keyword.arg)
                elif path.name == "housekeeping.py":
                    # The tick logs its report's counts (TickReport), camelCase.
                    names |= {to_camel(f.name) for f in dataclass_fields(TickReport)
                              if f.type in ("int", int)}  # fmt: skip
                else:
                    raise AssertionError(
                        f"{path.name}:{node.lineno}: log(**…) this test cannot read"
                    )
    return names


def test_the_log_fields_are_documented_exactly() -> None:
    text = PRIVACY.read_text(encoding="utf-8")
    part = text.split("\n### Velden in onze logregels\n", 1)
    assert len(part) == 2, "docs/privacy.md has no section 'Velden in onze logregels'"
    documented = first_column_names(part[1].split("\n#", 1)[0].splitlines())
    logged = logged_fields()
    assert documented == logged, (
        f"logged but not documented: {sorted(logged - documented)}; "
        f"documented but not logged: {sorted(documented - logged)}"
    )
