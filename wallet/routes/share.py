"""The holder's share links: choose credentials and fields, preview, create, log, revoke."""

from __future__ import annotations

from datetime import UTC, datetime, time

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from wallet.errors import N_, ValidationError
from wallet.holder import portfolio
from wallet.holder.portfolio import ListQuery, SortKey
from wallet.holder.presentation import credential_card
from wallet.i18n import current_language
from wallet.identifiers import recipient_claims
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.scope import db_session, services, settings, user
from wallet.share import links, pages
from wallet.share.live import MemoryReportCache

bp = Blueprint("share", __name__, url_prefix="/shares")

REPORT_CACHE = MemoryReportCache()


def context_factory(user_id: int) -> pages.ContextFactory:
    """Verification inputs for the holder's credentials at a given instant."""
    recipients = recipient_claims(db_session(), user_id)
    return lambda at: services().verification_context(recipients, at)


def parse_choices(form: MultiDict[str, str]) -> list[links.Choice]:
    """The credentials ticked in the form, with the fields ticked for each."""
    choices = []
    for value in form.getlist("credential"):
        if value.isdigit():
            choices.append(
                links.Choice(
                    int(value),
                    show_grade=form.get(f"grade_{value}") == "1",
                    show_evidence=form.get(f"evidence_{value}") == "1",
                    show_recipient=form.get(f"recipient_{value}") == "1",
                )
            )
    return choices


def parse_expiry(form: MultiDict[str, str]) -> datetime | None:
    """The link's expiry: the end of the chosen day (UTC), or none."""
    text = form.get("expires_on", "").strip()
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(N_("Give the link's expiry date as YYYY-MM-DD.")) from None
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    owner = user().id
    found = portfolio.list_credentials(
        db_session(), owner, ListQuery(SortKey.DATE, include_hidden=True, page_size=None)
    )
    return render_template(
        "share/index.html",
        shares=links.list_shares(db_session(), owner),
        cards=[credential_card(c) for c in found],
        now=utcnow(),
        form=EmptyForm(formdata=None),
    )


@bp.post("/preview")
@login_required
def preview() -> ResponseReturnValue:
    form, owner = request.form, user().id
    page = pages.preview_page(
        db_session(),
        owner,
        parse_choices(form),
        parse_expiry(form),
        current_language(),
        REPORT_CACHE,
        context_factory(owner),
        utcnow(),
    )
    return render_template("share/preview.html", page=page, fields=form, token=None)


@bp.post("")
@login_required
def create() -> ResponseReturnValue:
    form = request.form
    created = links.create_share(
        db_session(),
        user().id,
        label=form.get("label", ""),
        choices=parse_choices(form),
        expires_at=parse_expiry(form),
        passcode=form.get("passcode") or None,
        now=utcnow(),
    )
    db_session().commit()
    url = settings().base_url + url_for("public.share_view", token=created.token)
    return render_template("share/created.html", link=created.link, url=url)


@bp.get("/<int:link_id>")
@login_required
def detail(link_id: int) -> ResponseReturnValue:
    link = links.get_share(db_session(), user().id, link_id)
    return render_template(
        "share/detail.html",
        link=link,
        live=links.is_live(link, utcnow()),
        form=EmptyForm(formdata=None),
    )


@bp.post("/<int:link_id>/revoke")
@login_required
def revoke(link_id: int) -> ResponseReturnValue:
    links.revoke_share(db_session(), user().id, link_id, utcnow())
    db_session().commit()
    flash(_("The link has been revoked; it no longer opens."), "success")
    return redirect(url_for("share.detail", link_id=link_id))
