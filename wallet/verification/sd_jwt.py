"""SD-JWT VC (RFC 9901 and the SD-JWT VC draft): disclosures, reconstruction, presentation."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet.errors import CredentialFormatError, FetchError, WalletError
from wallet.fetching import Fetcher
from wallet.jsonvalues import JsonObject, JsonValue, parse_json, parse_json_object
from wallet.verification.context import VerificationContext
from wallet.verification.dids import KeyResolutionError
from wallet.verification.issuer_keys import issuer_binding_check
from wallet.verification.jose import (
    MAX_KEY_DOCUMENT_BYTES,
    CompactJws,
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
from wallet.verification.multibase import decode_base64url, encode_base64url
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.seal_trust import trust_check

ClaimPath = tuple[str | int, ...]

SD_JWT_TYPES = frozenset({"dc+sd-jwt", "vc+sd-jwt"})
_HASHES = {"sha-256": "sha256", "sha-384": "sha384", "sha-512": "sha512"}
_RESERVED_NAMES = frozenset({"_sd", "..."})
MAX_DISCLOSURES = 512
# Types that name other JWTs: a key binding JWT or a plain VC-JWT is not an issuer-signed SD-JWT.
_NOT_ISSUER_TYPES = frozenset({"kb+jwt", "vc+jwt", "vc+ld+json+jwt"})


class DisclosureError(WalletError):
    """The disclosures do not fit the issuer-signed digests."""

    code = "disclosure"


@dataclass(frozen=True)
class Disclosure:
    """One disclosure: ``name`` is ``None`` for an array element."""

    encoded: str
    salt: str
    name: str | None
    value: JsonValue


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT split into the issuer-signed JWT, its disclosures and an optional KB-JWT."""

    issuer_jwt: CompactJws
    issuer_token: str
    disclosures: tuple[Disclosure, ...]
    key_binding: str | None

    @property
    def claims(self) -> JsonObject:
        """The issuer-signed payload, digests and all."""
        return parse_json_object(self.issuer_jwt.payload)

    @property
    def presented_part(self) -> str:
        """The text a KB-JWT's ``sd_hash`` covers: everything up to the last ``~``."""
        return self.issuer_token + "~" + "".join(d.encoded + "~" for d in self.disclosures)


@dataclass(frozen=True)
class Reconstruction:
    """The disclosed claims and, per disclosure, the claim path it revealed."""

    claims: JsonObject
    paths: dict[str, ClaimPath]


def parse_sd_jwt(text: str) -> SdJwt:
    """Split ``<issuer-jwt>~<disclosure>~…~[<kb-jwt>]``; ``CredentialFormatError`` if malformed."""
    parts = text.strip().split("~")
    if len(parts) < 2:
        raise CredentialFormatError("an SD-JWT has at least one '~' after the issuer JWT")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise CredentialFormatError(f"an SD-JWT may carry at most {MAX_DISCLOSURES} disclosures")
    issuer_token, *middle, last = parts
    if any(not d for d in middle):
        raise CredentialFormatError("an SD-JWT has an empty disclosure")
    return SdJwt(
        issuer_jwt=split_compact(issuer_token),
        issuer_token=issuer_token,
        disclosures=tuple(_decode_disclosure(d) for d in middle),
        key_binding=last or None,
    )


def hash_name(claims: JsonObject) -> str:
    """The ``_sd_alg`` of the issuer-signed claims (sha-256 by default), if supported."""
    name = claims.get("_sd_alg", "sha-256")
    if not isinstance(name, str) or name not in _HASHES:
        raise DisclosureError(f"digest algorithm {name!r} is not supported")
    return name


def sd_digest(text: str, alg: str = "sha-256") -> str:
    """The base64url digest of ASCII ``text`` under an IANA hash name (``sha-256``)."""
    return encode_base64url(hashlib.new(_HASHES[alg], text.encode("ascii")).digest())


def reconstruct(sd_jwt: SdJwt) -> Reconstruction:
    """Replace digests by disclosed values; ``DisclosureError`` on duplicates or strays."""
    payload = sd_jwt.claims
    alg = hash_name(payload)
    by_digest: dict[str, Disclosure] = {}
    for item in sd_jwt.disclosures:
        digest = sd_digest(item.encoded, alg)
        if digest in by_digest:
            raise DisclosureError("the same disclosure is given twice")
        by_digest[digest] = item
    walk = _Walk(by_digest)
    payload.pop("_sd_alg", None)
    claims = walk.value(payload, ())
    unused = by_digest.keys() - walk.seen
    if unused:
        raise DisclosureError(f"{len(unused)} disclosure(s) match no digest signed by the issuer")
    assert isinstance(claims, dict)
    return Reconstruction(claims, walk.paths)


