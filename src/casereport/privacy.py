"""`casereport privacy`: look for direct patient identifiers in the raw data's text cells.

A published case report is about people who must not be identifiable from it. The raw tables hold
what the article prints, and nothing else; this check catches the slip of pasting more (a name, a
clinical record number, a date of birth) into a free-text cell. It is a pattern search, so it
flags *likely* identifiers:

    name        a capitalised name beside a patient word ("patient Juan Garcia", "Juan Garcia,
                a 9-year-old girl"), after a title ("Sr. Garcia", "Mrs Smith"), or a common given
                name followed by a capitalised word ("Juan Garcia")
    birth-date  a date of birth: a birth word (born, DOB, date of birth, nacido/a, fecha de
                nacimiento, F. nac.) followed by a date or a year
    date        a full calendar date (day, month and year) written in a text cell
    record      a clinical record, hospital or insurance number: NHC, MRN, historia clinica,
                medical/hospital record number, SIP, CIP, NUSS, DNI, NIE, NIF, SSN followed by a
                number
    digits      a run of 6 or more digits (record, card or ID numbers)
    email       an e-mail address
    phone       a telephone number: 9 or more digits written with separators or a leading +
    postcode    a postcode: a Spanish one (5 digits, 01000-52999) or a UK one (SW1A 1AA)

It does not catch: a name with no patient word, title or common given name beside it (an unusual
given name alone, or a family name alone), initials, an address without a postcode, a photograph
or a place and date that together identify someone (indirect identifiers), anything in a
number, date or boolean column of the data dictionary (their values are checked by their types,
not read as text), nor anything outside the CSV files it is given. A clean result is no proof of
anonymity; the curator's judgement still decides.

What the published article itself prints (its authors, the names in its references, its
address) is allowed by a reviewed list, data/privacy_allowlist.csv: one row per allowed text
(file, column, the exact flagged text or `*` for the whole column) with the reason it may stay.

Used by the validation (every raw table; a flag is an error `privacy-<kind>` naming file, line and
column) and as a git pre-commit hook (README.md, scripts/pre-commit). Stdlib only (pandas is used
when given a column to scan fast).
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from casereport.validation.report import Finding, print_findings

DEFAULT_ALLOWLIST = "data/privacy_allowlist.csv"
ALLOWLIST_COLUMNS = ["file", "column", "text", "reason"]
ANY_TEXT = "*"

_UPPER = "A-ZÁÉÍÓÚÑÜÇÀÈÒÏ"
_LOWER = "a-záéíóúñüçàèòï"
_NAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_FULL_NAME = rf"{_NAME}(?:\s+(?:de\s+la\s+|de\s+|del\s+|y\s+)?{_NAME})+"
_PATIENT_WORDS = (
    r"patient|pt|child|girl|boy|infant|baby|son|daughter|mother|father|"
    r"paciente|niño|niña|hijo|hija|madre|padre|case|caso|name|nombre"
)
_TITLES = r"Mr|Mrs|Ms|Miss|Sr|Sra|Srta|Don|Doña|Dña"
# Common given names (Spanish and English), for a name written without a patient word beside it.
_GIVEN_NAMES = (
    "Juan|José|Jose|Antonio|Manuel|Francisco|David|Javier|Daniel|Carlos|Jesús|Jesus|Miguel|"
    "Alejandro|Pablo|Pedro|Luis|Sergio|Jorge|Alberto|Álvaro|Alvaro|Diego|Adrián|Adrian|Raúl|Raul|"
    "Iván|Ivan|Rubén|Ruben|Enrique|Hugo|Lucas|Mateo|Martín|Martin|Leo|Marc|Mario|Andrés|Andres|"
    "María|Maria|Carmen|Josefa|Isabel|Laura|Ana|Cristina|Marta|Lucía|Lucia|Paula|Elena|Sara|"
    "Raquel|Pilar|Rosa|Sofía|Sofia|Julia|Martina|Alba|Claudia|Irene|Noelia|Silvia|Patricia|"
    "Beatriz|Rocío|Rocio|Nuria|Teresa|Mercedes|Dolores|Lola|Valeria|Daniela|Emma|Olivia|Noa|"
    "John|James|Robert|Michael|William|Richard|Joseph|Thomas|Charles|Christopher|Mark|Paul|"
    "Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Emily|Anna|Lisa"
)
_DATE = (
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|"
    r"\d{1,2}\s+(?:de\s+)?[A-Za-záéíóú]{3,10}\.?\s+(?:de\s+)?\d{4}|"
    r"[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}"
)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december|ene|abr|ago|dic|enero|febrero|marzo|abril|"
    "mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"
)


@dataclass(frozen=True)
class Pattern:
    kind: str  # the finding's rule is privacy-<kind>
    what: str  # "a possible <what>"
    regex: re.Pattern


PATTERNS = [
    Pattern(
        "name",
        "person's name beside a patient word",
        re.compile(
            rf"\b(?i:{_PATIENT_WORDS})\b[\s:,.\-]{{1,3}}(?:[\w-]+\s+){{0,2}}?({_FULL_NAME})"
            rf"|({_FULL_NAME})\s*,?\s*(?:an?\s+)?\d{{1,2}}[\s-]*(?:year|month|año|mes)",
        ),
    ),
    Pattern(
        "name",
        "person's name after a title",
        re.compile(rf"\b(?:{_TITLES})\.?\s+{_NAME}"),
    ),
    Pattern(
        "name",
        "person's name (a common given name and a capitalised word)",
        re.compile(rf"\b(?:{_GIVEN_NAMES})\s+{_NAME}\b"),
    ),
    Pattern(
        "birth-date",
        "date of birth",
        re.compile(
            r"(?i:\b(?:born|b\.|dob|d\.o\.b\.|date\s+of\s+birth|birth\s*date|birthday|"
            r"nacid[oa]|fecha\s+de\s+nacimiento|f\.\s*nac\.?|fnac))"
            r"[\s:,.]*(?:on\s+|in\s+|el\s+|en\s+)?(?:" + _DATE + r"|\d{4})"
        ),
    ),
    Pattern(
        "date",
        "full calendar date",
        re.compile(
            r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\b"
            rf"|\b\d{{1,2}}\s+(?:de\s+)?(?i:{_MONTHS})\.?\s+(?:de\s+)?\d{{4}}\b"
        ),
    ),
    Pattern(
        "record",
        "clinical record or ID number",
        re.compile(
            r"(?i:\b(?:NHC|N\.H\.C\.|MRN|HC|historia\s+cl[ií]nica|medical\s+record(?:\s+number)?|"
            r"hospital\s+(?:number|no\.?|record)|record\s+(?:number|no\.?)|SIP|CIP|NUSS|DNI|NIE|"
            r"NIF|SSN|NHS\s+number|patient\s+(?:id|number|no\.?)))"
            r"[\s:#.ºo-]*\d[\d\s.-]{2,}"
        ),
    ),
    Pattern("digits", "record, card or ID number (a long run of digits)", re.compile(r"\d{6,}")),
    Pattern(
        "email",
        "e-mail address",
        re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ),
    Pattern(
        "phone",
        "telephone number",
        re.compile(r"(?<![\w.])(?:\+\d[\d\s().-]{7,}\d|\(?\d{2,4}\)?(?:[\s.-]\(?\d{2,4}\)?){2,4})"),
    ),
    Pattern(
        "postcode",
        "postcode",
        re.compile(
            r"(?<![\d.,-])(?:0[1-9]|[1-4]\d|5[0-2])\d{3}(?![\d.,-])"
            r"|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}\b"
        ),
    ),
]
# What every pattern needs: a digit, an @, or a capitalised word followed by another capital (a
# name). A cheap first pass: most cells are searched once, with this.
MAY_MATCH = re.compile(rf"[\d@]|[{_UPPER}][{_LOWER}]+\.?\s+(?:de\s+)?[{_UPPER}]")


def flags(text: str) -> list[tuple[str, str, str]]:
    """(kind, description, matched text) of every likely identifier in one cell."""
    found = []
    for pattern in PATTERNS:
        for match in pattern.regex.finditer(text):
            matched = match.group().strip()
            if pattern.kind == "phone" and sum(c.isdigit() for c in matched) < 9:
                continue
            found.append((pattern.kind, pattern.what, matched))
    return found


# --- the allow-list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowed:
    file: str  # a raw file's name, e.g. references.csv
    column: str
    text: str  # the flagged text as written, or "*" for anything in the column
    reason: str


def read_allowlist(path: Path | str) -> tuple[list[Allowed], list[Finding]]:
    """The reviewed allow-list, and a finding for each entry that is not usable."""
    where = Path(path).as_posix()
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = list(rows[0]) if rows else ALLOWLIST_COLUMNS
    except FileNotFoundError:
        return [], [Finding(where, None, None, None, "privacy-allowlist", "the file is missing")]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        message = f"the allow-list cannot be read ({error})"
        return [], [Finding(where, None, None, None, "privacy-allowlist", message)]
    if header != ALLOWLIST_COLUMNS:
        message = f"the header must be {','.join(ALLOWLIST_COLUMNS)}"
        return [], [Finding(where, 1, None, None, "privacy-allowlist", message)]
    entries, findings = [], []
    for line, row in enumerate(rows, start=2):
        if not all((row.get(name) or "").strip() for name in ALLOWLIST_COLUMNS):
            message = "every entry needs a file, a column, a text and the reason it may stay"
            findings.append(Finding(where, line, None, None, "privacy-allowlist", message))
            continue
        entries.append(Allowed(row["file"], row["column"], row["text"], row["reason"]))
    return entries, findings


def is_allowed(file: str, column: str, matched: str, allowlist: Iterable[Allowed]) -> bool:
    name = Path(file).name
    return any(
        entry.file == name
        and entry.column == column
        and (entry.text == ANY_TEXT or matched in entry.text)
        for entry in allowlist
    )


# --- cells and files ----------------------------------------------------------------------------


def cell_findings(
    file: str, line: int, column: str, value: str, allowlist: Iterable[Allowed]
) -> list[Finding]:
    findings = []
    for kind, what, matched in flags(value):
        if is_allowed(file, column, matched, allowlist):
            continue
        message = (
            f"a possible {what}: {matched!r}. Patient identifiers must not be in the data; if "
            f"the published article prints it, add it with a reason to {DEFAULT_ALLOWLIST}"
        )
        findings.append(Finding(file, line, column, value, f"privacy-{kind}", message))
    return findings


def column_findings(file: str, column: str, cells, allowlist: Iterable[Allowed]) -> list[Finding]:
    """Findings for a pandas Series of text cells indexed by line (the validation's tables).

    Each distinct text is searched once: a column of a million rows repeats few texts."""
    flagged = [value for value in cells.unique() if _may_flag(value)]
    if not flagged:
        return []
    findings = []
    for line, value in cells[cells.isin(flagged)].items():
        findings += cell_findings(file, int(line), column, value, allowlist)
    return findings


def _may_flag(value) -> bool:
    return isinstance(value, str) and MAY_MATCH.search(value) is not None and bool(flags(value))


def text_columns(resource: dict) -> list[str]:
    """The columns of a data dictionary resource this check reads: strings without an enum (a
    number, date or boolean column, or one of listed values, cannot hold free text)."""
    return [
        field["name"]
        for field in resource["schema"]["fields"]
        if field.get("type", "string") == "string" and "enum" not in field.get("constraints", {})
    ]


def file_findings(
    path: Path | str, allowlist: Iterable[Allowed], columns: Iterable[str] | None = None
) -> list[Finding]:
    """The cells of one CSV file (header = line 1): of `columns`, or all of them when None."""
    where = Path(path).as_posix()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return [Finding(where, None, None, None, "privacy-unreadable", f"cannot be read ({error})")]
    if not records:
        return []
    header = records[0]
    read = None if columns is None else set(columns)
    findings = []
    for line, cells in enumerate(records[1:], start=2):
        for index, value in enumerate(cells):
            if read is not None and (index >= len(header) or header[index] not in read):
                continue
            if value and MAY_MATCH.search(value):
                column = header[index] if index < len(header) else f"cell {index + 1}"
                findings += cell_findings(where, line, column, value, allowlist)
    return findings


# --- the command --------------------------------------------------------------------------------


def add_privacy_parser(subparsers) -> None:
    """Add `privacy`; it sets `func(args) -> exit code`."""
    parser = subparsers.add_parser(
        "privacy",
        help="look for patient identifiers (names, record numbers, dates of birth, ...) in CSVs",
        description="Flag likely direct patient identifiers in every cell of the raw CSV files "
        "(names beside patient words, dates of birth, record numbers, long digit runs, e-mail "
        "addresses, phone numbers, postcodes). Exit 1 if any is found. Usable as a git "
        "pre-commit hook (see scripts/pre-commit).",
    )
    parser.add_argument(
        "files",
        nargs="*",
        help="CSV files to check (default: every *.csv in --data-dir); others are skipped",
    )
    parser.add_argument(
        "--data-dir", default="data/raw", help="folder of the raw data (default: %(default)s)"
    )
    parser.add_argument(
        "--allowlist",
        default=DEFAULT_ALLOWLIST,
        help="reviewed list of what the article itself prints (default: %(default)s)",
    )
    parser.set_defaults(func=run_privacy)


def run_privacy(args: argparse.Namespace) -> int:
    if args.files:
        paths = [Path(name) for name in args.files if name.endswith(".csv")]
    else:
        folder = Path(args.data_dir)
        if not folder.is_dir():
            print(f"casereport privacy: {folder.as_posix()} is not a folder", flush=True)
            return 2
        paths = sorted(folder.glob("*.csv"))
    allowlist, findings = read_allowlist(args.allowlist)
    columns = _dictionary_text_columns(Path(args.data_dir))
    for path in paths:
        if path.is_file() and not path.is_symlink():
            findings += file_findings(path, allowlist, columns.get(path.resolve()))
    if findings:
        print_findings(findings, closing="possible patient identifiers; nothing was committed.")
        return 1
    print(f"OK: no likely patient identifier in {len(paths)} CSV files")
    return 0


def _dictionary_text_columns(folder: Path) -> dict[Path, list[str]]:
    """Raw file -> its text columns, for the files data_dir's datapackage.yaml describes (other
    CSV files are read whole)."""
    from casereport.validation.deps import DatapackageError, read_datapackage

    try:
        package = read_datapackage(folder / "datapackage.yaml")
    except DatapackageError:
        return {}
    return {
        (folder / resource["path"]).resolve(): text_columns(resource)
        for resource in package["resources"]
    }
