"""The credential pages: the list, one credential, its original file, its image, the skills."""

from __future__ import annotations

import io
import re

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.utils import secure_filename

from wallet.errors import N_
from wallet.holder import credentials, documents, images, monitoring, portfolio
from wallet.holder.portfolio import ListQuery, PortfolioSummary, SortKey
from wallet.holder.presentation import CredentialCard, credential_card, credential_page, safe_url
from wallet.holder.skills import skills_overview
from wallet.i18n import current_language
from wallet.markdown import render_markdown
from wallet.models.base import utcnow
from wallet.routes.forms import EmptyForm
from wallet.routes.organise import CollectionChoiceForm, NoteForm, TagForm
from wallet.routes.scope import db_session, services, settings, user
from wallet.routes.urls import optional_id
from wallet.services import REQUEST_FETCH_SECONDS

PAGE_SIZE = 48  # a screenful or two of cards; longer lists are paged

bp = Blueprint("credentials", __name__, url_prefix="/credentials")

VIEW_KEY = "credentials_view"
VIEWS = ("grid", "list")
# An SVG opened on its own is a document: no script, no forms, no framing, a sandboxed origin.
# Images are shown with <img> only, which frame-ancestors does not govern.
IMAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
    "frame-ancestors 'none'; sandbox"
)
_MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
_EXTENSIONS = {
    "application/json": "json",
    "application/ld+json": "jsonld",
    "application/vc+ld+json": "jsonld",
    "image/png": "png",
    "image/svg+xml": "svg",
    "application/xml": "xml",
    "application/pdf": "pdf",
    "text/xml": "xml",
}


@bp.app_template_filter("markdown")
def markdown_filter(text: str | None) -> Markup:
    """Credential markdown as sanitised HTML."""
    return render_markdown(text)


@bp.app_template_filter("http_url")
def http_url_filter(url: str | None) -> str | None:
    """The address if a page may link to it (http or https), else ``None``."""
    return safe_url(url)


@bp.app_context_processor
def portfolio_summary() -> dict[str, object]:
    """Lets the start page show the holder's portfolio at a glance."""

    def summary() -> tuple[PortfolioSummary, list[CredentialCard]]:
        found = portfolio.summarise(db_session(), user().id)
        return found, [credential_card(c) for c in found.latest]

    return {"portfolio_summary": summary}


def _list_query(args: MultiDict[str, str]) -> ListQuery:
    sort = SortKey(args["sort"]) if args.get("sort") in {k.value for k in SortKey} else SortKey.DATE
    default = "desc" if sort is SortKey.DATE else "asc"
    order = args.get("order") if args.get("order") in ("asc", "desc") else default
    return ListQuery(
        sort=sort,
        descending=order == "desc",
        include_hidden=args.get("hidden") == "1",
        tag_id=optional_id(args, "tag", N_("No such tag.")),
        collection_id=optional_id(args, "collection", N_("No such collection.")),
        page=max(1, min(args.get("page", 1, type=int) or 1, 10_000)),
        page_size=PAGE_SIZE,
    )


def _view(args: MultiDict[str, str]) -> str:
    # The chosen layout is remembered for the session, so sorting keeps it.
    if args.get("view") in VIEWS:
        session[VIEW_KEY] = args["view"]
    return str(session.get(VIEW_KEY, "grid"))


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    query, owner = _list_query(request.args), user().id
    tag = portfolio.get_tag(db_session(), owner, query.tag_id) if query.tag_id else None
    collection = (
        portfolio.get_collection(db_session(), owner, query.collection_id)
        if query.collection_id
        else None
    )
    cards = [credential_card(c) for c in portfolio.list_credentials(db_session(), owner, query)]
    total = portfolio.count_credentials(db_session(), owner, query)
    return render_template(
        "credentials/index.html",
        cards=cards,
        total=total,
        pages=max(1, -(-total // PAGE_SIZE)),
        query=query,
        view=_view(request.args),
        sort_keys=list(SortKey),
        tags=portfolio.list_tags(db_session(), owner),
        tag=tag,
        collection=collection,
    )


@bp.get("/skills")
@login_required
def skills() -> ResponseReturnValue:
    overview = skills_overview(db_session(), user().id, utcnow())
    return render_template(
        "credentials/skills.html",
        entries=overview.entries,
        uncounted=overview.uncounted,
        language=current_language(),
    )


@bp.get("/<int:credential_id>")
@login_required
def detail(credential_id: int) -> ResponseReturnValue:
    owner = user().id
    credential = credentials.get_credential(db_session(), owner, credential_id)
    collection_form = CollectionChoiceForm(formdata=None)
    collection_form.set_choices(portfolio.list_collections(db_session(), owner))
    return render_template(
        "credentials/detail.html",
        page=credential_page(credential, current_language()),
        document=(
            documents.document_view(db_session(), credential, current_language())
            if documents.is_document(credential)
            else None
        ),
        carried_by=documents.accompanying_documents(db_session(), credential),
        tags=portfolio.tags_of(db_session(), owner, credential_id),
        collections=portfolio.collections_of(db_session(), owner, credential_id),
        button_form=EmptyForm(formdata=None),
        tag_form=TagForm(formdata=None),
        note_form=NoteForm(formdata=None, note=credential.note or ""),
        collection_form=collection_form,
    )


@bp.get("/<int:credential_id>/original")
@login_required
def original(credential_id: int) -> Response:
    credential = credentials.get_credential(db_session(), user().id, credential_id)
    media_type = credential.media_type.split(";", 1)[0].strip().lower()
    if not _MEDIA_TYPE.match(media_type):
        media_type = "application/octet-stream"
    # Letters, digits, "_" and "-" only: nothing a browser or a shell could misread.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", secure_filename(credential.title))[:60] or "credential"
    extension = _EXTENSIONS.get(media_type, "txt" if media_type.startswith("text/") else "bin")
    name = f"{stem}-{credential.id}.{extension}"
    response = send_file(
        io.BytesIO(credential.raw), mimetype=media_type, as_attachment=True, download_name=name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<int:credential_id>/image")
@login_required
def image(credential_id: int) -> Response:
    credential = credentials.get_credential(db_session(), user().id, credential_id)
    found = images.credential_image(
        credential, fetcher=services().fetcher, files_dir=settings().files_dir
    )
    picture = found or images.PLACEHOLDER
    response = Response(picture.body, mimetype=picture.media_type)
    # An SVG opened on its own must not run script or load anything.
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/<int:credential_id>/verify")
@login_required
def reverify(credential_id: int) -> ResponseReturnValue:
    owner = user().id
    credential = credentials.get_credential(db_session(), owner, credential_id)
    monitoring.reverify_stored(
        db_session(),
        credential,
        services(),
        utcnow(),
        monitoring.DEFAULT_EXPIRING_DAYS,
        fetch_seconds=REQUEST_FETCH_SECONDS,
    )
    db_session().commit()
    flash(_("The credential has been checked again."), "success")
    return redirect(url_for("credentials.detail", credential_id=credential_id))
