"""Adding credentials: upload files, paste text or give a web address; follow the import job.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

import logging
from typing import cast

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from werkzeug.datastructures import FileStorage
from werkzeug.routing import BuildError
from wtforms import TextAreaField, URLField
from wtforms.validators import DataRequired, Length

from wallet import page_links
from wallet.errors import WalletError
from wallet.holder import import_jobs
from wallet.holder.import_jobs import ItemProgress, JobProgress, UploadPart
from wallet.holder.job_runner import Runner, job_context
from wallet.models import ImportJob, ItemOutcome, JobState
from wallet.routes.scope import db_session, services, user
from wallet.services import REQUEST_FETCH_SECONDS
from wallet.verification.report import Verdict

bp = Blueprint("imports", __name__, url_prefix="/imports")
logger = logging.getLogger(__name__)

MAX_PASTED_CHARS = 5 * 1024 * 1024


class FilesForm(FlaskForm):
    files = MultipleFileField(_l("Credential files"))


class TextForm(FlaskForm):
    text = TextAreaField(
        _l("Credential text (JSON, JWT or SD-JWT)"),
        validators=[DataRequired(), Length(max=MAX_PASTED_CHARS)],
    )


class UrlForm(FlaskForm):
    url = URLField(
        _l("Web address of the credential or its badge page"),
        validators=[DataRequired(), Length(max=page_links.MAX_URL_LENGTH)],
    )


def runner() -> Runner:
    """The job runner ``create_app`` installed (tests may swap it)."""
    return cast(Runner, current_app.extensions["wallet_jobs"])


def _page(**forms: object) -> ResponseReturnValue:
    defaults: dict[str, object] = {
        "files_form": FilesForm(formdata=None),
        "text_form": TextForm(formdata=None),
        "url_form": UrlForm(formdata=None),
    }
    defaults.update(forms)
    status = 400 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    jobs = import_jobs.recent_jobs(db_session(), user().id)
    return render_template("imports/new.html", jobs=jobs, **defaults), status


@bp.get("")
@login_required
def new() -> ResponseReturnValue:
    return _page()


@bp.post("/files")
@login_required
def upload_files() -> ResponseReturnValue:
    form = FilesForm()
    if form.validate_on_submit():
        uploads = cast(list[FileStorage], form.files.data or [])
        parts = [UploadPart(f.filename or "upload", f.read()) for f in uploads if f.filename]
        if parts:
            return _start(parts)
        form.files.errors = [_("Choose at least one file.")]
    return _page(files_form=form)


@bp.post("/text")
@login_required
def paste_text() -> ResponseReturnValue:
    form = TextForm()
    if form.validate_on_submit():
        return _start([UploadPart(_("pasted text"), (form.text.data or "").encode("utf-8"))])
    return _page(text_form=form)


@bp.post("/url")
@login_required
def from_url() -> ResponseReturnValue:
    form = UrlForm()
    if form.validate_on_submit():
        try:
            fetcher = services().request_fetcher(REQUEST_FETCH_SECONDS)
            fetched = page_links.fetch_credential(fetcher, form.url.data or "")
        except WalletError as error:
            logger.info("import from %s refused (%s): %s", form.url.data, error.code, error.detail)
            form.url.errors = [_(error.message)]
        else:
            return _start([UploadPart(fetched.url, fetched.body)])
    return _page(url_form=form)


def _start(parts: list[UploadPart]) -> ResponseReturnValue:
    job = import_jobs.create_job(db_session(), user().id, parts)
    db_session().commit()
    return start_job(job, in_background=import_jobs.runs_in_background(parts))


def start_job(job: ImportJob, *, in_background: bool) -> ResponseReturnValue:
    """Hand a committed job to the runner, or run a small one now; then show its page."""
    if in_background:
        runner().wake()
    else:
        # One small file imports while the request waits, so its fetches share a short budget.
        context = job_context(services(), fetch_seconds=REQUEST_FETCH_SECONDS)
        import_jobs.run_job(services().database.sessions, job.id, context)
    return redirect(url_for("imports.job", job_id=job.id))


@bp.get("/<int:job_id>")
@login_required
def job(job_id: int) -> ResponseReturnValue:
    progress = import_jobs.job_progress(db_session(), user().id, job_id)
    if not progress.finished:
        runner().wake()
    return render_template(
        "imports/job.html",
        progress=progress,
        status=status_text(progress),
        items=[item_view(item) for item in progress.items],
    )


@bp.get("/<int:job_id>.json")
@login_required
def job_json(job_id: int) -> ResponseReturnValue:
    # ``from``: the items the page shows already are not sent again.
    first = max(request.args.get("from", default=0, type=int) or 0, 0)
    progress = import_jobs.job_progress(db_session(), user().id, job_id, first)
    if not progress.finished:
        runner().wake()
    return jsonify(
        first=progress.first,
        state=progress.state.value,
        processed=progress.processed,
        total=progress.total,
        percent=progress.percent,
        finished=progress.finished,
        status=status_text(progress),
        items=[item_view(item) for item in progress.items],
    )


def status_text(progress: JobProgress) -> str:
    """One sentence saying where the job is, for the page and for screen readers."""
    if progress.state is JobState.QUEUED:
        text = _("Waiting to start…")
    elif progress.state is JobState.FAILED:
        text = _("The import stopped because of an error on our side. The items listed were kept.")
    elif progress.state is JobState.RUNNING and not progress.total:
        text = _("Reading the upload…")
    elif progress.state is JobState.RUNNING:
        text = _(
            "Working: %(processed)s of %(total)s items done (%(percent)s%%).",
            processed=progress.processed,
            total=progress.total,
            percent=progress.percent,
        )
    else:
        text = _(
            "Finished: %(imported)s imported, %(duplicate)s already in your wallet, "
            "%(failed)s not imported.",
            imported=progress.count(ItemOutcome.IMPORTED),
            duplicate=progress.count(ItemOutcome.DUPLICATE),
            failed=progress.count(ItemOutcome.FAILED),
        )
    return str(text)


def item_view(item: ItemProgress) -> dict[str, str | int | None]:
    """What the page and its script show for one item (labels already translated)."""
    outcome_labels = {
        ItemOutcome.IMPORTED: _("Imported"),
        ItemOutcome.DUPLICATE: _("Already in your wallet"),
        ItemOutcome.FAILED: _("Not imported"),
    }
    verdict_labels = {
        Verdict.VERIFIED: _("Verified"),
        Verdict.FAILED: _("Verification failed"),
        Verdict.UNVERIFIABLE: _("Could not be verified"),
    }
    return {
        "position": item.position,
        "source": item.source,
        "title": item.title,
        "outcome": item.outcome.value,
        "outcome_label": outcome_labels[item.outcome],
        "message": _(item.message) if item.message else None,
        "verdict": item.verdict.value if item.verdict else None,
        "verdict_label": verdict_labels[item.verdict] if item.verdict else None,
        "url": credential_url(item.credential_id) if item.credential_id else None,
    }


def credential_url(credential_id: int) -> str:
    """The credential's page; a plain path while the credentials pages are not registered."""
    try:
        return url_for("credentials.detail", credential_id=credential_id)
    except BuildError:
        return f"/credentials/{credential_id}"
