"""The long-lived objects one app instance wires together (database, mailer, network, …)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wallet.config import Settings
from wallet.db import Database
from wallet.fetching import Fetcher, SafeFetcher, bounded_fetcher
from wallet.mail import Mailer
from wallet.search import SearchIndex
from wallet.search.indexing import indexed_search
from wallet.verification.context import RecipientClaims, VerificationContext
from wallet.verification.jsonld import ContextStore, FileContextStore
from wallet.verification.trust import read_trust_anchors

# The longest a request waits on issuers' servers, all fetches together (an upload of one file,
# a URL import, "verify again").
REQUEST_FETCH_SECONDS = 15.0


@dataclass
class Services:
    """What route handlers hand to services: built once by ``create_app``."""

    settings: Settings
    database: Database
    mailer: Mailer
    fetcher: Fetcher = field(init=False)
    context_store: ContextStore = field(init=False)
    trust_anchors: tuple[bytes, ...] = field(init=False)
    search_index: SearchIndex = field(init=False)

    def __post_init__(self) -> None:
        self.fetcher = SafeFetcher(allow_loopback=self.settings.allow_loopback_fetch)
        self.context_store = FileContextStore(self.settings.contexts_dir)
        self.trust_anchors = read_trust_anchors(self.settings.trust_anchors_dir)
        self.search_index = indexed_search(
            self.settings.search_backend, self.settings.search_dir, self.database.sessions
        )

    def verification_context(
        self,
        claims: RecipientClaims | frozenset[str],
        at: datetime,
        *,
        fetch_seconds: float | None = None,
    ) -> VerificationContext:
        """Inputs for verifying a holder's credentials at instant ``at``.

        ``claims`` may be bare confirmed identifiers (none, for a visitor's check). With
        ``fetch_seconds``, every fetch ends that long from now at the latest.
        """
        if isinstance(claims, frozenset):
            claims = RecipientClaims(confirmed=claims)
        fetcher = self.fetcher if fetch_seconds is None else self.request_fetcher(fetch_seconds)
        return VerificationContext(
            fetcher=fetcher,
            at=at,
            recipients=claims.confirmed,
            unconfirmed=claims.unconfirmed,
            elsewhere=claims.elsewhere,
            strict_contexts=self.settings.strict_contexts,
            trust_anchors=self.trust_anchors,
            web_scheme="http" if self.settings.allow_loopback_fetch else "https",
            context_store=self.context_store,
        )

    def request_fetcher(self, seconds: float) -> Fetcher:
        """The fetcher, with all its fetches ending ``seconds`` from now."""
        return bounded_fetcher(self.fetcher, seconds)
