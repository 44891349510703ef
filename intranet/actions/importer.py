"""Reading an action plan from a CSV or XLSX file, and matching its texts to the development
programme, the networks and the municipalities.

Nothing here touches the database or the request: `parse_plan()` takes the file's bytes and
what the texts are matched against, and answers every row with its number as the spreadsheet
shows it (the header is row 1; a cell of two paragraphs is still one row), the values it would
import and the reasons it cannot be imported."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import SequenceMatcher, get_close_matches

from flask_babel import lazy_gettext as _l

from intranet.actions.models import ActionStatus
from intranet.fields import DATE_RANGE_MESSAGE, date_in_range

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# An XLSX file is a zip: refuse one that would unpack to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024

# A file's columns read at most (empty columns at the end of the header not counted), and a
# header's length shown: a sheet of the plan has about ten.
MAX_COLUMNS = 50
MAX_HEADER_LENGTH = 100
# The focus area's and sub-goal's texts are compared with the programme's, which costs time by
# their length: longer texts are refused before that (the programme's longest is far shorter).
MATCH_LIMITS = {"focus_area": 200, "sub_goal": 1000}

LIMITS = {"activity": 2000, "responsible": 500, "cost": 200, "time_text": 200,
          "comment": 4000}

# The file's columns: canonical name → the headers that mean it (compared folded: lower
# case, å/ä → a, ö → o, no spaces or punctuation).
COLUMNS = {
    "focus_area": ("fokusomrade", "fokusomraden", "focusarea", "omrade"),
    "sub_goal": ("delmal", "delmalet", "subgoal"),
    "activity": ("aktivitet", "aktiviteter", "activity"),
    "responsible": ("ansvarig", "ansvariga", "responsible"),
    "cost": ("kostnad", "kostnader", "cost"),
    "time_text": ("tid", "tidsplan", "time"),
    "comment": ("kommentar", "kommentarer", "comment"),
    "status": ("status",),
    "due_date": ("forfallodatum", "slutdatum", "klartsenast", "duedate"),
}
# Headers that are not read but look like a column's meaning (compared folded): suggested
# to the person, never read on a guess ("Budget" may be a sum, "Kostnad" a description).
HINTS = {
    "ansvar": "responsible", "ansvarar": "responsible", "budget": "cost", "pris": "cost",
    "nar": "time_text", "tidpunkt": "time_text", "period": "time_text",
    "datum": "due_date", "deadline": "due_date", "klartill": "due_date",
    "atgard": "activity", "atgarder": "activity", "insats": "activity",
    "anteckning": "comment", "anteckningar": "comment", "notering": "comment",
    "mal": "sub_goal",
}
# How close a header must be to a known one to be suggested (difflib's ratio): "Ansvar" is
# 0.86 from "ansvarig", "Statu" 0.91 from "status"; "Övrigt" at most 0.57.
SUGGESTION_CUTOFF = 0.8
REQUIRED_COLUMNS = ("focus_area", "sub_goal", "activity")
COLUMN_LABELS = {
    "focus_area": _l("Fokusområde"),
    "sub_goal": _l("Delmål"),
    "activity": _l("Aktivitet"),
    "responsible": _l("Ansvarig"),
    "cost": _l("Kostnad"),
    "time_text": _l("Tid"),
    "comment": _l("Kommentar"),
    "status": _l("Status"),
    "due_date": _l("Förfallodatum"),
}
STATUS_WORDS = {
    "planerad": ActionStatus.PLANNED, "planned": ActionStatus.PLANNED,
    "pagar": ActionStatus.IN_PROGRESS, "pagaende": ActionStatus.IN_PROGRESS,
    "inprogress": ActionStatus.IN_PROGRESS,
    "klar": ActionStatus.DONE, "klart": ActionStatus.DONE, "done": ActionStatus.DONE,
    "pausad": ActionStatus.PAUSED, "paused": ActionStatus.PAUSED,
}
# A cell that a spreadsheet export guarded against formula injection ('=...) reads back as
# the text without the apostrophe.
_GUARDED = re.compile(r"^'(?=[=+\-@\t\r])")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


# ---------------------------------------------------------------- normalising texts


def normalise(text) -> str:
    """For comparing texts: case, punctuation and runs of white space do not matter."""
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    return " ".join(text.split())


def fold(text) -> str:
    """For comparing headers and words: also å, ä and ö are a, a and o, and no spaces."""
    text = unicodedata.normalize("NFKD", normalise(text))
    return "".join(ch for ch in text if ch.isalnum() and not unicodedata.combining(ch))


def plain(text) -> str:
    """For comparing names: as `normalise`, and without diacritics ("Klimatnatverket",
    "KLIMATNÄTVERKET" and "klimatnätverket" are one word)."""
    text = unicodedata.normalize("NFKD", normalise(text))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


# ---------------------------------------------------------------- the programme


@dataclass
class SubGoalMatch:
    sub_goal: object
    # The file's text named more than one sub-goal ("För bättre verksamhet samt för ekonomisk
    # effektivitet"): the row goes under the first, these are the others.
    also: list = field(default_factory=list)
    exact: bool = True


class Programme:
    """The development programme's focus areas and sub-goals, to match a file's texts to.

    Works on any objects with `name`/`sub_goals` and `text` (the ORM's FocusArea and SubGoal,
    or plain stand-ins in tests)."""

    SUB_GOAL_RATIO = 0.8  # a part of a combined text, e.g. "akademisk" for "högre" utbildning
    WHOLE_RATIO = 0.85

    def __init__(self, focus_areas: Iterable):
        self.focus_areas = list(focus_areas)
        self._areas = {normalise(a.name): a for a in self.focus_areas}

    def focus_area(self, text: str):
        return self._areas.get(normalise(text))

    def sub_goal(self, area, text: str) -> SubGoalMatch | None:
        wanted = normalise(text)
        if not wanted:
            return None
        goals = {normalise(g.text): g for g in area.sub_goals}
        if wanted in goals:
            return SubGoalMatch(goals[wanted])
        # The plan sometimes names two sub-goals in one cell ("A. B." or "A samt B").
        parts = [normalise(p) for p in re.split(r"[.;:]|\bsamt\b", text, flags=re.IGNORECASE)]
        parts = [p for p in parts if p]
        matched = [self._closest(goals, p, self.SUB_GOAL_RATIO) for p in parts]
        if matched and all(matched):
            unique = []
            for goal in matched:
                if all(goal is not seen for seen in unique):
                    unique.append(goal)
            exact = len(parts) == 1 and parts[0] in goals
            return SubGoalMatch(unique[0], also=unique[1:], exact=exact)
        best = self._closest(goals, wanted, self.WHOLE_RATIO)
        return SubGoalMatch(best, exact=False) if best is not None else None

    @staticmethod
    def _closest(goals: dict, wanted: str, threshold: float):
        if wanted in goals:
            return goals[wanted]
        scored = sorted(((_similarity(wanted, key), key) for key in goals), reverse=True)
        if not scored or scored[0][0] < threshold:
            return None
        if len(scored) > 1 and scored[1][0] >= threshold and scored[1][0] == scored[0][0]:
            return None  # two equally close: do not guess
        return goals[scored[0][1]]


# ---------------------------------------------------------------- who is responsible


def recognise_responsible(text: str, networks: Iterable, municipalities: Iterable):
    """The networks and municipalities a free "responsible" text names, in the order named.

    A network is named by its short name (SUP, SNUG), its full name, or its short name as a
    "-nätverket" word (Klimatnätverket, Kommunikationsnätverket); a municipality by its name;
    case and diacritics do not matter ("klimatnatverket"). "Södertörn" (the cooperation
    itself) names neither."""
    words = plain(text).split()
    folded = " ".join(words)
    found_networks = []
    for network in networks:
        short = plain(network.short_name)
        keys = {short, f"{short}natverket", f"{short}snatverket", plain(network.name)}
        first = _first_position(words, folded, keys)
        if first is not None:
            found_networks.append((first, network))
    found_municipalities = []
    for municipality in municipalities:
        first = _first_position(words, folded, {plain(municipality.name)})
        if first is not None:
            found_municipalities.append((first, municipality))
    return ([n for _, n in sorted(found_networks, key=lambda x: x[0])],
            [m for _, m in sorted(found_municipalities, key=lambda x: x[0])])


def _first_position(words: list[str], text: str, keys: set[str]) -> int | None:
    positions = []
    for key in keys:
        if not key:
            continue
        if " " in key:  # a name of several words
            match = re.search(rf"(^| ){re.escape(key)}( |$)", text)
            if match:
                positions.append(len(text[: match.start()].split()))
        elif key in words:
            positions.append(words.index(key))
    return min(positions) if positions else None


# ---------------------------------------------------------------- reading the file


@dataclass
class Table:
    kind: str  # "csv" or "xlsx"
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (the row's number as the spreadsheet shows it, cells)
    notes: list[str] = field(default_factory=list)


def read_table(filename: str, data: bytes) -> Table:
    """The file's header and rows, by its content (not its name): XLSX or CSV text."""
    if not data or not data.strip():
        raise ImportFileError(_l("Filen är tom."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_l("Filen är för stor. Största storlek är %(mb)s MB.",
                                 mb=MAX_FILE_BYTES // (1024 * 1024)))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFileError(_l("Filen är i det gamla Excel-formatet (.xls). Spara den som "
                                 ".xlsx eller .csv och försök igen."))
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_l("Filen heter .xlsx men är ingen Excel-fil."))
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str, list[str]]:
    if b"\x00" in data:
        raise ImportFileError(_l("Filen är varken en CSV-fil eller en Excel-fil (.xlsx)."))
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        return text, [str(_l("Filen var inte UTF-8; den lästes som Windows-1252."))]
    except UnicodeDecodeError as error:
        raise ImportFileError(_l("Filens teckenkodning kunde inte läsas. Spara den som "
                                 "CSV UTF-8 och försök igen.")) from error