def reconstruct_claims(sd_jwt: str | SdJwt) -> JsonObject:
    """The full claim set an SD-JWT discloses (``cnf``, ``vct`` and the rest)."""
    parsed = parse_sd_jwt(sd_jwt) if isinstance(sd_jwt, str) else sd_jwt
    return reconstruct(parsed).claims


def present_sd_jwt(sd_jwt: str, reveal: Collection[ClaimPath]) -> str:
    """An SD-JWT presentation that keeps only the disclosures needed to reveal ``reveal``.

    Revealing a path keeps the disclosures of its ancestors (so it can be reached) and of
    everything under it. Paths index the full reconstructed claims. No KB-JWT is attached.
    """
    parsed = parse_sd_jwt(sd_jwt)
    paths = reconstruct(parsed).paths
    kept = [
        d
        for d in parsed.disclosures
        if any(_related(paths[d.encoded], wanted) for wanted in reveal)
    ]
    return parsed.issuer_token + "~" + "".join(d.encoded + "~" for d in kept)


def disclosure_check(sd_jwt: SdJwt) -> tuple[JsonObject | None, Check]:
    """Reconstructed claims (or ``None``) and the ``disclosure`` check."""
    try:
        claims = reconstruct(sd_jwt).claims
    except DisclosureError as error:
        return None, make_check(
            "disclosure",
            CheckStatus.FAILED,
            "The revealed details do not match what the issuer signed.",
            "Ujawnione dane nie zgadzają się z tym, co podpisał wystawca.",
            detail=error.detail,
        )
    return claims, make_check(
        "disclosure",
        CheckStatus.PASSED,
        f"All {len(sd_jwt.disclosures)} revealed details match what the issuer signed.",
        f"Wszystkie ujawnione dane ({len(sd_jwt.disclosures)}) zgadzają się z podpisem.",
    )


class _Walk:
    """One pass over the issuer-signed claims, consuming disclosures by digest."""

    def __init__(self, by_digest: dict[str, Disclosure]) -> None:
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.seen_decoys: set[str] = set()
        self.paths: dict[str, ClaimPath] = {}

    def value(self, node: JsonValue, path: ClaimPath) -> JsonValue:
        if isinstance(node, dict):
            return self.object(node, path)
        if isinstance(node, list):
            return self.array(node, path)
        return node

    def object(self, node: JsonObject, path: ClaimPath) -> JsonObject:
        digests = node.get("_sd", [])
        if not isinstance(digests, list):
            raise DisclosureError("_sd is not a list")
        result = {k: self.value(v, (*path, k)) for k, v in node.items() if k != "_sd"}
        for digest in digests:
            item = self.take(digest)
            if item is None:
                continue  # a decoy, or a claim the holder chose not to reveal
            if item.name is None:
                raise DisclosureError("an array-element disclosure is referenced from _sd")
            if item.name in result:
                raise DisclosureError(f"claim {item.name!r} is disclosed but already present")
            self.paths[item.encoded] = (*path, item.name)
            result[item.name] = self.value(item.value, (*path, item.name))
        return result

    def array(self, node: list[JsonValue], path: ClaimPath) -> list[JsonValue]:
        result: list[JsonValue] = []
        for element in node:
            if isinstance(element, dict) and set(element) == {"..."}:
                item = self.take(element["..."])
                if item is None:
                    continue
                if item.name is not None:
                    raise DisclosureError("a property disclosure is referenced from an array")
                self.paths[item.encoded] = (*path, len(result))
                result.append(self.value(item.value, (*path, len(result))))
            else:
                result.append(self.value(element, (*path, len(result))))
        return result

    def take(self, digest: JsonValue) -> Disclosure | None:
        if not isinstance(digest, str):
            raise DisclosureError("a digest is not a string")
        if digest in self.seen or digest in self.seen_decoys:
            raise DisclosureError("a digest appears more than once")
        item = self.by_digest.get(digest)
        if item is None:
            self.seen_decoys.add(digest)
        else:
            self.seen.add(digest)
        return item


def _decode_disclosure(encoded: str) -> Disclosure:
    value = parse_json(decode_base64url(encoded))
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise CredentialFormatError("a disclosure is not a 2- or 3-element JSON array")
    salt = value[0]
    if not isinstance(salt, str):
        raise CredentialFormatError("a disclosure's salt is not a string")
    if len(value) == 2:
        return Disclosure(encoded, salt, None, value[1])
    name = value[1]
    if not isinstance(name, str) or name in _RESERVED_NAMES:
        raise CredentialFormatError("a disclosure's claim name is missing or reserved")
    return Disclosure(encoded, salt, name, value[2])


