"""CRLs for PDF signatures: which distribution points are read, how, and what pyHanko is given."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable

import pytest
from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko_certvalidator.errors import CRLFetchError, OCSPFetchError

from tests.support import pdfs
from tests.support.httpserver import LocalServer
from tests.support.jose_issuer import CertifiedKey, make_ca
from wallet.fetching import Fetched, SafeFetcher
from wallet.verification.revocation_lists import (
    MAX_CRL_BYTES,
    MAX_DISTRIBUTION_POINTS,
    GuardedCrlFetcher,
    distribution_point_urls,
    guarded_fetchers,
)

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def ca() -> CertifiedKey:
    return make_ca("Krajowe Centrum Testowe", at=NOW)


@pytest.fixture(scope="module")
def crl(ca: CertifiedKey) -> bytes:
    return pdfs.revocation_list(ca)


def certificate(ca: CertifiedKey, *points: x509.DistributionPoint) -> asn1_x509.Certificate:
    """A certificate from ``ca`` naming ``points`` as its CRL distribution points."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(ca.certificate.subject)
        .issuer_name(ca.certificate.subject)
        .public_key(ca.certificate.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=1))
    )
    if points:
        builder = builder.add_extension(x509.CRLDistributionPoints(list(points)), critical=False)
    signed = builder.sign(ca.key.private_key, hashes.SHA256())  # type: ignore[arg-type]
    return asn1_x509.Certificate.load(signed.public_bytes(Encoding.DER))


def point(*uris: str) -> x509.DistributionPoint:
    return x509.DistributionPoint(
        [x509.UniformResourceIdentifier(u) for u in uris], None, None, None
    )


def fetch(fetcher: GuardedCrlFetcher, cert: asn1_x509.Certificate) -> list[bytes]:
    return [found.dump() for found in asyncio.run(fetcher.fetch(cert))]


