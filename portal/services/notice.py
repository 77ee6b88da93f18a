"""The Art 15 supplementary information sent with every access response, and the citations of
exemption codes printed on a redaction schedule: both editable data with sensible defaults.

The default text summarises the council's Children's Services privacy notice. ``{council}``,
``{dpo_email}`` and ``{dpo_phone}`` are filled in from the council settings, so the same text
serves any council once an administrator has edited it."""

from __future__ import annotations

from portal.services import audit, exemptions, settings
from portal.services.actor import Actor

NOTICE_KEY = "art15_notice"
CITATIONS_KEY = "exemption_citations"

# "## heading" starts a section; other lines are paragraphs ("- " lines are list items).
DEFAULT_NOTICE = """\
## Why we hold your information (purposes)
{council}'s Children's Services uses personal information to protect and safeguard children, \
directly or with partners and commissioned providers. This includes investigating and \
responding to concerns; delivering services such as targeted family support, safeguarding, \
looked after children, children with disabilities, care leavers, fostering and the family \
front door; confirming identity and contacting you about our services; keeping case files; \
checking how well our services meet the needs of children, young people and families; \
financial and service planning; and statistical returns to government departments.
The legal bases are our legal obligations (Children Act 1989, Children Act 2004, Children and \
Social Work Act 2017, Working Together to Safeguard Children 2023) and tasks carried out in the \
public interest or in the exercise of official authority. Special category information is \
processed for the provision of health or social care, and for reasons of substantial public \
interest (safeguarding children and individuals at risk).
## What kinds of information we hold (categories)
- personal details such as name, age, address, school and family details
- contact information such as telephone numbers and email addresses
- reference numbers such as the social care number, NHS number, unique learner number and \
National Insurance number
- employment and financial details (for funding), licences and permits
- lifestyle and social circumstances; opinions and decisions; records of complaints; \
safeguarding reports; student and pupil records; images, appearance and behaviour
- online activity of children using council laptops with the eSafe service
- special category information: physical or mental health, racial or ethnic origin, religious \
or other beliefs, biometric information, and offences (including alleged offences)
## Who we may share it with (recipients)
Where relevant to the person and their care: other council services; other local authorities \
(in particular for adoption and fostering); the Department for Education and the Department of \
Health and Social Care; health services, GPs and the NHS; the police; benefit and housing \
agencies; children's centres; youth justice and probation; the NEET service; school health and \
wellbeing services; voluntary and community groups. Information is shared only when strictly \
necessary, when the law requires it, or when a data protection exemption applies. Children in \
need and looked after children data is shared with the Department for Education under \
statutory data collections and may be held in the National Pupil Database.
## How long we keep it (retention)
A child's case file is kept until the child's 25th birthday; records of looked after children \
until their 75th birthday. Other information is kept for between 1 and 100 years depending on \
its type, as set out in the council's disposal schedule, and may be kept longer under a legal \
hold (Inquiries Act 2005).
## Where the information came from (source)
Information we did not collect from you came from family members, professionals and partner \
organisations involved with the child (for example schools, health services and the police), \
and from the council's own records.
## Automated decisions
We do not make decisions about you by automated means alone. Laptops supplied to young people \
in care include the eSafe monitoring service, which warns nominated council staff of markers of \
risk so that a person can decide how to help.
## Your rights
You have the right to ask us to correct (rectification) or delete (erasure) information, to \
restrict how we use it, and to object to our use of it, depending on the service and the legal \
basis. Contact {dpo_email} or telephone {dpo_phone}.
## Complaints
If you are unhappy with how we have handled your request, please contact us at {dpo_email} \
first. You have the right to complain to the Information Commissioner's Office (ico.org.uk, \
0303 123 1113), and to seek to enforce your rights through the courts.
"""

# the one catalogue of codes and their default citations (editable: see exemptions.py)
DEFAULT_CITATIONS: dict[str, str] = exemptions.DEFAULT_CITATIONS


def notice_template() -> str:
    """The notice text as stored (placeholders unfilled), or the default."""
    stored = settings.get(NOTICE_KEY)
    return str(stored) if stored else DEFAULT_NOTICE


def set_notice(text: str | None, actor: Actor) -> None:
    """Change the notice text (empty: back to the default); the caller commits."""
    settings.put(NOTICE_KEY, (text or "").strip() or None)
    audit.record(actor, "setting_changed", key=NOTICE_KEY)


def sections() -> list[tuple[str, list[str]]]:
    """The notice as (heading, lines) with the council's name and contacts filled in."""
    values = {
        "council": settings.get("council_name"),
        "dpo_email": settings.get("dpo_email"),
        "dpo_phone": settings.get("dpo_phone"),
    }
    text = notice_template()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    result: list[tuple[str, list[str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            result.append((line[3:].strip(), []))
        elif result:
            result[-1][1].append(line)
        else:
            result.append(("", [line]))
    return result


def citations() -> dict[str, str]:
    """Exemption code -> citation printed on a schedule (stored overrides on the defaults)."""
    stored = settings.get(CITATIONS_KEY) or {}
    return {**DEFAULT_CITATIONS, **{str(k): str(v) for k, v in dict(stored).items()}}


def set_citations(values: dict[str, str], actor: Actor) -> None:
    """Replace the stored citation overrides; the caller commits."""
    settings.put(
        CITATIONS_KEY, {k.strip().upper(): v.strip() for k, v in values.items() if k.strip()}
    )
    audit.record(actor, "setting_changed", key=CITATIONS_KEY)


def citation(code: str | None) -> str:
    """The citation for one code (the code itself when unknown)."""
    if not code:
        return "no exemption recorded"
    return citations().get(code, code)
