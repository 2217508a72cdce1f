"""HTTP requests and answers as plain values, so that Authlib's server runs without Flask."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authlib.oauth2.rfc6749 import JsonPayload, JsonRequest, OAuth2Payload, OAuth2Request

from wallet.jsonvalues import JsonObject


@dataclass(frozen=True)
class Exchange:
    """One request as the route read it; ``url`` is the public URL (base URL, path, query)."""

    method: str
    url: str
    headers: Mapping[str, str]
    query: Mapping[str, Sequence[str]] = field(default_factory=dict)
    form: Mapping[str, Sequence[str]] = field(default_factory=dict)
    json: JsonObject | None = None


@dataclass(frozen=True)
class Answer:
    """A response for the route to send as it is."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    # A refusal whose changes must still be committed (a grant ended on refresh token reuse).
    keep_changes: bool = False

    @property
    def location(self) -> str | None:
        """Where a redirect answer sends the browser."""
        return next((value for name, value in self.headers if name.lower() == "location"), None)

    @property
    def gives_code(self) -> bool:
        """Whether this redirect hands the app an authorization code."""
        location = self.location
        return location is not None and "code" in parse_qs(urlsplit(location).query)


def authlib_answer(status: int, body: Any, headers: Sequence[tuple[str, str]]) -> Answer:
    """An answer from what Authlib's endpoints return (a JSON object or text)."""
    data = json.dumps(body).encode() if isinstance(body, dict) else str(body or "").encode()
    return Answer(status, data, tuple((str(k), str(v)) for k, v in headers))


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, exchange: Exchange) -> None:
        merged: defaultdict[str, list[str]] = defaultdict(list)
        for source in (exchange.query, exchange.form):
            for key, values in source.items():
                merged[key].extend(values)
        self._datalist = merged
        self._data = {key: values[0] for key, values in merged.items() if values}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


class PlainOAuth2Request(OAuth2Request):  # type: ignore[misc]
    """Authlib's request over an ``Exchange`` (query and form values merged, first wins)."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__(exchange.method, exchange.url, headers=exchange.headers)
        self.exchange = exchange
        self.payload = _Payload(exchange)

    @property
    def args(self) -> dict[str, str]:
        return {key: values[0] for key, values in self.exchange.query.items() if values}

    @property
    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in self.exchange.form.items() if values}


class _JsonPayload(JsonPayload):  # type: ignore[misc]
    def __init__(self, data: JsonObject | None) -> None:
        self._data = data

    @property
    def data(self) -> JsonObject | None:
        return self._data


class PlainJsonRequest(JsonRequest):  # type: ignore[misc]
    """Authlib's JSON request (client registration) over an ``Exchange``."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__(exchange.method, exchange.url, exchange.headers)
        self.payload = _JsonPayload(exchange.json)
