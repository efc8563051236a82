"""The code and infra/ must not drift apart.

Parses the Terraform with python-hcl2 and compares it with what the code
declares or does: the entry points of functions/main.py, the Pub/Sub topology
of vtchat.topics, the TTL collection groups of vtchat.store, the composite
indexes the code's Firestore queries need (found by reading the query builders
with `ast`), and the environment variables vtchat.settings reads. Fast: no
emulators, no cloud, no network.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
from functions_framework import _function_registry
from pydantic import BaseModel

from vtchat import models, store, topics
from vtchat import services as services_module
from vtchat import settings as settings_module
from vtchat.regions import load_directory

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
FUNCTIONS = ROOT / "functions"
PACKAGE = FUNCTIONS / "vtchat"
INDEXES = ROOT / "firestore.indexes.json"


# -- reading the Terraform ------------------------------------------------------


def _plain(value: Any) -> Any:
    """python-hcl2 keeps string literals quoted ("\\"x\\""); strip that, recursively."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            return json.loads(value)
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {
            _plain(k): _plain(v)
            for k, v in value.items()
            if k not in ("__comments__", "__inline_comments__", "__is_block__")
        }
    return value


@cache
def _tf(name: str) -> dict[str, Any]:
    with (INFRA / name).open() as handle:
        parsed: dict[str, Any] = _plain(hcl2.load(handle))
    return parsed


