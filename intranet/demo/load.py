"""Benchmark data at the scale of all of Sweden's municipalities (`flask generate-load`).

Scale 1 is a national association: 290 municipalities, 500 networks, 20,000 people,
50,000 appointments, 100,000 documents with 150,000 file versions, 10,000 consultation
responses with 60,000 sections and 200,000 revisions, 50,000 action rows. Every count is
derived from the scale, the same seed gives the same data, and rows go in with bulk inserts
in chunks with ids chosen here (so no row needs a round trip). File versions point to a few
hundred small real blobs in the configured store.

The texts are Swedish as the cooperation writes it, at realistic lengths: words in their
inflected forms ("remiss remissen remisser remisserna") and compounds
("kollektivtrafikplanen"), drawn with a few very common and a long tail of rare ones, so that
search's stemming and ranking do real work. A text page is a few hundred words, a file's
extracted text one to three thousand, a response's section 100–300, an action row's activity
10–25. At the end the search index is made of it all (`intranet.search.index.rebuild`)."""

from __future__ import annotations

import io
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from intranet.actions.models import (
    ActionItem,
    action_item_municipality,
    action_item_network,
    with_keys,
)
from intranet.consultations.models import (
    ConsultationResponse,
    MunicipalPosition,
    ResponseSection,
    SectionComment,
    SectionRevision,
)
from intranet.demo import require_development
from intranet.documents.models import Document, DocumentTag, DocumentVersion, PageRevision
from intranet.documents.storage import get_storage
from intranet.extensions import db
from intranet.org.models import (
    Appointment,
    Body,
    BodyKind,
    Cooperation,
    FocusArea,
    Municipality,
    Network,
    Person,
    Seat,
    SubGoal,
    network_focus_area,
)
from intranet.text import sort_key

# Every generated person logs in with this password (benchmark data only).
LOAD_PASSWORD = "bench-samverkan-2026"  # noqa: S105
# The people the benchmark logs in as, one per role.
ROLE_EMAILS = {
    "secretariat": "kansliet@bench.example",
    "committee": "kommitten@bench.example",
    "director": "direktor@bench.example",
    "convener": "sammankallande@bench.example",
    "member": "ledamot@bench.example",
}
CHUNK = 5000
TEXT_CHUNK = 2000  # rows with long texts (a file's text is about 20 KB)
BLOBS = 300
# The three bodies: their ids and names.
BODIES = {BodyKind.COMMITTEE: (1, "Samarbetskommittén"),
          BodyKind.MANAGEMENT_GROUP: (2, "Ledningsgruppen"),
          BodyKind.SECRETARIAT: (3, "Kansliet")}
# Fixed dates, so that the same seed gives the same rows on any day.
START = date(2024, 1, 1)
STAMP = datetime(2025, 6, 1, 9, 0)

# Counts at scale 1.
SCALE_1 = {
    "municipalities": 290,
    "networks": 500,
    "people": 20_000,
    "appointments": 50_000,
    "documents": 100_000,
    "versions": 150_000,
    "responses": 10_000,
    "sections": 60_000,
    "revisions": 200_000,
    "actions": 50_000,
}

# ---------------------------------------------------------------- Swedish text

