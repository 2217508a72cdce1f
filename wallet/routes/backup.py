"""Backing up, restoring and exporting a wallet: thin handlers over ``wallet.backup``.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from wallet.backup import container, export, files
from wallet.backup.restore import RestoreSummary
from wallet.errors import WalletError
from wallet.models.base import utcnow
from wallet.routes.forms import MakeBackupForm, RestoreBackupForm
from wallet.routes.scope import db_session, services, settings, user
from wallet.services import REQUEST_FETCH_SECONDS
from wallet.verification.context import RecipientClaims, VerificationContext

bp = Blueprint("backup", __name__, url_prefix="/account/backup")


def _page(**forms: object) -> ResponseReturnValue:
    defaults = {
        "backup_form": MakeBackupForm(formdata=None),
        "restore_form": RestoreBackupForm(formdata=None),
    }
    defaults.update(forms)
    status = 400 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return render_template("backup/index.html", **defaults), status


def _download(data: bytes, name: str, media_type: str) -> Response:
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/download")
@login_required
def download() -> ResponseReturnValue:
    form = MakeBackupForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            data = files.make_backup(
                db_session(),
                user(),
                form.passphrase.data or "",
                secret=settings().secret_key,
                now=now,
            )
        except WalletError as error:
            form.passphrase.errors = [_(error.message)]
        else:
            return _download(data, files.backup_filename(now), "application/octet-stream")
    return _page(backup_form=form)


@bp.post("/restore")
@login_required
def restore() -> ResponseReturnValue:
    form = RestoreBackupForm()
    if form.validate_on_submit():
        upload: FileStorage = form.backup.data
        try:
            summary = files.restore_file(
                db_session(),
                user(),
                upload.read(container.MAX_BACKUP_BYTES + 1),
                form.backup_passphrase.data or "",
                secret=settings().secret_key,
                make_context=_restore_context,
            )
        except WalletError as error:
            db_session().rollback()
            form.backup.errors = [_(error.message)]
        else:
            db_session().commit()
            flash(_restored_message(summary), "success")
            for source in summary.failed:
                flash(_("%(source)s could not be read, so it was not restored.", source=source))
            return redirect(url_for("backup.index"))
    return _page(restore_form=form)


def _restore_context(claims: RecipientClaims) -> VerificationContext:
    return services().verification_context(claims, utcnow(), fetch_seconds=REQUEST_FETCH_SECONDS)


def _restored_message(summary: RestoreSummary) -> str:
    added = ngettext(
        "%(num)d credential restored and verified again",
        "%(num)d credentials restored and verified again",
        summary.added,
    )
    present = ngettext(
        "%(num)d was already in your wallet", "%(num)d were already in your wallet", summary.present
    )
    message: str = _(
        "Backup restored: %(added)s; %(present)s. Confirm your email addresses and DIDs again.",
        added=added,
        present=present,
    )
    return message


@bp.post("/export")
@login_required
def export_data() -> Response:
    now = utcnow()
    data = export.export_archive(db_session(), user(), now)
    return _download(data, export.export_filename(now), "application/zip")
