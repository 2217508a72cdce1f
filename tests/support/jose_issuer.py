"""A test issuer: signs JWTs, SD-JWTs and JAdES seals with keys and certificates made in tests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from joserfc.jwk import ECKey, OKPKey, RSAKey
from joserfc.jws import JWSRegistry

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class IssuerKey:
    """A private key and the JWS algorithm it signs with."""

    private_key: PrivateKey
    alg: str

    def _jwk(self) -> OKPKey | ECKey | RSAKey:
        if isinstance(self.private_key, ed25519.Ed25519PrivateKey):
            return OKPKey.import_key(self.private_key)
        if isinstance(self.private_key, ec.EllipticCurvePrivateKey):
            return ECKey.import_key(self.private_key)
        return RSAKey.import_key(self.private_key)

    def public_jwk(self, **extra: str) -> dict[str, Any]:
        return {**self._jwk().as_dict(private=False), **extra}

    def sign(self, signing_input: bytes, alg: str | None = None) -> bytes:
        return JWSRegistry.algorithms[alg or self.alg].sign(signing_input, self._jwk())


def new_key(alg: str = "EdDSA") -> IssuerKey:
    """A fresh key for ``alg`` (EdDSA, ES256, RS256 or PS256)."""
    if alg == "EdDSA":
        return IssuerKey(ed25519.Ed25519PrivateKey.generate(), alg)
    if alg == "ES256":
        return IssuerKey(ec.generate_private_key(ec.SECP256R1()), alg)
    return IssuerKey(rsa.generate_private_key(65537, 2048), alg)


def sign_compact(header: dict[str, Any], payload: Any, key: IssuerKey) -> str:
    """A compact JWS of ``payload`` (JSON unless bytes) with ``alg`` filled in from the key."""
    full_header = {"alg": key.alg, **header}
    body = payload if isinstance(payload, bytes) else json_bytes(payload)
    signing_input = f"{b64url(json_bytes(full_header))}.{b64url(body)}"
    signature = key.sign(signing_input.encode(), full_header["alg"])
    return f"{signing_input}.{b64url(signature)}"


def did_jwk(key: IssuerKey) -> str:
    """The did:jwk identifier of a key."""
    return "did:jwk:" + b64url(json_bytes(key.public_jwk()))


# --- SD-JWT --------------------------------------------------------------------------------


def disclosure(value: Any, name: str | None = None, salt: str | None = None) -> str:
    """An encoded disclosure of an object property (with ``name``) or an array element."""
    salt = salt or b64url(secrets.token_bytes(16))
    items = [salt, value] if name is None else [salt, name, value]
    return b64url(json_bytes(items))


def digest(encoded: str, alg: str = "sha-256") -> str:
    """The digest of a disclosure as it appears in ``_sd`` or ``{"...": d}``."""
    return b64url(hashlib.new(alg.replace("-", ""), encoded.encode("ascii")).digest())


@dataclass
class SdJwtBuilder:
    """Builds issuer-signed SD-JWT claims by concealing properties and array elements."""

    disclosures: list[str] = field(default_factory=list)

    def conceal(self, claims: dict[str, Any], *names: str) -> dict[str, Any]:
        """``claims`` with ``names`` moved into disclosures and replaced by ``_sd`` digests."""
        kept = {k: v for k, v in claims.items() if k not in names}
        digests = []
        for name in names:
            encoded = disclosure(claims[name], name)
            self.disclosures.append(encoded)
            digests.append(digest(encoded))
        kept["_sd"] = sorted(digests + list(kept.get("_sd", [])))
        return kept

    def conceal_item(self, value: Any) -> dict[str, str]:
        """An array element replaced by its ``{"...": digest}`` placeholder."""
        encoded = disclosure(value)
        self.disclosures.append(encoded)
        return {"...": digest(encoded)}


def issue_sd_jwt(
    claims: dict[str, Any],
    disclosures: list[str],
    key: IssuerKey,
    *,
    header: dict[str, Any] | None = None,
) -> str:
    """``<issuer-jwt>~<disclosure>~…~`` signed by ``key`` with typ ``dc+sd-jwt``."""
    token = sign_compact({"typ": "dc+sd-jwt", **(header or {})}, claims, key)
    return token + "~" + "".join(d + "~" for d in disclosures)


def key_binding_jwt(
    presentation: str,
    holder: IssuerKey,
    *,
    aud: str,
    nonce: str,
    iat: int,
    typ: str = "kb+jwt",
    **overrides: Any,
) -> str:
    """A KB-JWT over ``presentation`` (which ends with ``~``)."""
    sd_hash = b64url(hashlib.sha256(presentation.encode("ascii")).digest())
    payload = {"iat": iat, "aud": aud, "nonce": nonce, "sd_hash": sd_hash, **overrides}
    return sign_compact({"typ": typ}, payload, holder)


# --- X.509 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertifiedKey:
    """A key with its certificate."""

    key: IssuerKey
    certificate: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(Encoding.DER)

    @property
    def x5c(self) -> str:
        return base64.b64encode(self.der).decode("ascii")


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        ]
    )


def make_ca(name: str = "Test Trust Anchor", *, at: dt.datetime) -> CertifiedKey:
    """A self-signed CA certificate valid for a year around ``at``."""
    key = new_key("ES256")
    public = key.private_key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(_name(name))
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at - dt.timedelta(days=365))
        .not_valid_after(at + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key.private_key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return CertifiedKey(key, certificate)


def issue_certificate(
    ca: CertifiedKey,
    *,
    at: dt.datetime,
    alg: str = "RS256",
    name: str = "Test Seal",
    uris: tuple[str, ...] = (),
    dns_names: tuple[str, ...] = (),
    valid_days: tuple[int, int] = (-30, 365),
    time_stamping: bool = False,
    crl_url: str | None = None,
    signer: IssuerKey | None = None,
) -> CertifiedKey:
    """A leaf (sealing, signing or timestamping) certificate signed by ``ca``.

    ``valid_days`` are offsets from ``at``; ``signer`` signs it instead of ``ca``'s own key
    (a forged certificate that still names ``ca`` as its issuer and authority key).
    """
    key = new_key(alg)
    public = key.private_key.public_key()
    names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(u) for u in uris]
    names += [x509.DNSName(d) for d in dns_names]
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(at + dt.timedelta(days=valid_days[0]))
        .not_valid_after(at + dt.timedelta(days=valid_days[1]))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca.certificate.public_key()  # type: ignore[arg-type]
            ),
            critical=False,
        )
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if time_stamping:
        usage = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING])
        builder = builder.add_extension(usage, critical=True)
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    signing_key = (signer or ca.key).private_key
    certificate = builder.sign(signing_key, hashes.SHA256())  # type: ignore[arg-type]
    return CertifiedKey(key, certificate)


# --- JAdES ---------------------------------------------------------------------------------


def seal_jades(
    payload: bytes,
    sealer: CertifiedKey,
    chain: tuple[CertifiedKey, ...] = (),
    *,
    protected: dict[str, Any] | None = None,
    sig_t: str = "2024-05-01T10:00:00Z",
) -> dict[str, Any]:
    """A JAdES-style JWS JSON serialisation with an unencoded (``b64: false``) payload."""
    header = {
        "alg": sealer.key.alg,
        "cty": "octet-stream",
        "typ": "jose+json",
        "kid": "seal-1",
        "x5t#S256": b64url(hashlib.sha256(sealer.der).digest()),
        "x5c": [sealer.x5c, *(c.x5c for c in chain)],
        "b64": False,
        "sigT": sig_t,
        "crit": ["b64", "sigT"],
        **(protected or {}),
    }
    encoded_header = b64url(json_bytes(header))
    signing_input = encoded_header.encode("ascii") + b"." + payload
    signature = sealer.key.sign(signing_input, header["alg"])
    return {
        "payload": payload.decode("utf-8"),
        "signatures": [
            {
                "protected": encoded_header,
                "header": {"etsiU": []},
                "signature": b64url(signature),
            }
        ],
    }
