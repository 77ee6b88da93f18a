"""What the demo documents say: case notes, referrals, assessments, conference minutes,
letters, chronologies, care plans and email threads, each written into a ``_Doc`` that records
every name and identifier as it is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from demo.document import _Attachment, _Doc, _kids_present, _one, _parent, _sign
from demo.people import WCF, _age, _Case, _date_text, _Person

# -- document writing ------------------------------------------------------------------------------
_OPENERS_MOOD = [
    "presented as tired",
    "presented as calm and engaged",
    "was welcoming",
    "appeared anxious",
    "was in good spirits",
    "seemed low in mood",
    "was open and chatty",
    "was initially guarded but warmed up",
]
_HOME = [
    "Home conditions adequate, kitchen clean, fridge stocked.",
    "Living room cluttered, washing piled on sofa. Discussed routines.",
    "Home warm and tidy. Smoke alarm tested - working.",
    "Home conditions poor, strong smell of smoke in hallway. Discussed with parent.",
    "No concerns about the home today.",
]
_CHILD_OBS = [
    "{c} was happy to show SW {their} drawings.",
    "{c} sat with SW and talked about school and {their} friends.",
    "{c}'s bedroom cluttered, no sheets on the bed.",
    "{c} was quiet today and did not want to talk.",
    "{c} appeared well presented, clean clothes.",
    "{c} said {pro} likes {their} new teacher.",
    "Saw {c} alone in {their} room. {c} said things at home are 'ok'.",
]


def _fostering_note(d: _Doc, c: _Case) -> None:
    r, child, sw = d.rng, c.child, d.author or c.pros[0]
    fc1, fc2 = c.all("foster_carer")[:2]
    d.header = f"Supervising social worker visit | {c.id}"
    d.h(f"SUPERVISORY VISIT - {_date_text(d.date, 'short')}")
    d.p(
        f"SSW {d.pro(sw)} visited foster carers {d.n(fc1, 'full')} and {d.fam(fc2)} at "
        f"{d.addr(fc1.address or c.family.address)}."
    )
    d.p(
        f"{d.fam(child)}",
        f"{r.choice(['settling well', 'had a difficult week', 'enjoying football'])}."
        f" {d.n(fc1, 'title')} said {d.fam(child)} is sleeping better.",
    )
    d.p(
        f"Training: {d.n(fc2, 'first')} to complete safer caring refresher. "
        f"Next visit {_date_text(d.date + timedelta(days=28), 'slash')}."
    )
    d.p(d.n(sw, "initials"))


def _case_note(d: _Doc, c: _Case) -> None:
    r, sw, child = d.rng, d.author or c.pros[0], c.child
    mum, dad = _parent(c), c.family.adults.get("father")
    kind = d.title
    if c.type == "fostering":
        _fostering_note(d, c)
        return
    if child.id in d.first_only:
        d.header = f"Case ref {c.id} | OFFICIAL-SENSITIVE"
    else:
        d.header = f"Case ref {c.id} | {d.n(child, 'SURNAME_first')} | OFFICIAL-SENSITIVE"
    d.h(f"{kind.upper()} - {_date_text(d.date, 'slash')}")
    if kind == "Phone call":
        who = r.choice([mum, dad]) if dad else mum
        d.p(
            f"Call from {d.fam(who)} at {r.randrange(9, 17)}:{r.choice(['05', '20', '45'])}.",
            f"spoke to {d.n(who, 'lower')} on phone re {d.fam(child, poss=True)} appointments.",
        )
        if who.phone and r.random() < 0.6:
            d.p(f"New number given: {d.i('PHONE', who.phone)}.")
        d.p(
            f"{d.fam(who)} "
            + r.choice(
                [
                    f"said {child.pronoun()} has been sleeping better.",
                    "upset that school phoned about lateness again.",
                    "asked for help with a food bank referral - agreed.",
                ]
            )
        )
        d.p(f"{d.pro(sw)} to follow up by letter.")
        return
    if kind == "Supervision":
        tm = c.get("team_manager") or sw
        d.p(f"Supervision between {d.pro(sw)} and {d.pro(tm)}.")
        d.p(
            f"Discussed {d.fam(child)} ({c.type.replace('_', ' ').upper()}).",
            f"{d.n(tm, 'initials')} noted drift in plan, visits not weekly as agreed.",
        )
        d.p(
            f"ACTIONS: {d.n(sw, 'initials')} to visit within 5 working days; "
            f"chase GP {d.pro(c.get('gp') or tm)} for health update."
        )
        return
    if kind == "School visit" and child.school:
        dsl = c.get("designated_safeguarding_lead") or sw
        d.p(
            f"Visited {d.i('SCHOOL', child.school)}. Met {d.pro(dsl)} and saw "
            f"{d.fam(child)} in the library."
        )
        d.p(r.choice(_CHILD_OBS).format(c=d.fam(child), their=child.their(), pro=child.pronoun()))
        d.p(
            f"Attendance this term {r.randrange(71, 99)}%. {d.n(dsl, 'title')} reports "
            f"{r.choice(['improved punctuality', 'missed PE kit most weeks', 'good friendships'])}."
        )
        return
    # home visit (and anything else)
    kids = _kids_present(d, c)
    present = [f"{d.fam(mum)} ({'mum' if c.get('mother') is mum else 'carer'})"]
    present += [f"{d.fam(k)} (child)" for k in kids]
    d.p(f"Visit by: {d.pro(sw)}")
    d.p("Present: " + ", ".join(present))
    addr = mum.address or c.family.address
    d.p(f"{sw.abbr} visited home at {d.addr(addr)}.")
    first = d.n(mum, "FIRST")
    d.p(
        f"MUM ({first}) {r.choice(_OPENERS_MOOD)}."
        if mum.gender == "f"
        else f"{d.fam(mum)} {r.choice(_OPENERS_MOOD)}."
    )
    for k in kids:
        d.p(r.choice(_CHILD_OBS).format(c=d.fam(k), their=k.their(), pro=k.pronoun()))
    if dad:
        dad_address = dad.address
        d.p(
            _one(
                r,
                lambda: f"Dad {d.n(dad, 'first')} not present.",
                lambda: f"{d.fam(dad)} arrived during visit, polite.",
                lambda: (
                    f"{d.n(dad, 'first')} now living at {d.addr(dad_address)}."
                    if dad_address
                    else f"Dad {d.n(dad, 'first')} not present."
                ),
            )
        )
        if dad.vehicle and r.random() < 0.5:
            d.p(
                f"Car {d.i('VEHICLE_REG', dad.vehicle)} parked outside, believed to be "
                f"{d.fam(dad, poss=True)}."
            )
    friend = c.family.adults.get("family_friend")
    if friend is not None and r.random() < 0.6:
        # copied text messages: a friend known only by a lower-case first name
        d.p(f"{d.fam(mum)} showed SW these texts from a friend on {mum.their()} phone:")
        d.p(f"[21:14] {d.n(friend, 'lower')}: u ok hun? is he still there")
        d.p(f"[21:20] {d.n(mum, 'lower')}: yeh cant talk. tomoro")
        d.p(f"[21:22] {d.n(friend, 'lower')}: ring me when u can x")
    d.p(r.choice(_HOME))
    hv = c.get("health_visitor") or c.get("school_nurse")
    actions = [f"{d.fam(mum)} to attend GP appt"]
    if hv:
        actions.append(
            f"SW to liaise with {d.pro(hv)} re {d.fam(kids[-1], poss=True)} development check"
        )
    d.p("ACTIONS: " + "; ".join(actions) + ".")
    d.p(d.n(sw, r.choice(["init_surname", "initials", "full"])))


def _referral(d: _Doc, c: _Case) -> None:
    child = c.child
    referrer = (
        c.get("designated_safeguarding_lead")
        or c.get("health_visitor")
        or c.get("police_officer")
        or c.pros[0]
    )
    d.author = referrer
    mum, dad = _parent(c), c.family.adults.get("father")
    d.header = "MULTI-AGENCY REFERRAL FORM"
    d.h("MULTI-AGENCY REFERRAL FORM (MARF)")
    rows = [
        ["Field", "Details"],
        ["Child's name", d.n(child, "formal")],
        ["Date of birth", d.dob(child)],
        ["NHS number", d.i("NHS_NUMBER", child.nhs or "")],
        ["Address", d.addr(child.address or c.family.address)],
    ]
    if child.school:
        rows.append(["School / nursery", d.i("SCHOOL", child.school)])
    rows.append(
        [
            "Parent / carer",
            f"{d.n(mum, 'full')} ({'mother' if mum.gender == 'f' else 'carer'})"
            + (f" tel {d.i('PHONE', mum.phone)}" if mum.phone else ""),
        ]
    )
    if dad:
        rows.append(["Father", d.n(dad, "full")])
    sibs = [k for k in c.family.children if k is not child]
    if sibs:
        rows.append(
            [
                "Other children in household",
                "; ".join(f"{d.n(k, 'full')} DOB {d.dob(k)}" for k in sibs),
            ]
        )
    rows.append(["Referrer", f"{d.n(referrer, 'full')}, {referrer.job}, {referrer.organisation}"])
    rows.append(["Referrer contact", d.i("PHONE", referrer.phone or "")])
    d.table(rows)
    d.h("REASON FOR REFERRAL")
    reasons = {
        "early_help": "Family struggling with routines; parent asked for support with "
        "{c}'s sleep and behaviour.",
        "child_in_need": "Concerns about {c}'s attendance and presentation over the last term.",
        "child_protection": "{c} disclosed worries about arguments at home; police attended "
        "an incident at the address.",
        "looked_after": "Parent unable to care for {c} at present; family network explored.",
        "care_leaver": "Pathway planning needed as {c} approaches 18.",
        "disabilities": "{c} has additional needs; assessment of short breaks requested.",
        "fostering": "Referral for support to the placement.",
    }
    d.p(reasons[c.type].format(c=d.fam(child)))
    d.p(
        f"{d.fam(mum)} is aware of this referral and consents.",
        f"{d.n(child, 'first')} has been told in an age-appropriate way.",
    )


def _assessment(d: _Doc, c: _Case) -> None:
    r, child, sw = d.rng, c.child, d.author or c.pros[0]
    mum = _parent(c)
    d.header = f"Child and Family Assessment | {c.id} | {d.n(child, 'full')}"
    d.h("CHILD AND FAMILY ASSESSMENT")
    d.p(
        f"Child: {d.n(child, 'formal')}  DOB {d.dob(child)}",
        f"ID {d.i('SOCIAL_CARE_ID', child.sc_number or '')}",
    )
    d.h("HOUSEHOLD")
    rows = [["Name", "Relationship", "DOB"]]
    for role, a in c.family.adults.items():
        if a.address == c.family.address:
            rows.append([d.n(a, "full"), role, d.dob(a) if a.dob else "not known"])
    for k in c.family.children:
        rows.append([d.n(k, "full"), "subject" if k is child else "sibling", d.dob(k)])
    d.table(rows)
    d.h("CHILD'S DEVELOPMENTAL NEEDS")
    d.p(
        f"{d.fam(child, style='formal')} is {_age(child, d.date)} years old.",
        _one(
            r,
            lambda: f"{child.pronoun().capitalize()} is meeting milestones.",
            lambda: f"{d.n(child, 'first')} needs support with speech and language.",
            lambda: f"{d.n(child, 'first', poss=True)} attendance has dipped this year.",
        ),
    )
    d.h("PARENTING CAPACITY")
    d.p(
        f"{d.fam(mum, style='formal')} loves {d.n(child, 'first')} and wants to make changes.",
        f"{d.n(mum, 'title')} told the assessing SW {d.pro(sw)} that {mum.pronoun()} "
        "finds mornings hard.",
    )
    dad = c.family.adults.get("father")
    if dad:
        if dad.address != c.family.address and dad.address:
            d.p(f"Father's address: {d.addr(dad.address)}.")
        d.p(
            f"{d.n(dad, 'full')}",
            "lives in the home;" if dad.address == c.family.address else "lives separately;",
            f"{d.n(dad, 'title')} has {r.choice(['regular', 'irregular', 'no'])} contact.",
        )
    d.h("ANALYSIS AND RECOMMENDATION")
    d.p(
        f"Recommendation: {c.type.replace('_', ' ').title()} plan for",
        f"{d.fam(child, style='formal')}.",
    )
    _sign(d, sw, formal=False)


def _minutes(d: _Doc, c: _Case) -> None:
    r, child = d.rng, c.child
    iro = c.get("independent_reviewing_officer") or c.pros[0]
    d.author = iro
    d.header = f"CONFIDENTIAL - Child Protection Conference - {c.id}"
    kind = r.choice(["INITIAL", "REVIEW"])
    d.h(f"{kind} CHILD PROTECTION CONFERENCE - MINUTES")
    kids = [k for k in c.family.children]
    d.p(
        "Children subject of conference: "
        + "; ".join(f"{d.n(k, 'full')} (DOB {d.dob(k)})" for k in kids)
    )
    present = [f"{d.n(iro, 'full')} (Chair, IRO)"]
    for p, role in c.roles:
        if p.professional and p is not iro and role != "advocate":
            present.append(f"{d.n(p, 'full')} ({p.abbr})")
    for role in ("mother", "carer", "stepfather"):
        if role in c.family.adults:
            present.append(f"{d.n(c.family.adults[role], 'full')} ({role})")
    d.p("Present: " + ", ".join(present))
    dad = c.family.adults.get("father")
    if dad:
        d.p(
            f"Apologies: {d.n(dad, 'full')} (father) -",
            r.choice(["working", "unwell", "no reason given"]),
        )
    d.h("PURPOSE")
    d.p(f"{d.n(iro, 'title')} explained the purpose of the conference and confidentiality.")
    d.h("REPORTS AND DISCUSSION")
    for p in c.pros:
        if p is iro:
            continue
        d.p(
            f"{p.abbr.upper()} ({d.n(p, 'title')}): "
            + _one(
                r,
                lambda: f"{d.fam(child)} is attending well and presents as happy.",
                lambda: f"worried about {d.fam(child, poss=True)} lateness and tiredness.",
                lambda: f"{d.fam(_parent(c))} has engaged with the plan since the last meeting.",
                lambda: "no new concerns to report.",
                lambda: f"{d.n(child, 'FIRST')} has missed two health appointments.",
            )
        )
    if len(kids) > 1:
        d.p(
            ("Siblings " if len(kids) > 2 else "Sibling ")
            + ", ".join(d.n(k, "first") for k in kids if k is not child)
            + (" were" if len(kids) > 2 else " was")
            + " discussed; needs are similar."
        )
    d.h("DECISION")
    d.p(
        f"{d.n(child, 'FULL')} to {r.choice(['become', 'remain'])} subject to a child "
        f"protection plan under the category of {r.choice(['neglect', 'emotional abuse'])}."
    )
    d.p(
        "Core group to meet within 10 working days.",
        f"Next review {_date_text(d.date + timedelta(days=90), 'long')}.",
    )


def _letter(d: _Doc, c: _Case) -> None:
    sw, child = d.author or c.pros[0], c.child
    to = d.rng.choice([a for a in c.family.adults.values() if a.address] or [_parent(c)])
    d.header = f"{WCF} | Our ref: {c.id}"
    d.p(d.n(to, "full"))
    for line in d.addr(to.address or c.family.address, one_line=False).split("\n"):
        d.p(line)
    d.p(_date_text(d.date, "long"))
    d.p(f"Dear {d.n(to, 'title')},")
    d.p(f"Re: {d.n(child, 'formal')} (DOB {d.dob(child)})")
    body = {
        "early_help": "Thank you for meeting me. As agreed, the Early Help plan for {c} will be "
        "reviewed in six weeks.",
        "child_in_need": "I am writing to confirm the Child in Need meeting for {c} on {when}.",
        "child_protection": "I am writing to invite you to the child protection conference for "
        "{c} on {when}. You are welcome to bring a supporter.",
        "looked_after": "I am writing to confirm contact arrangements for {c} from {when}.",
        "care_leaver": "I am writing about {c}'s pathway plan review on {when}.",
        "disabilities": "I am writing to confirm short breaks for {c} starting on {when}.",
        "fostering": "I am writing to confirm your annual foster carer review on {when}.",
    }[c.type]
    d.p(body.format(c=d.n(child, "first"), when=_date_text(d.date + timedelta(days=14), "long")))
    d.p(f"If you have any questions please call me on {d.i('PHONE', sw.phone or '')}.")
    _sign(d, sw, formal=True)


def _chronology(d: _Doc, c: _Case) -> None:
    r, child = d.rng, c.child
    d.header = f"Chronology | {d.n(child, 'SURNAME_first')} | {c.id}"
    d.h(f"CHRONOLOGY - {d.n(child, 'FULL')}")
    rows = [["Date", "Event", "Source"]]
    day = c.opened
    people = [p for p, _ in c.roles if p is not child]
    for _ in range(r.randrange(4, 9)):
        day = day + timedelta(days=r.randrange(7, 45))
        if day > d.date:
            break
        p = r.choice(people)

        def name(p: _Person = p) -> str:
            return d.pro(p) if p.professional else d.fam(p)

        event = _one(
            r,
            lambda: f"Strategy discussion; {name()} attended.",
            lambda: f"{name()} contacted SW about {d.n(child, 'first')}.",
            lambda: f"Home visit - {d.n(child, 'first')} seen alone.",
            lambda: f"Missed appointment, {name()} informed.",
        )
        rows.append([_date_text(day, "slash"), event, p.abbr or "family"])
    d.table(rows)


def _care_plan(d: _Doc, c: _Case) -> None:
    r, child = d.rng, c.child
    d.header = f"Care Plan | {c.id}"
    d.h("CARE PLAN")
    d.p(
        f"Name: {d.n(child, 'formal')}   DOB: {d.dob(child)}  ",
        f"NHS No: {d.i('NHS_NUMBER', child.nhs or '')}",
    )
    carers = c.all("foster_carer")
    if carers:
        d.h("PLACEMENT")
        d.p(
            f"{d.fam(child)} lives with foster carers {d.n(carers[0], 'full')} and "
            f"{d.n(carers[1], 'full')} at {d.addr(carers[0].address or c.family.address)}."
        )
    d.h("CONTACT")
    for a in c.family.adults.values():
        d.p(f"{d.fam(a)}: {r.choice(['weekly supervised', 'fortnightly', 'monthly', 'by phone'])}.")
    d.h("ACTIONS")
    rows = [["Action", "Who", "By when"]]
    for p in r.sample(c.pros, k=min(3, len(c.pros))):
        rows.append(
            [
                r.choice(["Health assessment", "PEP review", "Life story work", "Update plan"]),
                d.pro(p),
                _date_text(d.date + timedelta(days=28), "slash"),
            ]
        )
    d.table(rows)


def _email(d: _Doc, c: _Case, pool: dict[str, list[_Doc]]) -> None:
    r, child = d.rng, c.child
    sw = c.get("social_worker") or c.pros[0]
    family = [a for a in c.family.adults.values() if a.email]
    pros = [p for p in c.pros if p is not sw and p.email]
    earlier = [e for e in pool.get(c.id, []) if e.fmt == "eml" and e.awkward is None]
    prev = earlier[-1] if earlier and r.random() < 0.4 else None
    if family and r.random() < 0.3:
        sender = r.choice(family)
        d.sender, d.to = sender, [sw]
        topic = r.choice(["meeting", "contact", "appointment"])
        if not prev:
            d.subject = f"{d.n(child, 'first')} - {topic}"
        d.p(f"Hi {d.n(sw, 'first')},")
        d.p(
            f"just to say {d.n(child, 'lower')}",
            r.choice(["has a dentist appt", "is off sick", "has a school trip"]),
            f"on {_date_text(d.date + timedelta(days=3), 'long')} so can we move the visit.",
        )
        d.p(f"thanks {d.n(sender, 'lower')}")
        d.author = None
    else:
        sender = r.choice(pros) if pros and r.random() < 0.5 else sw
        d.sender = sender
        recipients = [sw] if sender is not sw else (r.sample(pros, k=min(2, len(pros))) or [sender])
        d.to = recipients
        if pros and r.random() < 0.4:
            d.cc = [
                p for p in [c.get("team_manager")] if p and p not in recipients and p is not sender
            ]
        form = r.choice(["first", "init_surname", "full"])
        topic = r.choice(["update", "concern", "visit", "meeting", "CIN review"])
        if not prev:
            d.subject = f"{d.n(child, form)} - {topic}"
        d.p(f"Hi {' and '.join(d.n(p, 'first') for p in recipients)},")
        d.p(
            _one(
                r,
                lambda: (
                    f"Quick update on {d.fam(child)}. {d.fam(_parent(c))} came to see me "
                    "today and was upset about the letter."
                ),
                lambda: (
                    f"{d.fam(child)} was seen today and seemed well. "
                    f"{child.pronoun().capitalize()} said {d.fam(_parent(c))} has been 'stressed'."
                ),
                lambda: (
                    f"Can we arrange a professionals meeting about {d.fam(child)} and "
                    f"{d.fam(_parent(c), poss=True)} support?"
                ),
            )
        )
        kids = [k for k in c.family.children if k is not child]
        if kids and r.random() < 0.5:
            d.p(
                f"Also {d.fam(kids[0])} has been",
                f"{r.choice(['late', 'absent', 'doing well'])} this week.",
            )
        dad = c.family.adults.get("father")
        if dad and dad.phone and r.random() < 0.3:
            d.p(f"Dad's number is {d.i('PHONE', dad.phone)} if needed.")
        d.p("Thanks,")
        _sign(d, sender, formal=False)
        d.author = sender
    if prev:
        d.in_reply_to = prev.id
        d.subject = "RE: " + prev.subject.removeprefix("RE: ")
        assert prev.sender is not None
        prev_from = d.n(prev.sender, "full")
        d.blocks.append(("p", f"On {_date_text(prev.date, 'long')}, {prev_from} wrote:"))
        quoted: list[str] = []
        for kind, text in prev.blocks:
            if kind == "p":
                quoted.append("> " + text)
        d.blocks.append(("quote", quoted))
        # what the quote and the inherited subject repeat of the earlier email is named here too
        repeated = "\n".join([*quoted, d.subject])
        for pid, ms in prev.mentions.items():
            for m in ms:
                if re.search(rf"(?<!\w){re.escape(m)}(?!\w)", repeated):
                    got = d.mentions.setdefault(pid, [])
                    if m not in got:
                        got.append(m)
        for kind, text in prev.identifiers:
            if text in repeated:
                d.i(kind, text)
    if r.random() < 0.25:
        att_blocks_start = len(d.blocks)
        title = r.choice(["Meeting notes", "Attendance summary", "Actions"])
        d.h(title.upper())
        d.p(
            f"Re: {d.n(child, 'full')},",
            d.i("SCHOOL", child.school) if child.school else "pre-school",
        )
        for p in r.sample(c.pros, k=min(3, len(c.pros))):
            d.p(
                f"- {d.n(p, 'full')} ({p.abbr}) to",
                f"{r.choice(['share report', 'visit', 'review plan'])}.",
            )
        blocks = d.blocks[att_blocks_start:]
        del d.blocks[att_blocks_start:]
        fmt = r.choice(["pdf", "docx"])
        d.attachment = _Attachment(f"{title.replace(' ', '_')}.{fmt}", fmt, title, blocks)


_WRITERS: dict[str, Callable[[_Doc, _Case], None]] = {
    "case_note": _case_note,
    "referral": _referral,
    "assessment": _assessment,
    "cp_conference_minutes": _minutes,
    "letter": _letter,
    "chronology": _chronology,
    "care_plan": _care_plan,
}
_NOTE_TITLES = [
    "Home visit",
    "Home visit",
    "Home visit",
    "Phone call",
    "School visit",
    "Supervision",
]
_TITLES = {
    "referral": "Multi-agency referral",
    "assessment": "Child and family assessment",
    "cp_conference_minutes": "Child protection conference minutes",
    "letter": "Letter",
    "chronology": "Chronology",
    "care_plan": "Care plan",
}