def _read_csv(data: bytes) -> Table:
    text, notes = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    # Rows as a spreadsheet numbers them: one per record, however many lines its quoted cells
    # span (not reader.line_num, which counts lines of text); a blank line is a row too.
    number = 0
    try:
        for cells in reader:
            number += 1
            if not any(c.strip() for c in cells):
                continue  # a blank row: numbered, not kept
            if header is None:
                header = cells
                continue
            rows.append((number, cells))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as error:
        raise ImportFileError(_l("Filen kunde inte läsas som CSV (rad %(line)s).",
                                 line=number + 1)) from error
    if header is None:
        raise ImportFileError(_l("Filen är tom."))
    return Table("csv", header, rows, notes)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else (
            value.isoformat(sep=" "))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError(_l("Filen kunde inte läsas som Excel-fil (.xlsx).")) from error
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_l("Filen är varken en CSV-fil eller en Excel-fil (.xlsx)."))
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_l("Excel-filen är för stor uppackad."))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it does not read; the values are what
            # matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                header: list[str] | None = None
                rows: list[tuple[int, list[str]]] = []
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = [_cell_text(v) for v in values]
                    if not any(c.strip() for c in cells):
                        continue  # a blank row: numbered, not kept
                    if header is None:
                        header = cells
                        continue
                    rows.append((number, cells))
                    if len(rows) > MAX_ROWS:
                        break
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(_l("Filen kunde inte läsas som Excel-fil (.xlsx).")) from error
    if header is None:
        raise ImportFileError(_l("Filen är tom."))
    return Table("xlsx", header, rows)


