"""Confirming a DID by a signed presentation (DIDAuth): thin handlers over ``wallet.backup``.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import FileStorage

from wallet.backup import challenges, didauth
from wallet.errors import WalletError
from wallet.models.base import utcnow
from wallet.routes.forms import DidAuthForm
from wallet.routes.scope import db_session, services, settings, user
from wallet.services import REQUEST_FETCH_SECONDS

bp = Blueprint("didauth", __name__, url_prefix="/account/did")


def _domain() -> str:
    """What presentations are bound to: this instance's public origin."""
    address = urlsplit(settings().base_url)
    return f"{address.scheme}://{address.netloc}"


def _page(form: DidAuthForm | None = None) -> ResponseReturnValue:
    challenge = challenges.current_challenge(db_session(), user().id, _domain(), utcnow())
    db_session().commit()
    form = form or DidAuthForm(formdata=None)
    form.challenge.data = challenge.challenge
    status = 400 if form.errors else 200
    return render_template("didauth/confirm.html", form=form, challenge=challenge), status


@bp.get("")
@login_required
def confirm_page() -> ResponseReturnValue:
    return _page()


@bp.post("")
@login_required
def confirm() -> ResponseReturnValue:
    form = DidAuthForm()
    if form.validate_on_submit():
        upload: FileStorage | None = form.presentation_file.data
        text = form.presentation.data or ""
        if upload is not None and upload.filename:
            text = upload.read(didauth.MAX_PRESENTATION_BYTES + 1).decode("utf-8", "replace")
        ctx = services().verification_context(
            frozenset(), utcnow(), fetch_seconds=REQUEST_FETCH_SECONDS
        )
        try:
            confirmed = didauth.confirm_did(
                db_session(), user().id, form.challenge.data or "", text, ctx
            )
        except WalletError as error:
            db_session().rollback()
            form.presentation.errors = [_(error.message)]
        else:
            db_session().commit()
            flash(_("%(value)s is confirmed.", value=confirmed.value), "success")
            return redirect(url_for("account.settings_page"))
    return _page(form)
