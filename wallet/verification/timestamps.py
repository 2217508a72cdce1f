"""RFC 3161 time-stamp tokens: the proof that a signature existed at a time (ETSI EN 319 102-1).

A token is a CMS SignedData by a time-stamping authority over a TSTInfo, which states the time
and the hash (message imprint) of what was time-stamped. A token proves existence only when the
imprint matches, the signed attributes carry the TSTInfo's digest and the authority's signature
over them verifies under a certificate valid at that time.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from wallet.errors import CredentialFormatError

MAX_TOKEN_BYTES = 64 * 1024
_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


@dataclass(frozen=True)
class TimestampProof:
    """A verified time-stamp: when, by which authority, and the token's certificates.

    ``certificates`` starts with the authority's own certificate; the rest may complete its
    chain.
    """

    time: datetime
    authority: str
    certificates: tuple[x509.Certificate, ...]


def verify_timestamp_token(token: bytes, message: bytes) -> TimestampProof:
    """When ``token`` proves ``message`` existed; ``CredentialFormatError`` if it proves nothing."""
    if len(token) > MAX_TOKEN_BYTES:
        raise CredentialFormatError("the time-stamp token is too large")
    try:
        signed, info_der, info = _parse(token)
        _check_imprint(info, message)
        signer = signed["signer_infos"][0]
        certificate = _signer_certificate(signed, signer)
        _check_signed_attributes(signer, info_der)
        _check_signature(signer, certificate)
        time = info["gen_time"].native
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise CredentialFormatError(f"the time-stamp token is malformed: {error}") from None
    if not certificate.not_valid_before_utc <= time <= certificate.not_valid_after_utc:
        raise CredentialFormatError("the time-stamping certificate was not valid at that time")
    others = tuple(c for c in _certificates(signed) if c != certificate)
    return TimestampProof(time, certificate.subject.rfc4514_string(), (certificate, *others))


def _parse(token: bytes) -> tuple[cms.SignedData, bytes, tsp.TSTInfo]:
    content = cms.ContentInfo.load(token, strict=True)
    if content["content_type"].native != "signed_data":
        raise CredentialFormatError("the time-stamp token is not CMS SignedData")
    signed = content["content"]
    encapsulated = signed["encap_content_info"]
    if encapsulated["content_type"].native != "tst_info":
        raise CredentialFormatError("the time-stamp token does not carry a TSTInfo")
    info_der = bytes(encapsulated["content"].contents)
    return signed, info_der, tsp.TSTInfo.load(info_der)


def _digest(algorithm: str, data: bytes) -> bytes:
    if algorithm not in _HASHES:
        raise CredentialFormatError(f"the time-stamp uses an unsupported hash {algorithm}")
    return hashlib.new(algorithm, data).digest()


def _check_imprint(info: tsp.TSTInfo, message: bytes) -> None:
    imprint = info["message_imprint"]
    expected = _digest(imprint["hash_algorithm"]["algorithm"].native, message)
    if not hmac.compare_digest(expected, imprint["hashed_message"].native):
        raise CredentialFormatError("the time-stamp is over other data than this signature")


def _signer_certificate(signed: cms.SignedData, signer: cms.SignerInfo) -> x509.Certificate:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        candidate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            matches = (
                candidate.issuer == sid.chosen["issuer"]
                and candidate.serial_number == sid.chosen["serial_number"].native
            )
        else:
            matches = candidate.key_identifier == sid.chosen.native
        if matches:
            return x509.load_der_x509_certificate(candidate.dump())
    raise CredentialFormatError("the time-stamp token does not carry its signer's certificate")


def _certificates(signed: cms.SignedData) -> list[x509.Certificate]:
    return [
        x509.load_der_x509_certificate(choice.chosen.dump())
        for choice in signed["certificates"] or []
        if choice.name == "certificate"
    ]


def _check_signed_attributes(signer: cms.SignerInfo, info_der: bytes) -> None:
    attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    if attributes.get("content_type") is None or attributes["content_type"].native != "tst_info":
        raise CredentialFormatError("the time-stamp's signed content type is not TSTInfo")
    digest = _digest(signer["digest_algorithm"]["algorithm"].native, info_der)
    stated = attributes.get("message_digest")
    if stated is None or not hmac.compare_digest(digest, stated.native):
        raise CredentialFormatError("the time-stamp's TSTInfo was changed after signing")


def _check_signature(signer: cms.SignerInfo, certificate: x509.Certificate) -> None:
    # The signature covers the DER of the signed attributes with a SET tag, not the [0] tag.
    signed_attributes = b"\x31" + signer["signed_attrs"].dump()[1:]
    algorithm = _HASHES.get(signer["digest_algorithm"]["algorithm"].native)
    if algorithm is None:
        raise CredentialFormatError("the time-stamp uses an unsupported hash")
    key = certificate.public_key()
    signature = signer["signature"].native
    scheme = signer["signature_algorithm"].signature_algo
    try:
        if isinstance(key, rsa.RSAPublicKey) and scheme == "rsassa_pss":
            pss = padding.PSS(padding.MGF1(algorithm), padding.PSS.AUTO)
            key.verify(signature, signed_attributes, pss, algorithm)
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed_attributes, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_attributes, ec.ECDSA(algorithm))
        else:
            raise CredentialFormatError("the time-stamping key is neither RSA nor EC")
    except InvalidSignature:
        raise CredentialFormatError(
            "the time-stamping authority's signature does not match"
        ) from None
