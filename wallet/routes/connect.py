"""Connections to issuers' platforms: connect over the Open Badges 3.0 API, sync, remove.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

import logging
import time
from typing import cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from wallet.connect import connections
from wallet.connect.connections import ConnectConfig
from wallet.connect.discovery import MAX_ADDRESS_LENGTH
from wallet.connect.registration import SOFTWARE_ID, SOFTWARE_VERSION, ClientIdentity
from wallet.errors import ConfigurationError, WalletError
from wallet.fetching import HttpClient, SafeFetcher
from wallet.holder.job_runner import Runner
from wallet.models import ImportJob
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.scope import db_session, services, settings, user
from wallet.services import REQUEST_FETCH_SECONDS

bp = Blueprint("connect", __name__, url_prefix="/connect")
logger = logging.getLogger(__name__)


class ConnectForm(FlaskForm):
    address = StringField(
        _l("Address of the platform"),
        validators=[DataRequired(), Length(max=MAX_ADDRESS_LENGTH)],
    )


def http_client() -> HttpClient:
    """The guarded fetcher, with all of a request's exchanges sharing one time budget."""
    fetcher = services().fetcher
    if not isinstance(fetcher, SafeFetcher):
        raise ConfigurationError("connecting to platforms needs the guarded fetcher")
    return fetcher.until(time.monotonic() + REQUEST_FETCH_SECONDS)


def connect_config() -> ConnectConfig:
    """Plecak as the platforms see it, and where they send the holder back."""
    base = settings().base_url
    home = base + url_for("main.index")
    identity = ClientIdentity(
        name="Plecak",
        client_uri=home,
        logo_uri=base + url_for("static", filename="favicon.svg"),
        tos_uri=home,
        policy_uri=home,
        software_id=SOFTWARE_ID,
        software_version=SOFTWARE_VERSION,
    )
    return ConnectConfig(
        secret=settings().secret_key,
        identity=identity,
        redirect_uri=base + url_for("connect.callback"),
        allow_http=settings().allow_loopback_fetch,
    )


def _page(form: ConnectForm | None = None, error: str | None = None) -> ResponseReturnValue:
    form = form or ConnectForm(formdata=None)
    return render_template(
        "connect/index.html",
        form=form,
        error=error,
        connections=connections.list_connections(db_session(), user().id),
        button_form=EmptyForm(formdata=None),
    ), 400 if (form.errors or error) else 200


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("")
@login_required
def start() -> ResponseReturnValue:
    form = ConnectForm()
    if not form.validate_on_submit():
        return _page(form)
    try:
        url = connections.start_connection(
            db_session(),
            user().id,
            http_client(),
            form.address.data or "",
            connect_config(),
            utcnow(),
        )
    except WalletError as error:
        db_session().rollback()  # nothing of a refused platform is kept
        logger.info("connecting %s refused (%s): %s", form.address.data, error.code, error.detail)
        form.address.errors = [_(error.message)]
        return _page(form)
    db_session().commit()
    return redirect(url)


@bp.get("/callback")
@login_required
def callback() -> ResponseReturnValue:
    args, owner = request.args, user().id
    try:
        connection = connections.finish_connection(
            db_session(),
            owner,
            http_client(),
            state=args.get("state", ""),
            code=args.get("code"),
            error=args.get("error"),
            config=connect_config(),
            now=utcnow(),
        )
    except WalletError as error:
        # The service has used up the state and removed what was half made: keep that.
        db_session().commit()
        logger.info("authorization refused (%s): %s", error.code, error.detail)
        return _page(error=_(error.message))
    db_session().commit()
    flash(_("Connected to %(name)s.", name=connection.name), "success")
    return _sync(connection.id)


@bp.post("/<int:connection_id>/sync")
@login_required
def sync(connection_id: int) -> ResponseReturnValue:
    return _sync(connection_id)


@bp.post("/<int:connection_id>/remove")
@login_required
def remove(connection_id: int) -> ResponseReturnValue:
    connections.remove_connection(db_session(), user().id, connection_id)
    db_session().commit()
    flash(_("The connection has been removed. Credentials already received stay."), "success")
    return redirect(url_for("connect.index"))


def _sync(connection_id: int) -> ResponseReturnValue:
    try:
        job = connections.sync_connection(
            db_session(), user().id, connection_id, http_client(), connect_config(), utcnow()
        )
    except WalletError as error:
        # Renewed tokens, or a grant the platform ended, are kept for the next attempt.
        db_session().commit()
        logger.info(
            "sync of connection %s failed (%s): %s", connection_id, error.code, error.detail
        )
        if error.http_status == 404:
            raise
        return _page(error=_(error.message))
    db_session().commit()
    return _after_sync(job)


def _after_sync(job: ImportJob | None) -> ResponseReturnValue:
    if job is None:
        flash(_("Nothing new: every credential on the platform is already in your wallet."))
        return redirect(url_for("connect.index"))
    cast(Runner, current_app.extensions["wallet_jobs"]).wake()
    return redirect(url_for("imports.job", job_id=job.id))
