"""Certificate revocation lists fetched online, only through the wallet's guarded fetcher.

pyHanko's certificate validator asks these fetchers for revocation data. Only CRLs published at
an http(s) distribution point are fetched (a plain GET through ``Fetcher``, with its address
guard, deadline and size cap); OCSP and fetching missing issuer certificates are not offered,
so the validator falls back to the CRL or reports revocation as unknown.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Iterable
from typing import TypeAlias

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator.authority import Authority
from pyhanko_certvalidator.errors import CRLFetchError, OCSPFetchError
from pyhanko_certvalidator.fetchers.api import (
    CertificateFetcher,
    CRLFetcher,
    Fetchers,
    OCSPFetcher,
)

from wallet.errors import FetchError
from wallet.fetching import Fetcher

logger = logging.getLogger(__name__)

MAX_CRL_BYTES = 5 * 1024 * 1024
MAX_DISTRIBUTION_POINTS = 3
_Certificate: TypeAlias = asn1_x509.Certificate | cms.AttributeCertificateV2


def guarded_fetchers(fetcher: Fetcher) -> Fetchers:
    """Fetchers for pyHanko's validator that reach the network only through ``fetcher``."""
    return Fetchers(
        ocsp_fetcher=_NoOcsp(),
        crl_fetcher=GuardedCrlFetcher(fetcher),
        cert_fetcher=_NoCertificates(),
    )


class GuardedCrlFetcher(CRLFetcher):
    """Fetch each certificate's CRLs from its http(s) distribution points."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._by_certificate: dict[bytes, list[asn1_crl.CertificateList]] = {}

    async def fetch(
        self, cert: _Certificate, *, use_deltas: bool | None = None
    ) -> Iterable[asn1_crl.CertificateList]:
        key = cert.dump()
        if key not in self._by_certificate:
            self._by_certificate[key] = self._download(cert)
        return self._by_certificate[key]

    def fetched_crls(self) -> Iterable[asn1_crl.CertificateList]:
        return [found for lists in self._by_certificate.values() for found in lists]

    def fetched_crls_for_cert(self, cert: _Certificate) -> Iterable[asn1_crl.CertificateList]:
        # A KeyError tells the validator that nothing was fetched for ``cert`` yet.
        return self._by_certificate[cert.dump()]

    def _download(self, cert: _Certificate) -> list[asn1_crl.CertificateList]:
        urls = distribution_point_urls(cert)[:MAX_DISTRIBUTION_POINTS]
        if not urls:
            raise CRLFetchError("the certificate names no http(s) CRL distribution point")
        found = []
        for url in urls:
            try:
                fetched = self._fetcher.fetch(
                    url, accept="application/pkix-crl", max_bytes=MAX_CRL_BYTES
                )
                if fetched.status == 200:
                    found.append(asn1_crl.CertificateList.load(fetched.body))
            except (FetchError, ValueError) as error:
                logger.info("CRL at %s could not be used: %s", url, error)
        if not found:
            raise CRLFetchError("no CRL could be fetched from the distribution points")
        return found


def distribution_point_urls(cert: _Certificate) -> list[str]:
    """The http(s) URLs of a certificate's CRL distribution points."""
    if not isinstance(cert, asn1_x509.Certificate):
        return []
    urls: list[str] = []
    # asn1crypto lists a point once for each URI it names: keep each URL once, so a point
    # with several URIs neither is fetched again nor uses up the cap before the next point.
    for point in cert.crl_distribution_points or ():
        name = point["distribution_point"]
        if name.name != "full_name":
            continue
        for general in name.chosen:
            value = general.native if general.name == "uniform_resource_identifier" else None
            if not isinstance(value, str) or value in urls:
                continue
            if value.lower().startswith(("http://", "https://")):
                urls.append(value)
    return urls


class _NoOcsp(OCSPFetcher):
    async def fetch(self, cert: _Certificate, authority: Authority) -> asn1_ocsp.OCSPResponse:
        raise OCSPFetchError("OCSP is not queried")

    def fetched_responses(self) -> Iterable[asn1_ocsp.OCSPResponse]:
        return []

    def fetched_responses_for_cert(self, cert: _Certificate) -> Iterable[asn1_ocsp.OCSPResponse]:
        return []


class _NoCertificates(CertificateFetcher):
    async def fetch_cert_issuers(
        self, cert: _Certificate
    ) -> AsyncGenerator[asn1_x509.Certificate, None]:
        for _ in ():
            yield _

    async def fetch_crl_issuers(
        self, certificate_list: asn1_crl.CertificateList
    ) -> AsyncGenerator[asn1_x509.Certificate, None]:
        for _ in ():
            yield _

    def fetched_certs(self) -> Iterable[asn1_x509.Certificate]:
        return []