# ---------------------------------------------------------------- the rows


@dataclass
class ColumnMapping:
    header: str
    field: str | None  # None: the column is not used

    @property
    def label(self):
        return COLUMN_LABELS.get(self.field, "")


@dataclass
class UnusedColumn:
    """A header the import does not read, and the column it may have meant (a field name)."""

    header: str
    suggestion: str | None = None

    @property
    def suggestion_label(self):
        return COLUMN_LABELS.get(self.suggestion, "")


def unused_columns(columns: list[ColumnMapping]) -> list[UnusedColumn]:
    """The headers that are not read, each with the known column it looks like, if one does
    and the file does not have that column already."""
    used = {c.field for c in columns if c.field}
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    result = []
    for column in columns:
        if column.field or not column.header.strip():
            continue
        folded = fold(column.header)
        name = HINTS.get(folded)
        if name is None:
            close = get_close_matches(folded, aliases, n=1, cutoff=SUGGESTION_CUTOFF)
            name = aliases[close[0]] if close else None
        result.append(UnusedColumn(column.header, name if name not in used else None))
    return result


@dataclass
class ParsedRow:
    line: int  # the row's number as the spreadsheet shows it
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    focus_area: object = None
    sub_goal: object = None
    networks: list = field(default_factory=list)
    municipalities: list = field(default_factory=list)
    status: str = ActionStatus.PLANNED
    due_date: date | None = None
    # "focus_area" or "sub_goal": the programme has no such one (or the sub-goal is missing),
    # so the page lists those there are.
    unknown: str | None = None

    def payload(self) -> dict:
        """What the import stores for the confirmation: plain, JSON-safe values."""
        return {
            "line": self.line,
            "sub_goal_id": self.sub_goal.id,
            "activity": self.values.get("activity", ""),
            "responsible": self.values.get("responsible", ""),
            "cost": self.values.get("cost", ""),
            "time_text": self.values.get("time_text", ""),
            "comment": self.values.get("comment", ""),
            "status": str(self.status),
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "network_ids": [n.id for n in self.networks],
            "municipality_ids": [m.id for m in self.municipalities],
            "file_focus_area": self.values.get("focus_area", ""),
            "file_sub_goal": self.values.get("sub_goal", ""),
            "notes": list(self.notes),
        }


