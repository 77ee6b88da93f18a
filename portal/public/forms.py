"""The public question pages: one form per page, GOV.UK wording for every error."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    MultipleFileField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.form import BaseForm
from wtforms.validators import Email, Optional, StopValidation

from portal.formfields import Clean, GovDateField, check_nhs_number, check_phone, check_postcode
from portal.models import ContactPreference, EvidenceKind, Relationship, RequestType

NAME_MAX = 100
LINE_MAX = 200
TEXT_MAX = 5000
MAX_LIST_LINES = 10

# Services a Children's Services record may come from (free to widen; stored as given).
SERVICES = [
    ("social_care", "Children's social care (social workers, child protection, children in need)"),
    ("looked_after", "Children in care, fostering or leaving care"),
    ("adoption", "Adoption"),
    ("early_help", "Early help and family support"),
    ("disability", "Children with disabilities"),
    ("youth_justice", "Youth justice"),
    ("education", "Education, special educational needs (SEND) or school admissions"),
    ("not_sure", "I'm not sure, or all of them"),
]
SERVICE_LABELS = dict(SERVICES)


class ChoiceRadioField(RadioField):
    """Radios whose one message covers nothing chosen and a value not offered."""

    def __init__(self, *args: Any, message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message

    def pre_validate(self, form: BaseForm) -> None:
        if self.validate_choice and self.data not in {str(c[0]) for c in self.choices or []}:
            raise StopValidation(self.message)


class ChoiceCheckboxesField(SelectMultipleField):
    """Checkboxes: at least one, each one offered, with one GOV.UK message."""

    def __init__(self, *args: Any, message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message

    def pre_validate(self, form: BaseForm) -> None:
        offered = {str(c[0]) for c in self.choices or []}
        if not self.data or any(value not in offered for value in self.data):
            raise StopValidation(self.message)


def radio(label: str, choices: list[tuple[str, str]], message: str, **kwargs: Any) -> Any:
    """A GOV.UK radios question."""
    return ChoiceRadioField(
        label, choices=choices, widget=GovRadioInput(), message=message, **kwargs
    )


class Answer:
    """Validator: the question was answered with more than spaces."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form: BaseForm, field: Field) -> None:
        if not isinstance(field.data, str) or not field.data.strip():
            raise StopValidation(self.message)


