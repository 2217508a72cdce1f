"""The start page and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from wallet import accounts
from wallet.config import LANGUAGES
from wallet.i18n import SESSION_KEY
from wallet.routes.forms import LanguageForm
from wallet.routes.scope import db_session, user
from wallet.routes.urls import safe_next

bp = Blueprint("main", __name__)


@bp.get("/")
def index() -> str | Response:
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("main/index.html")


@bp.post("/language")
def set_language() -> Response:
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("main.index")
    if form.validate_on_submit() and form.language.data in LANGUAGES:
        session[SESSION_KEY] = form.language.data
        if current_user.is_authenticated:
            accounts.set_language(user(), form.language.data, LANGUAGES)
            db_session().commit()
    return redirect(target)
