"""Registration, log-in and log-out."""

from __future__ import annotations

import logging
import smtplib

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from wallet import accounts, identifiers
from wallet.errors import WalletError
from wallet.extensions import limiter
from wallet.models import HolderIdentifier, IdentifierKind
from wallet.routes.account import send_confirmation
from wallet.routes.forms import LoginForm, RegisterForm
from wallet.routes.scope import db_session, settings
from wallet.routes.urls import safe_next

bp = Blueprint("auth", __name__)
logger = logging.getLogger(__name__)


def _login_limit() -> str:
    return settings().login_rate_limit


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            new_user = accounts.register_user(
                db_session(),
                email=form.email.data or "",
                password=form.password.data or "",
                display_name=form.display_name.data or "",
            )
        except WalletError as error:
            form.email.errors = [*form.email.errors, _(error.message)]
        else:
            address = identifiers.add_identifier(
                db_session(), new_user, IdentifierKind.EMAIL, new_user.email
            )
            db_session().commit()
            login_user(new_user)
            flash(_("Welcome to Plecak. Your account is ready."), "success")
            _send_registration_confirmation(address)
            return redirect(url_for("main.index"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


def _send_registration_confirmation(address: HolderIdentifier) -> None:
    # The account exists whatever the mail server does; the account page can send it again.
    try:
        send_confirmation(address)
    except (OSError, smtplib.SMTPException):
        logger.exception("mailing the confirmation link to user %s failed", address.user_id)
        flash(_("We could not send the confirmation link; send it again from your account."))
    else:
        flash(_("We have sent a confirmation link to %(email)s.", email=address.value))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            found = accounts.authenticate(
                db_session(), email=form.email.data or "", password=form.password.data or ""
            )
        except WalletError as error:
            form.password.errors = [_(error.message)]
        else:
            db_session().commit()
            login_user(found)
            return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template("auth/login.html", form=form), 401 if form.errors else 200


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
