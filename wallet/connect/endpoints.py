"""An issuer's JSON documents and the addresses they name, read strictly and guarded."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from wallet.errors import ConnectError, CredentialFormatError, FetchError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object


def fetch_document(
    http: HttpClient, url: str, *, max_bytes: int, what: str, reason: str
) -> tuple[str, JsonObject]:
    """The JSON object at ``url`` and the address it came from (after redirects).

    ``ConnectError`` with ``reason`` unless the answer is a 200 holding one JSON object.
    """
    fetched = http.fetch(url, accept="application/json", max_bytes=max_bytes)
    if fetched.status != 200:
        raise ConnectError(f"{url} answered {fetched.status} instead of {what}", reason=reason)
    try:
        return fetched.url, parse_json_object(fetched.body)
    except CredentialFormatError as error:
        raise ConnectError(
            f"{fetched.url} is not {what} in JSON: {error.detail}", reason=reason
        ) from None


def absolute_url(
    value: JsonValue, key: str, *, allow_http: bool, max_length: int, reason: str
) -> str:
    """``value`` if it is an absolute https URL (or http when allowed) without a fragment."""
    if not isinstance(value, str) or len(value) > max_length:
        raise ConnectError(f"{key} is missing or too long", reason=reason)
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.fragment:
        raise ConnectError(
            f"{key} {value[:200]!r} is not an absolute {' or '.join(schemes)} URL", reason=reason
        )
    return value


def check_endpoints(http: HttpClient, where: str, endpoints: Iterable[str | None]) -> None:
    """Refuse at once any endpoint the fetch guard would refuse later; ``where`` names them."""
    for endpoint in endpoints:
        if endpoint is None:
            continue
        try:
            http.check(endpoint)
        except FetchError as error:
            raise FetchError(
                f"{where} names {endpoint}: {error.detail}", reason=error.reason
            ) from None
