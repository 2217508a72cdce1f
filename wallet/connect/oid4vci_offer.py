"""An OpenID4VCI credential offer, passed by value or fetched by reference (section 4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from wallet.connect.endpoints import fetch_document
from wallet.errors import ConnectError, CredentialFormatError
from wallet.fetching import HttpClient
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
AUTHORIZATION_GRANT = "authorization_code"
MAX_OFFER_TEXT = 16 * 1024
MAX_OFFER_BYTES = 64 * 1024
MAX_URL_LENGTH = 2000
MAX_CONFIGURATIONS = 10
_MAX_CODE_LENGTH = 4096
_MAX_TX_CODE_LENGTH = 64
_DESCRIPTION_LENGTH = 300  # the specification's own limit


@dataclass(frozen=True)
class TxCode:
    """What the issuer says about the transaction code it sent the holder another way."""

    numeric: bool
    length: int | None
    description: str | None


@dataclass(frozen=True)
class PreAuthorizedGrant:
    """The pre-authorized code grant: the code, and whether a transaction code goes with it."""

    code: str
    tx_code: TxCode | None
    authorization_server: str | None


@dataclass(frozen=True)
class AuthorizationGrant:
    """The authorization code grant: the holder signs in at the issuer and consents."""

    issuer_state: str | None
    authorization_server: str | None


@dataclass(frozen=True)
class CredentialOffer:
    """A credential offer read strictly: who offers, which credentials, and how to get them."""

    credential_issuer: str
    configuration_ids: tuple[str, ...]
    pre_authorized: PreAuthorizedGrant | None
    authorization: AuthorizationGrant | None

    def to_json(self) -> JsonObject:
        """The offer as the JSON document ``offer_from_document`` reads back."""
        grants: JsonObject = {}
        if self.pre_authorized is not None:
            grant: JsonObject = {"pre-authorized_code": self.pre_authorized.code}
            tx = self.pre_authorized.tx_code
            if tx is not None:
                grant["tx_code"] = {
                    key: value
                    for key, value in (
                        ("input_mode", "numeric" if tx.numeric else "text"),
                        ("length", tx.length),
                        ("description", tx.description),
                    )
                    if value is not None
                }
            if self.pre_authorized.authorization_server is not None:
                grant["authorization_server"] = self.pre_authorized.authorization_server
            grants[PRE_AUTHORIZED_GRANT] = grant
        if self.authorization is not None:
            grants[AUTHORIZATION_GRANT] = {
                key: value
                for key, value in (
                    ("issuer_state", self.authorization.issuer_state),
                    ("authorization_server", self.authorization.authorization_server),
                )
                if value is not None
            }
        return {
            "credential_issuer": self.credential_issuer,
            "credential_configuration_ids": list(self.configuration_ids),
            "grants": grants,
        }


def read_offer(http: HttpClient, text: str, *, allow_http: bool = False) -> CredentialOffer:
    """The offer a holder pasted: an offer link (by value or by reference) or its JSON.

    An offer by reference is fetched through the guarded fetcher like any other address.
    """
    text = text.strip()
    if not text or len(text) > MAX_OFFER_TEXT:
        raise ConnectError("the offer is empty or too long", reason="oid4vci_offer")
    if text.startswith("{"):
        return offer_from_document(_json(text.encode(), "the pasted offer"), allow_http=allow_http)
    parameters = parse_qs(urlsplit(text).query)
    by_value = parameters.get("credential_offer", [])
    by_reference = parameters.get("credential_offer_uri", [])
    if len(by_value) + len(by_reference) != 1:
        raise ConnectError(
            "an offer link has exactly one credential_offer or credential_offer_uri",
            reason="oid4vci_offer",
        )
    if by_value:
        document = _json(by_value[0].encode(), "the offer in the link")
    else:
        document = _fetch_offer(http, by_reference[0], allow_http=allow_http)
    return offer_from_document(document, allow_http=allow_http)


def offer_from_document(document: JsonObject, *, allow_http: bool = False) -> CredentialOffer:
    """Check an offer's JSON; ``ConnectError`` naming the first member that is wrong."""
    issuer = issuer_identifier(document.get("credential_issuer"), allow_http=allow_http)
    # Drafts before 1.0 listed the offered credentials as ``credentials``.
    ids = document.get("credential_configuration_ids", document.get("credentials"))
    if not isinstance(ids, list) or not ids or len(ids) > MAX_CONFIGURATIONS:
        raise ConnectError(
            "credential_configuration_ids is not a short non-empty list", reason="oid4vci_offer"
        )
    if not all(isinstance(i, str) and 0 < len(i) <= 200 for i in ids) or len(set(ids)) != len(ids):
        raise ConnectError(
            "credential_configuration_ids holds something other than distinct names",
            reason="oid4vci_offer",
        )
    grants = document.get("grants", {})
    if not isinstance(grants, dict):
        raise ConnectError("grants is not an object", reason="oid4vci_offer")
    pre_authorized = _pre_authorized(grants.get(PRE_AUTHORIZED_GRANT))
    authorization = _authorization(grants.get(AUTHORIZATION_GRANT))
    if pre_authorized is None and authorization is None:
        # Without grants the wallet finds them in the server's metadata: only the code flow
        # can start from nothing but the issuer's address.
        authorization = AuthorizationGrant(None, None)
    return CredentialOffer(issuer, tuple(str(i) for i in ids), pre_authorized, authorization)


