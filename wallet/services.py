"""The long-lived objects one app instance wires together (database, mailer, …)."""

from __future__ import annotations

from dataclasses import dataclass

from wallet.config import Settings
from wallet.db import Database
from wallet.mail import Mailer


@dataclass
class Services:
    """What route handlers hand to services: built once by ``create_app``."""

    settings: Settings
    database: Database
    mailer: Mailer
