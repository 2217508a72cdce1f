"""VC-JWT: VCDM 1.1 JWTs with a ``vc`` claim and VCDM 2.0 / OB 3.0 JOSE-secured credentials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.dates import parse_datetime
from wallet.verification.dids import KeyResolutionError
from wallet.verification.issuer_keys import issuer_binding_check
from wallet.verification.jose import (
    MAX_KEY_DOCUMENT_BYTES,
    SigningKey,
    algorithm_of,
    key_from_jwk,
    key_from_jwks,
    key_resolution_failure,
    key_resolution_success,
    proof_check,
    resolve_header_key,
    split_compact,
    verify_signature,
)
from wallet.verification.report import Check, CheckStatus, make_check

VCDM2_TYPES = frozenset({"vc+jwt", "vc+ld+json+jwt"})
# JWT claim -> VCDM 1.1 property it stands for (RFC 7519 registered claims, VCDM 1.1 §6.3.1).
_CLAIM_PROPERTIES = {"jti": "id", "nbf": "issuanceDate", "exp": "expirationDate"}


@dataclass(frozen=True)
class VcJwt:
    """A decoded VC-JWT: its header, JWT claims, the credential, and its JWT validity window."""

    header: JsonObject
    claims: JsonObject
    credential: JsonObject
    version: str
    not_before: dt.datetime | None
    expires: dt.datetime | None

    @property
    def issuer(self) -> str | None:
        """The issuer id the credential states (``iss`` for a 1.1 JWT without an issuer)."""
        return issuer_id(self.credential.get("issuer")) or _text(self.claims.get("iss"))


def read_vc_jwt(token: str) -> VcJwt:
    """Decode (not verify) a VC-JWT; ``CredentialFormatError`` when it is neither 1.1 nor 2.0."""
    jws = split_compact(token)
    claims = parse_json_object(jws.payload)
    vc = claims.get("vc")
    if isinstance(vc, dict):
        credential, version = _with_jwt_claims(vc, claims), "1.1"
    elif jws.header.get("typ") in VCDM2_TYPES or "@context" in claims:
        credential, version = claims, "2.0"
    else:
        raise CredentialFormatError("the JWT carries no verifiable credential")
    return VcJwt(
        header=jws.header,
        claims=claims,
        credential=credential,
        version=version,
        not_before=_numeric_date(claims.get("nbf")),
        expires=_numeric_date(claims.get("exp")),
    )


def decode_vc_jwt(token: str) -> JsonObject:
    """The credential JSON of a VC-JWT, 1.1 JWT claims folded in, for the normaliser."""
    return read_vc_jwt(token).credential


def verify_vc_jwt(
    token: str, ctx: VerificationContext, *, web_scheme: str = "https"
) -> list[Check]:
    """Checks of a VC-JWT: format, key resolution, proof, issuer binding, claim consistency."""
    try:
        decoded = read_vc_jwt(token)
        alg = algorithm_of(decoded.header)
    except CredentialFormatError as error:
        return [
            make_check(
                "format",
                CheckStatus.FAILED,
                "This is not a readable JWT-secured credential.",
                "To nie jest czytelne poświadczenie zabezpieczone JWT.",
                detail=error.detail,
            )
        ]
    checks = [
        make_check(
            "format",
            CheckStatus.PASSED,
            f"This is a JWT-secured credential (data model {decoded.version}).",
            f"To poświadczenie zabezpieczone JWT (model danych {decoded.version}).",
        )
    ]
    issuer = decoded.issuer
    try:
        key = _signing_key(decoded, issuer, ctx.fetcher, web_scheme)
    except WalletError as error:
        return [*checks, key_resolution_failure(error)]
    jws = split_compact(token)
    checks += [
        key_resolution_success(key),
        proof_check(verify_signature(alg, jws.signing_input, jws.signature, key.public_key)),
        _binding(decoded, key, issuer, ctx.fetcher, web_scheme),
    ]
    if decoded.version == "1.1":
        checks.append(_consistency_check(decoded))
    return checks


def issuer_id(value: JsonValue) -> str | None:
    """The id of an ``issuer`` given as a string or as a profile object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _with_jwt_claims(vc: JsonObject, claims: JsonObject) -> JsonObject:
    """VCDM 1.1 §6.3.1: JWT claims stand in for credential properties the ``vc`` leaves out."""
    credential = dict(vc)
    if "id" not in credential and isinstance(claims.get("jti"), str):
        credential["id"] = claims["jti"]
    for claim in ("nbf", "exp"):
        moment = _numeric_date(claims.get(claim))
        if _CLAIM_PROPERTIES[claim] not in credential and moment is not None:
            credential[_CLAIM_PROPERTIES[claim]] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if "issuer" not in credential and isinstance(claims.get("iss"), str):
        credential["issuer"] = claims["iss"]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and "id" not in subject and isinstance(claims.get("sub"), str):
        credential["credentialSubject"] = {**subject, "id": claims["sub"]}
    return credential