def issuer_identifier(value: JsonValue, *, allow_http: bool) -> str:
    """A credential issuer identifier: an https URL without query or fragment."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        raise ConnectError("credential_issuer is missing or too long", reason="oid4vci_offer")
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment:
        raise ConnectError(
            f"credential_issuer {value!r} is not an {' or '.join(schemes)} URL without a query",
            reason="oid4vci_offer",
        )
    return value


def _pre_authorized(grant: JsonValue) -> PreAuthorizedGrant | None:
    if grant is None:
        return None
    if not isinstance(grant, dict):
        raise ConnectError("the pre-authorized code grant is not an object", reason="oid4vci_offer")
    code = grant.get("pre-authorized_code")
    if not isinstance(code, str) or not code or len(code) > _MAX_CODE_LENGTH:
        raise ConnectError("the offer has no usable pre-authorized_code", reason="oid4vci_offer")
    tx_code = grant.get("tx_code")
    return PreAuthorizedGrant(
        code,
        None if tx_code is None else _tx_code(tx_code),
        _optional_text(grant, "authorization_server"),
    )


def _tx_code(value: JsonValue) -> TxCode:
    if not isinstance(value, dict):
        raise ConnectError("tx_code is not an object", reason="oid4vci_offer")
    mode = value.get("input_mode", "numeric")
    length = value.get("length")
    if mode not in ("numeric", "text"):
        raise ConnectError(f"tx_code input_mode {mode!r} is unknown", reason="oid4vci_offer")
    if length is not None and (
        not isinstance(length, int)
        or isinstance(length, bool)
        or not 0 < length <= _MAX_TX_CODE_LENGTH
    ):
        raise ConnectError("tx_code length is not a small positive number", reason="oid4vci_offer")
    description = value.get("description")
    return TxCode(
        mode == "numeric",
        length,
        description[:_DESCRIPTION_LENGTH] if isinstance(description, str) and description else None,
    )


def _authorization(grant: JsonValue) -> AuthorizationGrant | None:
    if grant is None:
        return None
    if not isinstance(grant, dict):
        raise ConnectError("the authorization code grant is not an object", reason="oid4vci_offer")
    return AuthorizationGrant(
        _optional_text(grant, "issuer_state"), _optional_text(grant, "authorization_server")
    )


def _optional_text(grant: JsonObject, key: str) -> str | None:
    value = grant.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > _MAX_CODE_LENGTH:
        raise ConnectError(f"{key} is not a string", reason="oid4vci_offer")
    return value


def _fetch_offer(http: HttpClient, url: str, *, allow_http: bool) -> JsonObject:
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if len(url) > MAX_URL_LENGTH or parts.scheme not in schemes or not parts.hostname:
        raise ConnectError(
            f"credential_offer_uri {url[:200]!r} is not an https URL", reason="oid4vci_offer"
        )
    return fetch_document(
        http, url, max_bytes=MAX_OFFER_BYTES, what="an offer", reason="oid4vci_offer"
    )[1]


def _json(data: bytes, where: str) -> JsonObject:
    try:
        return parse_json_object(data)
    except CredentialFormatError as error:
        raise ConnectError(
            f"{where} is not a JSON object: {error.detail}", reason="oid4vci_offer"
        ) from None
