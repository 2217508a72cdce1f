"""Polish and English catalogues hold a translation for every user-visible string."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "wallet" / "translations"
KEYWORDS = {
    "_": None,
    "_l": None,
    "N_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
}


def extracted_messages() -> set[str]:
    messages: set[str] = set()
    for folder, method in (("wallet", "python"), ("templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        found = extract_from_dir(
            ROOT / folder,
            method_map=[(pattern, method)],
            keywords=KEYWORDS,
            strip_comment_tags=True,
        )
        for _file, _line, message, _comments, _context in found:
            messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


@pytest.mark.parametrize("language", ["pl", "en"])
def test_catalogue_translates_every_extracted_string(language: str) -> None:
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue
        if message.id
        and message.string
        and not message.fuzzy
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    untranslated = sorted(extracted_messages() - translated)
    assert untranslated == [], f"untranslated in {language}: {untranslated}"


def test_extraction_finds_the_interface_strings() -> None:
    assert {
        "Log in",
        "Skip to main content",
        "Wrong email address or password.",
    } <= extracted_messages()
