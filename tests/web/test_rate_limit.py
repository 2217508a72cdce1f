"""Log-in and registration are rate limited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Flask

from tests.support.web import FormClient
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database
from wallet.models import User


def test_login_after_the_limit_is_refused_with_429(
    settings: Settings, database: Database, make_user: Callable[..., User]
) -> None:
    app: Flask = create_app(replace(settings, login_rate_limit="3 per minute"), database=database)
    app.test_client_class = FormClient
    client: FormClient = app.test_client()  # type: ignore[assignment]
    user = make_user()
    statuses = [
        client.submit("/login", {"email": user.email, "password": "wrong password"}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
