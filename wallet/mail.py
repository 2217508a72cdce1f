"""Outgoing mail: SMTP when configured, otherwise files in a mail folder (and a log line)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingMail:
    """One plain-text message."""

    to: str
    subject: str
    body: str


class Mailer(Protocol):
    """Sends mail; implementations decide where it goes."""

    def send(self, mail: OutgoingMail) -> None: ...


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The RFC 5322 message for ``mail``."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    return message


@dataclass(frozen=True)
class SmtpMailer:
    """Delivers through an SMTP server given as ``smtp://user:pass@host:port`` or ``smtps://``."""

    url: str
    sender: str
    timeout: float = 15.0

    def send(self, mail: OutgoingMail) -> None:
        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        message = build_message(mail, self.sender)
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=self.timeout)
        else:
            client = smtplib.SMTP(host, parts.port or 25, timeout=self.timeout)
        with client:
            if parts.scheme == "smtp" and "starttls" in parts.query:
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)


@dataclass(frozen=True)
class FolderMailer:
    """Writes each message to ``folder`` as an .eml file so that a local run needs no server."""

    folder: Path
    sender: str

    def send(self, mail: OutgoingMail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}.eml"
        path.write_bytes(bytes(build_message(mail, self.sender)))
        logger.warning("mail to %s written to %s (no WALLET_SMTP_URL set)", mail.to, path)


def create_mailer(smtp_url: str | None, sender: str, mail_dir: Path) -> Mailer:
    """The mailer the configuration asks for."""
    if smtp_url:
        return SmtpMailer(smtp_url, sender)
    return FolderMailer(mail_dir, sender)
