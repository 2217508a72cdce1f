"""A time-stamping authority for tests: RFC 3161 tokens over given bytes, at a chosen time."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from asn1crypto import cms, tsp
from asn1crypto import x509 as asn1_x509

from tests.support.jose_issuer import CertifiedKey


def timestamp_token(
    message: bytes, tsa: CertifiedKey, at: dt.datetime, *, chain: tuple[CertifiedKey, ...] = ()
) -> bytes:
    """A DER ``TimeStampToken`` saying ``message`` existed at ``at``, signed by ``tsa`` (RS256)."""
    info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": "1.3.6.1.4.1.99999.1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": hashlib.sha256(message).digest(),
            },
            "serial_number": secrets.randbits(63),
            "gen_time": at,
        }
    )
    attributes = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "message_digest", "values": [hashlib.sha256(info.dump()).digest()]},
        ]
    )
    certificate = asn1_x509.Certificate.load(tsa.der)
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                name="issuer_and_serial_number",
                value={
                    "issuer": certificate.issuer,
                    "serial_number": certificate.serial_number,
                },
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": attributes,
            "signature_algorithm": {"algorithm": "rsassa_pkcs1v15"},
            "signature": tsa.key.sign(attributes.dump(), "RS256"),
        }
    )
    signed = cms.SignedData(
        {
            "version": "v3",
            "digest_algorithms": [{"algorithm": "sha256"}],
            "encap_content_info": {"content_type": "tst_info", "content": info},
            "certificates": [certificate, *(asn1_x509.Certificate.load(c.der) for c in chain)],
            "signer_infos": [signer],
        }
    )
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())
