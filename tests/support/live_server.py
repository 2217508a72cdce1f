"""The real app on a real werkzeug server on 127.0.0.1, for browsers and scripts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.schema import upgrade_schema

SECRET_KEY = "live-server-secret-key-that-is-long-enough-0123456789"


@dataclass(frozen=True)
class LiveServer:
    """Where a running app answers."""

    base_url: str

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + path


def live_settings(data_dir: Path) -> Settings:
    """Testing settings with a SQLite file inside ``data_dir``."""
    return Settings(
        secret_key=SECRET_KEY,
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'wallet.sqlite3'}",
        testing=True,
        login_rate_limit="1000 per minute",
    )


@contextmanager
def running_app(data_dir: Path, settings: Settings | None = None) -> Iterator[LiveServer]:
    """Serve a freshly migrated app from a background thread until the block ends."""
    settings = settings or live_settings(data_dir)
    database = Database.from_url(settings.database_url)
    upgrade_schema(database.engine)
    app = create_app(settings, database=database)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        database.engine.dispose()