# Each line one word in its inflected forms: a noun's singular, definite, plural and definite
# plural, a verb's infinitive, present, past, supine and passive, an adjective's forms.
_NOUNS = """
kommun kommunen kommuner kommunerna
remiss remissen remisser remisserna
region regionen regioner regionerna
samverkan samverkan
nätverk nätverket nätverk nätverken
förslag förslaget förslag förslagen
beslut beslutet beslut besluten
yttrande yttrandet yttranden yttrandena
åtgärd åtgärden åtgärder åtgärderna
utredning utredningen utredningar utredningarna
verksamhet verksamheten verksamheter verksamheterna
förvaltning förvaltningen förvaltningar förvaltningarna
nämnd nämnden nämnder nämnderna
invånare invånaren invånarna
företag företaget företagen
myndighet myndigheten myndigheter myndigheterna
område området områden områdena
fråga frågan frågor frågorna
underlag underlaget underlagen
rapport rapporten rapporter rapporterna
analys analysen analyser analyserna
strategi strategin strategier strategierna
program programmet programmen
projekt projektet projekten
insats insatsen insatser insatserna
resurs resursen resurser resurserna
behov behovet behoven
möjlighet möjligheten möjligheter möjligheterna
risk risken risker riskerna
utmaning utmaningen utmaningar utmaningarna
krav kravet kraven
mål målet målen
ansvar ansvaret
kostnad kostnaden kostnader kostnaderna
budget budgeten budgetar budgetarna
tidplan tidplanen tidplaner tidplanerna
uppföljning uppföljningen uppföljningar uppföljningarna
planering planeringen
trafik trafiken
kollektivtrafik kollektivtrafiken
bostad bostaden bostäder bostäderna
skola skolan skolor skolorna
förskola förskolan förskolor förskolorna
vård vården
omsorg omsorgen
energi energin
avfall avfallet
vatten vattnet
kultur kulturen
integration integrationen
arbetsmarknad arbetsmarknaden
digitalisering digitaliseringen
upphandling upphandlingen upphandlingar upphandlingarna
säkerhet säkerheten
beredskap beredskapen
folkhälsa folkhälsan
infrastruktur infrastrukturen
näringsliv näringslivet
klimat klimatet
miljö miljön
samhälle samhället samhällen samhällena
medarbetare medarbetaren medarbetarna
chef chefen chefer cheferna
avtal avtalet avtalen
uppdrag uppdraget uppdragen
konsekvens konsekvensen konsekvenser konsekvenserna
synpunkt synpunkten synpunkter synpunkterna
"""
_VERBS = """
planera planerar planerade planerat planeras
genomföra genomför genomförde genomfört genomförs
utreda utreder utredde utrett utreds
samverka samverkar samverkade samverkat
föreslå föreslår föreslog föreslagit föreslås
besluta beslutar beslutade beslutat beslutas
ansvara ansvarar ansvarade ansvarat
stödja stödjer stödde stött stöds
utveckla utvecklar utvecklade utvecklat utvecklas
följa följer följde följt följs
anta antar antog antagit antas
yttra yttrar yttrade yttrat
tillstyrka tillstyrker tillstyrkte tillstyrkt
avstyrka avstyrker avstyrkte avstyrkt
bedöma bedömer bedömde bedömt bedöms
prioritera prioriterar prioriterade prioriterat prioriteras
finansiera finansierar finansierade finansierat finansieras
samordna samordnar samordnade samordnat samordnas
redovisa redovisar redovisade redovisat redovisas
påverka påverkar påverkade påverkat påverkas
"""
_ADJECTIVES = """
regional regionala
kommunal kommunala kommunalt
gemensam gemensamma gemensamt
hållbar hållbara hållbart
långsiktig långsiktiga långsiktigt
strategisk strategiska strategiskt
ekonomisk ekonomiska ekonomiskt
social sociala socialt
digital digitala digitalt
övergripande
ny nya nytt
viktig viktiga viktigt
tydlig tydliga tydligt
effektiv effektiva effektivt
nationell nationella nationellt
särskild särskilda särskilt
"""
# Names, as written (not inflected).
_NAMES = ("Huddinge Botkyrka Haninge Tyresö Nynäshamn Södertälje Nacka Värmdö Salem Stockholm "
          "Uppsala Göteborg Malmö Trafikverket Boverket Naturvårdsverket Socialstyrelsen "
          "Skolverket Länsstyrelsen Regeringskansliet").split()
# Compounds: a first part and a head in its forms ("kollektivtrafik" + "planen").
_PREFIXES = ("kollektivtrafik bostads skol vård klimat energi avfalls vatten översikts detalj "
             "kultur näringslivs trafik cykel folkhälso integrations arbetsmarknads "
             "digitaliserings upphandlings säkerhets kris miljö landsbygds stads "
             "samhällsbyggnads socialtjänst äldreomsorgs funktionshinder barn ungdoms fritids "
             "idrotts besöksnärings handels logistik mark exploaterings dagvatten bredbands "
             "region kommun").split()
