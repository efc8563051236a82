"""Kept at this path for its callers: the deletion lives in vtchat.cli.expiry."""

from __future__ import annotations

from vtchat.cli.expiry import delete_expired

__all__ = ["delete_expired"]