class DateAnswer:
    """Validator for a date: keep the field's own message ("must include a month") if it has one."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        if field.errors:
            raise StopValidation()
        if field.data is None:
            raise StopValidation(self.message)


class Lines:
    """Validator for a textarea of names, one per line: each line and the count capped."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, form: BaseForm, field: Field) -> None:
        lines = [" ".join(line.split()) for line in (field.data or "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_LIST_LINES:
            raise StopValidation(f"{self.what}: enter {MAX_LIST_LINES} names or fewer")
        if any(len(line) > LINE_MAX for line in lines):
            raise StopValidation(f"{self.what}: each name must be {LINE_MAX} characters or fewer")
        field.data = "\n".join(lines)


class RequiredIf:
    """Validator: the field is needed when another field has one of the given values."""

    def __init__(self, other: str, values: set[str], message: str) -> None:
        self.other = other
        self.values = values
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        if form[self.other].data in self.values:
            if not field.data or not str(field.data).strip():
                raise StopValidation(self.message)
        elif not field.data:
            raise StopValidation()


def split_lines(value: str | None) -> list[str]:
    """Non-empty lines of a textarea."""
    return [line for line in (value or "").splitlines() if line.strip()]


class TypeForm(FlaskForm):
    request_type = radio(
        "What do you want to do?",
        [
            (RequestType.ACCESS.value, "Get a copy of the information you hold"),
            (RequestType.RECTIFICATION.value, "Correct information that is wrong"),
            (RequestType.ERASURE.value, "Delete information"),
        ],
        "Select what you want to do",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


WHO_SELF = "self"
WHO_CHILD = "child"
WHO_OTHER = "other"


class WhoForm(FlaskForm):
    who = radio(
        "Who is the information about?",
        [
            (WHO_SELF, "Me"),
            (WHO_CHILD, "A child or children I am responsible for"),
            (WHO_OTHER, "Another person I am acting for"),
        ],
        "Select who the information is about",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RelationshipForm(FlaskForm):
    relationship = radio(
        "What is your relationship to them?",
        [(r.value, r.label) for r in Relationship if r is not Relationship.SELF],
        "Select your relationship to them",
    )
    relationship_detail = StringField(
        "Describe your relationship",
        widget=GovTextInput(),
        validators=[
            RequiredIf("relationship", {Relationship.OTHER.value}, "Describe your relationship"),
            Clean(LINE_MAX, what="Your relationship"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class YourNameForm(FlaskForm):
    full_name = StringField(
        "What is your full name?",
        widget=GovTextInput(),
        validators=[Answer("Enter your full name"), Clean(LINE_MAX, what="Your name")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SubjectNameForm(FlaskForm):
    first_names = StringField(
        "First names",
        widget=GovTextInput(),
        validators=[Answer("Enter the first names"), Clean(NAME_MAX, what="First names")],
    )
    last_name = StringField(
        "Last name",
        widget=GovTextInput(),
        validators=[Answer("Enter the last name"), Clean(NAME_MAX, what="Last name")],
    )
    previous_names = TextAreaField(
        "Previous names (optional)",
        description="For example a name before adoption or marriage. Put each name on a new line.",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Clean(2000, multiline=True, strip_lines=True, what="Previous names"),
            Lines("Previous names"),
        ],
    )
    aliases = TextAreaField(
        "Other names they have been known by (optional)",
        description="For example a nickname or a different spelling. Put each on a new line.",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Clean(2000, multiline=True, strip_lines=True, what="Other names"),
            Lines("Other names"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class DateOfBirthForm(FlaskForm):
    # The id names the first input, so the error summary link lands on it (GOV.UK pattern).
    date_of_birth = GovDateField(
        "What is the date of birth?",
        description="For example, 27 3 2007",
        what="Date of birth",
        id="date_of_birth-day",
        validators=[DateAnswer("Enter the date of birth")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AddressForm(FlaskForm):
    address = TextAreaField(
        "Address",
        widget=GovTextArea(),
        validators=[
            Answer("Enter the address"),
            Clean(500, multiline=True, strip_lines=True, what="Address"),
        ],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[Optional(), Clean(10, what="Postcode"), check_postcode],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReferencesForm(FlaskForm):
    social_care_number = StringField(
        "Social care number or case reference (optional)",
        description="This may be on a letter from Children's Services",
        widget=GovTextInput(),
        validators=[Optional(), Clean(40, what="Social care number")],
    )
    nhs_number = StringField(
        "NHS number (optional)",
        description="This is a 10 digit number, like 943 476 5919",
        widget=GovTextInput(),
        validators=[Optional(), Clean(20, what="NHS number"), check_nhs_number],
    )
    other_references = TextAreaField(
        "Other reference numbers (optional)",
        description="For example a school, court or police reference",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Clean(1000, multiline=True, strip_lines=True, what="Other reference numbers"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AddAnotherForm(FlaskForm):
    add_another = radio(
        "Do you need to add another child?",
        [("yes", "Yes"), ("no", "No")],
        "Select yes if you need to add another child",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ContactForm(FlaskForm):
    contact_preference = radio(
        "How should we contact you?",
        [
            (ContactPreference.EMAIL.value, "Email"),
            (ContactPreference.PHONE.value, "Phone"),
            (ContactPreference.POST.value, "Post"),
        ],
        "Select how we should contact you",
    )
    email = StringField(
        "Email address",
        description="We will send your reference to this address. You need it to check progress.",
        widget=GovTextInput(),
        validators=[
            RequiredIf("contact_preference", {"email"}, "Enter your email address"),
            Clean(254, what="Email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
        ],
    )
    phone = StringField(
        "Phone number",
        widget=GovTextInput(),
        validators=[
            RequiredIf("contact_preference", {"phone"}, "Enter your phone number"),
            Clean(40, what="Phone number"),
            check_phone,
        ],
    )
    address = TextAreaField(
        "Postal address",
        widget=GovTextArea(),
        validators=[
            RequiredIf("contact_preference", {"post"}, "Enter your postal address"),
            Clean(500, multiline=True, strip_lines=True, what="Postal address"),
        ],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[
            RequiredIf("contact_preference", {"post"}, "Enter your postcode"),
            Clean(10, what="Postcode"),
            check_postcode,
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AccessDetailsForm(FlaskForm):
    services = ChoiceCheckboxesField(
        "Which services' records do you want?",
        description="Select all that apply",
        choices=SERVICES,
        widget=GovCheckboxesInput(),
        message="Select which services' records you want",
    )
    access_period = StringField(
        "What period do you want records from? (optional)",
        description="For example, 2015 to 2019. Leave blank for all records.",
        widget=GovTextInput(),
        validators=[Optional(), Clean(LINE_MAX, what="The period")],
    )
    description = TextAreaField(
        "Anything else that would help us find the records (optional)",
        description="For example, the names of social workers, places you lived or schools.",
        widget=GovTextArea(),
        validators=[Optional(), Clean(TEXT_MAX, multiline=True, what="The description")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class RectificationDetailsForm(FlaskForm):
    description = TextAreaField(
        "What information is wrong?",
        description="Tell us which records, and what they say",
        widget=GovTextArea(),
        validators=[
            Answer("Enter what information is wrong"),
            Clean(TEXT_MAX, multiline=True, what="What is wrong"),
        ],
    )
    correction = TextAreaField(
        "What should it say?",
        widget=GovTextArea(),
        validators=[
            Answer("Enter what the information should say"),
            Clean(TEXT_MAX, multiline=True, what="What it should say"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ErasureDetailsForm(FlaskForm):
    description = TextAreaField(
        "What information do you want us to delete?",
        widget=GovTextArea(),
        validators=[
            Answer("Enter what information you want us to delete"),
            Clean(TEXT_MAX, multiline=True, what="What to delete"),
        ],
    )
    erasure_reason = TextAreaField(
        "Why do you want it deleted?",
        description="For example, it is no longer needed, or you withdraw your consent",
        widget=GovTextArea(),
        validators=[
            Answer("Enter why you want it deleted"),
            Clean(TEXT_MAX, multiline=True, what="Why"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


DETAILS_FORMS: dict[RequestType, type[FlaskForm]] = {
    RequestType.ACCESS: AccessDetailsForm,
    RequestType.RECTIFICATION: RectificationDetailsForm,
    RequestType.ERASURE: ErasureDetailsForm,
}


class EvidenceForm(FlaskForm):
    """Files of one kind, checked together: all are kept or none."""

    kind = radio(
        "What are you sending?",
        [(k.value, k.label) for k in EvidenceKind],
        "Select what you are sending",
        validate_choice=False,
    )
    files = MultipleFileField(
        "Choose files",
        description="PDF, JPG or PNG, smaller than 10MB each, up to 5 files",
        widget=GovFileInput(multiple=True),
    )
    upload = SubmitField("Upload", widget=GovSubmitInput())

    def chosen_files(self) -> list[Any]:
        """The files actually chosen (browsers send an empty part when none is)."""
        return [f for f in (self.files.data or []) if getattr(f, "filename", "")]


class RemoveUploadForm(FlaskForm):
    submit = SubmitField("Remove", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Accept and send", widget=GovSubmitInput())


class StatusLookupForm(FlaskForm):
    reference = StringField(
        "Reference",
        description="For example, SAR-2026-00042",
        widget=GovTextInput(),
        validators=[Answer("Enter your reference"), Clean(40, what="Reference")],
    )
    email = StringField(
        "Email address",
        description="The email address you gave when you made the request",
        widget=GovTextInput(),
        validators=[Answer("Enter your email address"), Clean(254, what="Email address")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
