"""URL checks shared by route handlers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

from wallet.errors import NotFoundError


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


# The largest value an INTEGER column holds on PostgreSQL (SQLite's is larger, ids never get there).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` for row ids: a number no row can have matches no route, so the answer is 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def optional_id(args: MultiDict[str, str], name: str, missing: str) -> int | None:
    """The id in query parameter ``name``; None when absent or not a number.

    A number too large to name any row is ``NotFoundError(missing)``, as an unknown path id is.
    """
    value = args.get(name, type=int)
    if value is not None and not 0 <= value <= MAX_ID:
        raise NotFoundError(missing)
    return value
