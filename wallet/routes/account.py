"""The account page: password, recipient identifiers, deletion.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from wallet import accounts, identifiers
from wallet.errors import WalletError
from wallet.models import HolderIdentifier, IdentifierKind
from wallet.models.base import utcnow
from wallet.routes.forms import ChangePasswordForm, DeleteAccountForm, EmptyForm, IdentifierForm
from wallet.routes.scope import db_session, services, settings, user

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(**forms: object) -> ResponseReturnValue:
    # Forms other than the submitted one render empty, not with the posted values.
    defaults = {
        "password_form": ChangePasswordForm(formdata=None),
        "delete_form": DeleteAccountForm(formdata=None),
        "identifier_form": IdentifierForm(formdata=None),
        "button_form": EmptyForm(formdata=None),
    }
    defaults.update(forms)
    status = 400 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return render_template("account/settings.html", **defaults), status


@bp.get("")
@login_required
def settings_page() -> ResponseReturnValue:
    return _page()


@bp.post("/password")
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                user(), current=form.current.data or "", new=form.new.data or ""
            )
        except WalletError as error:
            form.current.errors = [_(error.message)]
        else:
            db_session().commit()
            # Every other session has ended; this one goes on under the new session id.
            login_user(user())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("account.settings_page"))
    return _page(password_form=form)


@bp.post("/delete")
@login_required
def delete() -> ResponseReturnValue:
    form = DeleteAccountForm()
    owner = user()
    if form.validate_on_submit():
        owner_id = owner.id
        try:
            accounts.delete_account(db_session(), owner, password=form.password.data or "")
        except WalletError as error:
            form.password.errors = [_(error.message)]
        else:
            db_session().commit()
            accounts.remove_user_files(settings().files_dir, owner_id)
            logout_user()
            flash(_("Your account and everything in it have been deleted."), "info")
            return redirect(url_for("auth.login"))
    return _page(delete_form=form)


@bp.post("/sessions/end")
@login_required
def end_sessions() -> Response:
    accounts.end_sessions(user())
    db_session().commit()
    logout_user()
    flash(_("You have been logged out everywhere, on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/identifiers")
@login_required
def add_identifier() -> ResponseReturnValue:
    form = IdentifierForm()
    if form.validate_on_submit():
        try:
            added = identifiers.add_identifier(
                db_session(), user(), IdentifierKind(form.kind.data), form.value.data or ""
            )
        except WalletError as error:
            form.value.errors = [_(error.message)]
        else:
            db_session().commit()
            if added.kind is IdentifierKind.EMAIL:
                send_confirmation(added)
                flash(_("We have sent a confirmation link to %(email)s.", email=added.value))
            return redirect(url_for("account.settings_page"))
    return _page(identifier_form=form)


@bp.post("/identifiers/<int:identifier_id>/resend")
@login_required
def resend_confirmation(identifier_id: int) -> Response:
    identifier = identifiers.get_identifier(db_session(), user(), identifier_id)
    if identifier.kind is IdentifierKind.EMAIL and not identifier.is_confirmed:
        send_confirmation(identifier)
        flash(_("We have sent a confirmation link to %(email)s.", email=identifier.value))
    return redirect(url_for("account.settings_page"))


@bp.post("/identifiers/<int:identifier_id>/delete")
@login_required
def remove_identifier(identifier_id: int) -> Response:
    identifiers.remove_identifier(db_session(), user(), identifier_id)
    db_session().commit()
    flash(_("The identifier has been removed."), "info")
    return redirect(url_for("account.settings_page"))


@bp.get("/confirm/<token>")
@login_required
def confirm(token: str) -> Response:
    confirmed = identifiers.confirm_identifier(
        db_session(),
        user(),
        token,
        secret_key=settings().secret_key,
        max_age=settings().confirm_max_age_seconds,
        now=utcnow(),
    )
    db_session().commit()
    flash(_("%(value)s is confirmed.", value=confirmed.value), "success")
    return redirect(url_for("account.settings_page"))


def send_confirmation(identifier: HolderIdentifier) -> None:
    """Mail the signed confirmation link of an email identifier (after the commit)."""
    token = identifiers.confirmation_token(settings().secret_key, identifier)
    link = settings().base_url + url_for("account.confirm", token=token)
    mail = identifiers.confirmation_mail(identifier, link, str(get_locale()))
    services().mailer.send(mail)