def _consistency_check(decoded: VcJwt) -> Check:
    """``schema``: a 1.1 JWT's ``jti``/``sub``/``nbf``/``exp`` agree with the credential."""
    vc = decoded.claims["vc"]
    assert isinstance(vc, dict)
    problems = []
    if "jti" in decoded.claims and "id" in vc and vc["id"] != decoded.claims["jti"]:
        problems.append("jti differs from the credential id")
    subject = vc.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    if "sub" in decoded.claims and subject_id is not None and subject_id != decoded.claims["sub"]:
        problems.append("sub differs from credentialSubject.id")
    for claim, moment in (("nbf", decoded.not_before), ("exp", decoded.expires)):
        value = vc.get(_CLAIM_PROPERTIES[claim])
        # A date the validity check cannot read is refused there, not compared here.
        stated = parse_datetime(value) if isinstance(value, str) else None
        if moment is not None and stated is not None and stated != moment:
            problems.append(f"{claim} differs from {_CLAIM_PROPERTIES[claim]}")
    if problems:
        return make_check(
            "schema",
            CheckStatus.FAILED,
            "The signed JWT and the credential inside it disagree.",
            "Podpisany JWT i zawarte w nim poświadczenie są ze sobą sprzeczne.",
            detail="; ".join(problems),
        )
    return make_check(
        "schema",
        CheckStatus.PASSED,
        "The signed JWT and the credential inside it agree.",
        "Podpisany JWT i zawarte w nim poświadczenie są zgodne.",
    )


def _binding(
    decoded: VcJwt, key: SigningKey, issuer: str | None, fetcher: Fetcher, web_scheme: str
) -> Check:
    iss = _text(decoded.claims.get("iss"))
    stated = issuer_id(decoded.credential.get("issuer"))
    if issuer is None or (iss is not None and stated is not None and iss != stated):
        return make_check(
            "issuer_binding",
            CheckStatus.FAILED,
            "The JWT names a different issuer than the credential.",
            "JWT wskazuje innego wystawcę niż poświadczenie.",
            detail=f"iss {iss}, issuer {stated}",
        )
    return issuer_binding_check(key, issuer, fetcher, web_scheme=web_scheme)


def _signing_key(
    decoded: VcJwt, issuer: str | None, fetcher: Fetcher, web_scheme: str
) -> SigningKey:
    header = decoded.header
    kid = _bare_kid(header)
    if kid is not None and issuer is not None and issuer.startswith(("https://", "http://")):
        # A kid that is no URL names one of the keys the issuer itself publishes.
        return _profile_key(issuer, fetcher, kid)
    if {"kid", "jwk", "x5c"} & header.keys() or issuer is None or issuer.startswith("did:"):
        return resolve_header_key(header, fetcher, issuer=issuer, web_scheme=web_scheme)
    return _profile_key(issuer, fetcher)


def _bare_kid(header: JsonObject) -> str | None:
    """The header's ``kid`` when it is neither a DID URL, a fragment nor a web address."""
    kid = header.get("kid")
    if "jwk" in header or "x5c" in header or not isinstance(kid, str) or not kid:
        return None
    if kid.startswith(("did:", "#", "https://", "http://")):
        return None
    return kid


def _profile_key(issuer: str, fetcher: Fetcher, kid: str | None = None) -> SigningKey:
    """The public key an issuer's hosted profile publishes (the one named ``kid``, if given)."""
    if not issuer.startswith(("https://", "http://")):
        raise KeyResolutionError("the signature names no key and the issuer has no web profile")
    fetched = fetcher.fetch(issuer, accept="application/json", max_bytes=MAX_KEY_DOCUMENT_BYTES)
    if fetched.status != 200:
        raise FetchError(f"the issuer profile answered HTTP {fetched.status}")
    try:
        profile = parse_json_object(fetched.body, max_bytes=MAX_KEY_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        raise KeyResolutionError(f"the issuer profile is not JSON: {error.detail}") from None
    jwk = profile.get("publicKeyJwk")
    if isinstance(jwk, dict) and (kid is None or jwk.get("kid") in (None, kid)):
        return SigningKey(key_from_jwk(jwk), "metadata", controller=issuer)
    jwks = profile.get("jwks")
    if isinstance(jwks, dict):
        return SigningKey(key_from_jwks(jwks, kid), "metadata", controller=issuer)
    raise KeyResolutionError("the issuer profile publishes no key")


def _numeric_date(value: JsonValue) -> dt.datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise CredentialFormatError("a JWT date is out of range") from None
    if value is not None:
        raise CredentialFormatError("a JWT date is not a number")
    return None


def _text(value: JsonValue) -> str | None:
    return value if isinstance(value, str) and value else None