_HEADS = """
plan planen planer planerna
strategi strategin strategier strategierna
program programmet programmen
fråga frågan frågor frågorna
arbete arbetet arbeten arbetena
utredning utredningen utredningar utredningarna
nämnd nämnden nämnder nämnderna
projekt projektet projekten
analys analysen analyser analyserna
insats insatsen insatser insatserna
område området områden områdena
avtal avtalet avtalen
budget budgeten budgetar budgetarna
rapport rapporten rapporter rapporterna
chef chefen chefer cheferna
nätverk nätverket nätverken
samordnare samordnaren samordnarna
åtgärd åtgärden åtgärder åtgärderna
mål målet målen
uppdrag uppdraget uppdragen
"""
# The long tail: three-part compounds ("dagvattenfinansieringsavtalet"), each in a handful of
# texts: one such sentence in every text.
_MIDDLES = ("utvecklings samordnings finansierings genomförande uppföljnings besluts kunskaps "
            "förvaltnings utrednings investerings").split()
_RARE_OPENERS = ("Det gäller även", "Frågan berör", "Arbetet omfattar också", "Se vidare",
                 "Här ingår", "Särskilt gäller", "Nätverket lyfter")
_FUNCTIONS = ("och i att som för på med av till det en ett den är ska kan har om från under "
              "inom samt eller inte de vi detta denna dessa enligt genom mellan efter vid också "
              "där när bör måste även så mer flera olika andra alla vilket hur").split()
FUNCTION_WORDS = frozenset(_FUNCTIONS)  # in the order of their frequency above
# Function words take this share of a text's words, the content words the rest, by rank.
_FUNCTION_SHARE = 0.35
_ZIPF = 1.1
_HEADINGS = ("Bakgrund", "Syfte", "Förslag", "Konsekvenser", "Ekonomi", "Tidplan",
             "Uppföljning", "Sammanfattning", "Ställningstagande")
# Sentences are drawn from a pool made once (so that a million-word text costs a join).
_POOL = 20_000
_SENTENCE_WORDS = (6, 18)
_SENTENCES_A_PARAGRAPH = 5
# The word most texts hold (in some form): the search benchmark's common word.
COMMON_WORD = "kommunerna"


def _lines(block: str) -> list[tuple[str, ...]]:
    return [tuple(line.split()) for line in block.strip().splitlines()]


def _lexicon() -> tuple[list[str], list[float], frozenset[str]]:
    """Every word form with its cumulative weight, and the rare compounds' forms. The
    content words by Zipf's law over their rank: eight nouns first ("kommun" the most
    common), then the other simple words and sixty compounds in a fixed shuffled order, then
    the other compounds; a word's weight is split among its forms."""
    heads = _lines(_HEADS)
    nouns, verbs, adjectives = _lines(_NOUNS), _lines(_VERBS), _lines(_ADJECTIVES)
    compounds = [tuple(prefix + form for form in head) for prefix in _PREFIXES
                 for head in heads]
    order = random.Random(7)  # noqa: S311
    order.shuffle(compounds)
    common = nouns[8:] + verbs + adjectives + [(name,) for name in _NAMES] + compounds[:60]
    order.shuffle(common)
    content = nouns[:8] + common + compounds[60:]
    forms, weights = [], []
    functions = _FUNCTIONS
    total = sum(1 / (rank + 2) ** _ZIPF for rank in range(len(content)))
    for rank, lemma in enumerate(content):
        for form in lemma:
            forms.append(form)
            weights.append((1 - _FUNCTION_SHARE) / (rank + 2) ** _ZIPF / total / len(lemma))
    function_total = sum(1 / (rank + 1) for rank in range(len(functions)))
    for rank, word in enumerate(functions):
        forms.append(word)
        weights.append(_FUNCTION_SHARE / (rank + 1) / function_total)
    cumulative, running = [], 0.0
    for weight in weights:
        running += weight
        cumulative.append(running)
    rare = frozenset(prefix + middle + form for prefix in _PREFIXES for middle in _MIDDLES
                     for head in heads for form in head)
    return forms, cumulative, rare


_FORMS, _CUMULATIVE, RARE_WORDS = _lexicon()
_RARE = sorted(RARE_WORDS)


