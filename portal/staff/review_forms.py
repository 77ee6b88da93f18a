"""Forms of the redaction review screens: every POST of portal/staff/review.py, declared and
checked here, whether it comes from a page's form or as JSON from the review screen's script
(static/portal/review.js). The templates draw their own HTML: these forms only read and check.

A field holds its value as sent: a form's string, or any JSON value (a list stays one value: a
rectangle). Its validators say clearly when it is not what it should be, and leave it converted
(a whole number, an exemption code in capitals, the text cleaned). A field left blank is not
sent (None), and a JSON null is the same as leaving it out. What the services check again (the
page is in the document, the rectangle is on the page) stays theirs.

CSRF is the app's CSRFProtect, checked before any view: the `csrf_token` field of a form post or
the X-CSRFToken header of the script's JSON. These forms keep Flask-WTF's own check on top (it
passes when CSRFProtect has already checked the request).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

import filetype
from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Field
from wtforms.form import BaseForm
from wtforms.validators import StopValidation
from wtforms.widgets import HiddenInput

from portal.formfields import CONTROL_CHARS, Clean
from portal.services.exemptions import BY_CODE, HARM_BASED
from portal.services.review import BASES

EXEMPTION_MESSAGE = "Choose an exemption code from the list"
# Ids, versions and page numbers are stored as 32-bit integers.
LARGEST = 2**31 - 1
MB = 1024 * 1024
WHOLE = re.compile(r"[+-]?\d{1,10}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sent(field: Field) -> Any:
    """The value sent for a field (before its validators converted it), None when not sent."""
    return field.raw_data[0] if field.raw_data else None


def _size(n: int) -> str:
    return f"{n // MB}MB" if n >= MB else f"{max(1, n // 1024)}KB"


def json_formdata(payload: dict[str, Any]) -> MultiDict[str, Any]:
    """A JSON object as form data: one value per key as sent (a list stays one value), a null
    left out as if not sent."""
    return MultiDict([(str(key), value) for key, value in payload.items() if value is not None])


# -- fields -------------------------------------------------------------------------------


class SentField(Field):
    """One value as sent: a form's string, or a JSON value; its validators check and convert."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            self.data = valuelist[0]

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class PdfField(FileField):
    """An uploaded PDF; once checked (PdfUpload), `content` holds its bytes."""

    content: bytes = b""


# -- validators ---------------------------------------------------------------------------


class When:
    """Check the field only when `test(form)` holds; otherwise it is ignored (its data None)."""

    def __init__(self, test: Callable[[Any], bool]) -> None:
        self.test = test

    def __call__(self, form: BaseForm, field: Field) -> None:
        if not self.test(form):
            field.data = None
            raise StopValidation()


