"""The nonce and credential endpoints: a proof of the holder's key in, credentials out."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from wallet.connect.oid4vci_metadata import CredentialConfiguration
from wallet.errors import ConnectError, CredentialFormatError, FetchError
from wallet.fetching import Fetched, HttpClient
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object

MAX_CREDENTIAL_BYTES = 4 * 1024 * 1024
MAX_CREDENTIALS_PER_RESPONSE = 10
_MAX_NONCE_BYTES = 16 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_STRING_FORMATS = frozenset({"dc+sd-jwt", "vc+sd-jwt", "jwt_vc_json", "jwt_vc_json-ld", "jwt_vc"})

# Signs a proof over a nonce (or none); the flow supplies the key, audience and time.
ProofSigner = Callable[[str | None], str]


@dataclass(frozen=True)
class CredentialAnswer:
    """The credentials one request gave, as bytes, and the next nonce if the issuer sent one."""

    credentials: tuple[bytes, ...]
    c_nonce: str | None


def fresh_nonce(http: HttpClient, nonce_endpoint: str) -> str:
    """A ``c_nonce`` from the issuer's nonce endpoint (a POST with no body)."""
    answer = http.send("POST", nonce_endpoint, body=b"", max_bytes=_MAX_NONCE_BYTES)
    refuse_redirect(http, answer)
    nonce = _json(answer).get("c_nonce") if answer.status == 200 else None
    if not isinstance(nonce, str) or not nonce:
        raise ConnectError(
            f"{nonce_endpoint} answered {answer.status} without a c_nonce",
            reason="oid4vci_credential",
        )
    return nonce


@dataclass(frozen=True)
class CredentialRequest:
    """What one credential request asks for, and in which revision's words."""

    endpoint: str
    access_token: str
    configuration: CredentialConfiguration
    identifier: str | None = None  # a dataset the token response named
    # Drafts before 1.0 (a c_nonce with the token, no nonce endpoint) took one ``proof`` and
    # the ``format``; 1.0 takes ``proofs``. Issuers ignore members they do not know.
    legacy: bool = False

    def body(self, proof: str | None) -> JsonObject:
        """The JSON request, with ``proof`` (a signed JWT) if one is sent."""
        request: JsonObject = (
            {"credential_identifier": self.identifier}
            if self.identifier is not None
            else {"credential_configuration_id": self.configuration.identifier}
        )
        if self.legacy:
            request["format"] = self.configuration.format
            if proof is not None:
                request["proof"] = {"proof_type": "jwt", "jwt": proof}
        elif proof is not None:
            request["proofs"] = {"jwt": [proof]}
        return request


def request_credential(
    http: HttpClient,
    request: CredentialRequest,
    *,
    nonce: str | None,
    sign: ProofSigner | None,
    renew_nonce: Callable[[], str | None],
) -> CredentialAnswer:
    """One credential request; asks again once with a new nonce if the issuer wants one."""
    answer, data = _send(http, request, nonce, sign)
    error = data.get("error")
    if sign is not None and error in ("invalid_nonce", "invalid_proof"):
        # 1.0 says invalid_nonce and offers a nonce endpoint; older drafts put a new c_nonce
        # in the invalid_proof answer. Either way one more try with a fresh nonce is fair.
        offered = data.get("c_nonce")
        retry = offered if isinstance(offered, str) and offered else renew_nonce()
        if retry is not None and retry != nonce:
            answer, data = _send(http, request, retry, sign)
    return _answer(answer, data, request.configuration)


def _send(
    http: HttpClient, request: CredentialRequest, nonce: str | None, sign: ProofSigner | None
) -> tuple[Fetched, JsonObject]:
    body = request.body(None if sign is None else sign(nonce))
    answer = http.send(
        "POST",
        request.endpoint,
        headers={
            "Authorization": f"Bearer {request.access_token}",
            "Content-Type": "application/json",
        },
        body=json.dumps(body).encode(),
        max_bytes=MAX_CREDENTIAL_BYTES,
    )
    refuse_redirect(http, answer)
    return answer, _json(answer)


def _answer(
    answer: Fetched, data: JsonObject, configuration: CredentialConfiguration
) -> CredentialAnswer:
    if answer.status == 202 or "transaction_id" in data:
        raise ConnectError(
            f"{answer.url} deferred the issuance of {configuration.identifier}",
            reason="oid4vci_deferred",
        )
    if answer.status != 200:
        error = data.get("error")
        reason = (
            "oid4vci_proof"
            if error in ("invalid_proof", "invalid_nonce")
            else "oid4vci_unsupported"
            if error in ("unknown_credential_configuration", "unsupported_credential_format")
            else "oid4vci_credential"
        )
        raise ConnectError(
            f"{answer.url} refused the credential request ({answer.status}, {error!r})",
            reason=reason,
        )
    items: list[JsonValue]
    listed = data.get("credentials")
    if isinstance(listed, list):
        items = [e.get("credential") if isinstance(e, dict) else None for e in listed]
    elif "credential" in data:  # drafts before 1.0: one credential, not in a list
        items = [data.get("credential")]
    else:
        items = []
    if not items or len(items) > MAX_CREDENTIALS_PER_RESPONSE:
        raise ConnectError(f"{answer.url} gave no credential", reason="oid4vci_credential")
    nonce = data.get("c_nonce")
    return CredentialAnswer(
        tuple(_credential_bytes(item, configuration, answer.url) for item in items),
        nonce if isinstance(nonce, str) and nonce else None,
    )


def _credential_bytes(item: JsonValue, configuration: CredentialConfiguration, url: str) -> bytes:
    """A credential as the issuer sent it: the compact text, or the JSON of a Data Integrity one."""
    if configuration.format in _STRING_FORMATS:
        if not isinstance(item, str) or not item.strip() or not item.isascii():
            raise ConnectError(
                f"{url} gave a {configuration.format} credential that is not compact text",
                reason="oid4vci_credential",
            )
        return item.strip().encode("ascii")
    if not isinstance(item, dict):
        raise ConnectError(
            f"{url} gave a {configuration.format} credential that is not a JSON object",
            reason="oid4vci_credential",
        )
    return json.dumps(item, ensure_ascii=False).encode()


def refuse_redirect(http: HttpClient, answer: Fetched) -> None:
    """A request carrying a token or proof is never sent on; a redirect is an error."""
    if answer.status not in _REDIRECTS:
        return
    target = urljoin(answer.url, answer.headers.get("location", ""))
    try:
        http.check(target)
    except FetchError as error:
        raise FetchError(
            f"{answer.url} redirects to {target}: {error.detail}", reason=error.reason
        ) from None
    raise ConnectError(
        f"{answer.url} redirects to {target}; the request is not sent on",
        reason="oid4vci_credential",
    )


def _json(answer: Fetched) -> JsonObject:
    if not answer.body:
        return {}
    try:
        return parse_json_object(answer.body)
    except CredentialFormatError:
        if answer.status == 200:
            raise ConnectError(
                f"{answer.url} did not answer with JSON", reason="oid4vci_credential"
            ) from None
        return {}
