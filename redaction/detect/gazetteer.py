"""Word lists behind rule-based name recovery: given names, surnames, ambiguous names and
words that are not names (days, months, roles, organisations, places)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

TITLES = frozenset(
    "mr mrs ms miss mx dr prof professor cllr councillor pc dc ds dci di sgt sergeant insp "
    "inspector rev reverend sir dame master judge hhj justice lord lady fr father sr".split()
)
# words that introduce a person's name: "mother Kelly", "SW: Jane Doe", "brother Dean"
RELATIONS = frozenset(
    """mother father mum mummy mom dad daddy nan nana nanny gran granny grandma grandmother
    grandad grandpa grandfather brother sister half-brother half-sister stepbrother stepsister
    son daughter stepson stepdaughter aunt auntie aunty uncle cousin niece nephew partner
    boyfriend girlfriend husband wife ex-partner stepfather stepdad stepmother stepmum carer
    child baby sibling friend neighbour maternal paternal godmother godfather
    sw worker teacher headteacher nurse midwife hv visitor officer manager practitioner
    advocate guardian solicitor consultant paediatrician gp senco dsl iro chair
    referrer referred named called""".split()
)
SIGN_OFFS = (
    "regards",
    "kind regards",
    "best regards",
    "warm regards",
    "many thanks",
    "thanks",
    "thank you",
    "best wishes",
    "best",
    "yours sincerely",
    "yours faithfully",
    "sincerely",
    "yours",
    "cheers",
    "with thanks",
    "signed",
)
FIELD_LABELS = frozenset(
    """name names child mother father mum dad carer author completed by social worker sw
    referrer present attendees apologies signed from to cc chair minute taker minutes
    allocated worker practitioner manager team lead key worker keyworker foster carer
    parent parents guardian siblings sibling young person subject person client pupil
    student patient contact next of kin emergency relationship witness interpreter
    attendance invited""".split()
)
ORG_WORDS = frozenset(
    """school primary secondary academy college nursery infant infants junior juniors high
    grammar university hospital surgery practice centre center clinic medical health trust
    council ltd limited plc llp solicitors chambers court house road street lane avenue close
    drive way crescent gardens terrace grove place square park church chapel mosque temple
    ward unit team service services department foundation association charity group project
    hub estate farm lodge cottage hall station police partnership centre's
    railroad railway river reservoir pond brook creek lake beach shore bay island islands
    mountain mountains hill hills valley forest wood woods bridge tower towers stadium arena
    institute hotel ave blvd boulevard complex playfield prize award awards cup trophy
    recordings records festival cathedral abbey museum gallery theatre theater palace castle
    airport harbour harbor port canal county province district municipality village town city
    band orchestra choir club fc united rovers athletic corporation company inc corp""".split()
)
# the last word of a place or organisation that is hardly ever a surname ("Cal Anderson Park"
# keeps its doubt: Park, Hall, Wood and Lane are common surnames)
PLACE_TAIL = frozenset(
    """road street avenue drive crescent gardens terrace square school academy college
    university hospital surgery centre center clinic station stadium arena airport museum
    gallery theatre theater cathedral abbey institute hotel reservoir boulevard blvd ave
    playfield complex festival recordings records band orchestra club fc rovers corporation
    company inc corp ltd limited plc council trust""".split()
)
ROLE_WORDS = RELATIONS | frozenset(
    """social worker sw team manager tm iro nurse gp doctor teacher head headteacher dsl senco
    police officer pc foster carer child mother father brother sister aunt uncle grandmother
    grandfather friend neighbour partner aged age years yrs yo months subject referrer
    school health visitor hv midwife solicitor guardian cafcass advocate interpreter
    paediatrician consultant camhs worker chair minutes""".split()
)


def _load(name: str) -> frozenset[str]:
    text = resources.files("redaction.data").joinpath(name).read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        words.update(w.lower() for w in line.split())
    return frozenset(words)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The word lists, loaded once."""
    return Gazetteer()


class Gazetteer:
    """Lookups used to score name candidates."""

    def __init__(self) -> None:
        self.first = _load("first_names.txt")
        self.surnames = _load("surnames.txt")
        self.ambiguous = _load("ambiguous_names.txt") | {
            w for w in self.first | self.surnames if w in STOP_WORDS
        }
        self.non_names = _load("non_names.txt") | TITLES
        self.stop = frozenset(STOP_WORDS)

    def is_first(self, word: str) -> bool:
        """A given name that is not also an ordinary word."""
        w = word.lower()
        return w in self.first and w not in self.ambiguous and w not in self.non_names

    def is_surname(self, word: str) -> bool:
        """A surname that is not also an ordinary word."""
        w = word.lower()
        return w in self.surnames and w not in self.ambiguous and w not in self.non_names

    def is_name(self, word: str) -> bool:
        """A given name or surname that is not also an ordinary word (hyphen parts too)."""
        if "-" in word:
            return any(self.is_name(p) for p in word.split("-") if len(p) > 1)
        return self.is_first(word) or self.is_surname(word)

    def is_name_word(self, word: str) -> bool:
        """In the lists of given names or surnames, ordinary word or not."""
        w = word.lower()
        return w in self.first or w in self.surnames

    def is_ambiguous(self, word: str) -> bool:
        """A name that is also an ordinary word (Will, Rose, Grace, Brown)."""
        w = word.lower()
        return w in self.ambiguous or (
            (w in self.first or w in self.surnames) and w in self.non_names
        )

    def is_non_name(self, word: str) -> bool:
        """A word that by itself is not a person's name."""
        w = word.lower()
        return (w in self.non_names or w in self.stop) and not self.is_name(w)