class _Writer:
    """Deterministic Swedish text: sentences drawn from a pool, one rare compound in each
    text, paragraphs of a few sentences (with headings in a page's Markdown)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)  # noqa: S311 (repeatable test data)
        self.pool = [self._sentence() for _ in range(_POOL)]
        low, high = _SENTENCE_WORDS
        self.per_sentence = (low + high) / 2

    def words(self, n: int) -> str:
        return " ".join(self.rng.choices(_FORMS, cum_weights=_CUMULATIVE, k=n))

    def _sentence(self) -> str:
        text = self.words(self.rng.randint(*_SENTENCE_WORDS))
        return text[:1].upper() + text[1:] + "."

    def rare(self) -> str:
        return f"{self.rng.choice(_RARE_OPENERS)} {self.rng.choice(_RARE)}."

    def sentences(self, low: int, high: int) -> list[str]:
        """About low–high words of sentences, one of them with a rare compound."""
        count = max(1, round(self.rng.randint(low, high) / self.per_sentence))
        chosen = self.rng.choices(self.pool, k=count)
        chosen.insert(self.rng.randrange(count + 1), self.rare())
        return chosen

    def revised(self, sentences: list[str]) -> list[str]:
        """A later version of a text: about a tenth of its sentences written anew."""
        changed = list(sentences)
        for _ in range(max(1, len(changed) // 10)):
            changed[self.rng.randrange(len(changed))] = self.rng.choice(self.pool)
        return changed

    def paragraphs(self, sentences: list[str], headings: bool = False) -> str:
        step = _SENTENCES_A_PARAGRAPH
        parts = []
        for i in range(0, len(sentences), step):
            if headings and i % (2 * step) == 0:
                parts.append(f"## {self.rng.choice(_HEADINGS)}")
            parts.append(" ".join(sentences[i:i + step]))
        return "\n\n".join(parts)

    def text(self, low: int, high: int, headings: bool = False) -> str:
        return self.paragraphs(self.sentences(low, high), headings)

    def line(self, low: int, high: int) -> str:
        """A short text of low–high words (an action row's activity, a comment)."""
        text = self.words(self.rng.randint(low, high))
        return text[:1].upper() + text[1:]


FIRST = ("Karin Johan Sara Ahmed Linnea Mikael Eva Fredrik Amira Henrik Maja Tobias Sofia "
         "Daniel Helena Niklas Ida Patrik Leila Magnus Jonas Emelie Nadia Per Cecilia Viktor "
         "Hanna Ali Gustav Frida Erik Yasmin Anders Malin Jenny Samir Louise Oskar Elin").split()
LAST = ("Berglund Lindqvist Ekholm Karimi Holm Nyström Sandberg Wikström Haddad Björklund "
        "Engström Falk Sjöberg Lundin Norén Blom Hedberg Axelsson Rahimi Dahlgren Öberg "
        "Forsberg Strand Palm Wallin Ström Åkesson Lind Mattsson Nordin Östlund").split()


class LoadError(Exception):
    """The database is not empty (and --force was not given)."""


@dataclass
class LoadReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def counts_for(scale: float) -> dict[str, int]:
    counts = {key: max(1, round(value * scale)) for key, value in SCALE_1.items()}
    # The organisation does not shrink below a handful of municipalities and networks.
    counts["municipalities"] = max(8, counts["municipalities"])
    counts["networks"] = max(5, counts["networks"])
    return counts


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(_FORMS, cum_weights=_CUMULATIVE, k=n))


def _bulk(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


class _Batches:
    """Rows of several tables inserted in chunks as they are made, parents before children
    (the tables in the order given), so that the long texts are never all in memory."""

    def __init__(self, *tables, rows: int = TEXT_CHUNK):
        self.rows = {table: [] for table in tables}
        self.limit = rows
        self.made = dict.fromkeys(tables, 0)

    def add(self, table, row: dict) -> None:
        self.rows[table].append(row)
        if len(self.rows[table]) >= self.limit:
            self.flush()

    def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                db.session.execute(insert(table), rows)
                self.made[table] += len(rows)
                rows.clear()


def _has_data() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Person)))


def _empty_everything() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())


def _reset_sequences() -> None:
    # Ids were chosen here; PostgreSQL's sequences must continue after them.
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


