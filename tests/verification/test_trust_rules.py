"""Trust anchors, rule by rule: which files of the folder are read, in what order, and each refusal.

Certificates are made in the test (a self-signed CA per anchor) and written as PEM or DER files
in a temporary folder; a certificate read is compared with its DER bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from tests.support.jose_issuer import CertifiedKey, make_ca
from wallet.errors import ConfigurationError, ValidationError
from wallet.verification.trust import read_certificate, read_trust_anchors

AT = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def anchors() -> list[CertifiedKey]:
    return [make_ca(f"Anchor {n}", at=AT) for n in range(6)]


def pem(anchor: CertifiedKey) -> bytes:
    return anchor.certificate.public_bytes(Encoding.PEM)


def test_read_certificate_pem_gives_its_der_bytes(
    tmp_path: Path, anchors: list[CertifiedKey]
) -> None:
    path = tmp_path / "anchor.pem"
    path.write_bytes(pem(anchors[0]))

    assert read_certificate(path) == anchors[0].der


def test_read_certificate_pem_after_explanatory_text_gives_its_der_bytes(
    tmp_path: Path, anchors: list[CertifiedKey]
) -> None:
    path = tmp_path / "anchor.crt"
    path.write_bytes(b"Subject: Anchor 0\nIssuer: Anchor 0\n" + pem(anchors[0]))

    assert read_certificate(path) == anchors[0].der


def test_read_certificate_der_gives_its_bytes(tmp_path: Path, anchors: list[CertifiedKey]) -> None:
    path = tmp_path / "anchor.der"
    path.write_bytes(anchors[1].der)

    assert read_certificate(path) == anchors[1].der


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a certificate",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        b"\x30\x03\x02\x01\x01",
    ],
    ids=["empty", "text", "bad-pem", "bad-der"],
)
def test_read_certificate_not_a_certificate_is_refused_naming_the_file(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "anchor.pem"
    path.write_bytes(content)

    with pytest.raises(ValidationError) as raised:
        read_certificate(path)

    assert raised.value.detail == f"{path} is not a PEM or DER certificate"


def test_read_certificate_missing_file_is_refused_with_the_system_reason(tmp_path: Path) -> None:
    path = tmp_path / "missing.pem"

    with pytest.raises(ValidationError) as raised:
        read_certificate(path)

    assert raised.value.detail == f"cannot read {path}: No such file or directory"


def test_read_trust_anchors_without_a_folder_is_empty() -> None:
    assert read_trust_anchors(None) == ()


def test_read_trust_anchors_empty_folder_is_empty(tmp_path: Path) -> None:
    assert read_trust_anchors(tmp_path) == ()


def test_read_trust_anchors_reads_every_certificate_suffix_in_name_order(
    tmp_path: Path, anchors: list[CertifiedKey]
) -> None:
    # Written neither in name order nor in its reverse, so the order read is the sort's.
    files = {
        "c.der": anchors[2].der,
        "a.pem": pem(anchors[0]),
        "e.CRT": pem(anchors[4]),
        "b.cer": anchors[1].der,
        "f.Pem": pem(anchors[5]),
        "d.crt": pem(anchors[3]),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)

    assert read_trust_anchors(tmp_path) == tuple(anchor.der for anchor in anchors)


@pytest.mark.parametrize("name", ["anchor.txt", "anchor.key", "pem", "anchor.pem.bak", "README"])
def test_read_trust_anchors_passes_over_files_of_other_suffixes(
    tmp_path: Path, anchors: list[CertifiedKey], name: str
) -> None:
    (tmp_path / "anchor.der").write_bytes(anchors[0].der)
    (tmp_path / name).write_bytes(b"not a certificate")

    assert read_trust_anchors(tmp_path) == (anchors[0].der,)


def test_read_trust_anchors_bad_file_is_a_configuration_error_naming_the_setting(
    tmp_path: Path, anchors: list[CertifiedKey]
) -> None:
    (tmp_path / "a.pem").write_bytes(pem(anchors[0]))
    (tmp_path / "b.pem").write_bytes(b"not a certificate")

    with pytest.raises(ConfigurationError) as raised:
        read_trust_anchors(tmp_path)

    expected = f"WALLET_TRUST_ANCHORS: {tmp_path / 'b.pem'} is not a PEM or DER certificate"
    assert raised.value.detail == expected


def test_read_trust_anchors_unreadable_entry_is_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "folder.pem").mkdir()

    with pytest.raises(ConfigurationError) as raised:
        read_trust_anchors(tmp_path)

    expected = f"WALLET_TRUST_ANCHORS: cannot read {tmp_path / 'folder.pem'}: Is a directory"
    assert raised.value.detail == expected