def _related(found: ClaimPath, wanted: ClaimPath) -> bool:
    shorter = min(len(found), len(wanted))
    return found[:shorter] == wanted[:shorter]


def verify_sd_jwt(
    text: str,
    ctx: VerificationContext,
    *,
    audience: str | None = None,
    nonce: str | None = None,
    web_scheme: str = "https",
) -> list[Check]:
    """Checks of any SD-JWT (RFC 9901), issued or presented, and of SD-JWT VCs in particular.

    Format, key, signature, issuer, trust, disclosures and key binding. The SD-JWT VC rules
    (a ``vct`` claim) apply only when the ``typ`` says the token is one.
    """
    try:
        sd_jwt = parse_sd_jwt(text)
        alg, is_vc = _read_header(sd_jwt)
    except CredentialFormatError as error:
        return [_format_failed(error.detail)]
    checks = [_format_passed(is_vc)]
    issuer = sd_jwt_issuer(sd_jwt.claims)
    claims, disclosed = disclosure_check(sd_jwt)
    try:
        key = _issuer_key(sd_jwt.issuer_jwt.header, issuer, ctx.fetcher, web_scheme)
    except WalletError as error:
        # Disclosures that match no digest are malformed whoever signed the JWT.
        return [*checks, key_resolution_failure(error), disclosed]
    jws = sd_jwt.issuer_jwt
    checks += [
        key_resolution_success(key),
        proof_check(verify_signature(alg, jws.signing_input, jws.signature, key.public_key)),
        _binding_check(key, issuer, ctx, web_scheme),
    ]
    if key.certificates:
        checks.append(trust_check(key.certificates, ctx))
    checks.append(disclosed)
    # The holder key (cnf) is signed in the clear, so it is known even if a disclosure is bad.
    holder_claims = claims if claims is not None else sd_jwt.claims
    checks.append(key_binding_check(sd_jwt, holder_claims, audience=audience, nonce=nonce))
    return checks


def sd_jwt_issuer(claims: JsonObject) -> str | None:
    """The issuer an SD-JWT names: ``iss``, or the ``issuer`` of a W3C credential payload."""
    iss = claims.get("iss")
    if isinstance(iss, str) and iss:
        return iss
    stated = claims.get("issuer")
    if isinstance(stated, dict):
        stated = stated.get("id")
    return stated if isinstance(stated, str) and stated else None


def is_sd_jwt_vc(sd_jwt: SdJwt) -> bool:
    """Whether the issuer JWT's ``typ`` declares an SD-JWT VC (``dc+sd-jwt``/``vc+sd-jwt``)."""
    return sd_jwt.issuer_jwt.header.get("typ") in SD_JWT_TYPES


def key_binding_check(
    sd_jwt: SdJwt, claims: JsonObject | None, *, audience: str | None, nonce: str | None
) -> Check:
    """``key_binding``: the KB-JWT is signed by the ``cnf`` key and covers this presentation."""
    if sd_jwt.key_binding is None:
        return make_check(
            "key_binding",
            CheckStatus.SKIPPED,
            "No proof of possession was attached; none is needed to keep a credential.",
            "Nie dołączono dowodu posiadania; nie jest potrzebny do przechowywania poświadczenia.",
            required=False,
        )
    problem = _key_binding_problem(sd_jwt, claims or {}, audience, nonce)
    if problem is None:
        return make_check(
            "key_binding",
            CheckStatus.PASSED,
            "The holder proved possession of the key the credential is bound to.",
            "Posiadacz udowodnił, że ma klucz, z którym związano poświadczenie.",
        )
    return make_check(
        "key_binding",
        CheckStatus.FAILED,
        "The proof of possession does not match this credential or its holder key.",
        "Dowód posiadania nie pasuje do tego poświadczenia albo klucza posiadacza.",
        detail=problem,
    )


def _key_binding_problem(
    sd_jwt: SdJwt, claims: JsonObject, audience: str | None, nonce: str | None
) -> str | None:
    try:
        kb = split_compact(sd_jwt.key_binding or "")
        alg = algorithm_of(kb.header)
        payload = parse_json_object(kb.payload)
        cnf = claims.get("cnf")
        holder = key_from_jwk(cnf.get("jwk") if isinstance(cnf, dict) else None)
        expected_hash = sd_digest(sd_jwt.presented_part, hash_name(sd_jwt.claims))
    except WalletError as error:
        return error.detail
    if kb.header.get("typ") != "kb+jwt":
        return "the KB-JWT typ is not kb+jwt"
    if not verify_signature(alg, kb.signing_input, kb.signature, holder):
        return "the KB-JWT is not signed by the cnf key"
    if payload.get("sd_hash") != expected_hash:
        return "sd_hash does not cover this presentation"
    if not isinstance(payload.get("iat"), int):
        return "the KB-JWT has no iat"
    if audience is not None and payload.get("aud") != audience:
        return "the KB-JWT is meant for another audience"
    if nonce is not None and payload.get("nonce") != nonce:
        return "the KB-JWT nonce does not match"
    return None


