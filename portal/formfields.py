"""Form fields and validators shared by the public and staff forms (GOV.UK error wording)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.fields import DateField
from wtforms.form import BaseForm
from wtforms.validators import StopValidation, ValidationError

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
POSTCODE = re.compile(r"^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$")
PHONE = re.compile(r"^\+?[\d ()-]{7,20}$")
# Every character str.splitlines() (and so Jinja's indent filter) breaks a line at.
LINE_BREAKS = re.compile("[\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def textarea_value(value: Any) -> Markup:
    """A textarea's content, escaped so that the browser shows exactly `value`.

    GOV.UK Frontend's macros indent the HTML of nested components (a textarea revealed by a
    radio inside a fieldset gets `| indent(2)`): a line break written as itself inside a
    textarea would gain those spaces on every visit, and be saved with them. Written as a
    character reference it is the same text to the browser and nothing can indent it. A
    leading line break gets one more in front, because the HTML parser drops the first line
    feed after `<textarea>`.
    """
    if value is None:
        return Markup("")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    escaped = LINE_BREAKS.sub(lambda m: f"&#{ord(m.group(0))};", str(escape(text)))
    return Markup(("&#10;" if text.startswith("\n") else "") + escaped)


class Clean:
    """Strip the text, refuse control characters (NUL included) and cap its length.

    Multiline text loses the spaces at the end of every line; with `strip_lines` (addresses,
    lists: fields where indentation means nothing) those at the start of every line too.
    """

    def __init__(
        self,
        max_length: int,
        *,
        multiline: bool = False,
        strip_lines: bool = False,
        what: str = "This",
    ) -> None:
        self.max_length = max_length
        self.multiline = multiline
        self.strip_lines = strip_lines
        self.what = what

    def __call__(self, form: BaseForm, field: Field) -> None:
        value = field.data
        if value is None:
            return
        if not isinstance(value, str):
            raise StopValidation(f"{self.what} is not valid")
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        if self.multiline:
            lines = value.split("\n")
            value = "\n".join(line.strip() if self.strip_lines else line.rstrip() for line in lines)
        value = value.strip()
        if not self.multiline:
            value = " ".join(value.split())
        field.data = value
        if CONTROL_CHARS.search(value) or (not self.multiline and "\n" in value):
            raise StopValidation(f"{self.what} must not contain control characters")
        if len(value) > self.max_length:
            raise StopValidation(f"{self.what} must be {self.max_length} characters or fewer")


def nhs_number_valid(value: str) -> bool:
    """The NHS number's modulus 11 check digit is right."""
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def check_nhs_number(form: BaseForm, field: Field) -> None:
    """Validator: an NHS number, if given, is 10 digits with a valid check digit."""
    if field.data:
        if not nhs_number_valid(field.data):
            raise ValidationError("Enter a valid NHS number, like 943 476 5919, or leave it blank")
        digits = re.sub(r"\D", "", field.data)
        field.data = f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def check_postcode(form: BaseForm, field: Field) -> None:
    """Validator: a UK postcode, if given, in the usual shape; stored upper case with a space."""
    if field.data:
        compact = re.sub(r"\s+", "", field.data.upper())
        if not POSTCODE.match(compact):
            raise ValidationError("Enter a real postcode, like WR5 2NP")
        field.data = f"{compact[:-3]} {compact[-3:]}"


def check_phone(form: BaseForm, field: Field) -> None:
    """Validator: a phone number, if given, in a usual shape."""
    if field.data and not PHONE.match(field.data):
        raise ValidationError("Enter a phone number, like 01905 765765 or +44 7700 900 982")


class GovDateField(DateField):
    """A day/month/year date with GOV.UK error messages ("Date of birth must include a month")."""

    widget = GovDateInput()

    def __init__(
        self,
        label: str | None = None,
        validators: Any = None,
        *,
        what: str = "The date",
        allow_future: bool = False,
        earliest: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.what = what
        self.allow_future = allow_future
        self.earliest = earliest or date(1900, 1, 1)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist:
            return
        parts = [str(v).strip() for v in valuelist[:3]] + [""] * (3 - len(valuelist[:3]))
        if not any(parts):
            return
        names = ("a day", "a month", "a year")
        missing = [n for n, p in zip(names, parts, strict=True) if not p]
        if missing:
            raise ValueError(f"{self.what} must include {' and '.join(missing)}")
        if not all(p.isdigit() for p in parts) or len(parts[2]) != 4:
            raise ValueError(f"{self.what} must be a real date, like 27 3 2007")
        try:
            value = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueError(f"{self.what} must be a real date") from None
        if not self.allow_future and value > date.today():
            raise ValueError(f"{self.what} must be today or in the past")
        if value < self.earliest:
            raise ValueError(f"{self.what} must be after {self.earliest:%-d %B %Y}")
        self.data = value
