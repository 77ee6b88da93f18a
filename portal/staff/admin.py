"""Administration: settings (council, contacts, holidays) and staff accounts."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, NumberRange, Optional, ValidationError

from portal.access import roles_required
from portal.extensions import db
from portal.formfields import Clean
from portal.models import Role, User
from portal.services import audit, deadlines, settings, users
from portal.services.actor import Actor
from portal.services.errors import ServiceError

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _holiday_lines(form: FlaskForm, field: TextAreaField) -> None:
    parsed = []
    for n, line in enumerate((field.data or "").splitlines(), start=1):
        if line.strip():
            try:
                parsed.append(date.fromisoformat(line.strip()))
            except ValueError:
                raise ValidationError(
                    f"Extra holidays, line {n}: write the date as YYYY-MM-DD, like 2026-06-15"
                ) from None
    field.parsed = sorted(set(parsed))  # type: ignore[attr-defined]


class SettingsForm(FlaskForm):
    """The council's settings."""

    council_name = StringField(
        "Council name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the council's name"), Clean(200, what="The council name")],
    )
    service_name = StringField(
        "Service name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the service name"), Clean(200, what="The service name")],
    )
    dpo_email = StringField(
        "Data protection email",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the data protection email"),
            Clean(254, what="The email"),
            Email("Enter a valid email address"),
        ],
    )
    dpo_phone = StringField(
        "Data protection phone",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the phone number"), Clean(40, what="The phone number")],
    )
    council_address = TextAreaField(
        "Council postal address",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the address"),
            Clean(500, multiline=True, strip_lines=True, what="The address"),
        ],
    )
    holiday_division = SelectField(
        "Bank holidays of", widget=GovSelect(), choices=list(settings.DIVISIONS.items())
    )
    extra_holidays = TextAreaField(
        "Extra holidays",
        widget=GovTextArea(),
        description="One-off bank holidays announced after the software was released, one per "
        "line as YYYY-MM-DD. Open requests' due dates are recomputed when you save.",
        validators=[
            Optional(),
            Clean(4000, multiline=True, strip_lines=True, what="Extra holidays"),
            _holiday_lines,
        ],
    )
    competence_age = IntegerField(
        "Working age of competence",
        widget=GovTextInput(),
        description="The age from which a child is presumed able to make their own request",
        validators=[InputRequired("Enter an age"), NumberRange(8, 18, "Enter an age from 8 to 18")],
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


class NewUserForm(FlaskForm):
    """A new staff account."""

    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the name"), Clean(200, what="Name")],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the email address"),
            Clean(254, what="The email address"),
            Email("Enter a valid email address"),
        ],
    )
    roles = SelectMultipleField(
        "Roles",
        choices=ROLE_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Choose at least one role")],
    )
    password = PasswordField(
        "Initial password",
        widget=GovPasswordInput(),
        description=f"At least {users.MIN_PASSWORD_LENGTH} characters",
        validators=[InputRequired("Enter a password"), Clean(200, what="The password")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class EditUserForm(FlaskForm):
    """Roles and whether the account may sign in."""

    roles = SelectMultipleField(
        "Roles",
        choices=ROLE_CHOICES,
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Choose at least one role")],
    )
    active = BooleanField("Account can sign in", widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> str:
    """Administration home."""
    return render_template("admin/index.html", title="Administration")


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_settings() -> str | Response:
    """Council name, contacts, holidays."""
    form = SettingsForm()
    current = settings.all_settings()
    if not form.is_submitted():
        for key in (
            "council_name",
            "service_name",
            "dpo_email",
            "dpo_phone",
            "council_address",
            "holiday_division",
            "competence_age",
        ):
            getattr(form, key).data = current[key]
        form.extra_holidays.data = "\n".join(current["extra_holidays"])
    if form.validate_on_submit():
        actor = Actor.staff(current_user)
        changed = []
        for key in (
            "council_name",
            "service_name",
            "dpo_email",
            "dpo_phone",
            "council_address",
            "holiday_division",
            "competence_age",
        ):
            value = getattr(form, key).data
            if value != current[key]:
                settings.put(key, value)
                changed.append(key)
        holidays = [d.isoformat() for d in getattr(form.extra_holidays, "parsed", [])]
        if holidays != current["extra_holidays"]:
            settings.put("extra_holidays", holidays)
            changed.append("extra_holidays")
        recomputed = 0
        if {"extra_holidays", "holiday_division"} & set(changed):
            recomputed = deadlines.refresh_open_requests()
        audit.record(actor, "settings_changed", None, keys=changed, recomputed=recomputed)
        db.session.commit()
        flash(
            "Settings saved"
            + (f"; {recomputed} open requests' due dates recomputed" if recomputed else ""),
            "success",
        )
        return redirect(url_for("admin.edit_settings"))
    return render_template("admin/settings.html", form=form, title="Settings")


class NoticeForm(FlaskForm):
    """The Art 15 information sent with every response, and the exemption citations."""

    notice = TextAreaField(
        "Information sent with every response (Art 15)",
        description="From the council's privacy notice. '## ' starts a heading; {council}, "
        "{dpo_email} and {dpo_phone} are filled in. Leave empty to go back to the default.",
        widget=GovTextArea(),
        validators=[Optional(), Clean(20000, multiline=True, what="The notice")],
    )
    citations = TextAreaField(
        "Exemption codes and citations",
        description="One per line: CODE | citation as printed on a schedule of redactions",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Clean(5000, multiline=True, strip_lines=True, what="The citations"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


@bp.route("/notice", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_notice() -> str | Response:
    """The notice text and exemption citations used in release packs."""
    from portal.services import notice

    form = NoticeForm()
    if not form.is_submitted():
        form.notice.data = notice.notice_template()
        form.citations.data = "\n".join(f"{k} | {v}" for k, v in notice.citations().items())
    if form.validate_on_submit():
        values = {}
        for n, line in enumerate((form.citations.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, text = line.partition("|")
            if not sep or not code.strip() or not text.strip():
                form.citations.errors = [f"Citations, line {n}: write CODE | citation"]
                return render_template("admin/notice.html", form=form, title="Notice")
            values[code.strip()] = text.strip()
        actor = Actor.staff(current_user)
        notice.set_notice(form.notice.data, actor)
        notice.set_citations(values, actor)
        db.session.commit()
        flash("Notice and citations saved", "success")
        return redirect(url_for("admin.edit_notice"))
    return render_template("admin/notice.html", form=form, title="Notice")


@bp.route("/users")
@roles_required(Role.ADMIN)
def user_list() -> str:
    """Every staff account."""
    accounts = list(db.session.scalars(select(User).order_by(User.full_name)))
    return render_template("admin/users.html", accounts=accounts, title="Staff accounts")


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> str | Response:
    """Create a staff account."""
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = users.create_user(
                form.email.data or "",
                form.full_name.data or "",
                {Role(r) for r in form.roles.data or []},
                form.password.data or "",
                Actor.staff(current_user),
            )
        except ServiceError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Account created for {user.email}", "success")
            return redirect(url_for("admin.user_list"))
    return render_template("admin/user_form.html", form=form, title="New staff account")


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int) -> str | Response:
    """Change roles or switch an account off."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = EditUserForm()
    if not form.is_submitted():
        form.roles.data = [r.value for r in user.roles]
        form.active.data = user.active
    if form.validate_on_submit():
        try:
            users.set_roles(
                user.id,
                {Role(r) for r in form.roles.data or []},
                bool(form.active.data),
                Actor.staff(current_user),
            )
        except ServiceError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash("Account saved", "success")
            return redirect(url_for("admin.user_list"))
    return render_template(
        "admin/user_form.html", form=form, account=user, title=f"Account: {user.full_name}"
    )
