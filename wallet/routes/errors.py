"""The one place errors become HTTP responses: HTML or JSON by ``Accept``."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from wallet.errors import WalletError
from wallet.routes.scope import close_request_session

logger = logging.getLogger(__name__)


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def _respond(status: int, code: str, message: str) -> ResponseReturnValue:
    close_request_session()
    if _wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("errors/error.html", status=status, message=message), status


def handle_wallet_error(error: WalletError) -> ResponseReturnValue:
    return _respond(error.http_status, error.code, _(error.message))


def handle_csrf_error(error: CSRFError) -> ResponseReturnValue:
    return _respond(400, "csrf", _("The form has expired. Go back, reload the page and try again."))


def handle_http_error(error: HTTPException) -> ResponseReturnValue:
    messages = {
        404: _("This page does not exist, or it is not yours."),
        405: _("This address does not accept that kind of request."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
    }
    status = error.code or 500
    return _respond(status, f"http_{status}", messages.get(status, _("The request failed.")))


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    logger.exception("unhandled error", exc_info=error)
    return _respond(500, "internal", _("Something went wrong on our side. Try again later."))


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(WalletError, handle_wallet_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
