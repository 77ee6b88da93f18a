"""The one catalogue of exemption codes: what review offers, what the schedule cites and what
administrators may re-word (docs/sar-rules.md, section 3). Paragraph numbers other than para 16,
para 9 and para 19 are unconfirmed, so the printed citation is editable at /admin/notice; the
codes, labels and which need a professional's opinion on harm are fixed here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Exemption:
    """One exemption: its code, what staff see, the default citation, whether it needs the
    opinion of the social worker or health professional on serious harm."""

    code: str
    label: str
    citation: str
    harm_based: bool = False


CATALOGUE: tuple[Exemption, ...] = (
    Exemption(
        "TP", "Third-party personal data", "DPA 2018 Sch 2 Pt 3 para 16 (third-party personal data)"
    ),
    Exemption(
        "SW-HARM",
        "Social work data: serious harm",
        "DPA 2018 Sch 3 Pt 3 (social work data; serious harm)",
        harm_based=True,
    ),
    Exemption("SW-COURT", "Court data", "DPA 2018 Sch 3 Pt 3 para 9 (court proceedings)"),
    Exemption(
        "HEALTH",
        "Health data: serious harm",
        "DPA 2018 Sch 3 Pt 2 (health data; serious harm)",
        harm_based=True,
    ),
    Exemption(
        "EDU",
        "Education data: serious harm",
        "DPA 2018 Sch 3 Pt 4 (education data; serious harm)",
        harm_based=True,
    ),
    Exemption(
        "ABUSE", "Child abuse data", "DPA 2018 Sch 3 Pt 5 (child abuse data)", harm_based=True
    ),
    Exemption(
        "LPP",
        "Legal professional privilege",
        "DPA 2018 Sch 2 Pt 4 para 19 (legal professional privilege)",
    ),
    Exemption(
        "CRIME", "Crime prevention or detection", "DPA 2018 Sch 2 Pt 1 para 2 (crime and taxation)"
    ),
    Exemption(
        "REF", "Confidential reference", "DPA 2018 Sch 2 Pt 4 para 24 (confidential references)"
    ),
    Exemption(
        "ADOPT",
        "Adoption records",
        "Adoption Agencies Regulations 2005 reg 41 (with DPA 2018 Sch 4)",
    ),
)
BY_CODE = {e.code: e for e in CATALOGUE}
LABELS = {e.code: e.label for e in CATALOGUE}
DEFAULT_CITATIONS = {e.code: e.citation for e in CATALOGUE}
HARM_BASED = frozenset(e.code for e in CATALOGUE if e.harm_based)
