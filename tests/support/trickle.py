"""A loopback server that answers one header byte at a time, for deadline tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

HEADER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 10_000


@dataclass
class TricklingServer:
    """Accepts connections on 127.0.0.1 and sends ``HEADER`` one byte per ``interval``."""

    port: int
    interval: float
    requested: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def trickle(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            self.requested.set()
            for byte in HEADER:
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                if self.stopped.wait(self.interval):
                    return


@contextmanager
def trickling_server(interval: float = 2.0) -> Iterator[TricklingServer]:
    """Run a ``TricklingServer`` on an ephemeral port until the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    server = TricklingServer(listener.getsockname()[1], interval)

    def serve() -> None:
        while not server.stopped.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=server.trickle, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopped.set()
        thread.join(timeout=2)
        listener.close()
