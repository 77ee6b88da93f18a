"""Demo data for `make run`: staff of every role and requests in every state and of every type.

Deterministic (a fixed random seed), apart from the staff passwords, which are random and kept in
instance/demo-logins.txt so `make run` can print them again.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Callable
from datetime import date, timedelta

from portal.extensions import db
from portal.models import (
    Channel,
    ContactPreference,
    Relationship,
    Request,
    RequestStatus,
    RequestType,
    Role,
)
from portal.services import audit, intake, users, workflow
from portal.services.actor import Actor
from portal.timeutil import council_today

S = RequestStatus
STAFF = [
    ("phone@demo.council.example", "Priya Phonedesk", {Role.PHONE_STAFF}),
    ("caseworker@demo.council.example", "Casey Worker", {Role.CASEWORKER}),
    ("caseworker2@demo.council.example", "Morgan Reviewer", {Role.CASEWORKER}),
    ("approver@demo.council.example", "Alex Approver", {Role.APPROVER}),
    ("admin@demo.council.example", "Ade Admin", {Role.ADMIN}),
]
FIRST = [
    "Olivia",
    "Jack",
    "Amelia",
    "Harry",
    "Isla",
    "Noah",
    "Ava",
    "Leo",
    "Mia",
    "Oscar",
    "Freya",
    "Charlie",
    "Poppy",
    "Alfie",
    "Ruby",
    "Theo",
    "Lily",
    "Archie",
    "Evie",
    "Finley",
]
LAST = [
    "Brown",
    "Taylor",
    "Evans",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Clarke",
    "Jackson",
    "Turner",
]
TOWNS = [
    ("Worcester", "WR1 2EY"),
    ("Kidderminster", "DY10 1AA"),
    ("Redditch", "B97 4EA"),
    ("Bromsgrove", "B61 8DA"),
    ("Malvern", "WR14 3AF"),
    ("Evesham", "WR11 4RW"),
]

# (type, target status, days ago received) — every state of every type, some near or past due.
PLAN: list[tuple[RequestType, RequestStatus, int]] = [
    (RequestType.ACCESS, S.RECEIVED, 0),
    (RequestType.ACCESS, S.RECEIVED, 2),
    (RequestType.ACCESS, S.AWAITING_EVIDENCE, 5),
    (RequestType.ACCESS, S.AWAITING_EVIDENCE, 20),
    (RequestType.ACCESS, S.IN_PROGRESS, 3),
    (RequestType.ACCESS, S.IN_PROGRESS, 18),
    (RequestType.ACCESS, S.IN_PROGRESS, 26),
    (RequestType.ACCESS, S.IN_PROGRESS, 33),
    (RequestType.ACCESS, S.CLARIFICATION_REQUESTED, 12),
    (RequestType.ACCESS, S.GATHERING, 9),
    (RequestType.ACCESS, S.REVIEW, 16),
    (RequestType.ACCESS, S.REVIEW, 45),
    (RequestType.ACCESS, S.APPROVAL, 24),
    (RequestType.ACCESS, S.RELEASED, 30),
    (RequestType.ACCESS, S.CLOSED, 60),
    (RequestType.ACCESS, S.WITHDRAWN, 14),
    (RequestType.ACCESS, S.REFUSED, 21),
    (RequestType.RECTIFICATION, S.RECEIVED, 1),
    (RequestType.RECTIFICATION, S.AWAITING_EVIDENCE, 7),
    (RequestType.RECTIFICATION, S.IN_PROGRESS, 11),
    (RequestType.RECTIFICATION, S.CLARIFICATION_REQUESTED, 15),
    (RequestType.RECTIFICATION, S.DECISION, 25),
    (RequestType.RECTIFICATION, S.CLOSED, 50),
    (RequestType.RECTIFICATION, S.WITHDRAWN, 8),
    (RequestType.RECTIFICATION, S.REFUSED, 19),
    (RequestType.ERASURE, S.RECEIVED, 4),
    (RequestType.ERASURE, S.AWAITING_EVIDENCE, 6),
    (RequestType.ERASURE, S.IN_PROGRESS, 29),
    (RequestType.ERASURE, S.CLARIFICATION_REQUESTED, 10),
    (RequestType.ERASURE, S.DECISION, 27),
    (RequestType.ERASURE, S.CLOSED, 70),
    (RequestType.ERASURE, S.WITHDRAWN, 13),
    (RequestType.ERASURE, S.REFUSED, 22),
]
REQUEST_COUNT = len(PLAN) + 1  # plus the second child of the sibling request
LOGINS_FILE = "demo-logins.txt"


def load(seed: int = 2026) -> list[tuple[str, str, str]]:
    """Create the demo staff and requests; returns (email, password, roles) for each account."""
    rng = random.Random(seed)
    today = council_today()
    logins = []
    staff = {}
    for email, name, roles in STAFF:
        password = secrets.token_urlsafe(12)
        user = users.create_user(email, name, roles, password, actor=None)
        staff[next(iter(roles))] = user
        logins.append((email, password, ", ".join(sorted(r.label for r in roles))))
    phone = Actor.staff(staff[Role.PHONE_STAFF])
    casey = Actor.staff(staff[Role.CASEWORKER])

    for n, (kind, target, days_ago) in enumerate(PLAN):
        received = today - timedelta(days=days_ago)
        channel = [Channel.ONLINE, Channel.PHONE, Channel.LETTER, Channel.EMAIL, Channel.IN_PERSON][
            n % 5
        ]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        town, postcode = rng.choice(TOWNS)
        for_child = n % 3 != 0
        parent_first = rng.choice(FIRST)
        subjects = [
            intake.SubjectDetails(
                first_names=first,
                last_name=last,
                previous_names=[f"{first} {rng.choice(LAST)}"] if n % 7 == 0 else [],
                date_of_birth=date(2008 + n % 12, 1 + n % 12, 1 + n % 27),
                address=f"{10 + n} Demo Street, {town}",
                postcode=postcode,
                social_care_number=f"SC{100000 + n * 37}" if n % 2 else None,
                is_child=for_child,
            )
        ]
        if n == 4:  # a parent asking for two children: linked requests
            subjects.append(
                intake.SubjectDetails(
                    first_names="Ella",
                    last_name=last,
                    date_of_birth=date(2015, 6, 3),
                    is_child=True,
                )
            )
        new = intake.NewRequest(
            type=kind,
            channel=channel,
            received_date=received,
            requester=intake.RequesterDetails(
                full_name=f"{parent_first} {last}" if for_child else f"{first} {last}",
                email=f"demo.requester{n}@example.com",
                phone="01905 000" + f"{n:03d}",
                address=f"{10 + n} Demo Street, {town}",
                postcode=postcode,
                contact_preference=ContactPreference.EMAIL,
            ),
            subjects=subjects,
            relationship=Relationship.PARENT if for_child else Relationship.SELF,
            access_period="2015 to now" if kind is RequestType.ACCESS else None,
            access_services=["Children's social care"] if kind is RequestType.ACCESS else [],
            description=_description(kind),
            correction="My date of birth is 3 June, not 6 March."
            if kind is RequestType.RECTIFICATION
            else None,
            erasure_reason="The referral was made about the wrong family."
            if kind is RequestType.ERASURE
            else None,
            contact_notes="Caller asked for updates by email."
            if channel is Channel.PHONE
            else None,
        )
        created = intake.create_requests(
            new, Actor.requester() if channel is Channel.ONLINE else phone
        )
        for req in created:
            if n % 4 != 3:
                workflow.assign(req.id, casey, staff[Role.CASEWORKER].id)
            _advance(req, target, received, casey)
    db.session.flush()
    return logins


def _description(kind: RequestType) -> str:
    return {
        RequestType.ACCESS: "All records about my family from children's social care.",
        RequestType.RECTIFICATION: "The assessment from last year has my date of birth wrong.",
        RequestType.ERASURE: "Please delete the referral made about us in error.",
    }[kind]


def _advance(req: Request, target: RequestStatus, received: date, actor: Actor) -> None:
    """Walk a request through the services to the target state, with back-dated events."""
    if target is S.RECEIVED:
        return
    steps: dict[RequestStatus, Callable[[], object]] = {
        S.AWAITING_EVIDENCE: lambda: workflow.ask_for_evidence(
            req.id,
            actor,
            "A copy of photo ID and proof of parental responsibility",
            on=received + timedelta(days=1) if received < council_today() else received,
        ),
        S.WITHDRAWN: lambda: workflow.withdraw(req.id, actor, "Requester phoned to withdraw"),
        S.REFUSED: lambda: workflow.refuse(
            req.id,
            actor,
            "manifestly_excessive",
            "This repeats a request answered in full last month with no new records since.",
        ),
    }
    if target in (S.AWAITING_EVIDENCE, S.WITHDRAWN, S.REFUSED):
        steps[target]()
        return
    if req.id % 2:
        workflow.ask_for_evidence(req.id, actor, "Proof of address", on=received)
        workflow.record_evidence_received(
            req.id,
            actor,
            received + timedelta(days=2)
            if received + timedelta(days=2) <= council_today()
            else received,
        )
    else:
        workflow.verify(req.id, actor)
    if target is S.IN_PROGRESS:
        if (council_today() - received).days < 25 and req.id % 3 == 0:
            workflow.extend(req.id, actor, "The records span eight years and four services.")
        return
    if target is S.CLARIFICATION_REQUESTED:
        workflow.stop_clock(
            req.id,
            actor,
            "Which period of involvement do you mean?",
            on=received + timedelta(days=4),
        )
        return
    if target in (S.DECISION, S.CLOSED) and req.type is not RequestType.ACCESS:
        workflow.decide(
            req.id, actor, "agreed", "The record was checked against the case file and corrected."
        )
        if target is S.CLOSED:
            workflow.close(req.id, actor, "decision carried out")
        return
    workflow.move(req, S.GATHERING, actor, "demo")
    if target is S.GATHERING:
        return
    workflow.move(req, S.REVIEW, actor, "demo")
    if target is not S.REVIEW:
        # Past review the workflow needs a built, verified and approved pack, which these
        # list-filling demo requests do not have: their state is set as demo data, and says so.
        req.status = target
        audit.record(actor, "demo_state_seeded", req.id, after=target.value)


def save_logins(instance_path: str, logins: list[tuple[str, str, str]]) -> None:
    """Keep the demo logins (only readable by the owner) so they can be printed again."""
    path = os.path.join(instance_path, LOGINS_FILE)
    with open(path, "w", encoding="utf-8") as fh:
        for email, password, roles in logins:
            fh.write(f"{email}\t{password}\t{roles}\n")
    os.chmod(path, 0o600)


def print_logins(instance_path: str, echo: Callable[[str], object]) -> None:
    """Print the demo staff logins."""
    path = os.path.join(instance_path, LOGINS_FILE)
    if not os.path.exists(path):
        return
    echo("Demo staff sign-in (http://127.0.0.1:5000/staff/sign-in):")
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            email, password, roles = line.rstrip("\n").split("\t")
            echo(f"  {roles:<28} {email:<36} {password}")


def requests_for_records(export_dir: str) -> list[str]:
    """Access requests about children of the demo export: one ready to search, one searched."""
    import json

    from portal.services import gathering

    with open(os.path.join(export_dir, "manifest.json"), encoding="utf-8") as fh:
        manifest = json.load(fh)
    children = {
        m["person"] for case in manifest["cases"] for m in case["people"] if m["role"] == "child"
    }
    people = [p for p in manifest["people"] if p["id"] in children and p.get("date_of_birth")]
    casey = Actor.system("demo")
    made = []
    for n, person in enumerate(people[:2]):
        new = intake.NewRequest(
            type=RequestType.ACCESS,
            channel=Channel.ONLINE,
            received_date=council_today() - timedelta(days=3 + n),
            requester=intake.RequesterDetails(
                full_name=f"Parent of {person['first_names']}",
                email=f"records.demo{n}@example.com",
                contact_preference=ContactPreference.EMAIL,
            ),
            subjects=[
                intake.SubjectDetails(
                    first_names=person["first_names"],
                    last_name=person["last_name"],
                    date_of_birth=date.fromisoformat(person["date_of_birth"]),
                    is_child=True,
                    social_care_number=person.get("social_care_number"),
                )
            ],
            relationship=Relationship.PARENT,
            access_period="All records",
            access_services=["Children's social care"],
            description="Everything you hold about my child.",
        )
        req = intake.create_requests(new, Actor.requester())[0]
        workflow.verify(req.id, casey)
        if n == 1:
            workflow.move(req, S.GATHERING, casey, "records search started")
            gathering.gather(req.id, casey)
        made.append(req.reference)
    return made
