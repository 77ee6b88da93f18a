"""The demo world: professionals, families and their cases, drawn from one ``random.Random``."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from demo.people import (
    _DOMAINS,
    _FAMILY_DOMAINS,
    _HERITAGE_WEIGHTS,
    _POSTCODE_LETTERS,
    ANCHOR,
    MIDDLE_NAMES,
    NAMES,
    PRO_ROLES,
    SCHOOLS,
    SHORT_FORMS,
    STREETS,
    SURGERIES,
    TOWNS,
    _age,
    _Case,
    _Family,
    _landline,
    _mobile,
    _nhs_number,
    _ni_number,
    _Person,
    _vehicle,
)


# -- the world: people, families, professionals and cases -------------------------------------
class _World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[_Person] = []
        self.cases: list[_Case] = []
        self.used_names: set[tuple[str, str]] = set()
        self.pros: dict[str, list[_Person]] = {}
        self.schools: dict[str, dict[str, list[_Person]]] = {}

    def _id(self) -> str:
        return f"P{len(self.people) + 1:05d}"

    def _heritage(self) -> str:
        keys = list(_HERITAGE_WEIGHTS)
        return self.rng.choices(keys, weights=[_HERITAGE_WEIGHTS[k] for k in keys])[0]

    def person(
        self,
        gender: str,
        *,
        heritage: str | None = None,
        last_name: str | None = None,
        dob: date | None = None,
        child: bool = False,
    ) -> _Person:
        r = self.rng
        heritage = heritage or self._heritage()
        females, males, surnames = NAMES[heritage]
        for _ in range(50):
            first = r.choice(females if gender == "f" else males)
            last = last_name or r.choice(surnames)
            if (first, last) not in self.used_names:
                break
        self.used_names.add((first, last))
        first_names = first
        if child and r.random() < 0.4:
            first_names = f"{first} {r.choice(MIDDLE_NAMES[gender])}"
        known = SHORT_FORMS.get(first, first) if r.random() < 0.7 else first
        p = _Person(
            self._id(),
            first_names,
            last,
            known,
            gender,
            dob=dob,
            title="Ms" if gender == "f" else "Mr",
        )
        if known != first:
            p.aliases.append(f"{known} {last}")
        self.people.append(p)
        return p

    def _address(self) -> tuple[str, str, str]:
        r = self.rng
        town, districts = r.choice(TOWNS)
        postcode = (
            f"{r.choice(districts)} {r.randrange(1, 10)}"
            f"{r.choice(_POSTCODE_LETTERS)}{r.choice(_POSTCODE_LETTERS)}"
        )
        street = f"{r.randrange(1, 120)} {r.choice(STREETS)}"
        if r.random() < 0.15:
            street = (
                f"Flat {r.randrange(1, 12)}, {r.choice(['Severn', 'Malvern', 'Elgar'])} "
                f"House, {r.choice(STREETS)}"
            )
        return street, town, postcode

    def _dob(self, min_age: int, max_age: int) -> date:
        days = self.rng.randrange(min_age * 365 + 150, max_age * 365 + 350)
        return ANCHOR - timedelta(days=days)

    # professionals -----------------------------------------------------------------------------
    def professional(self, role: str, organisation: str | None = None) -> _Person:
        r = self.rng
        p = self.person(r.choice("ffffm" if role in ("health_visitor", "school_nurse") else "fm"))
        p.professional, p.role = True, role
        p.organisation = organisation or PRO_ROLES[role][2]
        if role == "gp":
            p.title = "Dr"
        elif role == "police_officer":
            p.title = f"PC {r.randrange(1000, 9999)}"
        domain = _DOMAINS.get(p.organisation or "", "")
        if not domain:
            slug = re.sub(r"[^a-z]", "", (p.organisation or "").lower())[:24]
            domain = f"{slug}.example.org"
        local = re.sub(r"[^a-z.\-]", "", f"{p.known}.{p.last_name}".lower())
        p.email = f"{local}@{domain}"
        p.phone = r.choice([_landline(r), _mobile(r)])
        self.pros.setdefault(role, []).append(p)
        return p

    def build_professionals(self, children: int) -> None:
        scale = max(1, children // 10)
        for role, count in [
            ("social_worker", 2 + 2 * scale),
            ("team_manager", 1 + scale // 2),
            ("independent_reviewing_officer", 1 + scale // 3),
            ("health_visitor", 1 + scale // 2),
            ("school_nurse", 1 + scale // 3),
            ("police_officer", 1 + scale // 2),
            ("advocate", 1 + scale // 4),
        ]:
            for _ in range(count):
                self.professional(role)
        for surgery in SURGERIES:
            self.professional("gp", surgery)
        for school, _phase in SCHOOLS:
            self.schools[school] = {
                "designated_safeguarding_lead": [
                    self.professional("designated_safeguarding_lead", school)
                ],
                "teacher": [self.professional("teacher", school) for _ in range(2)],
            }

    # families ----------------------------------------------------------------------------------
    def family(self, case_children: int) -> _Family:
        r = self.rng
        heritage = self._heritage()
        address = self._address()
        mother = self.person("f", heritage=heritage, dob=self._dob(19, 45))
        adults: dict[str, _Person] = {}
        if r.random() < 0.9:
            adults["mother"] = mother
        else:
            mother.dob = self._dob(50, 68)
            adults["carer"] = mother  # a kinship carer (usually a grandparent) holds the home
        dad_heritage = heritage if r.random() < 0.7 else self._heritage()
        father = self.person("m", heritage=dad_heritage, dob=self._dob(20, 50))
        adults["father"] = father
        father_home = r.random() < 0.5
        if not father_home:
            father.address = self._address()
            if r.random() < 0.35:
                step = self.person("m", dob=self._dob(22, 50))
                step.address = address
                adults["stepfather"] = step
        if r.random() < 0.3 and "mother" in adults:
            gp = self.person(
                "f", heritage=heritage, last_name=mother.last_name, dob=self._dob(50, 75)
            )
            gp.address = self._address()
            gp.title = "Mrs"
            adults["grandparent"] = gp
        if r.random() < 0.15:
            aunt = self.person(
                "f", heritage=heritage, last_name=mother.last_name, dob=self._dob(20, 45)
            )
            aunt.address = self._address()
            adults["relative"] = aunt
        if r.random() < 0.3:
            friend = self.person(r.choice("ffm"), dob=self._dob(20, 50))
            friend.address = self._address()
            adults["family_friend"] = friend  # known in texts only by a lower-case first name
        # a previous name for some mothers (maiden or earlier married name)
        if r.random() < 0.35:
            prev = r.choice(NAMES[heritage][2])
            if prev != mother.last_name:
                mother.aliases.append(f"{mother.first_names} {prev}")
        mother.address = address
        if father_home:
            father.address = address
        # children: the case children plus 0-3 siblings, some with their father's surname
        n_children = case_children + r.choice([0, 0, 1, 1, 2, 3])
        kids: list[_Person] = []
        surname = father.last_name if r.random() < 0.6 else mother.last_name
        # siblings 14 months to 4 years apart, the youngest at least five months old
        gaps = [r.randrange(420, 1460) for _ in range(n_children - 1)]
        youngest = r.randrange(150, max(151, 17 * 365 + 300 - sum(gaps)))
        ages = [youngest + sum(gaps[k:]) for k in range(n_children)]
        for k in range(n_children):
            last = surname
            if k and r.random() < 0.25:
                last = mother.last_name  # a half-sibling
            elif r.random() < 0.1:
                last = f"{mother.last_name}-{father.last_name}"
            kid = self.person(
                r.choice("fm"),
                heritage=heritage,
                last_name=last,
                dob=ANCHOR - timedelta(days=ages[k]),
                child=True,
            )
            if kid.gender == "m" and " " not in kid.first_names and r.random() < 0.35:
                # named after his father: the father's first name is the child's middle name
                kid.first_names = f"{kid.first_names} {father.first_names.split()[0]}"
            kid.address = address
            kid.nhs = _nhs_number(r)
            kid.sc_number = f"SC{r.randrange(100000, 999999)}"
            kids.append(kid)
        kids.sort(key=lambda c: c.dob or ANCHOR)
        oldest = kids[0].dob or ANCHOR
        for parent in (mother, father):  # parents at least 17 years older than their eldest
            if parent.dob and parent.dob > oldest - timedelta(days=17 * 365):
                parent.dob = oldest - timedelta(days=r.randrange(17 * 365 + 30, 32 * 365))
        nan = adults.get("grandparent")
        if nan and mother.dob:
            nan.dob = mother.dob - timedelta(days=r.randrange(18 * 365, 30 * 365))
        for adult in adults.values():
            if r.random() < 0.85:
                adult.phone = _mobile(r)
            if r.random() < 0.4:
                tag = re.sub(r"[^a-z]", "", adult.known.lower() + adult.last_name.lower()[:4])
                adult.email = f"{tag}{r.randrange(70, 99)}@{r.choice(_FAMILY_DOMAINS)}"
            if r.random() < 0.5:
                adult.sc_number = f"SC{r.randrange(100000, 999999)}"
            if r.random() < 0.25:
                adult.nhs = _nhs_number(r)
            if r.random() < 0.2:
                adult.ni = _ni_number(r)
            if adult.gender == "m" and r.random() < 0.3:
                adult.vehicle = _vehicle(r)
        for kid in kids:
            if _age(kid) >= 4:
                phase = "primary" if _age(kid) < 11 else "secondary"
                kid.school = r.choice([s for s, ph in SCHOOLS if ph == phase])
        return _Family(kids, adults, address)

    def pick(self, role: str) -> _Person:
        return self.rng.choice(self.pros[role])

    def cases_for(self, fam: _Family, child: _Person) -> list[_Case]:
        r = self.rng
        age = _age(child)
        options: list[list[str]] = [
            ["child_in_need"],
            ["early_help"],
            ["child_protection"],
            ["early_help", "child_in_need"],
            ["child_in_need", "child_protection"],
            ["early_help", "child_in_need", "child_protection"],
            ["disabilities"],
            ["child_protection", "looked_after"],
            ["looked_after"],
        ]
        if age >= 17:
            options += [["looked_after", "care_leaver"]] * 3
        seq = r.choice(options)
        start = ANCHOR - timedelta(days=r.randrange(200, 1400))
        start = max(start, (child.dob or start) + timedelta(days=30))
        sw, tm = self.pick("social_worker"), self.pick("team_manager")
        out: list[_Case] = []
        for k, ctype in enumerate(seq):
            length = r.randrange(120, 420)
            closed: date | None = start + timedelta(days=length)
            if closed is not None and (
                closed > ANCHOR - timedelta(days=10) or (k == len(seq) - 1 and r.random() < 0.5)
            ):
                closed = None
            if k and r.random() < 0.5:
                sw = self.pick("social_worker")  # a change of worker
            case = _Case(f"C{len(self.cases) + 1:05d}", ctype, start, closed, child, fam, [])
            self._roles(case, sw, tm)
            self.cases.append(case)
            out.append(case)
            if closed is None:
                break
            start = closed + timedelta(days=r.randrange(1, 90))
            if start > ANCHOR - timedelta(days=40):
                break
        return out

    def _roles(self, case: _Case, sw: _Person, tm: _Person) -> None:
        r, fam, child = self.rng, case.family, case.child
        roles = case.roles
        roles.append((child, "child"))
        for role, adult in fam.adults.items():
            roles.append((adult, role))
        for kid in fam.children:
            if kid is not child:
                roles.append((kid, "sibling"))
        roles += [(sw, "social_worker"), (tm, "team_manager")]
        if case.type in ("child_protection", "looked_after", "care_leaver"):
            roles.append(
                (self.pick("independent_reviewing_officer"), "independent_reviewing_officer")
            )
        if _age(child, case.opened) < 5:
            roles.append((self.pick("health_visitor"), "health_visitor"))
        elif r.random() < 0.4:
            nurse = self.pick("school_nurse")
            if r.random() < 0.5:
                # a professional who shares a surname with someone in the family
                relative = r.choice(list(fam.adults.values()))
                nurse = self.person("f", last_name=relative.last_name, dob=self._dob(28, 60))
                nurse.professional, nurse.role = True, "school_nurse"
                nurse.organisation = PRO_ROLES["school_nurse"][2]
                nurse.title = "Mrs"
                nurse.email = f"{nurse.known.lower()}.{nurse.last_name.lower()}@nhs.example.org"
            roles.append((nurse, "school_nurse"))
        if child.school and _age(child, case.opened) >= 4:
            staff = self.schools[child.school]
            roles.append((staff["designated_safeguarding_lead"][0], "designated_safeguarding_lead"))
            roles.append((r.choice(staff["teacher"]), "teacher"))
        roles.append((self.pick("gp"), "gp"))
        if case.type == "child_protection" or r.random() < 0.25:
            roles.append((self.pick("police_officer"), "police_officer"))
        if case.type in ("looked_after", "care_leaver") or (
            case.type == "child_protection" and r.random() < 0.3
        ):
            roles.append((self.pick("advocate"), "advocate"))
        if case.type == "looked_after":
            fc1 = self.person("f", dob=self._dob(35, 60))
            fc2 = self.person("m", last_name=fc1.last_name, dob=self._dob(35, 62))
            fc1.title, fc2.title = "Mrs", "Mr"
            fc1.address = fc2.address = self._address()
            fc1.phone, fc1.email = _mobile(r), f"{fc1.known.lower()}.fc@{r.choice(_FAMILY_DOMAINS)}"
            roles += [(fc1, "foster_carer"), (fc2, "foster_carer")]

    def fostering_case(self, lac: _Case) -> _Case | None:
        carers = lac.all("foster_carer")
        if not carers:
            return None
        sw = self.pick("social_worker")
        case = _Case(
            f"C{len(self.cases) + 1:05d}",
            "fostering",
            lac.opened - timedelta(days=self.rng.randrange(200, 700)),
            None,
            carers[0],
            _Family([], {}, carers[0].address or self._address()),
            [],
        )
        case.roles = [(c, "foster_carer") for c in carers] + [
            (lac.child, "child"),
            (sw, "social_worker"),
            (self.pick("team_manager"), "team_manager"),
        ]
        self.cases.append(case)
        return case