def _blobs(rng: random.Random) -> list[tuple[str, int]]:
    """A few hundred small text files in the store; versions share them."""
    storage = get_storage()
    made = []
    for n in range(BLOBS):
        body = f"Underlag {n}\n\n{_words(rng, 40)}\n".encode()
        blob, _ = storage.save(io.BytesIO(body), lambda path: None)
        made.append((blob.sha256, blob.size))
    return made


@dataclass
class _Ids:
    """The ids the later parts of the load point to, as each part makes them."""

    municipalities: list[int]
    networks: list[int]
    goals: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)
    by_municipality: dict[int, list[int]] = field(default_factory=dict)
    role_ids: dict[str, int] = field(default_factory=dict)  # the benchmark's role people


def generate(scale: float, seed: int = 2026, force: bool = False,
             password_hash: str | None = None) -> LoadReport:
    """Fill an empty, migrated database with benchmark data at `scale`, and make its search
    index."""
    from intranet.auth.passwords import hash_password
    from intranet.search.index import rebuild

    require_development()
    if _has_data():
        if not force:
            raise LoadError("The database already has data; give --force to replace it.")
        _empty_everything()
    began = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 (repeatable test data, not secrets)
    writer = _Writer(seed)
    c = counts_for(scale)
    hashed = password_hash or hash_password(LOAD_PASSWORD)
    ids = _Ids(municipalities=list(range(1, c["municipalities"] + 1)),
               networks=list(range(1, c["networks"] + 1)))
    made = {"municipalities": len(ids.municipalities), "networks": len(ids.networks)}

    # Each part draws from `rng` and `writer` in this order: the same seed, the same rows.
    _organisation(rng, ids)
    made["people"] = _people(rng, c, ids, hashed)
    _seats(ids)
    _networks(rng, ids)
    made["appointments"] = _appointments(rng, c, ids)
    blobs = _blobs(rng)
    made.update(_documents(rng, writer, c, ids, blobs))
    made.update(_consultations(rng, writer, c, ids))
    made["actions"] = _actions(rng, writer, c, ids)
    made["blobs"] = len(blobs)
    _reset_sequences()
    db.session.commit()
    rows_seconds = time.monotonic() - began

    indexing = time.monotonic()
    made["search entries"] = sum(rebuild().values())
    db.session.commit()
    index_seconds = time.monotonic() - indexing
    # Fresh statistics, so the query planners see the tables as they now are.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    made["rows seconds"] = round(rows_seconds, 1)
    made["index seconds"] = round(index_seconds, 1)
    return LoadReport(counts=made, seconds=time.monotonic() - began)


def _organisation(rng: random.Random, ids: _Ids) -> None:
    """The cooperation, its municipalities and bodies, and six focus areas of five goals."""
    _bulk(Cooperation.__table__, [{"id": 1, "name": "Sveriges kommuner i samverkan",
                                   "short_name": "Kommunsamverkan"}])
    _bulk(Municipality.__table__, [{"id": m, "name": f"Kommun {m:03d}", "position": m}
                                   for m in ids.municipalities])
    _bulk(Body.__table__, [
        {"id": body_id, "kind": kind, "name": name, "description": "",
         "members_description": "", "position": body_id}
        for kind, (body_id, name) in BODIES.items()])
    areas, goals = [], []
    for a in range(1, 7):
        areas.append({"id": a, "name": f"Fokusområde {a}", "kind": "", "goal": _words(rng, 12),
                      "position": a})
        for g in range(1, 6):
            goals.append({"id": (a - 1) * 5 + g, "focus_area_id": a,
                          "text": f"Delmål {a}.{g}: {_words(rng, 6)}", "position": g})
    _bulk(FocusArea.__table__, areas)
    _bulk(SubGoal.__table__, goals)
    ids.goals = [goal["id"] for goal in goals]


def _people(rng: random.Random, c: dict[str, int], ids: _Ids, hashed: str) -> int:
    """People spread over the municipalities; the first ones have the benchmark's roles."""
    people = []
    ids.by_municipality = {m: [] for m in ids.municipalities}
    for p in range(1, c["people"] + 1):
        m = ids.municipalities[(p - 1) % len(ids.municipalities)]
        email = f"person{p:06d}@kommun{m:03d}.example"
        for role, role_email in ROLE_EMAILS.items():
            if role not in ids.role_ids and p == len(ids.role_ids) + 1:
                email = role_email
                ids.role_ids[role] = p
                break
        people.append({"id": p, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {p}",
                       "email": email, "title": "Handläggare", "phone": "",
                       "municipality_id": m, "active": True, "password_hash": hashed,
                       "language": None, "created_at": STAMP})
        ids.by_municipality[m].append(p)
    _bulk(Person.__table__, people)
    ids.people = [person["id"] for person in people]
    return len(people)


