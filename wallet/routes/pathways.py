"""The pathway pages: list and templates, import, the builder, readiness, and decisions."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from wallet.errors import ConflictError, ValidationError, WalletError
from wallet.holder import pathway_builder, pathways
from wallet.holder.pathway_builder import GroupSpec, RequirementSpec
from wallet.i18n import current_language
from wallet.models import MatchDecision
from wallet.models.base import utcnow
from wallet.pathways.catalogue import templates
from wallet.pathways.definition import pathway_schema
from wallet.pathways.model import GroupKind, MatcherKind, Pathway
from wallet.routes import pathway_texts
from wallet.routes.forms import EmptyForm
from wallet.routes.scope import db_session, user

bp = Blueprint("pathways", __name__, url_prefix="/pathways")
MAX_PATHWAY_UPLOAD = 2 * 1024 * 1024

MATCH_CHOICES = [
    SelectChoice("achievement_id", _l("A credential (its achievement)")),
    SelectChoice("alignment_uri", _l("A skill or competence address (ESCO, DigComp, CASE…)")),
    SelectChoice("competence", _l("A framework competence code, e.g. DigComp 4.1")),
    SelectChoice("issuer", _l("An issuer")),
    SelectChoice("tag", _l("A tag")),
    SelectChoice("level", _l("A minimum EQF/PRK level")),
    SelectChoice("lo_text", _l("Words in the learning outcomes (you confirm each match)")),
    SelectChoice("manual", _l("A credential I choose myself")),
]
GROUP_CHOICES = [
    SelectChoice("all_of", _l("All of these")),
    SelectChoice("at_least_n", _l("At least N of these")),
    SelectChoice("min_credits", _l("Credits adding up to at least")),
]


class ImportForm(FlaskForm):
    document = FileField(
        _l("Pathway file (Plecak JSON, Badgr or CTDL)"), validators=[FileRequired()]
    )


class RequirementFields(FlaskForm):
    label_pl = StringField(_l("Requirement name (Polish)"), validators=[Length(max=300)])
    label_en = StringField(_l("Requirement name (English)"), validators=[Length(max=300)])
    match = SelectField(_l("Counts when the credential has"), choices=MATCH_CHOICES)
    value = StringField(_l("Value (address, code, tag or words)"), validators=[Length(max=2000)])
    credential_id = SelectField(_l("…or pick one of your credentials"), coerce=int, default=0)
    skill = SelectField(_l("…or pick one of your skills"), default="")
    framework = SelectField(
        _l("Framework (for a competence code)"),
        choices=[
            SelectChoice("", "—"),
            SelectChoice("digcomp", "DigComp"),
            SelectChoice("esco", "ESCO"),
        ],
        default="",
    )
    min_level = IntegerField(_l("Minimum level (1–8)"), validators=[Optional(), NumberRange(1, 8)])
    credits = DecimalField(
        _l("Credits it gives (optional)"), validators=[Optional(), NumberRange(0)]
    )

    def set_choices(
        self, credentials: list[tuple[int, str]], skills: list[tuple[str, str]]
    ) -> None:
        self.credential_id.choices = [
            SelectChoice(0, "—"),
            *(SelectChoice(key, label) for key, label in credentials),
        ]
        self.skill.choices = [
            SelectChoice("", "—"),
            *(SelectChoice(key, label) for key, label in skills),
        ]

    def requirement_spec(self) -> RequirementSpec:
        value = (self.value.data or "").strip() or (self.skill.data or "")
        kind = MatcherKind(self.match.data)
        if kind is MatcherKind.ALIGNMENT_URI and self.skill.data and not self.value.data:
            value = self.skill.data
        return RequirementSpec(
            label_pl=self.label_pl.data or "",
            label_en=self.label_en.data or "",
            kind=kind,
            value=value,
            framework=self.framework.data or None,
            min_level=self.min_level.data,
            credits=float(self.credits.data) if self.credits.data is not None else None,
            credential_id=self.credential_id.data or None,
        )


class GroupFields(FlaskForm):
    group_label_pl = StringField(_l("Group name (Polish)"), validators=[Length(max=300)])
    group_label_en = StringField(_l("Group name (English)"), validators=[Length(max=300)])
    group_kind = SelectField(_l("The group needs"), choices=GROUP_CHOICES)
    n = IntegerField(_l("N (for “at least N”)"), validators=[Optional(), NumberRange(1, 500)])
    min_credits = DecimalField(_l("Credits needed"), validators=[Optional(), NumberRange(0)])

    def group_spec(self) -> GroupSpec:
        return GroupSpec(
            label_pl=self.group_label_pl.data or "",
            label_en=self.group_label_en.data or "",
            kind=GroupKind(self.group_kind.data),
            n=self.n.data,
            min_credits=float(self.min_credits.data) if self.min_credits.data else None,
        )


class NewPathwayForm(RequirementFields, GroupFields):
    title_pl = StringField(_l("Title (Polish)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    prk_level = IntegerField(
        _l("PRK/EQF level (optional)"), validators=[Optional(), NumberRange(1, 8)]
    )


class AddRequirementForm(RequirementFields, GroupFields):
    parent = SelectField(_l("Add to group"))
    group_kind = SelectField(
        _l("Put it in a new group"),
        choices=[SelectChoice("", _l("No, add it directly")), *GROUP_CHOICES],
    )


class NodeForm(FlaskForm):
    node_id = HiddenField(validators=[DataRequired()])


class ThresholdForm(NodeForm):
    value = DecimalField(_l("Needed"), validators=[DataRequired(), NumberRange(0)])


class DecisionForm(FlaskForm):
    leaf_id = HiddenField(validators=[DataRequired()])
    credential_id = IntegerField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])


def _to_detail(pathway_id: int) -> Response:
    return redirect(url_for("pathways.detail", pathway_id=pathway_id))


def _flash_error(error: WalletError | None, form: FlaskForm | None = None) -> None:
    if error is not None:
        flash(_(error.message), "error")
    elif form is not None:
        for name, errors in form.errors.items():
            label = getattr(form, name).label.text if hasattr(form, name) else name
            flash(f"{label}: {' '.join(str(e) for e in errors)}", "error")
            return


def _groups(pathway: Pathway) -> list[SelectChoice]:
    return [SelectChoice(k, v) for k, v in pathways.group_choices(pathway, current_language())]


def _requirement_choices(form: RequirementFields) -> None:
    owner = user().id
    form.set_choices(
        pathways.credential_choices(db_session(), owner),
        pathways.skill_choices(db_session(), owner, current_language()),
    )


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    owner, at = user().id, utcnow()
    return render_template(
        "pathways/index.html",
        summaries=pathways.pathway_summaries(db_session(), owner, at),
        templates=templates(),
        suggestions=pathways.template_suggestions(db_session(), owner, at),
        import_form=ImportForm(formdata=None),
        button_form=EmptyForm(formdata=None),
        language=current_language(),
    )


@bp.get("/schema.json")
def schema() -> ResponseReturnValue:
    return pathway_schema()


@bp.post("/templates/<key>")
@login_required
def add_template(key: str) -> Response:
    if not EmptyForm().validate():
        return redirect(url_for("pathways.index"))
    try:
        stored = pathways.add_template(db_session(), user().id, key)
    except (ConflictError, ValidationError) as error:
        _flash_error(error)
        return redirect(url_for("pathways.index"))
    db_session().commit()
    flash(_("You now follow this pathway."), "success")
    return _to_detail(stored.id)


@bp.post("/import")
@login_required
def import_document() -> Response:
    form = ImportForm()
    if not form.validate():
        _flash_error(None, form)
        return redirect(url_for("pathways.index"))
    data = form.document.data.read(MAX_PATHWAY_UPLOAD + 1)
    try:
        stored = pathways.import_pathway(db_session(), user().id, data)
    except WalletError as error:
        flash(_("The pathway was not imported: %(problem)s", problem=_(error.message)), "error")
        return redirect(url_for("pathways.index"))
    db_session().commit()
    flash(_("The pathway has been imported."), "success")
    return _to_detail(stored.id)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = NewPathwayForm()
    _requirement_choices(form)
    if request.method == "POST" and form.validate():
        try:
            stored = pathway_builder.create_own_pathway(
                db_session(),
                user().id,
                form.title_pl.data or "",
                form.title_en.data or "",
                form.group_spec(),
                form.requirement_spec(),
                prk_level=form.prk_level.data,
            )
        except WalletError as error:
            _flash_error(error)
        else:
            db_session().commit()
            flash(_("Your pathway has been created."), "success")
            return redirect(url_for("pathways.edit", pathway_id=stored.id))
    return render_template("pathways/new.html", form=form)


@bp.get("/<int:pathway_id>")
@login_required
def detail(pathway_id: int) -> ResponseReturnValue:
    view = pathways.pathway_view(db_session(), user().id, pathway_id, utcnow())
    return render_template(
        "pathways/detail.html",
        view=view,
        texts=pathway_texts.texts(),
        button_form=EmptyForm(formdata=None),
        choices=pathways.credential_choices(db_session(), user().id),
        language=current_language(),
    )


@bp.post("/<int:pathway_id>/decisions")
@login_required
def decide(pathway_id: int) -> Response:
    form = DecisionForm()
    decisions = {"confirm": MatchDecision.CONFIRMED, "reject": MatchDecision.REJECTED}
    if not form.validate() or form.decision.data not in (*decisions, "withdraw"):
        pathways.get_pathway(db_session(), user().id, pathway_id)
        _flash_error(None, form)
        return _to_detail(pathway_id)
    try:
        pathways.decide(
            db_session(),
            user().id,
            pathway_id,
            form.leaf_id.data or "",
            form.credential_id.data or 0,
            decisions.get(form.decision.data or ""),
        )
    except WalletError as error:
        _flash_error(error)
        return _to_detail(pathway_id)
    db_session().commit()
    flash(_("Your answer has been saved."), "success")
    return _to_detail(pathway_id)


@bp.get("/<int:pathway_id>/edit")
@login_required
def edit(pathway_id: int) -> ResponseReturnValue:
    view = pathways.pathway_view(db_session(), user().id, pathway_id, utcnow())
    form = AddRequirementForm(formdata=None)
    _requirement_choices(form)
    form.parent.choices = _groups(view.pathway)
    return render_template(
        "pathways/edit.html",
        view=view,
        form=form,
        node_form=NodeForm(formdata=None),
        language=current_language(),
    )


@bp.post("/<int:pathway_id>/requirements")
@login_required
def add_requirement(pathway_id: int) -> Response:
    view = pathways.get_pathway(db_session(), user().id, pathway_id)
    form = AddRequirementForm()
    _requirement_choices(form)
    form.parent.choices = _groups(pathways.definition_of(view))
    if not form.validate():
        _flash_error(None, form)
        return redirect(url_for("pathways.edit", pathway_id=pathway_id))
    group = form.group_spec() if form.group_kind.data else None
    try:
        pathway_builder.add_requirement(
            db_session(),
            user().id,
            pathway_id,
            form.parent.data or "",
            form.requirement_spec(),
            group,
        )
    except WalletError as error:
        _flash_error(error)
    else:
        db_session().commit()
        flash(_("The requirement has been added."), "success")
    return redirect(url_for("pathways.edit", pathway_id=pathway_id))


@bp.post("/<int:pathway_id>/requirements/remove")
@login_required
def remove_requirement(pathway_id: int) -> Response:
    pathways.get_pathway(db_session(), user().id, pathway_id)
    form = NodeForm()
    if not form.validate():
        _flash_error(None, form)
        return redirect(url_for("pathways.edit", pathway_id=pathway_id))
    try:
        pathway_builder.remove_node(db_session(), user().id, pathway_id, form.node_id.data or "")
    except WalletError as error:
        _flash_error(error)
    else:
        db_session().commit()
        flash(_("The requirement has been removed."), "success")
    return redirect(url_for("pathways.edit", pathway_id=pathway_id))


@bp.post("/<int:pathway_id>/threshold")
@login_required
def threshold(pathway_id: int) -> Response:
    pathways.get_pathway(db_session(), user().id, pathway_id)
    form = ThresholdForm()
    if not form.validate() or form.value.data is None:
        _flash_error(None, form)
        return redirect(url_for("pathways.edit", pathway_id=pathway_id))
    try:
        pathway_builder.set_threshold(
            db_session(), user().id, pathway_id, form.node_id.data or "", float(form.value.data)
        )
    except WalletError as error:
        _flash_error(error)
    else:
        db_session().commit()
        flash(_("The group's threshold has been changed."), "success")
    return redirect(url_for("pathways.edit", pathway_id=pathway_id))


@bp.get("/<int:pathway_id>/export")
@login_required
def export(pathway_id: int) -> Response:
    data = pathways.export_pathway(db_session(), user().id, pathway_id)
    stored = pathways.get_pathway(db_session(), user().id, pathway_id)
    response = Response(data, mimetype="application/json")
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in stored.key)[:80] or "pathway"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.json"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:pathway_id>/cv")
@login_required
def toggle_cv(pathway_id: int) -> Response:
    stored = pathways.get_pathway(db_session(), user().id, pathway_id)
    if EmptyForm().validate():
        pathways.set_on_cv(db_session(), user().id, pathway_id, not stored.on_cv)
        db_session().commit()
        flash(_("Shown on your CV.") if stored.on_cv else _("No longer shown on your CV."), "info")
    return _to_detail(pathway_id)


@bp.post("/<int:pathway_id>/delete")
@login_required
def delete(pathway_id: int) -> Response:
    pathways.get_pathway(db_session(), user().id, pathway_id)
    if not EmptyForm().validate():
        return _to_detail(pathway_id)
    pathways.delete_pathway(db_session(), user().id, pathway_id)
    db_session().commit()
    flash(_("You no longer follow this pathway."), "info")
    return redirect(url_for("pathways.index"))
