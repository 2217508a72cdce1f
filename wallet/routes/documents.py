"""PDF certificates: the first page as a picture, and pairing a PDF with its badge."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from wallet.errors import N_, NotFoundError
from wallet.holder import credentials, documents
from wallet.holder.pdf_preview import first_page_png
from wallet.routes.scope import db_session, user

bp = Blueprint("documents", __name__, url_prefix="/credentials")

# The preview is a PNG made by the app: it never needs script, styles or anything else.
PREVIEW_POLICY = "default-src 'none'; sandbox; form-action 'none'; frame-ancestors 'self'"


@bp.get("/<int:credential_id>/preview.png")
@login_required
def preview(credential_id: int) -> Response:
    credential = credentials.get_credential(db_session(), user().id, credential_id)
    if not documents.is_document(credential):
        raise NotFoundError(N_("This credential is not a PDF document."))
    response = Response(first_page_png(credential.raw), mimetype="image/png")
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/<int:credential_id>/companion/<int:companion_id>")
@login_required
def pair(credential_id: int, companion_id: int) -> ResponseReturnValue:
    documents.confirm_companion(db_session(), user().id, credential_id, companion_id)
    db_session().commit()
    flash(_("The document is now shown with its credential."), "success")
    return redirect(url_for("credentials.detail", credential_id=credential_id))


@bp.post("/<int:credential_id>/companion/remove")
@login_required
def unpair(credential_id: int) -> ResponseReturnValue:
    documents.remove_companion(db_session(), user().id, credential_id)
    db_session().commit()
    flash(_("The document is no longer paired with a credential."), "success")
    return redirect(url_for("credentials.detail", credential_id=credential_id))
