"""Log-in and registration are rate limited."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace

import pytest
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


def test_limits_with_redis_storage_are_kept_in_redis_for_every_worker(
    settings: Settings, database: Database, make_user: Callable[..., User]
) -> None:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379")
    shared = replace(settings, login_rate_limit="3 per minute", ratelimit_storage_url=url)
    workers = [create_app(shared, database=database) for _ in range(2)]
    for worker in workers:
        worker.test_client_class = FormClient
    clients: list[FormClient] = [w.test_client() for w in workers]  # type: ignore[misc]
    user = make_user()
    statuses = [
        clients[attempt % 2]
        .submit("/login", {"email": user.email, "password": "wrong one"})
        .status_code
        for attempt in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    # The counters live in Redis, where every worker process reads the same ones.
    assert redis.Redis.from_url(url).keys("LIMITS*")
