"""Plecak as an Open Badges 3.0 API provider on 127.0.0.1, and a holder's browser for consent.

The provider is the real app on a real werkzeug server whose base URL is its own address
(apps read absolute URLs from its discovery document). Requests are served one at a time, so
a PostgreSQL test database on one connection is never used by two threads at once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import requests
from flask import Flask
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD
from tests.support.web import csrf_token_from
from wallet import create_app
from wallet.config import Settings
from wallet.db import Database

API = "/ims/ob/v3p0"
CREDENTIALS_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly"
PROFILE_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly"
APP_REDIRECT = "http://127.0.0.1:9/callback"  # never contacted: the tests read the redirect
_CHOICE = re.compile(r'name="credential" value="(\d+)"')


@dataclass(frozen=True)
class Provider:
    """A running Plecak provider."""

    base_url: str
    app: Flask

    def url(self, path: str) -> str:
        return self.base_url + path


@contextmanager
def running_provider(settings: Settings, database: Database) -> Iterator[Provider]:
    """Serve the app on an ephemeral loopback port, its base URL set to that port."""
    holder: dict[str, Flask] = {}
    server = make_server("127.0.0.1", 0, lambda env, start: holder["app"](env, start))
    base_url = f"http://127.0.0.1:{server.server_port}"
    holder["app"] = create_app(replace(settings, base_url=base_url), database=database)
    thread = threading.Thread(target=server.serve_forever, name="ob3-provider", daemon=True)
    thread.start()
    try:
        yield Provider(base_url, holder["app"])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def register_app(provider: Provider, **metadata: Any) -> dict[str, Any]:
    """Register an app (RFC 7591) the way the specification's example does."""
    body = {
        "client_name": "Portal Pracy",
        "client_uri": "https://jobs.example.org/",
        "policy_uri": "https://jobs.example.org/privacy",
        "tos_uri": "https://jobs.example.org/terms",
        "redirect_uris": [APP_REDIRECT],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": f"{CREDENTIALS_SCOPE} {PROFILE_SCOPE}",
        **metadata,
    }
    answer = requests.post(provider.url("/oauth/register"), json=body, timeout=10)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


class HolderBrowser:
    """The holder's browser at the provider: logs in and answers consent screens."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.http = requests.Session()

    def log_in(self, email: str, password: str = TEST_PASSWORD) -> None:
        page = self.http.get(self.provider.url("/login"), timeout=10)
        answer = self.http.post(
            self.provider.url("/login"),
            data={"email": email, "password": password, "csrf_token": csrf_token_from(page.text)},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text

    def open(self, url: str) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=10)

    def offered(self, page: requests.Response) -> list[int]:
        """The credential ids a consent screen offers."""
        return [int(n) for n in _CHOICE.findall(page.text)]

    def answer(
        self, authorization_url: str, *, approve: bool, credentials: list[int] | None = None
    ) -> requests.Response:
        """Open the consent screen and allow (with ``credentials`` ticked) or deny."""
        page = self.open(authorization_url)
        assert page.status_code == 200, page.text
        chosen = self.offered(page) if credentials is None else credentials
        return self.http.post(
            authorization_url,
            data={
                "csrf_token": csrf_token_from(page.text),
                "decision": "approve" if approve else "deny",
                "credential": [str(n) for n in chosen],
            },
            allow_redirects=False,
            timeout=10,
        )