class RecordingFetcher:
    """Answers every URL with ``body`` and records how it was asked."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.calls: list[tuple[str, str, int | None]] = []

    def fetch(self, url: str, *, accept: str = "*/*", max_bytes: int | None = None) -> Fetched:
        self.calls.append((url, accept, max_bytes))
        return Fetched(url, 200, "application/pkix-crl", self.body)


def test_distribution_points_are_the_http_and_https_uris_of_full_names(ca: CertifiedKey) -> None:
    relative = x509.DistributionPoint(
        None,
        x509.RelativeDistinguishedName([x509.NameAttribute(x509.NameOID.COMMON_NAME, "CRL")]),
        None,
        None,
    )
    directory = x509.DistributionPoint(
        [x509.DirectoryName(ca.certificate.subject)], None, None, None
    )
    # Other kinds of name beside a URI: a directory name, and a DNS name that reads as a URL.
    mixed = x509.DistributionPoint(
        [
            x509.DirectoryName(ca.certificate.subject),
            x509.DNSName("http://dns.example.org/x.crl"),
            x509.UniformResourceIdentifier("http://crl.example.org/m.crl"),
        ],
        None,
        None,
        None,
    )
    cert = certificate(
        ca,
        point("ldap://ldap.example.org/cn=CA", "HTTP://crl.example.org/a.crl"),
        relative,
        directory,
        mixed,
        point("https://crl.example.org/b.crl", "ftp://crl.example.org/c.crl"),
        point("Https://crl.example.org/d.crl", "httpx://crl.example.org/e.crl"),
    )
    # asn1crypto gives URIs with their scheme in lower case.
    assert distribution_point_urls(cert) == [
        "http://crl.example.org/a.crl",
        "http://crl.example.org/m.crl",
        "https://crl.example.org/b.crl",
        "https://crl.example.org/d.crl",
    ]


def test_distribution_points_with_several_uris_give_each_url_once(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    for path in ("/a.crl", "/b.crl", "/c.crl", "/d.crl"):
        http_server.serve(path, crl)
    a, b, c, d = (http_server.url(path) for path in ("/a.crl", "/b.crl", "/c.crl", "/d.crl"))
    cert = certificate(ca, point(a, a, b), point(b), point(c, d))
    assert distribution_point_urls(cert) == [a, b, c, d]
    assert fetch(GuardedCrlFetcher(fetcher), cert) == [crl, crl, crl]
    assert http_server.requests == ["/a.crl", "/b.crl", "/c.crl"]


def test_distribution_points_of_a_certificate_without_them_are_none(ca: CertifiedKey) -> None:
    assert distribution_point_urls(certificate(ca)) == []
    assert distribution_point_urls(cms.AttributeCertificateV2()) == []


def test_crls_are_asked_for_as_pkix_crl_within_the_cap(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    http_server.serve("/ca.crl", crl, content_type="application/pkix-crl")
    cert = certificate(ca, point(http_server.url("/ca.crl")))
    assert fetch(GuardedCrlFetcher(fetcher), cert) == [crl]
    assert http_server.requests == ["/ca.crl"]
    assert http_server.request_headers[0]["Accept"] == "application/pkix-crl"

    recording = RecordingFetcher(crl)
    fetch(GuardedCrlFetcher(recording), cert)
    assert recording.calls == [(http_server.url("/ca.crl"), "application/pkix-crl", MAX_CRL_BYTES)]
    assert MAX_CRL_BYTES == 5 * 1024 * 1024


def test_crls_are_read_from_the_first_three_distribution_points_only(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    paths = [f"/{n}.crl" for n in range(MAX_DISTRIBUTION_POINTS + 1)]
    for path in paths:
        http_server.serve(path, crl)
    cert = certificate(ca, *(point(http_server.url(path)) for path in paths))
    assert fetch(GuardedCrlFetcher(fetcher), cert) == [crl, crl, crl]
    assert http_server.requests == paths[:3]
    assert MAX_DISTRIBUTION_POINTS == 3


def test_crls_that_cannot_be_used_are_logged_and_the_others_kept(
    ca: CertifiedKey,
    crl: bytes,
    http_server: LocalServer,
    fetcher: SafeFetcher,
    caplog: pytest.LogCaptureFixture,
) -> None:
    http_server.serve("/gone.crl", crl, status=404)
    http_server.serve("/broken.crl", b"not a CRL")
    http_server.serve("/ca.crl", crl)
    cert = certificate(
        ca,
        point(http_server.url("/gone.crl"), http_server.url("/broken.crl")),
        point(http_server.url("/ca.crl")),
    )
    with caplog.at_level(logging.INFO, logger="wallet.verification.revocation_lists"):
        assert fetch(GuardedCrlFetcher(fetcher), cert) == [crl]
    assert http_server.requests == ["/gone.crl", "/broken.crl", "/ca.crl"]
    [record] = [r for r in caplog.records if r.name == "wallet.verification.revocation_lists"]
    broken = http_server.url("/broken.crl")
    assert record.getMessage() == (
        f"CRL at {broken} could not be used: "
        "Insufficient data - 111 bytes requested but only 7 available"
    )
    assert record.levelno == logging.INFO


def test_crl_answered_other_than_200_is_not_used(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    http_server.serve("/created.crl", crl, status=201)
    with pytest.raises(CRLFetchError) as raised:
        fetch(GuardedCrlFetcher(fetcher), certificate(ca, point(http_server.url("/created.crl"))))
    assert str(raised.value) == "no CRL could be fetched from the distribution points"


def test_crl_refused_by_the_fetcher_is_logged(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    http_server.serve("/ca.crl", crl)
    cert = certificate(ca, point(http_server.url("/ca.crl")))
    with (
        caplog.at_level(logging.INFO, logger="wallet.verification.revocation_lists"),
        pytest.raises(CRLFetchError) as raised,
    ):
        fetch(GuardedCrlFetcher(SafeFetcher()), cert)
    assert str(raised.value) == "no CRL could be fetched from the distribution points"
    assert http_server.requests == []
    [record] = [r for r in caplog.records if r.name == "wallet.verification.revocation_lists"]
    assert record.getMessage().startswith(
        f"CRL at {http_server.url('/ca.crl')} could not be used: "
    )


def test_certificate_without_http_distribution_points_is_refused_unfetched(
    ca: CertifiedKey, crl: bytes
) -> None:
    recording = RecordingFetcher(crl)
    with pytest.raises(CRLFetchError) as raised:
        fetch(GuardedCrlFetcher(recording), certificate(ca, point("ldap://ldap.example.org/")))
    assert str(raised.value) == "the certificate names no http(s) CRL distribution point"
    assert recording.calls == []


def test_crls_are_fetched_once_per_certificate_and_listed(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    other_crl = pdfs.revocation_list(make_ca("Inne Centrum", at=NOW))
    http_server.serve("/a.crl", crl)
    http_server.serve("/b.crl", other_crl)
    first = certificate(ca, point(http_server.url("/a.crl")))
    second = certificate(ca, point(http_server.url("/b.crl")))
    crls = GuardedCrlFetcher(fetcher)
    with pytest.raises(KeyError):
        crls.fetched_crls_for_cert(first)
    assert list(crls.fetched_crls()) == []

    assert fetch(crls, first) == [crl]
    assert fetch(crls, first) == [crl]
    assert fetch(crls, second) == [other_crl]
    assert http_server.requests == ["/a.crl", "/b.crl"]
    assert dumps(crls.fetched_crls_for_cert(first)) == [crl]
    assert dumps(crls.fetched_crls_for_cert(second)) == [other_crl]
    assert dumps(crls.fetched_crls()) == [crl, other_crl]


def dumps(lists: Iterable[asn1_crl.CertificateList]) -> list[bytes]:
    return [found.dump() for found in lists]


def test_guarded_fetchers_fetch_crls_only(
    ca: CertifiedKey, crl: bytes, http_server: LocalServer, fetcher: SafeFetcher
) -> None:
    http_server.serve("/ca.crl", crl)
    cert = certificate(ca, point(http_server.url("/ca.crl")))
    fetchers = guarded_fetchers(fetcher)

    assert [found.dump() for found in asyncio.run(fetchers.crl_fetcher.fetch(cert))] == [crl]
    assert http_server.requests == ["/ca.crl"]

    with pytest.raises(OCSPFetchError) as raised:
        asyncio.run(fetchers.ocsp_fetcher.fetch(cert, None))  # type: ignore[arg-type]
    assert str(raised.value) == "OCSP is not queried"
    assert list(fetchers.ocsp_fetcher.fetched_responses()) == []
    assert list(fetchers.ocsp_fetcher.fetched_responses_for_cert(cert)) == []

    async def issuers() -> tuple[list[asn1_x509.Certificate], list[asn1_x509.Certificate]]:
        certs = [found async for found in fetchers.cert_fetcher.fetch_cert_issuers(cert)]
        crl_list = asn1_crl.CertificateList.load(crl)
        by_crl = [found async for found in fetchers.cert_fetcher.fetch_crl_issuers(crl_list)]
        return certs, by_crl

    assert asyncio.run(issuers()) == ([], [])
    assert list(fetchers.cert_fetcher.fetched_certs()) == []
    assert http_server.requests == ["/ca.crl"]
