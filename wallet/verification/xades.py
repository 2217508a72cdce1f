"""XAdES-sealed European Digital Credentials in XML: the enveloped signature and its trust.

As for JAdES seals, ``proof`` says the enveloped XML signature (checked by signxml, with the
XAdES signed properties) matches the certificate in its ``KeyInfo`` and covers the whole
credential; ``trust`` is the separate question of whether that certificate chains to a
configured anchor, judged by the same rules (``seal_trust.trust_check``).
"""

from __future__ import annotations

import base64
import binascii

from cryptography import x509
from lxml import etree
from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.verifier import XMLVerifier
from signxml.xades.xades import XAdESSignatureConfiguration, XAdESVerifier

from wallet import importing
from wallet.errors import CredentialFormatError
from wallet.verification.context import VerificationContext
from wallet.verification.jose import proof_check
from wallet.verification.report import Check, CheckStatus, make_check
from wallet.verification.seal_trust import Existence, timestamp_existence, trust_check

DSIG = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
_N = {"ds": DSIG, "xades": XADES}
MAX_REFERENCES = 10
_C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
_C14N_MODES = {
    _C14N_10: (False, False),
    _C14N_10 + "#WithComments": (False, True),
    "http://www.w3.org/2001/10/xml-exc-c14n#": (True, False),
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments": (True, True),
}
MAX_CERTIFICATES = 10


def verify_xades(document: bytes, ctx: VerificationContext) -> list[Check]:
    """Checks of an XML EDC: ``format``, ``key_resolution``, ``proof`` and ``trust``."""
    try:
        root = importing.parse_edc_xml(document)
    except CredentialFormatError as error:
        return [_format_failure(error.detail)]
    signatures = root.findall(".//ds:Signature", _N)
    if not signatures:
        return [_unsealed()]
    if len(signatures) > 1:
        return [_format_failure("the credential carries more than one XML signature")]
    signature = signatures[0]
    try:
        certificates = _certificates(signature)
    except CredentialFormatError as error:
        return [_key_failure(error.detail)]
    subject = certificates[0].subject.rfc4514_string()
    problem = _signature_problem(document, signature, certificates[0])
    checks = [
        make_check(
            "key_resolution",
            CheckStatus.PASSED,
            "The seal's certificate was read.",
            "Odczytano certyfikat pieczęci.",
            detail=subject,
        ),
        proof_check(problem is None, detail=problem or subject),
    ]
    existence = signature_timestamp(signature, ctx) if problem is None else None
    if existence is not None:
        checks.append(existence.check)
    signed_at = existence.time if existence is not None else None
    return [*checks, trust_check(certificates, ctx, signed_at=signed_at)]


def signature_timestamp(signature: etree._Element, ctx: VerificationContext) -> Existence | None:
    """The XAdES-T ``SignatureTimeStamp`` judged over the canonical ``ds:SignatureValue``.

    ETSI EN 319 132-1: the time-stamp's message imprint covers the ``ds:SignatureValue``
    element canonicalised with the time-stamp's own ``CanonicalizationMethod``.
    """
    stamp = signature.find(
        "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/"
        "xades:UnsignedSignatureProperties/xades:SignatureTimeStamp",
        _N,
    )
    value = signature.find("ds:SignatureValue", _N)
    encapsulated = stamp.find("xades:EncapsulatedTimeStamp", _N) if stamp is not None else None
    if stamp is None or value is None or encapsulated is None:
        return None
    method = stamp.find("ds:CanonicalizationMethod", _N)
    algorithm = method.get("Algorithm") if method is not None else _C14N_10
    try:
        token = _base64("".join(encapsulated.itertext()))
    except ValueError:
        token = b""
    if algorithm not in _C14N_MODES:
        token = b""  # an unknown canonicalisation: the time-stamp cannot be checked
    exclusive, comments = _C14N_MODES.get(algorithm, (False, False))
    canonical = etree.tostring(value, method="c14n", exclusive=exclusive, with_comments=comments)
    return timestamp_existence(token, bytes(canonical), ctx)


def _signature_problem(
    document: bytes, signature: etree._Element, leaf: x509.Certificate
) -> str | None:
    """Why the enveloped signature does not hold, or None when it does."""
    references = signature.findall("ds:SignedInfo/ds:Reference", _N)
    if not 1 <= len(references) <= MAX_REFERENCES:
        return f"the signature has {len(references)} references"
    if not any(reference.get("URI") == "" for reference in references):
        # Only a reference to the whole document proves the credential itself was sealed.
        return "the signature does not cover the whole credential"
    xades = signature.find(".//xades:QualifyingProperties", _N) is not None
    verifier = XAdESVerifier() if xades else XMLVerifier()
    # Only the signature is judged here: the certificate's dates are the trust check's concern.
    config = XAdESSignatureConfiguration(
        expect_references=len(references), verification_time=leaf.not_valid_before_utc
    )
    try:
        verifier.verify(document, x509_cert=leaf, expect_config=config)
    except (InvalidSignature, InvalidInput) as error:
        return str(error) or type(error).__name__
    return None


def _certificates(signature: etree._Element) -> tuple[x509.Certificate, ...]:
    encoded = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", _N)
    if not encoded:
        raise CredentialFormatError("the signature carries no X.509 certificate")
    if len(encoded) > MAX_CERTIFICATES:
        raise CredentialFormatError("the signature carries too many certificates")
    try:
        found = [
            x509.load_der_x509_certificate(_base64("".join(item.itertext()))) for item in encoded
        ]
    except ValueError as error:
        raise CredentialFormatError(f"a certificate cannot be read: {error}") from None
    # The leaf is the certificate that issued no other one in the list.
    issuers = {certificate.issuer for certificate in found}
    leaves = [c for c in found if c.subject not in issuers or len(found) == 1]
    leaf = leaves[0] if leaves else found[0]
    return (leaf, *(c for c in found if c is not leaf))


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None


def _format_failure(detail: str) -> Check:
    return make_check(
        "format",
        CheckStatus.FAILED,
        "This is not a readable sealed European Digital Credential.",
        "To nie jest czytelne opieczętowane Europejskie Poświadczenie Cyfrowe.",
        detail=detail,
    )


def _key_failure(detail: str) -> Check:
    return make_check(
        "key_resolution",
        CheckStatus.FAILED,
        "The seal does not carry a usable certificate.",
        "Pieczęć nie zawiera użytecznego certyfikatu.",
        detail=detail,
    )


def _unsealed() -> Check:
    return make_check(
        "proof",
        CheckStatus.SKIPPED,
        "This credential carries no seal or signature, so nobody can confirm who issued it.",
        "To poświadczenie nie ma pieczęci ani podpisu, więc nie da się potwierdzić wystawcy.",
    )
