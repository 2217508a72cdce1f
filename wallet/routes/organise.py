"""Organising credentials: hide, delete, notes, tags and collections.

Every POST is CSRF-checked by the app-wide ``CSRFProtect``; each ends in a redirect.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from wallet.errors import WalletError
from wallet.holder import credentials, images, portfolio
from wallet.holder.portfolio import CollectionSummary
from wallet.holder.presentation import credential_card
from wallet.routes.forms import EmptyForm
from wallet.routes.scope import db_session, settings, user

bp = Blueprint("organise", __name__, url_prefix="/credentials")


class TagForm(FlaskForm):
    name = StringField(_l("New tag"), validators=[DataRequired(), Length(max=80)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Your note (only you see it)"), validators=[Length(max=5000)])


class CollectionForm(FlaskForm):
    name = StringField(_l("Collection name"), validators=[DataRequired(), Length(max=120)])


class CollectionChoiceForm(FlaskForm):
    collection_id = SelectField(_l("Collection"), coerce=int, validate_choice=False)
    new_name = StringField(
        _l("Or a new collection named"), validators=[Optional(), Length(max=120)]
    )

    def set_choices(self, collections: Sequence[CollectionSummary]) -> None:
        """Offer the holder's collections (and "none" for a new one)."""
        self.collection_id.choices = [
            (0, _("Choose a collection")),
            *((c.id, c.name) for c in collections),
        ]


def _to_detail(credential_id: int) -> Response:
    return redirect(url_for("credentials.detail", credential_id=credential_id))


def _report(error: WalletError | None, form: FlaskForm | None = None) -> None:
    """Flash what went wrong: a service's message, or the form's first error."""
    if error is not None:
        flash(_(error.message), "error")
    elif form is not None:
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
            return


@bp.post("/<int:credential_id>/hide")
@login_required
def hide(credential_id: int) -> Response:
    portfolio.set_hidden(db_session(), user().id, credential_id, True)
    db_session().commit()
    flash(_("The credential is hidden from your list."), "info")
    return _to_detail(credential_id)


@bp.post("/<int:credential_id>/unhide")
@login_required
def unhide(credential_id: int) -> Response:
    portfolio.set_hidden(db_session(), user().id, credential_id, False)
    db_session().commit()
    flash(_("The credential is shown in your list again."), "info")
    return _to_detail(credential_id)


@bp.get("/<int:credential_id>/delete")
@login_required
def confirm_delete(credential_id: int) -> ResponseReturnValue:
    credential = credentials.get_credential(db_session(), user().id, credential_id)
    return render_template(
        "credentials/delete.html",
        card=credential_card(credential),
        button_form=EmptyForm(formdata=None),
    )


@bp.post("/<int:credential_id>/delete")
@login_required
def delete(credential_id: int) -> Response:
    owner = user().id
    portfolio.delete_credential(db_session(), owner, credential_id)
    db_session().commit()
    images.delete_cached_image(settings().files_dir, owner, credential_id)
    flash(_("The credential has been deleted."), "info")
    return redirect(url_for("credentials.index"))


@bp.post("/<int:credential_id>/note")
@login_required
def save_note(credential_id: int) -> Response:
    form, error = NoteForm(), None
    if form.validate():
        try:
            portfolio.set_note(db_session(), user().id, credential_id, form.note.data or "")
        except WalletError as caught:
            error = caught
        else:
            db_session().commit()
            flash(_("Your note has been saved."), "success")
            return _to_detail(credential_id)
    credentials.get_credential(db_session(), user().id, credential_id)
    _report(error, form)
    return _to_detail(credential_id)


@bp.post("/<int:credential_id>/tags")
@login_required
def add_tag(credential_id: int) -> Response:
    form, error = TagForm(), None
    if form.validate():
        try:
            tag = portfolio.add_tag(db_session(), user().id, credential_id, form.name.data or "")
        except WalletError as caught:
            error = caught
        else:
            db_session().commit()
            flash(_("Tagged “%(tag)s”.", tag=tag.name), "success")
            return _to_detail(credential_id)
    credentials.get_credential(db_session(), user().id, credential_id)
    _report(error, form)
    return _to_detail(credential_id)


