"""Staff forms: logging a request, clock actions, filters, notes."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Optional

from portal.formfields import Clean, GovDateField, check_nhs_number, check_phone, check_postcode
from portal.models import Channel, ContactPreference, Relationship, RequestStatus, RequestType

STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c is not Channel.ONLINE]


class LogRequestForm(FlaskForm):
    """A request received by phone, letter, email or in person, typed in by staff."""

    type = RadioField(
        "Type of request",
        choices=[(t.value, t.label) for t in RequestType],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the type of request")],
    )
    channel = RadioField(
        "How was it received?",
        choices=STAFF_CHANNELS,
        widget=GovRadioInput(),
        validators=[InputRequired("Select how the request was received")],
    )
    received_date = GovDateField(
        "Date received",
        what="The date received",
        description="The day the council received it, not today's date if it arrived earlier. "
        "For example, 27 3 2026",
        validators=[InputRequired("Enter the date the request was received")],
    )
    requester_name = StringField(
        "Requester's full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the requester's name"), Clean(200, what="The name")],
    )
    relationship = RadioField(
        "Who is the request about?",
        choices=[(r.value, r.label) for r in Relationship],
        default=Relationship.SELF.value,
        widget=GovRadioInput(),
        description="Choose 'Themselves' when the requester asks for their own records",
        validators=[InputRequired("Select who the request is about")],
    )
    relationship_detail = StringField(
        "Relationship detail (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Clean(200, what="The relationship detail")],
    )
    email = StringField(
        "Email address (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Clean(254, what="The email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    phone = StringField(
        "Phone number (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Clean(30, what="The phone number"), check_phone],
    )
    address = TextAreaField(
        "Postal address (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Clean(500, multiline=True, what="The address")],
    )
    postcode = StringField(
        "Postcode (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Clean(10, what="The postcode"), check_postcode],
    )
    contact_preference = RadioField(
        "How should we reply?",
        choices=[(p.value, p.value.capitalize()) for p in ContactPreference],
        default=ContactPreference.EMAIL.value,
        widget=GovRadioInput(),
        validators=[InputRequired("Select how to reply")],
    )
    subject_first_names = StringField(
        "Data subject's first names",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the first names of the person the records are about"),
            Clean(200, what="The first names"),
        ],
    )
    subject_last_name = StringField(
        "Data subject's last name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the last name of the person the records are about"),
            Clean(200, what="The last name"),
        ],
    )
    subject_other_names = TextAreaField(
        "Previous names and aliases (optional)",
        description="One per line",
        widget=GovTextArea(),
        validators=[Optional(), Clean(1000, multiline=True, what="The other names")],
    )
    subject_dob = GovDateField(
        "Data subject's date of birth (optional)",
        what="The date of birth",
        validators=[Optional()],
    )
    subject_is_child = BooleanField("The data subject is a child", widget=GovCheckboxInput())
    subject_social_care_number = StringField(
        "Social care number (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Clean(40, what="The social care number")],
    )
    subject_nhs_number = StringField(
        "NHS number (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Clean(14, what="The NHS number"), check_nhs_number],
    )
    other_children = TextAreaField(
        "Other children in the same request (optional)",
        description="One per line: full name, then date of birth as DD/MM/YYYY, e.g. "
        "'Alex Smith, 04/09/2014'. Each gets a linked request of its own.",
        widget=GovTextArea(),
        validators=[Optional(), Clean(2000, multiline=True, what="The other children")],
    )
    description = TextAreaField(
        "What do they want?",
        description="Access: which records and periods. Rectification: what is wrong and what "
        "it should say. Erasure: what and why.",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter what the requester wants"),
            Clean(5000, multiline=True, what="What they want"),
        ],
    )
    contact_notes = TextAreaField(
        "Notes of the contact (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Clean(5000, multiline=True, what="The notes")],
    )
    submit = SubmitField("Log request", widget=GovSubmitInput())


class ReasonForm(FlaskForm):
    """An action that needs a reason."""

    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        validators=[InputRequired("Enter a reason"), Clean(2000, multiline=True, what="Reason")],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class DatedForm(FlaskForm):
    """An action that happened on a given day, with an optional note."""

    on = GovDateField("Date", what="The date", validators=[InputRequired("Enter the date")])
    reason = TextAreaField(
        "Note (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Clean(2000, multiline=True, what="The note")],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class NoteOnlyForm(FlaskForm):
    """An action with an optional note."""

    reason = TextAreaField(
        "Note (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Clean(2000, multiline=True, what="The note")],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class RefuseForm(FlaskForm):
    """Refusal of a manifestly unfounded or excessive request."""

    grounds = RadioField(
        "Grounds",
        choices=[
            ("manifestly_unfounded", "Manifestly unfounded"),
            ("manifestly_excessive", "Manifestly excessive"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the grounds for refusal")],
    )
    reason = TextAreaField(
        "Reasons",
        description="These are sent to the requester with their right to complain to the ICO",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the reasons"),
            Clean(4000, multiline=True, what="The reasons"),
        ],
    )
    submit = SubmitField("Refuse request", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """The decision on a rectification or erasure request."""

    outcome = RadioField(
        "Decision",
        choices=[
            ("agreed", "Agreed: the record is corrected or erased"),
            ("partly_agreed", "Partly agreed"),
            ("refused", "Not agreed"),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired("Select the decision")],
    )
    reason = TextAreaField(
        "Reasons",
        description="Sent to the requester in the decision letter, with their right to complain "
        "to the ICO",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter the reasons"),
            Clean(4000, multiline=True, what="The reasons"),
        ],
    )
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class ChildViewsForm(FlaskForm):
    """The child's competence and views, where a parent or carer asks for a child's records."""

    competence = TextAreaField(
        "Is the child competent to make the request themselves?",
        description="Their age and understanding; the council's working age is a guide, not a "
        "rule. Record how you reached your view.",
        widget=GovTextArea(),
        validators=[Optional(), Clean(4000, multiline=True, what="The competence note")],
    )
    views = TextAreaField(
        "The child's views",
        description="Whether the child agrees to the request, or why their views were not sought",
        widget=GovTextArea(),
        validators=[Optional(), Clean(4000, multiline=True, what="The child's views")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class AssignForm(FlaskForm):
    """Assignment to a caseworker."""

    caseworker = SelectField("Caseworker", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Assign", widget=GovSubmitInput())


class NoteForm(FlaskForm):
    """A note on a request."""

    body = TextAreaField(
        "Add a note",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the note"), Clean(5000, multiline=True, what="The note")],
    )
    submit = SubmitField("Add note", widget=GovSubmitInput())


class CaseFilterForm(FlaskForm):
    """Filters on the case list (GET, no CSRF)."""

    class Meta:
        csrf = False

    type = SelectField(
        "Type",
        choices=[("", "All types")] + [(t.value, t.label) for t in RequestType],
        widget=GovSelect(),
        validators=[Optional()],
    )
    status = SelectField(
        "Status",
        choices=[("open", "All open"), ("", "All")] + [(s.value, s.label) for s in RequestStatus],
        default="open",
        widget=GovSelect(),
        validators=[Optional()],
    )
    caseworker = SelectField("Caseworker", widget=GovSelect(), validators=[Optional()])
    due_within = StringField(
        "Due within (working days)",
        widget=GovTextInput(),
        validators=[Optional(), Clean(3, what="Due within")],
    )
    overdue = BooleanField("Overdue only", widget=GovCheckboxInput())
    submit = SubmitField("Filter", widget=GovSubmitInput())


class PhoneCodeForm(FlaskForm):
    """Before a one-time code is read out by phone: how the caller's identity was checked."""

    identity_check = TextAreaField(
        "How did you check the caller is the requester?",
        description=(
            "For example: they gave the reference, their date of birth and their address, and "
            "we called them back on the number we hold. This is kept in the audit trail."
        ),
        widget=GovTextArea(),
        validators=[
            InputRequired("Say how you checked the caller is the requester"),
            Clean(300, multiline=True, what="How you checked"),
        ],
    )
    confirmed = BooleanField(
        "I am satisfied the caller is the requester",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm you are satisfied the caller is the requester")],
    )
    submit = SubmitField("Generate a code to read out", widget=GovSubmitInput())


class PackDecisionForm(FlaskForm):
    """An approving officer's decision on a built pack."""

    decision = SelectField(
        "Decision",
        choices=[("approve", "Approve"), ("send_back", "Send back")],
        validators=[InputRequired("Choose approve or send back")],
    )
    comment = TextAreaField(
        "Comment (needed to send back)",
        widget=GovTextArea(),
        validators=[Optional(), Clean(2000, multiline=True, what="The comment")],
    )


class IndexTitleForm(FlaskForm):
    """A document's title in the pack's index, replacing one that would reveal too much."""

    document_id = IntegerField("Document", validators=[InputRequired("Choose the document")])
    title = StringField(
        "Title in the index",
        validators=[Optional(), Clean(300, what="The title")],
    )