def _read_header(sd_jwt: SdJwt) -> tuple[str, bool]:
    """The accepted ``alg``, and whether the SD-JWT VC rules apply (SD-JWT VC section 3.2)."""
    header = sd_jwt.issuer_jwt.header
    typ = header.get("typ")
    if typ is not None and not isinstance(typ, str):
        raise CredentialFormatError("the issuer JWT's typ is not a string")
    if typ is not None and typ.lower() in _NOT_ISSUER_TYPES:
        raise CredentialFormatError(f"the issuer JWT's typ {typ!r} is not an SD-JWT's")
    is_vc = is_sd_jwt_vc(sd_jwt)
    if is_vc and not isinstance(sd_jwt.claims.get("vct"), str):
        raise CredentialFormatError("the SD-JWT VC has no vct (credential type)")
    return algorithm_of(header), is_vc


def _issuer_key(
    header: JsonObject, issuer: str | None, fetcher: Fetcher, web_scheme: str
) -> SigningKey:
    kid = header.get("kid")
    uses_did = (isinstance(kid, str) and kid.startswith("did:")) or (
        issuer is not None and issuer.startswith("did:")
    )
    if "x5c" in header or "jwk" in header or uses_did or issuer is None:
        return resolve_header_key(header, fetcher, issuer=issuer, web_scheme=web_scheme)
    return _metadata_key(issuer, kid if isinstance(kid, str) else None, fetcher)


def _metadata_key(issuer: str, kid: str | None, fetcher: Fetcher) -> SigningKey:
    """The key from the issuer's JWT VC Issuer Metadata (``/.well-known/jwt-vc-issuer``)."""
    parts = urlsplit(issuer)
    if parts.scheme not in ("http", "https") or parts.query or parts.fragment:
        raise KeyResolutionError("the issuer is not a web address without query or fragment")
    url = f"{parts.scheme}://{parts.netloc}/.well-known/jwt-vc-issuer{parts.path.rstrip('/')}"
    metadata = _fetch_object(url, fetcher)
    if metadata.get("issuer") != issuer:
        raise KeyResolutionError("the issuer metadata is about a different issuer")
    jwks = metadata.get("jwks")
    jwks_uri = metadata.get("jwks_uri")
    if not isinstance(jwks, dict) and isinstance(jwks_uri, str):
        jwks = _fetch_object(jwks_uri, fetcher)
    if not isinstance(jwks, dict):
        raise KeyResolutionError("the issuer metadata publishes no keys")
    return SigningKey(key_from_jwks(jwks, kid), "metadata", controller=issuer)


def _fetch_object(url: str, fetcher: Fetcher) -> JsonObject:
    fetched = fetcher.fetch(url, accept="application/json", max_bytes=MAX_KEY_DOCUMENT_BYTES)
    if fetched.status != 200:
        raise FetchError(f"{url} answered HTTP {fetched.status}")
    try:
        return parse_json_object(fetched.body, max_bytes=MAX_KEY_DOCUMENT_BYTES)
    except CredentialFormatError as error:
        raise KeyResolutionError(f"{url} is not a JSON object: {error.detail}") from None


def _binding_check(
    key: SigningKey, issuer: str | None, ctx: VerificationContext, web_scheme: str
) -> Check:
    if issuer is None:
        return make_check(
            "issuer_binding",
            CheckStatus.SKIPPED,
            "The credential does not say who issued it.",
            "Poświadczenie nie wskazuje, kto je wystawił.",
        )
    return issuer_binding_check(key, issuer, ctx.fetcher, web_scheme=web_scheme)


def _format_passed(is_vc: bool) -> Check:
    if is_vc:
        return make_check(
            "format",
            CheckStatus.PASSED,
            "This is an SD-JWT verifiable credential.",
            "To jest poświadczenie SD-JWT VC.",
        )
    return make_check(
        "format",
        CheckStatus.PASSED,
        "This is a selectively disclosable JWT (SD-JWT).",
        "To jest token JWT z selektywnym ujawnianiem (SD-JWT).",
    )


def _format_failed(detail: str) -> Check:
    return make_check(
        "format",
        CheckStatus.FAILED,
        "This is not a readable SD-JWT.",
        "To nie jest czytelny token SD-JWT.",
        detail=detail,
    )
