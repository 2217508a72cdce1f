"""Web forms: CSRF-protected, with lazily translated labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length


class RegisterForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[Length(max=120)])
    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(
        _l("Password (at least 10 characters)"), validators=[DataRequired(), Length(min=10)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password (at least 10 characters)"), validators=[DataRequired(), Length(min=10)]
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password (at least 10 characters)"), validators=[DataRequired(), Length(min=10)]
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])


class IdentifierForm(FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("email", _l("Email address")),
            SelectChoice("url", _l("Web address")),
            SelectChoice("did", _l("DID")),
            SelectChoice("phone", _l("Phone number")),
        ],
    )
    value = StringField(_l("Identifier"), validators=[DataRequired(), Length(max=512)])


class LanguageForm(FlaskForm):
    language = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change state."""


class MakeBackupForm(FlaskForm):
    passphrase = PasswordField(
        _l("Passphrase for the backup (at least 12 characters)"),
        validators=[DataRequired(), Length(min=12, max=1024)],
    )
    confirm = PasswordField(
        _l("Repeat the passphrase"),
        validators=[
            DataRequired(),
            EqualTo("passphrase", message=_l("The passphrases differ.")),
        ],
    )


class RestoreBackupForm(FlaskForm):
    backup = FileField(_l("Backup file"), validators=[FileRequired(_l("Choose the backup file."))])
    # Not ``passphrase``: the backup form on the same page has that id.
    backup_passphrase = PasswordField(
        _l("The backup's passphrase"), validators=[DataRequired(), Length(max=1024)]
    )


class DidAuthForm(FlaskForm):
    challenge = HiddenField(validators=[DataRequired(), Length(max=64)])
    presentation = TextAreaField(
        _l("Signed presentation (JSON or VP-JWT)"), validators=[Length(max=256 * 1024)]
    )
    presentation_file = FileField(_l("Or upload it as a file"))
