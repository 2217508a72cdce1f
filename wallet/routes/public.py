"""Pages for people without an account: a share link's page, its presentation and files."""

from __future__ import annotations

import io
import json

from flask import Blueprint, Response, render_template, request, send_file, session, url_for
from flask.typing import ResponseReturnValue

from wallet.holder import images
from wallet.i18n import current_language
from wallet.models import Credential, ShareLink
from wallet.models.base import utcnow
from wallet.routes.scope import db_session, services, settings
from wallet.routes.share import REPORT_CACHE, context_factory
from wallet.share import cv, exports, links, pages, sdjwt
from wallet.share.disclosure import is_whole
from wallet.share.pdf import WeasyRenderer, qr_data_uri

bp = Blueprint("public", __name__)

PASSED_KEY = "share_passcodes"
NO_STORE = "no-store"


def _open(token: str) -> ShareLink:
    """The live link for ``token`` whose passcode (if any) this browser has given."""
    link = links.find_live_share(db_session(), token, utcnow())
    if link.passcode_hash is not None and link.token_hash not in session.get(PASSED_KEY, []):
        raise links.PasscodeRequiredError("This link needs a passcode.")
    return link


@bp.route("/s/<token>", methods=["GET", "POST"])
def share_view(token: str) -> ResponseReturnValue:
    now = utcnow()
    link = links.find_live_share(db_session(), token, now)
    if link.passcode_hash is not None and link.token_hash not in session.get(PASSED_KEY, []):
        if request.method == "GET":
            return render_template("share/passcode.html", wrong=False), 401
        try:
            links.check_passcode(link, request.form.get("passcode"), now)
        except links.PasscodeRequiredError:
            db_session().commit()
            return render_template("share/passcode.html", wrong=True), 401
        session[PASSED_KEY] = [*session.get(PASSED_KEY, [])[-20:], link.token_hash]
    page = pages.share_page(
        db_session(), link, current_language(), REPORT_CACHE, context_factory(link.user_id), now
    )
    links.record_view(db_session(), link, request.headers.get("User-Agent", ""), now)
    db_session().commit()
    response = Response(render_template("share/public.html", page=page, token=token))
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/s/<token>/presentation.json")
def presentation(token: str) -> Response:
    link = _open(token)
    document = pages.link_presentation(
        db_session(), link, settings().secret_key, settings().base_url, utcnow()
    )
    db_session().commit()
    response = Response(json.dumps(document, ensure_ascii=False, indent=2))
    response.mimetype = "application/vp+ld+json"
    response.headers["Content-Disposition"] = 'attachment; filename="presentation.json"'
    response.headers["Cache-Control"] = NO_STORE
    return response


def _credential(token: str, position: int, *, whole: bool) -> Credential:
    link = _open(token)
    for item, credential in pages.link_pairs(db_session(), link):
        if item.position == position and (not whole or is_whole(item, credential)):
            return credential
    raise links.LinkUnavailableError("This link does not work (any more).")


@bp.get("/s/<token>/<int:position>/original")
def original(token: str, position: int) -> Response:
    credential = _credential(token, position, whole=True)
    response = send_file(
        io.BytesIO(credential.raw),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=f"credential-{position + 1}.{_extension(credential.media_type)}",
    )
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/s/<token>/<int:position>/image")
def image(token: str, position: int) -> Response:
    credential = _credential(token, position, whole=False)
    found = images.credential_image(
        credential, fetcher=services().fetcher, files_dir=settings().files_dir
    )
    picture = found or images.PLACEHOLDER
    response = Response(picture.body, mimetype=picture.media_type)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _extension(media_type: str) -> str:
    kind = media_type.split(";")[0].strip().lower()
    return {"image/png": "png", "image/svg+xml": "svg", "application/jwt": "jwt"}.get(
        kind, "txt" if "jwt" in kind or kind.startswith("text/") else "json"
    )


@bp.get("/cv/<slug>")
def cv_page(slug: str) -> ResponseReturnValue:
    view = cv.cv_view(db_session(), cv.published_profile(db_session(), slug))
    return render_template("share/cv.html", cv=view, base=settings().base_url)


@bp.get("/cv/<slug>.pdf")
def cv_pdf(slug: str) -> Response:
    view = cv.cv_view(db_session(), cv.published_profile(db_session(), slug))
    html = render_template("share/cv_pdf.html", cv=view, base=settings().base_url, qr=qr_data_uri)
    data = WeasyRenderer(settings().files_dir / "cv-pdf").render(html)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="cv-{view.slug}.pdf"'
    return response


@bp.get("/cv/<slug>/resume.json")
def cv_resume(slug: str) -> Response:
    view = cv.cv_view(db_session(), cv.published_profile(db_session(), slug))
    url = settings().base_url + url_for("public.cv_page", slug=slug)
    return _json_download(exports.json_resume(view, url), "resume.json")


@bp.get("/cv/<slug>/europass.json")
def cv_europass(slug: str) -> Response:
    view = cv.cv_view(db_session(), cv.published_profile(db_session(), slug))
    url = settings().base_url + url_for("public.cv_page", slug=slug)
    return _json_download(exports.europass_achievements(view, url), "europass.json")


def _json_download(document: object, name: str) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/s/<token>/<int:position>/sd-jwt")
def sd_jwt(token: str, position: int) -> Response:
    link = _open(token)
    for item, credential in pages.link_pairs(db_session(), link):
        presented = (
            sdjwt.sd_jwt_presentation(item, credential) if item.position == position else None
        )
        if presented is not None:
            response = Response(presented, mimetype="application/dc+sd-jwt")
            response.headers["Content-Disposition"] = (
                f'attachment; filename="credential-{position + 1}.sd-jwt"'
            )
            response.headers["Cache-Control"] = NO_STORE
            return response
    raise links.LinkUnavailableError("This link does not work (any more).")
