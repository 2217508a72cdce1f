"""The holder's side of apps reading their credentials: consent, connected apps, access logs.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from wallet.connect.provider import authorization, grants
from wallet.connect.provider.discovery import AUTHORIZE_PATH
from wallet.connect.provider.exchange import Answer
from wallet.connect.provider.scopes import SCOPE_DESCRIPTIONS
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.ob_api import exchange, provider_config, send
from wallet.routes.scope import db_session, user

bp = Blueprint("apps", __name__)
MAX_CHOSEN = 1000


@bp.get(AUTHORIZE_PATH)
@login_required
def authorize() -> ResponseReturnValue:
    outcome = authorization.begin_consent(
        db_session(), provider_config(), exchange(with_form=False), user(), utcnow()
    )
    if isinstance(outcome, Answer):
        return send(outcome)  # an error the app is told about at its own address
    return render_template(
        "apps/consent.html",
        consent=outcome,
        descriptions=SCOPE_DESCRIPTIONS,
        holder=user(),
        form=EmptyForm(formdata=None),
    )


@bp.post(AUTHORIZE_PATH)
@login_required
def decide() -> ResponseReturnValue:
    chosen = [int(v) for v in request.form.getlist("credential")[:MAX_CHOSEN] if v.isdigit()]
    answer = authorization.decide_consent(
        db_session(),
        provider_config(),
        exchange(with_form=False),  # the app's request is in the query; the form is the holder's
        user(),
        approve=request.form.get("decision") == "approve",
        credential_ids=chosen,
        now=utcnow(),
    )
    if answer.gives_code:
        db_session().commit()
    else:
        db_session().rollback()  # denied or refused: no consent is kept
    return send(answer)


@bp.get("/apps")
@login_required
def index() -> ResponseReturnValue:
    return render_template(
        "apps/index.html",
        grants=grants.list_grants(db_session(), user().id),
        form=EmptyForm(formdata=None),
    )


@bp.get("/apps/<int:grant_id>")
@login_required
def detail(grant_id: int) -> ResponseReturnValue:
    session, owner = db_session(), user().id
    grant = grants.get_grant(session, owner, grant_id)
    log = grants.access_log(session, owner, grant_id)
    return render_template(
        "apps/detail.html",
        grant=grant,
        shared=grants.shared_credentials(session, grant),
        log=log,
        titles=grants.credential_titles(session, owner, log),
        descriptions=SCOPE_DESCRIPTIONS,
        form=EmptyForm(formdata=None),
    )


@bp.post("/apps/<int:grant_id>/revoke")
@login_required
def revoke(grant_id: int) -> ResponseReturnValue:
    grant = grants.revoke_grant(db_session(), user().id, grant_id, utcnow())
    db_session().commit()
    flash(_("%(name)s can no longer read your credentials.", name=grant.client.name), "success")
    return redirect(url_for("apps.index"))