def _seats(ids: _Ids) -> None:
    """The secretariat's strategist, and each municipality's committee member and director."""
    seats = [{"id": 1, "body_id": BODIES[BodyKind.SECRETARIAT][0],
              "person_id": ids.role_ids["secretariat"], "municipality_id": None,
              "officer": None, "seat_title": "Strateg", "from_date": START, "to_date": None}]
    for m in ids.municipalities:
        # The committee member and the director of municipality 2 and 3 are the role people.
        committee = ids.role_ids["committee"] if m == 2 else ids.by_municipality[m][-1]
        director = ids.role_ids["director"] if m == 3 else ids.by_municipality[m][-2]
        for body, person in ((BodyKind.COMMITTEE, committee),
                             (BodyKind.MANAGEMENT_GROUP, director)):
            seats.append({"id": len(seats) + 1, "body_id": BODIES[body][0],
                          "person_id": person, "municipality_id": m, "officer": None,
                          "seat_title": "", "from_date": START, "to_date": None})
    _bulk(Seat.__table__, seats)


def _networks(rng: random.Random, ids: _Ids) -> None:
    names = {n: f"Nätverk {n:04d} för {_words(rng, 2)}" for n in ids.networks}
    _bulk(Network.__table__, [
        {"id": n, "name": names[n], "name_key": sort_key(names[n]), "short_name": f"N{n}",
         "slug": f"natverk-{n}", "description": _words(rng, 20), "archived_at": None,
         "created_at": STAMP} for n in ids.networks])
    _bulk(network_focus_area, [{"network_id": n, "focus_area_id": (n % 6) + 1}
                               for n in ids.networks])


def _appointments(rng: random.Random, c: dict[str, int], ids: _Ids) -> int:
    """Per network a convener and members; every fifth member's appointment has ended."""
    appointments = []
    ended_share = 5
    networks, municipalities = ids.networks, ids.municipalities
    for i in range(c["appointments"]):
        n = networks[i % len(networks)]
        m = municipalities[rng.randrange(len(municipalities))]
        person = rng.choice(ids.by_municipality[m])
        is_convener = i < len(networks)
        ended = not is_convener and i % ended_share == 0
        appointments.append({
            "id": i + 1, "person_id": person, "network_id": n, "municipality_id": m,
            "role": "convener" if is_convener else "member", "appointed_by_id": None,
            "note": "", "created_at": STAMP, "ended_by_id": None,
            "end_reason": "Byte av tjänst" if ended else "", "replaces_id": None,
            "term_notice_sent_at": None,
            "from_date": START - timedelta(days=rng.randrange(900)),
            "to_date": START - timedelta(days=rng.randrange(1, 30)) if ended else None,
        })
    # The benchmark's convener and member sit in network 1.
    appointments[0].update(person_id=ids.role_ids["convener"], municipality_id=4)
    appointments[len(networks)].update(person_id=ids.role_ids["member"], municipality_id=5,
                                       to_date=None, end_reason="")
    _bulk(Appointment.__table__, appointments)
    return len(appointments)


