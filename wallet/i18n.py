"""Interface language: the user's choice, then the browser's Accept-Language, then Polish."""

from __future__ import annotations

from flask import request, session
from flask_babel import get_locale
from flask_login import current_user

from wallet.config import LANGUAGES

SESSION_KEY = "language"


def select_locale() -> str:
    """The language to render this request in."""
    if current_user.is_authenticated and current_user.language in LANGUAGES:
        return str(current_user.language)
    chosen = session.get(SESSION_KEY)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or LANGUAGES[0]


def current_language() -> str:
    """The language of the current request, for templates (``<html lang>``)."""
    return str(get_locale())
