"""vtchat.fanout relies on one private detail of google-cloud-firestore's Watch."""

from __future__ import annotations

import inspect

from google.cloud.firestore_v1.watch import Watch


def test_the_watch_sorts_with_the_comparator_the_fanout_replaces() -> None:
    """If this fails after an upgrade, vtchat.fanout.listen no longer skips the sort."""
    source = inspect.getsource(Watch.push)
    assert "self._comparator" in source and "sorted(" in source
    assert "self._comparator = comparator" in inspect.getsource(Watch.__init__)
