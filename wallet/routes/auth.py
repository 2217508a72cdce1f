"""Registration, log-in, log-out and password reset by email."""

from __future__ import annotations

import logging
import smtplib

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from wallet import accounts, identifiers, recovery
from wallet.errors import WalletError
from wallet.extensions import limiter
from wallet.models import HolderIdentifier, IdentifierKind
from wallet.routes.account import send_confirmation
from wallet.routes.forms import ForgotPasswordForm, LoginForm, RegisterForm, ResetPasswordForm
from wallet.routes.scope import db_session, services, settings, user
from wallet.routes.urls import safe_next

bp = Blueprint("auth", __name__)
logger = logging.getLogger(__name__)


def _login_limit() -> str:
    return settings().login_rate_limit


# Per address asked about, whether or not an account uses it: the limit reveals nothing.
RESET_MAILS_PER_ADDRESS = "3 per hour"


def _asked_address() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


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
    if current_user.is_authenticated:
        # A copy of this cookie must not outlive the log-out.
        accounts.end_sessions(user())
        db_session().commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(RESET_MAILS_PER_ADDRESS, methods=["POST"], key_func=_asked_address)
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        found = recovery.account_for_reset(db_session(), form.email.data or "")
        db_session().commit()
        if found is not None:
            token = recovery.reset_token(settings().secret_key, found)
            link = settings().base_url + url_for("auth.reset_password", token=token)
            services().mailer.send(recovery.reset_mail(found, link, str(get_locale())))
        # The same answer for every address, so the form tells no one who has an account.
        flash(
            _(
                "If an account uses this address, we have sent it a link to set a new password. "
                "The link works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str) -> ResponseReturnValue:
    max_age = recovery.RESET_MAX_AGE_SECONDS
    secret = settings().secret_key
    recovery.user_for_token(db_session(), token, secret_key=secret, max_age=max_age)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            recovery.reset_password(
                db_session(), token, form.password.data or "", secret_key=secret, max_age=max_age
            )
        except WalletError as error:
            form.password.errors = [_(error.message)]
        else:
            db_session().commit()
            logout_user()
            flash(_("Your password has been changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, token=token), 400 if form.errors else 200
