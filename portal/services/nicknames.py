"""Common English short forms of given names, both ways (Katie <-> Katherine)."""

from __future__ import annotations

GROUPS = [
    "katherine catherine kathryn katie kate kath kathy cathy cat kat",
    "elizabeth liz lizzie beth betty eliza libby",
    "margaret maggie meg peggy maisie",
    "alexander alex alexandra alexa sandy lexi",
    "william will bill billy liam",
    "robert rob robbie bob bobby bert",
    "richard rich richie rick ricky dick",
    "james jim jimmy jamie",
    "thomas tom tommy",
    "joseph joe joey",
    "daniel dan danny",
    "michael mike mikey mick mickey",
    "christopher chris kit",
    "christine christina chris chrissie tina",
    "jonathan jon jonny",
    "john jack johnny",
    "edward ed eddie ted teddy ned",
    "alfred alfie alf",
    "frederick fred freddie freddy",
    "benjamin ben benji benny",
    "samuel sam sammy",
    "samantha sam sammie",
    "nicholas nick nicky",
    "nicola nicole nicky nikki",
    "matthew matt matty",
    "andrew andy drew",
    "anthony tony ant",
    "stephen steven steve stevie",
    "charles charlie chas chuck",
    "charlotte charlie lottie lotte",
    "jennifer jen jenny",
    "jessica jess jessie",
    "rebecca becky becca",
    "victoria vicky tori",
    "abigail abi abbie abby gail",
    "amelia millie milly amy",
    "emily em emmy millie",
    "isabella isabel isabelle bella izzy issy",
    "olivia liv livvy",
    "sophia sophie soph",
    "joshua josh",
    "zachary zach zak",
    "harrison harry",
    "henry harry hal",
    "oliver ollie olly",
    "jacob jake",
    "leonard leo len lenny",
    "theodore theo ted teddy",
    "patrick pat paddy",
    "patricia pat patty trish tricia",
    "susan sue susie suzanne",
    "deborah debbie deb",
    "kimberley kimberly kim",
    "natasha tasha",
    "gabriella gabriel gabby gabe",
    "anne ann annie anna",
    "lawrence laurence larry laurie",
    "raymond ray",
    "donald don donny",
    "ronald ron ronnie",
    "terence terry",
    "kenneth ken kenny",
]


def _index() -> dict[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for group in GROUPS:
        names = group.split()
        for name in names:
            index.setdefault(name, set()).update(names)
    return {k: frozenset(v) for k, v in index.items()}


INDEX = _index()


def variants(first_name: str) -> set[str]:
    """The name and its common short or long forms, lower case."""
    name = first_name.strip().lower()
    return set(INDEX.get(name, ())) | {name} if name else set()