class Needed:
    """The field must be sent and not blank."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        if _blank(field.data):
            raise StopValidation(self.message)


def _skip_blank(field: Field, default: Any = None) -> None:
    """A blank field is not sent: its data becomes the default and nothing more is checked."""
    if _blank(field.data):
        field.data = default
        raise StopValidation()


class WholeNumber:
    """A whole number (a form's digits or a JSON integer), at least `minimum`."""

    def __init__(self, what: str, minimum: int = 0) -> None:
        self.what = what
        self.minimum = minimum

    def __call__(self, form: BaseForm, field: Field) -> None:
        _skip_blank(field)
        value = field.data
        number: int | None = None
        if isinstance(value, bool):
            number = None  # JSON true/false is not a number here
        elif isinstance(value, int):
            number = value
        elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and WHOLE.fullmatch(value.strip()):
            number = int(value.strip())
        if number is None:
            raise StopValidation(f"{self.what} must be a whole number")
        if number < self.minimum:
            raise StopValidation(f"{self.what} must be {self.minimum} or more")
        if number > LARGEST:
            raise StopValidation(f"{self.what} is too large")
        field.data = number


def _number(value: Any) -> float | None:
    """A finite number from a JSON number or a form's text, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


class Coordinate:
    """One corner coordinate of a rectangle, in PDF points."""

    message = "A rectangle needs four numbers"

    def __call__(self, form: BaseForm, field: Field) -> None:
        _skip_blank(field)
        number = _number(field.data)
        if number is None:
            raise StopValidation(self.message)
        field.data = number


class Rectangles:
    """Rectangles in PDF points: one as a JSON array of four numbers [x0, y0, x1, y1], or a
    list of them (a form may send the same as JSON text). Leaves a list of rectangles."""

    shape = "Send the rectangle as a JSON array of four numbers, like [72, 100, 180, 114]"
    most = 200

    def __call__(self, form: BaseForm, field: Field) -> None:
        _skip_blank(field)
        value = field.data
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise StopValidation(self.shape) from None
        if not isinstance(value, list) or not value:
            raise StopValidation(self.shape)
        rects = value if all(isinstance(item, list) for item in value) else [value]
        if len(rects) > self.most:
            raise StopValidation(f"Send at most {self.most} rectangles at once")
        clean: list[list[float]] = []
        for rect in rects:
            numbers = [_number(v) for v in rect] if len(rect) == 4 else [None]
            if any(n is None for n in numbers):
                raise StopValidation("A rectangle needs four numbers")
            clean.append([n for n in numbers if n is not None])
        field.data = clean


class OneOf:
    """One of the given choices (exactly as the page's buttons and radios send them)."""

    def __init__(self, choices: Iterable[str], message: str, default: str | None = None) -> None:
        self.choices = tuple(choices)
        self.message = message
        self.default = default

    def __call__(self, form: BaseForm, field: Field) -> None:
        _skip_blank(field, self.default)
        if not isinstance(field.data, str) or field.data not in self.choices:
            raise StopValidation(self.message)


class ExemptionCode:
    """A code of the one catalogue (portal/services/exemptions.py), any case; with
    `harm_based`, one that needs a professional's opinion on harm."""

    def __init__(self, message: str = EXEMPTION_MESSAGE, *, harm_based: bool = False) -> None:
        self.message = message
        self.harm_based = harm_based

    def __call__(self, form: BaseForm, field: Field) -> None:
        _skip_blank(field)
        if not isinstance(field.data, str) or field.data.strip().upper() not in BY_CODE:
            raise StopValidation(self.message)
        code = field.data.strip().upper()
        if self.harm_based and code not in HARM_BASED:
            raise StopValidation(f"{code} is not a harm-based exemption")
        field.data = code


class Text:
    """Text of at most `max_length` characters without control characters, cleaned as the
    portal cleans text (portal/formfields.py Clean); `exact` keeps it as sent (a name chosen
    from a list must match the list)."""

    def __init__(
        self, what: str, max_length: int, *, multiline: bool = False, exact: bool = False
    ) -> None:
        self.what = what
        self.max_length = max_length
        self.exact = exact
        self.clean = Clean(max_length, multiline=multiline, what=what)

    def __call__(self, form: BaseForm, field: Field) -> None:
        _skip_blank(field)
        if not isinstance(field.data, str):
            raise StopValidation(f"{self.what} must be text")
        if not self.exact:
            self.clean(form, field)
            return
        if CONTROL_CHARS.search(field.data) or "\n" in field.data:
            raise StopValidation(f"{self.what} must not contain control characters")
        if len(field.data) > self.max_length:
            raise StopValidation(f"{self.what} must be {self.max_length} characters or fewer")


class PdfUpload:
    """The uploaded file is a PDF by its content (not its name), not empty and at most
    `times` x UPLOAD_MAX_BYTES. Read as the public uploads are (portal/public/uploads.py): one
    byte past the limit, enough to refuse without holding a huge file."""

    def __init__(self, what: str, times: int = 1) -> None:
        self.what = what
        self.times = times

    def __call__(self, form: BaseForm, field: Field) -> None:
        max_bytes = int(current_app.config["UPLOAD_MAX_BYTES"]) * self.times
        data = field.data.stream.read(max_bytes + 1)
        if not data:
            raise StopValidation(f"{self.what} is empty")
        if len(data) > max_bytes:
            raise StopValidation(f"{self.what} must be smaller than {_size(max_bytes)}")
        kind = filetype.guess(data[:8192])
        if kind is None or kind.mime != "application/pdf":
            raise StopValidation(f"{self.what} must be a PDF")
        field.content = data


# -- forms --------------------------------------------------------------------------------


class ReviewForm(FlaskForm):
    """What was posted to a review screen: the form (with its files when `reads_files`), or,
    when `reads_json`, the JSON object the review screen's script sends."""

    reads_json = False
    reads_files = False

    def __init__(self, **kwargs: Any) -> None:
        self.body_error: str | None = None
        super().__init__(formdata=self._posted(), **kwargs)

    def _posted(self) -> Any:
        if self.reads_json and request.is_json:
            payload = request.get_json(silent=True)
            if not isinstance(payload, dict):
                self.body_error = "Send the fields as a JSON object"
                return MultiDict()
            return json_formdata(payload)
        if self.reads_files:
            return CombinedMultiDict((request.files, request.form))
        return request.form

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.body_error:
            self.form_errors.append(self.body_error)
            return False
        return bool(valid)

    @property
    def error(self) -> str:
        """The first thing wrong, in words for a flash or a JSON answer."""
        for message in self.form_errors:
            return str(message)
        for field in self:
            for message in field.errors:
                return str(message)
        return "Check what you entered and try again"


class ClaimForm(ReviewForm):
    """Take a document to review, stop reviewing it, or mark it reviewed."""

    # "release": a form from before the rename to "give_back"
    action = SentField(
        default="claim",
        validators=[
            OneOf(
                ("claim", "give_back", "release", "finish"),
                "Choose to review this document, stop reviewing it or mark it as reviewed",
                default="claim",
            )
        ],
    )


class DecideForm(ReviewForm):
    """Accept (redact) or reject (disclose) one suggested redaction."""

    reads_json = True

    decision = SentField(
        validators=[
            Needed("Choose accept or reject"),
            OneOf(("accepted", "rejected"), "Choose accept or reject"),
        ]
    )
    exemption = SentField(validators=[ExemptionCode()])
    note = SentField(validators=[Text("The note", 500, multiline=True)])
    version = SentField(validators=[WholeNumber("The version of the decision")])
    who = SentField(validators=[Text("Who this is", 200, exact=True)])


def _removing(form: ManualForm) -> bool:
    return not _blank(_sent(form.remove))


def _selecting(form: ManualForm) -> bool:
    """Selected (or typed) text: the text form's post, with no rectangle."""
    return (
        not _removing(form)
        and bool(form.text.raw_data)
        and _blank(_sent(form.rect))
        and _blank(_sent(form.x0))
    )


def _drawing(form: ManualForm) -> bool:
    return not _removing(form) and not _selecting(form)


def _corners(form: ManualForm) -> bool:
    return _drawing(form) and _blank(_sent(form.rect))


class ManualForm(ReviewForm):
    """A redaction added by hand on one page (a rectangle drawn or typed as its corners, or
    text selected), or one taken back (`remove`)."""

    reads_json = True

    remove = SentField(validators=[WholeNumber("The redaction to remove", 1)])
    page = SentField(
        validators=[
            When(lambda form: not _removing(form)),
            Needed("Say which page to redact"),
            WholeNumber("The page number", 1),
        ]
    )
    text = SentField(
        validators=[
            When(_selecting),
            Needed("Select or type the text to redact"),
            Text("The text to redact", 2000),
        ]
    )
    rect = SentField(validators=[When(_drawing), Rectangles()])
    x0 = SentField(validators=[When(_corners), Coordinate()])
    y0 = SentField(validators=[When(_corners), Coordinate()])
    x1 = SentField(validators=[When(_corners), Coordinate()])
    y1 = SentField(validators=[When(_corners), Coordinate()])
    exemption = SentField(
        validators=[
            When(lambda form: not _removing(form)),
            Needed(EXEMPTION_MESSAGE),
            ExemptionCode(),
        ]
    )
    note = SentField(
        validators=[When(lambda form: not _removing(form)), Text("The note", 500, multiline=True)]
    )

    @property
    def mode(self) -> str:
        """remove | text | rect: what the post asks for."""
        return "remove" if _removing(self) else ("text" if _selecting(self) else "rect")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid and self.mode == "rect" and self.rect.data is None:
            corners = [self.x0.data, self.y0.data, self.x1.data, self.y1.data]
            if all(c is None for c in corners):
                self.rect.errors.append("Draw a rectangle on the page")
                return False
            if any(c is None for c in corners):
                self.rect.errors.append("A rectangle needs four numbers")
                return False
            self.rect.data = [corners]
        return valid


def _releasing(form: WithholdForm) -> bool:
    return not _blank(_sent(form.release))


class WithholdForm(ReviewForm):
    """Withhold the whole document or one page with the reason, or stop withholding a part."""

    release = SentField(validators=[WholeNumber("The withheld part", 1)])
    scope = SentField(
        default="document",
        validators=[
            When(lambda form: not _releasing(form)),
            OneOf(
                ("document", "page"), "Choose the whole document or one page", default="document"
            ),
        ],
    )
    page = SentField(
        validators=[
            When(lambda form: not _releasing(form) and _sent(form.scope) == "page"),
            Needed("Enter the page number"),
            WholeNumber("The page number", 1),
        ]
    )
    exemption = SentField(
        validators=[
            When(lambda form: not _releasing(form)),
            Needed(EXEMPTION_MESSAGE),
            ExemptionCode(),
        ]
    )
    reason = SentField(
        validators=[
            When(lambda form: not _releasing(form)),
            Needed("Give the reason for withholding"),
            Text("The reason", 2000, multiline=True),
        ]
    )


class HandledForm(ReviewForm):
    """The handled version of a document marked for manual handling."""

    reads_files = True

    handled = PdfField(
        validators=[
            FileRequired("Choose the handled version (a PDF)"),
            PdfUpload("The handled version", times=5),
        ]
    )


class PersonForm(ReviewForm):
    """Withhold or disclose every mention of one person of the request."""

    party = SentField(validators=[Needed("Choose a person"), WholeNumber("The person", 1)])
    decision = SentField(
        validators=[
            Needed("Choose withhold or disclose"),
            OneOf(("withhold", "disclose"), "Choose withhold or disclose"),
        ]
    )
    basis = SentField(
        default="none",
        validators=[OneOf(BASES, "Choose the basis for the decision", default="none")],
    )
    factors = SentField(
        validators=[Text("The para 16(3) factors", 4000, multiline=True)],
    )
    exemption = SentField(validators=[ExemptionCode()])
    version = SentField(validators=[WholeNumber("The version of the decision")])


class FindRedactForm(ReviewForm):
    """Redact every occurrence of a phrase across the documents of the request."""

    phrase = SentField(
        validators=[Needed("Enter the words to find"), Text("The words to find", 500)]
    )
    exemption = SentField(validators=[Needed(EXEMPTION_MESSAGE), ExemptionCode()])
    back = SentField()  # the page the form was on: see back_to

    def back_to(self, prefix: str) -> str | None:
        """The page to go back to, if it is one of this request's pages (starts with prefix)."""
        back = _sent(self.back)
        return back if isinstance(back, str) and back.startswith(prefix) else None


def _recording(form: HarmForm) -> bool:
    return not _blank(_sent(form.opinion_id))


class HarmForm(ReviewForm):
    """Ask for a professional's opinion on a harm-based exemption, or record the opinion."""

    opinion_id = SentField(validators=[WholeNumber("The opinion request", 1)])
    opinion = SentField(
        validators=[
            When(_recording),
            Needed("Enter the opinion given"),
            Text("The opinion", 4000, multiline=True),
        ]
    )
    exemption = SentField(
        validators=[
            When(lambda form: not _recording(form)),
            Needed("Choose the harm-based exemption"),
            ExemptionCode(harm_based=True),
        ]
    )
    asked_of = SentField(
        validators=[
            When(lambda form: not _recording(form)),
            Needed("Say who the opinion is asked of"),
            Text("Who the opinion is asked of", 200),
        ]
    )
