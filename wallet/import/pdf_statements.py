"""What a PDF certificate states about itself, found by a simple, documented heuristic.

Certificates put their facts on labelled lines ("Wystawca: …", "Issued to: …"). The first line
whose label matches gives each fact; the title is the document's XMP or Info title, else the
first line of text; the issuer falls back to the Info author. Nothing found here is verified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .pdf_document import PdfContents

_LABELS = {
    "holder": r"dla|for|awarded to|issued to|presented to|przyznany dla|wydany dla|"
    r"uczestnik|uczestniczka|imię i nazwisko|name",
    "issuer": r"wystawca|wystawiony przez|wydany przez|organizator|issuer|issued by|awarded by",
    "issued": r"data wydania|data wystawienia|data|date of issue|issue date|issued on|date",
}
_LABELLED = {
    fact: re.compile(rf"^\s*(?:{labels})\s*[:\-–]\s*(?P<value>.+?)\s*$", re.IGNORECASE)
    for fact, labels in _LABELS.items()
}
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_EUROPEAN_DATE = re.compile(r"(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})")
_MAX_FACT_CHARS = 300


@dataclass(frozen=True)
class StatedFacts:
    """The title, issuer, holder and date a PDF states; ``None`` where nothing was found."""

    title: str | None
    issuer: str | None
    holder: str | None
    issued: date | None


def stated_facts(contents: PdfContents) -> StatedFacts:
    """Apply the heuristic to what ``read_pdf`` found."""
    lines = [line.strip() for line in contents.text.splitlines() if line.strip()]
    labelled = {fact: _first_labelled(lines, pattern) for fact, pattern in _LABELLED.items()}
    title = contents.xmp_title or contents.info.get("title") or (lines[0] if lines else None)
    issuer = labelled["issuer"] or contents.info.get("author")
    return StatedFacts(
        title=_clip(title),
        issuer=_clip(issuer),
        holder=_clip(labelled["holder"]),
        issued=parse_stated_date(labelled["issued"]) if labelled["issued"] else None,
    )


def parse_stated_date(text: str) -> date | None:
    """A date written as 2026-05-14, 14.05.2026, 14/05/2026 or 14-05-2026."""
    for pattern in (_ISO_DATE, _EUROPEAN_DATE):
        found = pattern.search(text)
        if found is None:
            continue
        try:
            return date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            return None
    return None


def _first_labelled(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    for line in lines:
        found = pattern.match(line)
        if found is not None:
            return found["value"]
    return None


def _clip(text: str | None) -> str | None:
    return text[:_MAX_FACT_CHARS] if text else None