@dataclass
class ParsedPlan:
    filename: str
    kind: str = ""
    columns: list[ColumnMapping] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the file as a whole
    notes: list[str] = field(default_factory=list)
    focus_areas: list = field(default_factory=list)  # the programme's, for the errors

    @property
    def failed_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and not self.failed_rows

    @property
    def unused_columns(self) -> list[UnusedColumn]:
        return unused_columns(self.columns)


def map_columns(header: list[str]) -> tuple[list[ColumnMapping], list[str]]:
    header = list(header)
    while header and not (header[-1] or "").strip():
        header.pop()  # empty columns at the end (a sheet's formatting reaches further)
    if len(header) > MAX_COLUMNS:
        return [], [str(_l("Filen har %(count)s kolumner; högst %(max)s läses. Ta bort de "
                           "kolumner som inte hör till handlingsplanen och försök igen.",
                           count=len(header), max=MAX_COLUMNS))]
    header = [title if len(title) <= MAX_HEADER_LENGTH
              else title[:MAX_HEADER_LENGTH - 1] + "…" for title in header]
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    mapping, errors, seen = [], [], set()
    for title in header:
        name = aliases.get(fold(title))
        if name in seen:
            errors.append(str(_l("Kolumnen %(column)s finns två gånger.", column=title)))
            name = None
        if name:
            seen.add(name)
        mapping.append(ColumnMapping(title, name))
    for required in REQUIRED_COLUMNS:
        if required not in seen:
            errors.append(str(_l("Kolumnen %(column)s saknas.", column=COLUMN_LABELS[required])))
    return mapping, errors