@bp.post("/<int:credential_id>/tags/<int:tag_id>/remove")
@login_required
def remove_tag(credential_id: int, tag_id: int) -> Response:
    portfolio.remove_tag(db_session(), user().id, credential_id, tag_id)
    db_session().commit()
    flash(_("The tag has been removed."), "info")
    return _to_detail(credential_id)


@bp.post("/<int:credential_id>/collections")
@login_required
def file_credential(credential_id: int) -> Response:
    form = CollectionChoiceForm()
    error: WalletError | None = None
    if form.validate():
        try:
            collection = portfolio.file_credential(
                db_session(),
                user().id,
                credential_id,
                collection_id=form.collection_id.data or None,
                new_name=form.new_name.data,
            )
        except WalletError as caught:
            error = caught
        else:
            db_session().commit()
            flash(_("Added to “%(name)s”.", name=collection.name), "success")
            return _to_detail(credential_id)
    credentials.get_credential(db_session(), user().id, credential_id)
    _report(error, form)
    return _to_detail(credential_id)


@bp.post("/<int:credential_id>/collections/<int:collection_id>/remove")
@login_required
def unfile_credential(credential_id: int, collection_id: int) -> Response:
    portfolio.remove_from_collection(db_session(), user().id, collection_id, credential_id)
    db_session().commit()
    flash(_("Taken out of the collection."), "info")
    return _to_detail(credential_id)


@bp.get("/collections")
@login_required
def collections() -> ResponseReturnValue:
    return _collections_page(CollectionForm(formdata=None))


def _collections_page(form: CollectionForm) -> ResponseReturnValue:
    listing = portfolio.list_collections(db_session(), user().id)
    status = 400 if form.errors else 200
    return render_template("credentials/collections.html", collections=listing, form=form), status


@bp.post("/collections")
@login_required
def create_collection() -> ResponseReturnValue:
    form = CollectionForm()
    if form.validate():
        try:
            made = portfolio.create_collection(db_session(), user().id, form.name.data or "")
        except WalletError as error:
            form.name.errors = [_(error.message)]
        else:
            db_session().commit()
            flash(_("The collection “%(name)s” has been created.", name=made.name), "success")
            return redirect(url_for("organise.collection", collection_id=made.id))
    return _collections_page(form)


@bp.get("/collections/<int:collection_id>")
@login_required
def collection(collection_id: int) -> ResponseReturnValue:
    owner = user().id
    found = portfolio.get_collection(db_session(), owner, collection_id)
    members = portfolio.collection_credentials(db_session(), owner, collection_id)
    return render_template(
        "credentials/collection.html",
        collection=found,
        cards=[credential_card(c) for c in members],
        rename_form=CollectionForm(formdata=None, name=found.name),
        button_form=EmptyForm(formdata=None),
    )


@bp.post("/collections/<int:collection_id>/rename")
@login_required
def rename_collection(collection_id: int) -> Response:
    form, error = CollectionForm(), None
    if form.validate():
        try:
            portfolio.rename_collection(
                db_session(), user().id, collection_id, form.name.data or ""
            )
        except WalletError as caught:
            error = caught
        else:
            db_session().commit()
            flash(_("The collection has been renamed."), "success")
    if error is not None or form.errors:
        portfolio.get_collection(db_session(), user().id, collection_id)
        _report(error, form)
    return redirect(url_for("organise.collection", collection_id=collection_id))


@bp.post("/collections/<int:collection_id>/delete")
@login_required
def delete_collection(collection_id: int) -> Response:
    portfolio.delete_collection(db_session(), user().id, collection_id)
    db_session().commit()
    flash(_("The collection has been deleted; its credentials stay in your wallet."), "info")
    return redirect(url_for("organise.collections"))
