"""Fixtures shared by the whole suite."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support.httpserver import LocalServer, running_server
from tests.support.network import guarded_connect


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection a test makes beyond 127.0.0.1."""
    monkeypatch.setattr(socket.socket, "connect", guarded_connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect(socket.socket.connect_ex))


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1; register answers with ``serve(path, body)``."""
    with running_server() as server:
        yield server
