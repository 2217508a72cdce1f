"""Notices about the holder's credentials: the list, marking read, and the header count.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import inspect
from werkzeug.wrappers import Response

from wallet.holder import notices
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.scope import db_session, user

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.app_context_processor
def unread_notices() -> dict[str, int]:
    """``unread_notices`` for the header link on every page of a logged-in user."""
    if not current_user.is_authenticated:
        return {"unread_notices": 0}
    # Error pages render after the request's session was rolled back, which expires the user:
    # read its key from the identity map instead of loading attributes again.
    identity = inspect(user()).identity
    if not identity:
        return {"unread_notices": 0}
    return {"unread_notices": notices.unread_count(db_session(), int(identity[0]))}


@bp.get("")
@login_required
def index() -> str:
    items = notices.list_notices(db_session(), user().id)
    return render_template("notices/index.html", items=items, button_form=EmptyForm())


@bp.post("/<int:notice_id>/read")
@login_required
def mark_read(notice_id: int) -> Response:
    notices.mark_read(db_session(), user().id, notice_id, utcnow())
    db_session().commit()
    return redirect(url_for("notices.index"))


@bp.post("/read")
@login_required
def mark_all_read() -> Response:
    notices.mark_all_read(db_session(), user().id, utcnow())
    db_session().commit()
    return redirect(url_for("notices.index"))