def _documents(rng: random.Random, writer: _Writer, c: dict[str, int], ids: _Ids,
               blobs: list[tuple[str, int]]) -> dict[str, int]:
    """Files (seven in ten) with versions pointing to the blobs, each version with the text
    read from it (1,000–3,000 words, a later version a tenth rewritten), and pages with two
    revisions of a few hundred words in Markdown; every tenth document tagged."""
    documents, tags = [], []
    file_share = 0.7
    files = round(c["documents"] * file_share)
    per_file, extra_versions = divmod(max(files, c["versions"]), files)
    tag_words = [forms[0] for forms in _lines(_NOUNS)]
    for d in range(1, c["documents"] + 1):
        is_file = d <= files
        documents.append({
            "id": d, "network_id": ids.networks[(d - 1) % len(ids.networks)],
            "kind": "file" if is_file else "page",
            "title": f"{'Underlag' if is_file else 'Anteckningar'} {d}: {_words(rng, 4)}",
            "description": writer.line(8, 20),
            "visibility": "everyone" if rng.random() < 0.25 else "network",
            "created_by_id": rng.choice(ids.people), "created_at": STAMP,
            "updated_at": STAMP + timedelta(minutes=d), "deleted_at": None,
            "deleted_by_id": None, "lock_version": 1})
        if d % 10 == 0:
            tags.append({"id": len(tags) + 1, "document_id": d,
                         "name": rng.choice(tag_words)[:40]})
    _bulk(Document.__table__, documents)
    _bulk(DocumentTag.__table__, tags)
    versions, revisions = DocumentVersion.__table__, PageRevision.__table__
    batches = _Batches(versions, revisions)
    for document in documents:
        d, author = document["id"], document["created_by_id"]
        if document["kind"] == "file":
            sentences = writer.sentences(1000, 3000)
            for number in range(1, per_file + (1 if d <= extra_versions else 0) + 1):
                if number > 1:
                    sentences = writer.revised(sentences)
                sha, size = blobs[rng.randrange(len(blobs))]
                batches.add(versions, {
                    "id": batches.made[versions] + len(batches.rows[versions]) + 1,
                    "document_id": d, "number": number, "sha256": sha, "size": size,
                    "content_type": "text/plain", "filename": f"underlag-{d}-{number}.txt",
                    "note": "", "created_by_id": author,
                    "created_at": STAMP + timedelta(minutes=number),
                    "text": writer.paragraphs(sentences), "text_status": "ok"})
        else:
            sentences = writer.sentences(200, 500)
            for number in (1, 2):
                if number > 1:
                    sentences = writer.revised(sentences)
                batches.add(revisions, {
                    "id": batches.made[revisions] + len(batches.rows[revisions]) + 1,
                    "document_id": d, "number": number, "title": document["title"],
                    "body": writer.paragraphs(sentences, headings=True), "note": "",
                    "created_by_id": author, "created_at": STAMP + timedelta(minutes=number)})
    batches.flush()
    return {"documents": len(documents), "versions": batches.made[versions],
            "page_revisions": batches.made[revisions]}


# Every tenth response at each step of the review path, the most in the network's draft.
REVIEW_PATH = ("triage", "draft", "draft", "draft", "draft", "management_review",
               "committee_review", "adopted", "sent", "returned")
# Who sends the referrals, and how each numbers its cases (diarienummer).
REFERRERS = (("Region Stockholm", "RS 2025-{:04d}"), ("Trafikverket", "TRV 2025/{:05d}"),
             ("Regeringskansliet", "Fi2025/{:05d}"),
             ("Länsstyrelsen i Stockholms län", "Lst 101-{:05d}-2025"))


