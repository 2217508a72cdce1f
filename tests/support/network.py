"""A guard that fails any test connection to an address other than loopback."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any


class ExternalConnectionError(AssertionError):
    """A test tried to reach beyond 127.0.0.1."""


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths stay on the machine
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def guarded_connect(original: Any) -> Any:
    """Wrap ``socket.socket.connect`` (or ``connect_ex``) to refuse non-loopback peers."""

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise ExternalConnectionError(f"test tried to connect to {address!r}")
        return original(self, address)

    return connect
