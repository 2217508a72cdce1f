"""What a verification run needs from outside: the network, the clock and the holder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wallet.fetching import Fetcher
from wallet.verification.jsonld import ContextStore


@dataclass(frozen=True)
class RecipientClaims:
    """Who a holder is, as the recipient check sees it (values as stored, canonical)."""

    confirmed: frozenset[str] = frozenset()
    unconfirmed: frozenset[str] = frozenset()
    elsewhere: frozenset[str] = frozenset()


@dataclass(frozen=True)
class VerificationContext:
    """Injected inputs of every verifier.

    ``at`` is the instant dates and status are judged at; ``recipients`` are the holder's
    confirmed identifiers, ``unconfirmed`` the ones they added but have not confirmed, and
    ``elsewhere`` the identifiers other accounts have confirmed; ``strict_contexts`` refuses
    JSON-LD contexts that are not bundled;
    ``trust_anchors`` are DER certificates that seals of European Digital Credentials may chain to;
    ``web_scheme`` is "http" only where loopback did:web hosts are allowed (local test issuers);
    ``context_store`` pins the non-bundled JSON-LD contexts fetched so far.
    """

    fetcher: Fetcher
    at: datetime
    recipients: frozenset[str] = field(default_factory=frozenset)
    unconfirmed: frozenset[str] = field(default_factory=frozenset)
    elsewhere: frozenset[str] = field(default_factory=frozenset)
    strict_contexts: bool = False
    trust_anchors: tuple[bytes, ...] = ()
    web_scheme: str = "https"
    context_store: ContextStore | None = None