def _consultations(rng: random.Random, writer: _Writer, c: dict[str, int],
                   ids: _Ids) -> dict[str, int]:
    """Responses at every step of the review path, with sections (100–300 words), their
    revisions and comments, and the positions the municipalities stated on those under
    review."""
    responses, positions = [], []
    per_response = max(1, c["sections"] // c["responses"])
    per_section = max(1, c["revisions"] // c["sections"])
    extra = c["revisions"] - per_section * c["sections"]
    for r in range(1, c["responses"] + 1):
        status = REVIEW_PATH[r % len(REVIEW_PATH)]
        referrer, number = REFERRERS[r % len(REFERRERS)]
        responses.append({
            "id": r, "network_id": ids.networks[(r - 1) % len(ids.networks)],
            "title": f"Remiss {r}: {_words(rng, 6)}",
            "referring_body": referrer,
            "reference_number": number.format(rng.randrange(1, 10_000) * 10 + r % 10),
            "received_on": START, "deadline": START + timedelta(days=30 + r % 300),
            "contact_person_id": None, "status": status,
            "no_answer_reason": "", "referral_links": "", "created_by_id": None,
            "created_at": STAMP, "updated_at": STAMP, "lock_version": 1})
        if status in ("committee_review", "adopted", "sent"):
            for m in rng.sample(ids.municipalities, min(8, len(ids.municipalities))):
                positions.append({
                    "id": len(positions) + 1, "response_id": r, "municipality_id": m,
                    "stance": "behind", "statement": "", "decision_reference": "",
                    "recorded_by_id": None, "recorded_at": STAMP, "lock_version": 1})
    _bulk(ConsultationResponse.__table__, responses)
    _bulk(MunicipalPosition.__table__, positions)
    sections, revisions = ResponseSection.__table__, SectionRevision.__table__
    comments = SectionComment.__table__
    batches = _Batches(sections, revisions, comments)
    s = first_revision = first_comment = 0
    for r in range(1, c["responses"] + 1):
        for position in range(per_response):
            s += 1
            count = per_section + (1 if s <= extra else 0)
            author = rng.choice(ids.people)
            title = f"Avsnitt {position + 1}"
            texts = [writer.sentences(100, 300)]
            for _ in range(count - 1):
                texts.append(writer.revised(texts[-1]))
            body = writer.paragraphs(texts[-1])
            batches.add(sections, {
                "id": s, "response_id": r, "position": position, "title": title,
                "body": body, "updated_by_id": author, "updated_at": STAMP,
                "deleted_at": None, "deleted_by_id": None, "lock_version": 1})
            for number, sentences in enumerate(texts, start=1):
                first_revision += 1
                batches.add(revisions, {
                    "id": first_revision, "section_id": s, "number": number, "title": title,
                    "body": body if number == count else writer.paragraphs(sentences),
                    "created_by_id": author, "created_at": STAMP + timedelta(minutes=number)})
            if s % 3 == 0:  # a comment with a reply
                first_comment += 2
                batches.add(comments, {
                    "id": first_comment - 1, "section_id": s, "parent_id": None,
                    "author_id": author, "body": writer.line(10, 40), "created_at": STAMP,
                    "resolved_at": None, "resolved_by_id": None})
                batches.add(comments, {
                    "id": first_comment, "section_id": s, "parent_id": first_comment - 1,
                    "author_id": rng.choice(ids.people), "body": writer.line(10, 40),
                    "created_at": STAMP, "resolved_at": None, "resolved_by_id": None})
    batches.flush()
    return {"responses": len(responses), "sections": batches.made[sections],
            "section_revisions": batches.made[revisions], "comments": batches.made[comments],
            "positions": len(positions)}


def _actions(rng: random.Random, writer: _Writer, c: dict[str, int], ids: _Ids) -> int:
    """Action rows (an activity of 10–25 words), numbered within each network; every fifth
    also linked to another network, every second to a municipality."""
    actions, with_networks, with_municipalities = [], [], []
    statuses = ("planerad", "pagar", "klar", "pausad")
    networks, municipalities = ids.networks, ids.municipalities
    positions: dict[int, int] = {}
    for i in range(1, c["actions"] + 1):
        n = networks[(i - 1) % len(networks)]
        positions[n] = positions.get(n, 0) + 1
        actions.append(with_keys({
            "id": i, "network_id": n, "sub_goal_id": ids.goals[rng.randrange(len(ids.goals))],
            "activity": f"Aktivitet {i}: {writer.line(8, 23)}", "responsible": _words(rng, 2),
            "cost": "", "time_text": "2025", "due_date": START + timedelta(days=i % 700),
            "comment": "", "status": rng.choice(statuses), "position": positions[n], "version": 1,
            "created_at": STAMP, "created_by_id": None, "updated_at": STAMP,
            "updated_by_id": None, "deleted_at": None, "deleted_by_id": None}))
        if i % 5 == 0:
            with_networks.append({"action_item_id": i,
                                  "network_id": networks[i % len(networks)]})
        if i % 2 == 0:
            with_municipalities.append({"action_item_id": i, "municipality_id":
                                        municipalities[i % len(municipalities)]})
    _bulk(ActionItem.__table__, actions)
    _bulk(action_item_network, [r for r in with_networks if r["network_id"] !=
                                actions[r["action_item_id"] - 1]["network_id"]])
    _bulk(action_item_municipality, with_municipalities)
    return len(actions)
