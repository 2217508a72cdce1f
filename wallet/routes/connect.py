"""Connections to issuers: Open Badges 3.0 platforms (connect, sync, remove) and OpenID4VCI
credential offers (paste, transaction code, consent at the issuer).

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

import logging
import time

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from wallet.connect import connections, oid4vci_receive
from wallet.connect.connections import ConnectConfig
from wallet.connect.discovery import MAX_ADDRESS_LENGTH
from wallet.connect.oid4vci_offer import MAX_OFFER_TEXT
from wallet.connect.oid4vci_receive import (
    AwaitingConsent,
    AwaitingTxCode,
    ReceiveConfig,
    Received,
)
from wallet.connect.oid4vci_tokens import MAX_TX_CODE_LENGTH
from wallet.connect.registration import SOFTWARE_ID, SOFTWARE_VERSION, ClientIdentity
from wallet.errors import ConfigurationError, ConnectError, WalletError
from wallet.fetching import HttpClient, SafeFetcher
from wallet.models import ImportJob
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.imports import start_job
from wallet.routes.scope import db_session, services, settings, user
from wallet.services import REQUEST_FETCH_SECONDS

bp = Blueprint("connect", __name__, url_prefix="/connect")
logger = logging.getLogger(__name__)
# Where the sealed state of an offer waiting for a transaction code or consent is kept.
PENDING_OFFER = "oid4vci_pending"


class ConnectForm(FlaskForm):
    address = StringField(
        _l("Address of the platform"),
        validators=[DataRequired(), Length(max=MAX_ADDRESS_LENGTH)],
    )


class OfferForm(FlaskForm):
    offer = TextAreaField(
        _l("Credential offer"),
        validators=[DataRequired(), Length(max=MAX_OFFER_TEXT)],
    )


class TxCodeForm(FlaskForm):
    tx_code = StringField(
        _l("Transaction code"),
        validators=[DataRequired(), Length(max=MAX_TX_CODE_LENGTH)],
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
    return start_job(job, in_background=True)


def receive_config() -> ReceiveConfig:
    """Plecak as an OpenID4VCI wallet: a public client named by its address, and its callback."""
    base = settings().base_url
    return ReceiveConfig(
        secret=settings().secret_key,
        client_id=base,
        redirect_uri=base + url_for("connect.offer_callback"),
        allow_http=settings().allow_loopback_fetch,
    )


def _offer_page(form: OfferForm | None = None, error: str | None = None) -> ResponseReturnValue:
    form = form or OfferForm(formdata=None)
    return render_template("connect/offer.html", form=form, error=error), (
        400 if (form.errors or error) else 200
    )


@bp.get("/offer")
@login_required
def offer() -> ResponseReturnValue:
    form = OfferForm(formdata=None)
    if {"credential_offer", "credential_offer_uri"} & set(request.args):
        # An issuer's link to this page carries the offer: show it, the holder decides.
        form.offer.data = "openid-credential-offer://?" + request.query_string.decode()
    return _offer_page(form)


@bp.post("/offer")
@login_required
def receive_offer() -> ResponseReturnValue:
    form = OfferForm()
    if not form.validate_on_submit():
        return _offer_page(form)
    session.pop(PENDING_OFFER, None)
    try:
        outcome = oid4vci_receive.accept_offer(
            db_session(),
            user().id,
            http_client(),
            form.offer.data or "",
            receive_config(),
            utcnow(),
        )
    except WalletError as error:
        db_session().rollback()  # nothing of a refused offer is kept
        logger.info("credential offer refused (%s): %s", error.code, error.detail)
        form.offer.errors = [_(error.message)]
        return _offer_page(form)
    if isinstance(outcome, AwaitingConsent):
        session[PENDING_OFFER] = outcome.pending
        return redirect(outcome.url)
    if isinstance(outcome, AwaitingTxCode):
        session[PENDING_OFFER] = outcome.pending
        return _code_page(TxCodeForm(formdata=None), outcome)
    return _received(outcome)


@bp.post("/offer/code")
@login_required
def offer_code() -> ResponseReturnValue:
    form, owner, config = TxCodeForm(), user().id, receive_config()
    pending = session.get(PENDING_OFFER, "")
    try:
        waiting = oid4vci_receive.waiting_for_tx_code(owner, pending, config, utcnow())
        if not form.validate_on_submit():
            return _code_page(form, waiting)
        received = oid4vci_receive.receive_with_tx_code(
            db_session(), owner, http_client(), pending, form.tx_code.data or "", config, utcnow()
        )
    except WalletError as error:
        db_session().rollback()
        logger.info("transaction code step refused (%s): %s", error.code, error.detail)
        if isinstance(error, ConnectError) and error.reason in oid4vci_receive.TX_CODE_RETRY:
            form.tx_code.errors = [_(error.message)]  # the offer still waits: try again
            return _code_page(form, waiting)
        session.pop(PENDING_OFFER, None)
        return _offer_page(error=_(error.message))
    session.pop(PENDING_OFFER, None)
    return _received(received)


@bp.get("/offer/callback")
@login_required
def offer_callback() -> ResponseReturnValue:
    args = request.args
    pending = session.pop(PENDING_OFFER, "")  # single use, whatever happens
    try:
        received = oid4vci_receive.finish_authorization(
            db_session(),
            user().id,
            http_client(),
            pending,
            state=args.get("state", ""),
            code=args.get("code"),
            error=args.get("error"),
            issuer=args.get("iss"),
            config=receive_config(),
            now=utcnow(),
        )
    except WalletError as error:
        db_session().rollback()
        logger.info("issuer authorization refused (%s): %s", error.code, error.detail)
        return _offer_page(error=_(error.message))
    return _received(received)


def _code_page(form: TxCodeForm, waiting: AwaitingTxCode) -> ResponseReturnValue:
    if waiting.tx_code.numeric:
        form.tx_code.render_kw = {"inputmode": "numeric"}
    return render_template("connect/offer_code.html", form=form, waiting=waiting), (
        400 if form.errors else 200
    )


def _received(received: Received) -> ResponseReturnValue:
    db_session().commit()
    job = received.job
    if job is None:
        flash(_("Nothing new: you already have every credential in this offer."))
        return redirect(url_for("connect.index"))
    flash(_("Received from %(name)s.", name=received.issuer_name), "success")
    # One credential is verified while the request waits, as one uploaded file is.
    return start_job(job, in_background=received.in_background)
