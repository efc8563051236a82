"""Production serves the functions as the local stack does, and the stream off Hosting.

These fail the way production would where the emulators cannot show it:
threads fewer than the concurrency Cloud Run sends (requests queue behind open
streams), an event stream behind a Hosting rewrite (buffered until it ends), a
collection-group query without its collection-group index (refused in
production, served by the emulator). Fast: no emulators, no network.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
from emulators import functions_plan, serve_functions
from emulators.functions_plan import HOSTING_TIMEOUT_SECONDS
from pydantic import ValidationError

from tests.unit.test_infra_contract import INFRA, ROOT, _index_file, _locals, _queries, _resources
from vtchat.settings import Settings

TABLE = json.loads((INFRA / "functions.json").read_text())["functions"]
WIDGET_BUNDLES = ROOT / "web" / "dist" / "widget"


def _service_config() -> dict[str, Any]:
    fn = _resources("functions.tf")[("google_cloudfunctions2_function", "fn")]
    (service,) = fn["service_config"]
    config: dict[str, Any] = service
    return config


def test_infra_reads_the_one_table() -> None:
    assert 'file("${path.module}/functions.json")' in _locals("functions.tf")["functions"]


def test_cloud_run_threads_equal_the_concurrency_it_sends() -> None:
    service = _service_config()
    assert service["max_instance_request_concurrency"] == "${each.value.concurrency}"
    environment = service["environment_variables"]
    assert re.search(r"THREADS\s*=\s*tostring\(each\.value\.concurrency\)", environment)
    assert re.search(r'WORKERS\s*=\s*"1"', environment)


def test_the_local_stack_serves_each_function_with_the_same_threads() -> None:
    plans = {plan.name: plan for plan in functions_plan.load()}
    assert set(plans) == set(TABLE)
    for name, spec in TABLE.items():
        env = plans[name].environment()
        assert env["THREADS"] == str(spec["concurrency"]), name
        assert env["WORKERS"] == "1", name
        assert plans[name].hosting is spec["hosting"], name
    assert int(plans["stream"].environment()["THREADS"]) >= 500


def test_the_local_server_is_production_s_server() -> None:
    """`functions-framework` without --debug: gunicorn, as the buildpack starts it."""
    argv = serve_functions.command(functions_plan.load()[0], "127.0.0.1")
    assert argv[1:3] == ["-m", "functions_framework"]
    assert not any(arg.startswith("--debug") for arg in argv)


def test_a_wrong_table_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        functions_plan._check("x", {**TABLE["stream"], "concurrency": 0})
    with pytest.raises(ValueError, match="Hosting"):
        functions_plan._check("x", {**TABLE["offer"], "hosting": True})


def _streaming_entry_points() -> set[str]:
    """Entry points of functions/main.py that answer with an event stream."""
    tree = ast.parse((ROOT / "functions" / "main.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(call, ast.Call) and ast.unparse(call.func) == "event_stream"
            for call in ast.walk(node)
        )
    }


def test_no_streaming_function_sits_behind_a_hosting_rewrite() -> None:
    streaming = _streaming_entry_points()
    assert streaming == {"stream"}
    for name in streaming:
        assert TABLE[name]["hosting"] is False, f"{name}: Hosting buffers streamed responses"
    hosted = _locals("hosting.tf")["hosted_functions"]
    assert "f.hosting" in hosted


def test_no_function_behind_hosting_may_run_longer_than_hosting_waits() -> None:
    """Hosting answers 504 after 60 s (docs/platform.md): a longer timeout only
    lets the function work on for nobody (report and audit had 120 s)."""
    for name, spec in TABLE.items():
        if spec["hosting"]:
            assert spec["timeout_seconds"] <= HOSTING_TIMEOUT_SECONDS, name


def test_the_stream_url_is_the_stream_function_itself() -> None:
    local = _locals("functions.tf")
    assert "https://stream-${data.google_project.this.number}" in local["stream_url"]
    assert ".run.app" in local["stream_url"]
    assert re.search(r"VTCHAT_STREAM_URL\s*=\s*local\.stream_url", local["function_environment"])
    # The widget runs in the regional websites: their policy must allow the stream.
    hosting = _locals("hosting.tf")
    assert "local.stream_url" in hosting["stream_origin"]
    embedding = hosting["widget_embedding_csp"]
    assert "connect-src ${local.site_origins.widget} ${local.stream_origin}" in embedding


def test_production_refuses_to_start_without_an_https_stream_url() -> None:
    base: dict[str, Any] = {
        "project_id": "p",
        "emulated": False,
        "session_key": "k" * 32,
        "resume_key": "r" * 32,
    }
    for wrong in (None, "http://stream.example", "https://x.example/?q"):
        with pytest.raises(ValidationError):
            Settings.model_validate({**base, "stream_url": wrong})
    assert Settings.model_validate({**base, "stream_url": "https://s-1.europe-west4.run.app"})


def _bundles() -> list[Path]:
    return sorted(WIDGET_BUNDLES.glob("*.js"))


@pytest.mark.skipif(not _bundles(), reason="web/dist not built (make test builds it first)")
def test_the_built_widget_never_streams_through_the_api_base() -> None:
    """The stream's address comes from the server; `${api}/stream` is a Hosting rewrite."""
    for bundle in _bundles():
        text = bundle.read_text("utf-8")
        assert not re.search(r"[`'\"]/stream[`'\"]|/stream`", text), bundle.name
    assert any("streamUrl" in bundle.read_text("utf-8") for bundle in _bundles())


def test_collection_group_range_queries_have_their_group_index() -> None:
    """Firestore keeps no collection-group single-field index unless declared."""
    group_indexed = {
        (o["collectionGroup"], o["fieldPath"])
        for o in _index_file()["fieldOverrides"]
        if any(i.get("queryScope") == "COLLECTION_GROUP" for i in o.get("indexes", []))
    }
    emulator_only = {"expireAt"}  # vtchat.expiry: TTL deletes in production
    ranged = {
        (query.group, path)
        for query in _queries()
        if query.collection_group
        for path, op in query.filters
        if op not in ("==", "in", "array_contains", "array_contains_any")
        and path not in emulator_only
    }
    assert ("messages", "createdAt") in ranged
    assert ranged <= group_indexed
    indexed = _resources("firestore.tf")[("google_firestore_field", "indexed")]
    assert indexed["for_each"] == "${local.field_indexes}"


def test_the_front_ends_throttle_typing_as_the_functions_store_it() -> None:
    """web/shared/signals.ts's TYPING_EVERY_MS is the functions' typing_every."""
    from vtchat.settings import Settings

    source = (ROOT / "web" / "shared" / "signals.ts").read_text(encoding="utf-8")
    found = re.search(r"export const TYPING_EVERY_MS = ([0-9_]+)", source)
    assert found is not None
    default = Settings.model_fields["typing_every"].default
    assert int(found.group(1).replace("_", "")) == default.total_seconds() * 1000
