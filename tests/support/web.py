"""A test client that fills in CSRF tokens the way a browser's form would."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = _TOKEN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class FormClient(FlaskClient):
    """``submit`` posts a form with the token a page rendered for this session."""

    def submit(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        token = csrf_token_from(self.get("/login", follow_redirects=True).get_data(as_text=True))
        return self.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)
