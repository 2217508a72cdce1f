"""Trust anchors for sealed credentials: certificates read from PEM or DER files."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from wallet.errors import ConfigurationError, ValidationError

CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def read_certificate(path: Path) -> bytes:
    """The DER bytes of the certificate in ``path`` (PEM or DER); ``ValidationError`` if not."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"cannot read {path}: {error.strerror}") from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)
        return x509.load_der_x509_certificate(data).public_bytes(Encoding.DER)
    except ValueError:
        raise ValidationError(f"{path} is not a PEM or DER certificate") from None


def read_trust_anchors(folder: Path | None) -> tuple[bytes, ...]:
    """Every certificate file in ``folder`` (none when no folder is configured)."""
    if folder is None:
        return ()
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in CERTIFICATE_SUFFIXES)
    try:
        return tuple(read_certificate(path) for path in files)
    except ValidationError as error:
        raise ConfigurationError(f"WALLET_TRUST_ANCHORS: {error.detail}") from None