def _clean(value: str) -> str:
    value = _GUARDED.sub("", (value or "").replace("\r\n", "\n").strip())
    return value


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_plan(filename: str, data: bytes, programme: Programme, networks: Iterable = (),
               municipalities: Iterable = ()) -> ParsedPlan:
    """Read and check every row. A row is valid when its focus area and sub-goal are found in
    the programme, it has an activity, and its status, date and lengths are acceptable."""
    plan = ParsedPlan(filename=filename, focus_areas=programme.focus_areas)
    try:
        table = read_table(filename, data)
    except ImportFileError as error:
        plan.errors.append(str(error))
        return plan
    plan.kind, plan.notes = table.kind, table.notes
    plan.columns, column_errors = map_columns(table.header)
    plan.errors.extend(column_errors)
    if column_errors:
        return plan
    networks, municipalities = list(networks), list(municipalities)
    for line, cells in table.rows:
        if not any((c or "").strip() for c in cells):
            continue  # blank lines between or after the rows
        if len(plan.rows) == MAX_ROWS:
            plan.errors.append(str(_l("Filen har fler än %(max)s rader.", max=MAX_ROWS)))
            break
        values = {}
        for index, column in enumerate(plan.columns):
            if column.field and index < len(cells):
                values[column.field] = _clean(cells[index])
        row = ParsedRow(line=line, values=values)
        _check_row(row, programme, networks, municipalities)
        if len(cells) > len(plan.columns) and any(c.strip() for c in cells[len(plan.columns):]):
            row.errors.append(str(_l("Raden har fler värden än filen har kolumner.")))
        plan.rows.append(row)
    if not plan.rows and not plan.errors:
        plan.errors.append(str(_l("Filen har inga rader att importera.")))
    return plan


def _check_row(row: ParsedRow, programme: Programme, networks: list, municipalities: list):
    values = row.values
    area_text = values.get("focus_area", "")
    goal_text = values.get("sub_goal", "")
    too_long = [name for name, limit in MATCH_LIMITS.items() if len(values.get(name, "")) > limit]
    for name in too_long:
        row.errors.append(str(_l("%(column)s är längre än %(max)s tecken.",
                                 column=COLUMN_LABELS[name], max=MATCH_LIMITS[name])))
    if too_long:
        pass  # not compared with the programme: the error says why
    elif not area_text:
        row.errors.append(str(_l("Fokusområde saknas.")))
    else:
        row.focus_area = programme.focus_area(area_text)
        if row.focus_area is None:
            row.errors.append(str(_l("Fokusområdet ”%(text)s” finns inte i utvecklingsprogrammet.",
                                     text=area_text)))
            row.unknown = "focus_area"
    if too_long:
        pass
    elif not goal_text:
        row.errors.append(str(_l("Delmål saknas.")))
        if row.focus_area is not None:
            row.unknown = "sub_goal"
    elif row.focus_area is not None:
        match = programme.sub_goal(row.focus_area, goal_text)
        if match is None:
            row.errors.append(str(_l("Delmålet ”%(text)s” finns inte under %(area)s.",
                                     text=goal_text, area=row.focus_area.name)))
            row.unknown = "sub_goal"
        else:
            row.sub_goal = match.sub_goal
            if match.also:
                row.notes.append(str(_l(
                    "Texten nämner också %(others)s; raden läggs under det första delmålet.",
                    others="; ".join(f"”{g.text}”" for g in match.also))))
            elif not match.exact:
                row.notes.append(str(_l("Tolkat som ”%(goal)s”.", goal=match.sub_goal.text)))
    if not values.get("activity"):
        row.errors.append(str(_l("Aktivitet saknas.")))
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            row.errors.append(str(_l("%(column)s är längre än %(max)s tecken.",
                                     column=COLUMN_LABELS[name], max=limit)))
    status_text = values.get("status", "")
    if status_text:
        status = STATUS_WORDS.get(fold(status_text))
        if status is None:
            row.errors.append(str(_l(
                "Okänd status ”%(text)s” (planerad, pågår, klar eller pausad).",
                text=status_text)))
        else:
            row.status = status
    try:
        row.due_date = parse_date(values.get("due_date", ""))
    except ValueError:
        row.errors.append(str(_l("Förfallodatumet ”%(text)s” är inget datum (ÅÅÅÅ-MM-DD).",
                                 text=values.get("due_date", ""))))
    else:
        if row.due_date is not None and not date_in_range(row.due_date):
            # As in the row's form: a date the cooperation does not work with.
            row.errors.append(str(_l("Förfallodatumet ”%(text)s”: %(message)s",
                                     text=values.get("due_date", ""),
                                     message=DATE_RANGE_MESSAGE)))
            row.due_date = None
    row.networks, row.municipalities = recognise_responsible(
        values.get("responsible", ""), networks, municipalities)
