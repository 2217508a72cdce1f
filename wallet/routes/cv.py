"""The holder's CV editor: texts, contacts, entries, languages and the chosen credentials."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from wallet.holder import portfolio
from wallet.holder.portfolio import ListQuery, SortKey
from wallet.holder.presentation import credential_card
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.scope import db_session, user
from wallet.share import cv

bp = Blueprint("cv", __name__, url_prefix="/cv-editor")


@bp.get("")
@login_required
def edit() -> ResponseReturnValue:
    owner = user()
    found = portfolio.list_credentials(
        db_session(), owner.id, ListQuery(SortKey.DATE, include_hidden=True)
    )
    profile = cv.get_profile(db_session(), owner.id)
    chosen = {item.credential_id: item.position + 1 for item in profile.items} if profile else {}
    return render_template(
        "share/cv_edit.html",
        profile=profile,
        view=cv.cv_view(db_session(), profile) if profile else None,
        cards=[credential_card(c) for c in found],
        chosen=chosen,
        default_name=owner.display_name,
        form=EmptyForm(formdata=None),
    )


@bp.post("")
@login_required
def save() -> ResponseReturnValue:
    form = request.form
    order = {
        int(v): int(form.get(f"order_{v}", "0") or 0) if form.get(f"order_{v}", "").isdigit() else 0
        for v in form.getlist("credential")
        if v.isdigit()
    }
    data = cv.ProfileInput(
        display_name=form.get("display_name", ""),
        language=form.get("language", "pl"),
        headline={lang: form.get(f"headline_{lang}", "") for lang in cv.LANGUAGES},
        summary={lang: form.get(f"summary_{lang}", "") for lang in cv.LANGUAGES},
        contacts=cv.lines_of(form.get("contacts", "")),
        experience=cv.parse_entries(form.get("experience", "")),
        education=cv.parse_entries(form.get("education", "")),
        languages=cv.lines_of(form.get("languages", "")),
        skills=cv.lines_of(form.get("skills", "")),
        credential_ids=sorted(order, key=lambda cid: (order[cid] or 10_000, cid)),
        slug=form.get("slug") or None,
        published=form.get("published") == "1",
    )
    cv.save_profile(db_session(), user().id, data, utcnow())
    db_session().commit()
    flash(_("Your CV has been saved."), "success")
    return redirect(url_for("cv.edit"))