def _locals(name: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for block in _tf(name).get("locals", []):
        merged.update(block)
    return merged


def _resources(name: str) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for block in _tf(name).get("resource", []):
        for kind, named in block.items():
            for label, body in named.items():
                found[(kind, label)] = body
    return found


def _all_resource_types() -> set[str]:
    return {kind for tf in INFRA.glob("*.tf") for kind, _ in _resources(tf.name)}


def _variable(name: str) -> dict[str, Any]:
    for block in _tf("variables.tf")["variable"]:
        if name in block:
            body: dict[str, Any] = block[name]
            return body
    raise KeyError(name)


# -- reading the code ----------------------------------------------------------


@cache
def _entry_points() -> dict[str, str]:
    """Every entry point functions/main.py registers, with its kind (as the emulator does)."""
    module, spec = _function_registry.load_function_module(str(FUNCTIONS / "main.py"))
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return dict(_function_registry.REGISTRY_MAP)


@cache
def _organisations() -> list[str]:
    return [org.id for org in load_directory()]


def _topology() -> tuple[list[str], list[topics.SubscriptionSpec]]:
    return topics.topology(_organisations())


# -- functions -----------------------------------------------------------------


def _functions() -> dict[str, dict[str, Any]]:
    """infra/functions.json, which functions.tf reads (tests/unit/test_serving_contract.py)."""
    table: dict[str, dict[str, Any]] = json.loads((INFRA / "functions.json").read_text())[
        "functions"
    ]
    return table


def test_every_entry_point_is_deployed_and_nothing_else() -> None:
    entry_points = _entry_points()
    assert entry_points, "no entry points found in functions/main.py"
    assert set(_functions()) == set(entry_points)
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    assert fn["for_each"] == "${local.functions}"
    (build,) = fn["build_config"]
    assert build["entry_point"] == "${each.key}"
    assert fn["name"] == "${each.key}"


def test_functions_run_python_311_or_newer_in_europe_west4() -> None:
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    (build,) = fn["build_config"]
    runtime = re.fullmatch(r"python3(\d+)", build["runtime"])
    assert runtime is not None and int(runtime.group(1)) >= 11
    assert fn["location"] == "${var.region}"
    assert _variable("region")["default"] == "europe-west4"


def test_push_targets_are_private_and_the_rest_public_behind_hosting() -> None:
    _, subscriptions = _topology()
    push_targets = {spec.push_to for spec in subscriptions if spec.push_to}
    for name, spec in _functions().items():
        assert spec["public"] is (name not in push_targets), name
    rewrites = _locals("hosting.tf")["api_rewrites"]
    assert "local.hosted_functions" in rewrites and "/api/${name}" in rewrites


def test_push_function_timeouts_fit_their_ack_deadlines() -> None:
    """Pub/Sub must not redeliver a push whose handler is still running."""
    _, subscriptions = _topology()
    table = _functions()
    for spec in subscriptions:
        if spec.push_to:
            assert table[spec.push_to]["timeout_seconds"] <= spec.ack_deadline_seconds, spec.name


def test_stream_timeout_outlasts_the_stream() -> None:
    default_minutes = settings_module.Settings.model_fields["stream_max_duration"].default
    assert _variable("stream_max_minutes")["default"] * 60 == default_minutes.total_seconds()
    assert _functions()["stream"]["timeout_seconds"] is None
    assert "local.stream_timeout_seconds" in _locals("functions.tf")["functions"]
    timeout = _locals("functions.tf")["stream_timeout_seconds"]
    assert timeout == "${ceil(var.stream_max_minutes * 60) + 60}"


def test_every_function_has_its_own_service_account() -> None:
    accounts = _resources("iam.tf")[("google_service_account", "function")]
    assert accounts["for_each"] == "${local.functions}"
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    (service,) = fn["service_config"]
    assert service["service_account_email"] == (
        "${google_service_account.function[each.key].email}"
    )


# -- environment ----------------------------------------------------------------


def test_environment_covers_every_setting_the_code_reads() -> None:
    source = (PACKAGE / "settings.py").read_text()
    read = set(re.findall(r'"(VTCHAT_[A-Z_]+)"', source))
    # Only for tests and the demo: a different opening-hours file.
    read.discard("VTCHAT_SCHEDULE_FILE")
    limits_type = _variable("limits")["type"]
    tunable = {f"VTCHAT_{name.upper()}" for name in re.findall(r"(\w+) = optional", limits_type)}
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    (service,) = fn["service_config"]
    secrets = set(_secret_variables(service))
    environment = _locals("functions.tf")["function_environment"]
    fixed = set(re.findall(r"(VTCHAT_[A-Z_]+)\s*=", environment))
    assert secrets == {"VTCHAT_SESSION_KEY", "VTCHAT_SESSION_KEY_PREVIOUS", "VTCHAT_RESUME_KEY"}
    assert tunable | secrets | fixed == read, "settings.py and infra/ disagree on VTCHAT_*"
    assert "VTCHAT_APP_CHECK" in fixed
    assert "GOOGLE_CLOUD_PROJECT = var.project_id" in environment


def _secret_variables(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The secret environment variables of a service_config, plain and dynamic blocks."""
    found = {secret["key"]: secret for secret in service["secret_environment_variables"]}
    for block in service.get("dynamic", []):
        for name, dynamic in block.items():
            if name == "secret_environment_variables":
                (content,) = dynamic["content"]
                found[content["key"]] = {**content, "for_each": dynamic["for_each"]}
    return found


def test_session_keys_are_pinned_versions_with_a_previous_one_during_a_rotation() -> None:
    """ "latest" gives instances started before and after a new version different keys."""
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    (service,) = fn["service_config"]
    secrets = _secret_variables(service)
    current, previous = secrets["VTCHAT_SESSION_KEY"], secrets["VTCHAT_SESSION_KEY_PREVIOUS"]
    assert current["version"] == "${var.session_key_secret_version}"
    assert previous["secret"] == current["secret"]
    assert previous["version"] == "${secret_environment_variables.value}"
    assert "var.session_key_previous_secret_version == null ? []" in previous["for_each"]
    assert secrets["VTCHAT_RESUME_KEY"]["version"] == "${var.resume_key_secret_version}"
    for name in (
        "session_key_secret_version",
        "session_key_previous_secret_version",
        "resume_key_secret_version",
    ):
        variable = _variable(name)
        assert variable.get("default") != "latest", name
        (validation,) = variable["validation"]
        assert "latest" not in validation["condition"], name
        assert "^[1-9][0-9]*$" in validation["condition"], name


def test_no_secret_value_is_declared_in_terraform() -> None:
    assert "google_secret_manager_secret_version" not in _all_resource_types()
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    (service,) = fn["service_config"]
    assert "VTCHAT_SESSION_KEY" not in str(service["environment_variables"])
    assert "VTCHAT_RESUME_KEY" not in str(service["environment_variables"])


# -- Pub/Sub ----------------------------------------------------------------------


def _declared_subscriptions() -> dict[str, dict[str, Any]]:
    local = _locals("pubsub.tf")
    assert "functions/vtchat/data/organisations.json" in local["organisations"]
    assert "local.offer_subscription" in local["push_subscriptions"]
    assert "local.tick_subscription" in local["push_subscriptions"]
    declared: dict[str, dict[str, Any]] = {}
    offer = local["offer_subscription"]
    for org in _organisations():
        name = offer["name"].replace("%s", org)
        declared[name] = {**offer, "name": name, "filter": offer["filter"].replace("%s", org)}
    tick = local["tick_subscription"]
    declared[tick["name"]] = tick
    for name, spec in local["dead_letter_subscriptions"].items():
        declared[name] = {
            "name": name,
            **spec,
            "filter": "",
            "push_to": None,
            "dead_letter_topic": None,
        }
    return declared


def test_topics_match_the_code() -> None:
    code_topics, _ = _topology()
    assert sorted(_locals("pubsub.tf")["topics"]) == sorted(code_topics)


def test_subscriptions_match_the_code() -> None:
    _, code_subscriptions = _topology()
    declared = _declared_subscriptions()
    assert set(declared) == {spec.name for spec in code_subscriptions}
    for spec in code_subscriptions:
        tf = declared[spec.name]
        assert tf["topic"] == spec.topic, spec.name
        assert tf["push_to"] == spec.push_to, spec.name
        assert tf["filter"] == spec.filter, spec.name
        assert tf["ack_deadline_seconds"] == spec.ack_deadline_seconds, spec.name
        assert tf["dead_letter_topic"] == spec.dead_letter_topic, spec.name
        if spec.push_to:
            assert spec.push_to in _functions()


def test_push_is_authenticated_and_dead_letters_after_max_attempts() -> None:
    assert _locals("pubsub.tf")["max_delivery_attempts"] == topics.MAX_DELIVERY_ATTEMPTS
    push = _resources("pubsub.tf")[("google_pubsub_subscription", "push")]
    (config,) = push["push_config"]
    (oidc,) = config["oidc_token"]
    assert oidc["service_account_email"] == "${google_service_account.pubsub_push.email}"
    (dead_letter,) = push["dead_letter_policy"]
    assert dead_letter["max_delivery_attempts"] == "${local.max_delivery_attempts}"
    assert push["ack_deadline_seconds"] == "${each.value.ack_deadline_seconds}"
    assert push["filter"] == "${each.value.filter}"


def test_pubsub_messages_stay_in_the_region() -> None:
    topic = _resources("pubsub.tf")[("google_pubsub_topic", "topic")]
    (policy,) = topic["message_storage_policy"]
    assert policy["allowed_persistence_regions"] == ["${var.region}"]


def test_scheduler_publishes_the_tick() -> None:
    job = _resources("scheduler.tf")[("google_cloud_scheduler_job", "tick")]
    assert job["schedule"] == "* * * * *"
    (target,) = job["pubsub_target"]
    assert target["topic_name"] == f'${{google_pubsub_topic.topic["{topics.TICK_TOPIC}"].id}}'


# -- Firestore --------------------------------------------------------------------


def _index_file() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(INDEXES.read_text())
    return loaded


def test_every_ephemeral_group_has_a_ttl_policy_and_no_index() -> None:
    declared = _locals("firestore.tf")["ttl_collection_groups"]
    groups = set(re.findall(r'"(\w+)"', declared))
    assert groups == set(store.EPHEMERAL)
    ttl = _resources("firestore.tf")[("google_firestore_field", "expire_at_ttl")]
    assert ttl["field"] == "expireAt"
    assert ttl["ttl_config"] and ttl["index_config"] == [{}]
    overrides = {
        o["collectionGroup"]
        for o in _index_file()["fieldOverrides"]
        if o["fieldPath"] == "expireAt" and o.get("ttl") and o.get("indexes") == []
    }
    assert overrides == set(store.EPHEMERAL)


def test_ephemeral_groups_are_the_documents_that_carry_expire_at() -> None:
    """Every document model with `expireAt` is in a TTL group, and the other way round."""
    # A model whose collection is not its name in the plural says so (`COLLECTION`).
    carriers = {
        getattr(model, "COLLECTION", name.removesuffix("Doc").lower() + "s")
        for name, model in vars(models).items()
        if name.endswith("Doc")
        and isinstance(model, type)
        and issubclass(model, BaseModel)
        and "expire_at" in model.model_fields
    }
    assert carriers == set(store.EPHEMERAL)


def test_composite_indexes_come_from_firestore_indexes_json() -> None:
    local = _locals("firestore.tf")
    assert "firestore.indexes.json" in local["firestore_indexes_file"]
    index = _resources("firestore.tf")[("google_firestore_index", "composite")]
    assert index["for_each"] == "${local.composite_indexes}"


def test_database_is_native_optimistic_without_backups() -> None:
    db = _resources("firestore.tf")[("google_firestore_database", "main")]
    assert db["type"] == "FIRESTORE_NATIVE"
    assert db["concurrency_mode"] == "OPTIMISTIC"
    assert db["point_in_time_recovery_enablement"] == "POINT_IN_TIME_RECOVERY_DISABLED"
    assert "google_firestore_backup_schedule" not in _all_resource_types()
    assert _variable("firestore_location")["default"] in ("europe-west4", "eur3")


# The queries of the code, read from the source: a collection (group), its
# filters and orderings, composed through the Store methods that build them.


@dataclass(frozen=True)
class QuerySpec:
    where: str  # file:line
    group: str
    filters: tuple[tuple[str, str], ...] = ()
    orders: tuple[tuple[str, str], ...] = ()
    collection_group: bool = False

    def extend(self, where: str, **more: Any) -> QuerySpec:
        return QuerySpec(
            where=where,
            group=self.group,
            filters=self.filters + more.get("filters", ()),
            orders=self.orders + more.get("orders", ()),
            collection_group=self.collection_group,
        )


_EQUALITY = {"==", "in", "array_contains", "array_contains_any"}


@dataclass
class _QueryReader:
    store_methods: dict[str, QuerySpec | None] = field(default_factory=dict)

    def constant(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name) and isinstance(getattr(store, node.id, None), str):
            value: str = getattr(store, node.id)
            return value
        return None

    def read(self, node: ast.expr, where: str) -> QuerySpec | None:
        """The query a chain of calls builds, or None when it is not a query."""
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        method = node.func.attr
        inner = node.func.value
        if method in ("collection", "collection_group") and node.args:
            group = self.constant(node.args[0]) or "<parameter>"
            return QuerySpec(where, group, collection_group=method == "collection_group")
        if method == "where":
            base = self.read(inner, where)
            for keyword in node.keywords:
                call = keyword.value
                if keyword.arg == "filter" and isinstance(call, ast.Call) and len(call.args) == 3:
                    path, op = self.constant(call.args[0]), self.constant(call.args[1])
                    if base is not None and path is not None and op is not None:
                        return base.extend(where, filters=((path, op),))
            return None
        if method == "order_by":
            base = self.read(inner, where)
            path = self.constant(node.args[0]) if node.args else None
            direction = "ASCENDING"
            for keyword in node.keywords:
                if keyword.arg == "direction" and "DESC" in ast.unparse(keyword.value):
                    direction = "DESCENDING"
            if base is None or path is None:
                return None
            return base.extend(where, orders=((path, direction),))
        if method in ("limit", "select", "offset", "start_after"):
            return self.read(inner, where)
        if method in self.store_methods:
            spec = self.store_methods[method]
            return (
                None
                if spec is None
                else QuerySpec(where, spec.group, spec.filters, spec.orders, spec.collection_group)
            )
        return None


def _store_methods(reader: _QueryReader) -> None:
    tree = ast.parse((PACKAGE / "store.py").read_text())
    (store_class,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Store"]
    for _ in range(3):  # methods built on other methods
        for method in store_class.body:
            if not isinstance(method, ast.FunctionDef):
                continue
            for node in ast.walk(method):
                if not isinstance(node, ast.Return | ast.AnnAssign) or node.value is None:
                    continue
                spec = reader.read(node.value, f"store.py:{node.lineno}")
                if spec is not None:
                    reader.store_methods[method.name] = spec


@cache
def _queries() -> list[QuerySpec]:
    reader = _QueryReader()
    _store_methods(reader)
    found: dict[tuple[Any, ...], QuerySpec] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                spec = reader.read(node, f"{path.name}:{node.lineno}")
                if spec is not None and (spec.filters or spec.orders):
                    key = (spec.group, spec.filters, spec.orders, spec.collection_group)
                    found.setdefault(key, spec)
    return list(found.values())


def _needs_composite(
    spec: QuerySpec,
) -> tuple[frozenset[tuple[str, str]], list[tuple[str, str]]] | None:
    """The index a query needs: (equality fields, then ordered fields), or None.

    Firestore serves equality-only queries by merging single-field indexes, and
    a range or ordering on one field alone from that field's own index. Anything
    else needs a composite index: the equality fields (any order), then the
    range/ordered fields in order.
    """
    equality = frozenset(
        (path, "CONTAINS" if op.startswith("array_contains") else "ASCENDING")
        for path, op in spec.filters
        if op in _EQUALITY
    )
    ranged = [(path, "ASCENDING") for path, op in spec.filters if op not in _EQUALITY]
    ordered: list[tuple[str, str]] = []
    for path, direction in [*ranged, *spec.orders]:
        if path not in [p for p, _ in ordered]:
            ordered.append((path, direction))
    if not ordered:
        return None
    if not equality and len(ordered) == 1:
        return None
    return equality, ordered


def _composites() -> list[tuple[str, frozenset[tuple[str, str]], list[tuple[str, str]]]]:
    indexes = []
    for index in _index_file()["indexes"]:
        fields = [
            (f["fieldPath"], "CONTAINS" if f.get("arrayConfig") == "CONTAINS" else f["order"])
            for f in index["fields"]
        ]
        indexes.append((index["collectionGroup"], frozenset(fields), fields))
    return indexes


def _covered(
    group: str, equality: frozenset[tuple[str, str]], ordered: list[tuple[str, str]]
) -> bool:
    for index_group, _, fields in _composites():
        head, tail = fields[: len(equality)], fields[len(equality) :]
        if index_group == group and frozenset(head) == equality and tail == ordered:
            return True
    return False


def test_the_query_reader_finds_the_known_queries() -> None:
    """Guards the reader itself: it must see the queues and the presence sweep."""
    found = {(q.group, q.filters, q.orders) for q in _queries()}
    assert (
        "sessions",
        (("org", "=="), ("state", "==")),
        (("queuedAt", "ASCENDING"),),
    ) in found
    assert ("sessions", (("visitorSeenAt", "<"),), ()) in found
    assert len(found) >= 10


@pytest.mark.parametrize("query", _queries(), ids=lambda q: q.where)
def test_every_query_has_its_composite_index(query: QuerySpec) -> None:
    needed = _needs_composite(query)
    if needed is None:
        return
    equality, ordered = needed
    assert _covered(query.group, equality, ordered), (
        f"{query.where}: add to firestore.indexes.json a composite index on "
        f"{query.group}: {sorted(equality)} then {ordered}"
    )


# Runs only on the emulators (vtchat.expiry, `vtchat.admin expire`): in
# production TTL deletes, and expireAt is deliberately not indexed.
_EMULATOR_ONLY_RANGES = {("<parameter>", "expireAt")}


def test_range_queried_fields_stay_indexed() -> None:
    exempt = {
        (o["collectionGroup"], o["fieldPath"])
        for o in _index_file()["fieldOverrides"]
        if o.get("indexes") == []
    }
    exempt_fields = {path for _, path in exempt}
    for query in _queries():
        for path, op in query.filters:
            if op in _EQUALITY or (query.group, path) in _EMULATOR_ONLY_RANGES:
                continue
            assert (query.group, path) not in exempt, f"{query.where}: {path} is range-queried"
            if query.collection_group:
                assert path not in exempt_fields, f"{query.where}: {path} is range-queried"


# -- everything else ---------------------------------------------------------------


def test_request_logs_are_not_stored() -> None:
    text = (INFRA / "logging.tf").read_text()
    assert 'LOG_ID(\\"run.googleapis.com/requests\\")' in text
    bucket = _resources("logging.tf")[("google_logging_project_bucket_config", "eu")]
    assert bucket["location"] == "${var.region}"


def test_providers_are_pinned() -> None:
    (terraform,) = _tf("versions.tf")["terraform"]
    (providers,) = terraform["required_providers"]
    for name, requirement in providers.items():
        assert re.fullmatch(r"= \d+\.\d+\.\d+", requirement["version"]), name


def test_hosting_rewrites_and_security_headers() -> None:
    local = _locals("hosting.tf")
    headers = local["security_headers"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert set(local["content_security_policy"]) == set(local["hosting_sites"])


def _iter_tf_files() -> Iterator[Path]:
    yield from sorted(INFRA.glob("*.tf"))


def test_every_variable_is_typed_and_described() -> None:
    for block in _tf("variables.tf")["variable"]:
        for name, body in block.items():
            assert body.get("type") and body.get("description"), name
    for path in _iter_tf_files():
        for block in _tf(path.name).get("output", []):
            for name, body in block.items():
                assert body.get("description"), name


# -- least privilege --------------------------------------------------------------

# What a function reaches Firestore through: Services members and Store.
_FIRESTORE_MEMBERS = {"store", "status_board", "postcodes", "fanout"}


@dataclass
class _CallReader:
    """Follows the calls of an entry point through vtchat, by name, conservatively.

    From a function it follows: functions of vtchat modules it names (imported
    or its own module's), and members of Services it reaches as attributes
    (`svc.verify_staff`). It records every Firestore member it meets.
    """

    seen: set[tuple[str, str]] = field(default_factory=set)
    found: set[str] = field(default_factory=set)

    @staticmethod
    @cache
    def tree(module: str) -> ast.Module | None:
        path = FUNCTIONS / "main.py" if module == "main" else PACKAGE / f"{module}.py"
        return ast.parse(path.read_text()) if path.exists() else None

    @staticmethod
    @cache
    def services_members() -> dict[str, ast.FunctionDef]:
        tree = ast.parse(Path(str(services_module.__file__)).read_text())
        (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Services"]
        return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}

    def follow(self, module: str, name: str) -> None:
        tree = self.tree(module)
        if (module, name) in self.seen or tree is None:
            return
        self.seen.add((module, name))
        defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        if name in defs:
            self.read(defs[name], module)

    def read(self, node: ast.AST, module: str) -> None:
        tree = self.tree(module)
        assert tree is not None
        aliases: dict[str, str] = {}
        names: dict[str, tuple[str, str]] = {}
        for n in ast.walk(tree):
            if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("vtchat"):
                for alias in n.names:
                    if n.module == "vtchat":
                        aliases[alias.asname or alias.name] = alias.name
                    else:
                        names[alias.asname or alias.name] = (n.module.split(".")[-1], alias.name)
        members = self.services_members()
        for n in ast.walk(node):
            if isinstance(n, ast.Attribute):
                if n.attr in _FIRESTORE_MEMBERS:
                    self.found.add(n.attr)
                if isinstance(n.value, ast.Name) and n.value.id in aliases:
                    self.follow(aliases[n.value.id], n.attr)
                elif n.attr in members and ("services", n.attr) not in self.seen:
                    self.seen.add(("services", n.attr))
                    self.read(members[n.attr], "services")
            elif isinstance(n, ast.Name):
                if n.id in names:
                    self.follow(*names[n.id])
                else:
                    self.follow(module, n.id)


def _firestore_users() -> set[str]:
    users = set()
    for name in _entry_points():
        reader = _CallReader()
        reader.follow("main", name)
        if reader.found:
            users.add(name)
    return users


def test_the_call_reader_sees_firestore_behind_the_entry_points() -> None:
    """Guards the reader itself: known users through modules, Services and the status board."""
    users = _firestore_users()
    assert {"intake", "messages", "tick", "report", "status", "stream", "challenge"} <= users
    assert "openapi" not in users


def test_only_functions_that_use_firestore_hold_a_firestore_role() -> None:
    grant = _resources("iam.tf")[("google_project_iam_member", "function_firestore")]
    assert grant["for_each"] == "${local.firestore_functions}"
    assert grant["role"] == "roles/datastore.user"
    local = _locals("iam.tf")
    assert "!contains(local.firestore_free_functions, name)" in local["firestore_functions"]
    free = set(re.findall(r'"(\w+)"', local["firestore_free_functions"]))
    assert free, "every function holds Firestore access"
    assert free == set(_entry_points()) - _firestore_users(), (
        "iam.tf firestore_free_functions must name exactly the entry points that never "
        "reach Firestore (svc.store, status_board, postcodes, fanout)"
    )


def _project_grants() -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{tf.name}:{label}", body)
        for tf in _iter_tf_files()
        for (kind, label), body in _resources(tf.name).items()
        if kind == "google_project_iam_member"
    ]


def _roles(body: dict[str, Any]) -> list[str]:
    if body["role"] == "${each.value}":
        for_each = body["for_each"]
        if isinstance(for_each, dict):
            return list(for_each.values())
        # toset([...]) or a setproduct: every role named in it.
        return re.findall(r"roles/[\w.]+", str(for_each))
    return [body["role"]]


def test_no_project_wide_storage_role_for_the_build_or_any_account() -> None:
    """A project-wide Storage role reads every bucket: Terraform's state, the backups."""
    for where, body in _project_grants():
        roles = _roles(body)
        assert roles, f"{where}: no role found"
        storage = [role for role in roles if role.startswith("roles/storage.")]
        if not storage:
            continue
        (condition,) = body.get("condition", [None])
        assert condition, f"{where}: {storage} on the whole project"
        expression = condition["expression"]
        # Bucket by exact name, objects under it: no prefix that another bucket
        # (e.g. "<name>-tfstate") could share.
        assert re.fullmatch(
            r'resource\.name == "projects/_/buckets/(\$\{[^}]+\})" \|\| '
            r'resource\.name\.startsWith\("projects/_/buckets/\1/objects/"\)',
            expression,
        ), f"{where}: {expression}"
    buckets = _locals("iam.tf")["build_source_buckets"]
    assert set(buckets) == {"upload", "copy"}
    assert buckets["upload"] == "${google_storage_bucket.functions_source.name}"
    assert buckets["copy"].startswith("gcf-v2-sources-")


# -- backups and domains -----------------------------------------------------------


def test_backups_export_the_kept_collections_and_no_conversation() -> None:
    exported = set(_locals("backup.tf")["backup_collections"])
    # What is kept and anonymous; not orgContent, whose versions name staff.
    assert exported == {store.CHAT_RECORDS, store.HANDOVERS, store.FEEDBACK}
    assert not exported & set(store.EPHEMERAL)
    job = _resources("backup.tf")[("google_cloud_scheduler_job", "backup")]
    (target,) = job["http_target"]
    assert target["uri"].endswith("/databases/(default):exportDocuments")
    assert "collectionIds = local.backup_collections" in target["body"]
    (token,) = target["oauth_token"]
    assert token["service_account_email"] == "${google_service_account.backup.email}"
    bucket = _resources("backup.tf")[("google_storage_bucket", "backups")]
    assert bucket["location"] == "${var.region}"
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    (retention,) = bucket["retention_policy"]
    assert "var.backup_retention_days" in retention["retention_period"]
    (rule,) = bucket["lifecycle_rule"]
    assert rule["action"] == [{"type": "Delete"}]


def test_custom_domains_are_optional_and_their_dns_records_are_output() -> None:
    assert _variable("custom_domains")["default"] == {}
    domain = _resources("domains.tf")[("google_firebase_hosting_custom_domain", "site")]
    assert domain["for_each"] == "${local.custom_domains}"
    assert domain["site_id"] == "${google_firebase_hosting_site.site[each.key].site_id}"
    assert domain["wait_dns_verification"] is False
    outputs = {name for block in _tf("outputs.tf")["output"] for name in block}
    assert {"custom_domain_dns_records", "custom_domain_states"} <= outputs


def test_app_check_can_be_off_only_in_the_test_environment() -> None:
    """prod.tfvars says true; the variable refuses false anywhere but test."""
    (rule,) = _variable("app_check_enforced")["validation"]
    condition = re.sub(r"\s+", " ", rule["condition"])
    assert 'var.app_check_enforced || var.environment == "test"' in condition
    (mode,) = _variable("functions_app_check")["validation"]
    assert '["on", "monitor"]' in mode["condition"], "never off while App Check is enforced"
