"""The long-lived objects one app instance wires together (database, mailer, network, …)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wallet.config import Settings
from wallet.db import Database
from wallet.fetching import Fetcher, SafeFetcher
from wallet.mail import Mailer
from wallet.search import SearchIndex
from wallet.search.indexing import indexed_search
from wallet.verification.context import RecipientClaims, VerificationContext
from wallet.verification.jsonld import ContextStore, FileContextStore
from wallet.verification.trust import read_trust_anchors


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

    def verification_context(self, claims: RecipientClaims, at: datetime) -> VerificationContext:
        """Inputs for verifying a holder's credentials at instant ``at``."""
        return VerificationContext(
            fetcher=self.fetcher,
            at=at,
            recipients=claims.confirmed,
            unconfirmed=claims.unconfirmed,
            elsewhere=claims.elsewhere,
            strict_contexts=self.settings.strict_contexts,
            trust_anchors=self.trust_anchors,
            web_scheme="http" if self.settings.allow_loopback_fetch else "https",
            context_store=self.context_store,
        )
