"""The reproduction audit: the paper's own statements checked against its raw data.

data/claims.csv lists each checkable statement of the paper as a *claim*: what the paper says (the
published text, and its number in `expected` and `unit` when it has one) and the name of the
*check* that rebuilds the value from the raw cells. A check is a small pure function of the dataset
and the claim. It returns a `Finding`: the rebuilt value as text, a status (consistent, discrepant
or not checkable), an explanation in plain words with the values, and the raw cells it read as
`file:line:column`.

The published values in claims.csv are the paper's words (that is what is audited); every rebuilt
value is computed here from the validated tables, never typed. data/claims.md documents the
columns, the checks, the events they date and the counting rules.

The checks read each patient's rows from one grouping of the tables by patient (`IndexedDataset`,
made once per audit), so the audit's time grows with the number of patients, not its square.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from casereport import stages
from casereport.clinical import bmd_category as category_of_z
from casereport.clinical import course_schedule, month_index, month_label, patient_ids
from casereport.dataset import SOURCE_LINE, Dataset, by_patient
from casereport.dataset import is_missing as missing
from casereport.dataset import rows as table_rows
from casereport.ledger import Number
from casereport.spreadsheet import SafeWriter, restore_frame

CONSISTENT = "consistent"
# The data allow the published value only on a stretched reading: dates known only to the month
# (courses a few days early), or a value as printed that is implausible rather than impossible.
POSSIBLY_DISCREPANT = "possibly discrepant"
DISCREPANT = "discrepant"
NOT_CHECKABLE = "not checkable"
# The claims describe another dataset (publication.csv names another article): none applies.
NOT_APPLICABLE = "not applicable"
STATUSES = (CONSISTENT, POSSIBLY_DISCREPANT, DISCREPANT, NOT_CHECKABLE, NOT_APPLICABLE)

# The validated tables the checks read (stages.py wires the workflow rule to exactly these).
AUDIT_TABLES = stages.AUDIT

CLAIM_COLUMNS = [
    "claim_id",
    "statement",
    "location",
    "published",
    "check",
    "patient_id",
    "expected",
    "unit",
    "match",
    "arguments",
]

AUDIT_COLUMNS = [
    "claim_id",
    "statement",
    "location",
    "published",
    "rebuilt",
    "status",
    "explanation",
    "sources",
    "rebuilt_value",
    "rebuilt_unit",
    "derivation",
]

SOURCES_SEPARATOR = "; "

# Arguments that name events of a patient's history, and the form an event name takes.
EVENT_ARGUMENTS = ("from", "to", "after", "event")
EVENT_NAME = re.compile(r"diagnosis|therapy|writing|[a-z][a-z ]*(/[a-z]+)?\.(start|end)")


class ClaimsError(ValueError):
    """claims.csv cannot be audited as written (unknown check, missing argument...)."""


class NotCheckable(Exception):
    """Raised by a check when the data cannot settle the claim; the message says why."""

    def __init__(self, reason: str, cells: tuple[str, ...] = ()):
        super().__init__(reason)
        self.cells = tuple(cells)


# --- claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    claim_id: str
    statement: str
    location: str
    published: str
    check: str
    patient_id: int | None
    expected: float | None
    unit: str
    match: str
    arguments: dict[str, str]
    where: str  # "data/claims.csv:12", for messages

    def argument_list(self, key: str) -> list[str]:
        return [item.strip() for item in self.arguments[key].split(",") if item.strip()]


@dataclass(frozen=True)
class Finding:
    """What a check found. `value`, `unit` and `derivation` are set when the rebuilt value is a
    number; it then goes to the ledger as `audit.<claim_id>.rebuilt`."""

    rebuilt: str
    status: str
    explanation: str
    sources: tuple[str, ...]
    value: float | None = None
    unit: str = ""
    derivation: str = ""


@dataclass(frozen=True)
class Check:
    name: str
    function: Callable[[IndexedDataset, Claim], Finding]
    patient: str  # "required", "optional" or "forbidden": may the claim name a patient?
    needs_expected: bool
    arguments: tuple[str, ...]
    units: tuple[str, ...] | None  # units `expected` may be given in (None: any)


CHECKS: dict[str, Check] = {}

# How a rebuilt number is compared with the published one (the `match` column).
MATCH_RULES: dict[str, Callable[[float, float], bool]] = {
    "exact": lambda rebuilt, published: math.isclose(rebuilt, published, abs_tol=1e-9),
    # "3 years" is said of 3.0 to 3.99 years (completed years, as for ages) and, rounding, of
    # 2.5 to 3.49: a whole number as people state it covers [N - 0.5, N + 1).
    "whole": lambda rebuilt, published: published - 0.5 <= rebuilt < published + 1,
    "at_least": lambda rebuilt, published: rebuilt >= published,
}


def check(
    name: str,
    *,
    patient: str = "forbidden",
    expected: bool = False,
    arguments: tuple[str, ...] = (),
    units: tuple[str, ...] | None = None,
):
    """Register a check function under the name claims.csv uses."""

    def register(function):
        CHECKS[name] = Check(name, function, patient, expected, arguments, units)
        return function

    return register


def read_claims(path: Path | str) -> pd.DataFrame:
    """claims.csv as text columns, plus `source_line` (the claim's line in the file, header = 1)."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        absent = [c for c in CLAIM_COLUMNS if c not in header]
        if absent:
            raise ClaimsError(f"{path.as_posix()}:1: missing column(s) {', '.join(absent)}")
        rows, lines = [], []
        previous_end = reader.line_num
        for row in reader:
            rows.append(row)
            lines.append(previous_end + 1)  # a quoted cell may span lines: keep where it starts
            previous_end = reader.line_num
    frame = pd.DataFrame(rows, columns=header, dtype="string")
    frame[SOURCE_LINE] = pd.array(lines, dtype="Int64")
    frame.attrs["source_file"] = path.as_posix()
    return frame


def _text(row: pd.Series, column: str) -> str:
    value = row.get(column)
    return "" if value is None or pd.isna(value) else str(value).strip()


def parse_arguments(text: str) -> dict[str, str]:
    """`key=value; key=value` -> dict. Lists inside a value are separated by commas."""
    arguments = {}
    for pair in text.split(";"):
        if not pair.strip():
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"argument {pair.strip()!r} is not key=value")
        arguments[key.strip()] = value.strip()
    return arguments


def _parse_number(text: str, kind, what: str, problems: list[str], prefix: str):
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        problems.append(f"{prefix}{what} {text!r} is not a number")
        return None


def _claim_problems(spec: Check, row: pd.Series, arguments: dict, prefix: str) -> list[str]:
    """What the row lacks or has too much of for its check."""
    problems = []
    name = spec.name
    if spec.patient == "required" and not _text(row, "patient_id"):
        problems.append(f"{prefix}check {name!r} needs a patient_id")
    if spec.patient == "forbidden" and _text(row, "patient_id"):
        problems.append(f"{prefix}check {name!r} takes no patient_id")
    if spec.needs_expected:
        if not _text(row, "expected"):
            problems.append(f"{prefix}check {name!r} needs an expected value")
        if _text(row, "match") not in MATCH_RULES:
            problems.append(
                f"{prefix}match {_text(row, 'match')!r} is not {' / '.join(MATCH_RULES)}"
            )
        if spec.units is not None and _text(row, "unit") not in spec.units:
            problems.append(f"{prefix}unit {_text(row, 'unit')!r} is not {' / '.join(spec.units)}")
    problems += [f"{prefix}missing argument {k}=" for k in spec.arguments if k not in arguments]
    problems += [
        f"{prefix}{key}= names no event: {name!r} (see data/claims.md)"
        for key in EVENT_ARGUMENTS
        if key in arguments
        for name in (part.strip() for part in arguments[key].split(","))
        if not EVENT_NAME.fullmatch(name)
    ]
    problems += [
        f"{prefix}unknown argument {k}=" for k in sorted(set(arguments) - set(spec.arguments))
    ]
    return problems


def _parse_claim(row: pd.Series, where: str) -> tuple[Claim | None, list[str]]:
    claim_id = _text(row, "claim_id")
    prefix = f"{where}: claim {claim_id!r}: "
    problems = [
        f"{prefix}empty {c}"
        for c in ("claim_id", "statement", "location", "published")
        if not _text(row, c)
    ]
    try:
        arguments = parse_arguments(_text(row, "arguments"))
    except ValueError as error:
        problems.append(f"{prefix}{error}")
        arguments = {}
    spec = CHECKS.get(_text(row, "check"))
    if spec is None:
        known = ", ".join(sorted(CHECKS))
        problems.append(f"{prefix}unknown check {_text(row, 'check')!r} (known checks: {known})")
    else:
        problems += _claim_problems(spec, row, arguments, prefix)
    patient_id = _parse_number(_text(row, "patient_id"), int, "patient_id", problems, prefix)
    expected = _parse_number(_text(row, "expected"), float, "expected", problems, prefix)
    if problems:
        return None, problems
    claim = Claim(
        claim_id=claim_id,
        statement=_text(row, "statement"),
        location=_text(row, "location"),
        published=_text(row, "published"),
        check=spec.name,
        patient_id=patient_id,
        expected=expected,
        unit=_text(row, "unit"),
        match=_text(row, "match"),
        arguments=arguments,
        where=where,
    )
    return claim, []


def parse_claims(claims_frame: pd.DataFrame) -> list[Claim]:
    """Claims in file order. Every problem of the file is reported at once, each with its line."""
    claims_file = claims_frame.attrs.get("source_file", "claims.csv")
    claims, problems, first_seen = [], [], {}
    for position, (_, row) in enumerate(claims_frame.iterrows()):
        line = row.get(SOURCE_LINE)
        line = position + 2 if line is None or pd.isna(line) else int(line)
        where = f"{claims_file}:{line}"
        claim, row_problems = _parse_claim(row, where)
        problems += row_problems
        claim_id = _text(row, "claim_id")
        if claim_id in first_seen:
            problems.append(
                f"{where}: claim id {claim_id!r} is already used on {first_seen[claim_id]}"
            )
        first_seen.setdefault(claim_id, where)
        if claim is not None:
            claims.append(claim)
    identities = [c for c in claims if c.check == IDENTITY_CHECK]
    problems += [
        f"{c.where}: claim {c.claim_id!r}: a second {IDENTITY_CHECK} claim (the first is on "
        f"{identities[0].where}); the claims describe one article"
        for c in identities[1:]
    ]
    if problems:
        raise ClaimsError("\n".join(problems))
    return claims


# --- reading the data ---------------------------------------------------------------------------


def cell(dataset: Dataset | IndexedDataset, table: str, row: pd.Series | Row, column: str) -> str:
    """The raw cell a value was read from, as file:line:column."""
    return f"{dataset.source_file(table)}:{int(row[SOURCE_LINE])}:{column}"


def cells_of(
    dataset: Dataset | IndexedDataset, table: str, rows: pd.DataFrame | list[Row], columns
) -> list[str]:
    """The cells of `columns` on each of these rows (a table, or rows of it), row by row."""
    lines = rows[SOURCE_LINE] if isinstance(rows, pd.DataFrame) else (r[SOURCE_LINE] for r in rows)
    source_file = dataset.source_file(table)
    return [f"{source_file}:{int(line)}:{column}" for line in lines for column in columns]


def file_name(dataset: Dataset | IndexedDataset, table: str) -> str:
    return Path(dataset.source_file(table)).name


def is_true(value) -> bool:
    """A boolean cell that says yes (an empty cell says neither yes nor no)."""
    return not missing(value) and bool(value)


def equals(value, text: str) -> bool:
    """A cell holds this text (an empty cell holds none)."""
    return not missing(value) and value == text


# One row of a validated table: column -> value, as casereport.dataset.rows gives it (Python
# scalars, None for an empty cell). Checks read a patient's few rows as plain dicts: a pandas
# operation per patient costs tens of microseconds, which 10,000 patients and several claims
# multiply to minutes.
Row = dict[str, object]


def rows_by_patient(frame: pd.DataFrame) -> dict[int, list[Row]]:
    """patient_id -> that patient's rows, in file order (casereport.dataset.rows, grouped)."""
    return by_patient(table_rows(frame))


@dataclass(frozen=True, eq=False)  # compared by identity: it holds DataFrames
class IndexedDataset:
    """The validated tables, with the rows of the per-patient tables grouped by patient once.

    Checks over every patient used to filter whole tables once per patient (and per claim), so the
    audit grew with the square of the number of patients. Here each patient's rows are one
    dictionary look-up away. It reads like a Dataset (`dataset[name]`, `source_file(name)`), so
    the checks and helpers take it where they took a Dataset.
    """

    dataset: Dataset
    patients: dict[int, Row]  # patient_id -> its patients.csv row
    treatments: dict[int, list[Row]]  # patient_id -> its treatments.csv rows (Table I order)
    bone_density: dict[int, list[Row]]  # patient_id -> its bone_density.csv rows

    @property
    def tables(self):
        return self.dataset.tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.dataset[name]

    def source_file(self, name: str) -> str:
        return self.dataset.source_file(name)


def index_dataset(dataset: Dataset | IndexedDataset) -> IndexedDataset:
    """Group the per-patient tables by patient (a dataset already grouped is returned as is)."""
    if isinstance(dataset, IndexedDataset):
        return dataset
    patients = {}
    for patient_id, rows in rows_by_patient(dataset["patients"]).items():
        patients[patient_id] = rows[0]  # patient_id is the key of patients.csv: one row each
    return IndexedDataset(
        dataset,
        patients=patients,
        treatments=rows_by_patient(dataset["treatments"]),
        bone_density=rows_by_patient(dataset["bone_density"]),
    )


def patient_record(dataset: IndexedDataset, patient_id: int) -> Row:
    record = dataset.patients.get(patient_id)
    if record is None:
        known = ", ".join(str(i) for i in patient_ids(dataset)) or "none"
        raise NotCheckable(
            f"patient {patient_id} is not in {file_name(dataset, 'patients')} "
            f"(patients in the data: {known})"
        )
    return record


def drug_words(spec: str) -> str:
    """'methotrexate/subcutaneous' -> 'subcutaneous methotrexate'."""
    drug, _, route = spec.partition("/")
    return f"{route} {drug}" if route else drug


def drug_rows(dataset: IndexedDataset, patient_id: int, spec: str) -> list[Row]:
    """The patient's exposures to a drug (`drug` or `drug/route`), in Table I order."""
    drug, _, route = spec.partition("/")
    rows = [
        row
        for row in dataset.treatments.get(patient_id, [])
        if equals(row["drug"], drug) and (not route or equals(row["route"], route))
    ]
    if not rows:
        raise NotCheckable(
            f"{file_name(dataset, 'treatments')} has no {drug_words(spec)} for patient {patient_id}"
        )
    return rows


def patient_treatments(dataset: IndexedDataset, patient_id: int, table_i_only: bool) -> list[Row]:
    rows = dataset.treatments.get(patient_id, [])
    if table_i_only:
        return [row for row in rows if is_true(row["listed_in_table_i"])]
    return list(rows)


def writing_month(dataset: Dataset | IndexedDataset) -> tuple[int, str]:
    """The time of writing: publication.csv `time_of_writing` (the month the manuscript was
    received, curation_log.md), the same month the timeline draws up to."""
    publication = dataset["publication"].iloc[0]
    return month_index(publication["time_of_writing"]), cell(
        dataset, "publication", publication, "time_of_writing"
    )


@dataclass(frozen=True)
class Dated:
    """A month of a patient's history, what happened, and the cells it was read from."""

    month: int
    what: str  # "pamidronate start"
    detail: str  # "first Table I treatment: prednisone", or ""
    cells: tuple[str, ...]

    @property
    def label(self) -> str:
        detail = f"{self.detail}, " if self.detail else ""
        return f"{self.what} ({detail}{month_label(self.month)})"


def event_words(spec: str) -> str:
    """How an event name of claims.csv reads: 'pamidronate.start' -> 'pamidronate start'."""
    words = {"diagnosis": "diagnosis", "therapy": "start of therapy", "writing": "time of writing"}
    if spec in words:
        return words[spec]
    drug, _, which = spec.rpartition(".")
    return f"{drug_words(drug)} {which}"


def _earliest_start(dataset: IndexedDataset, rows: list[Row], what: str, detail: str) -> Dated:
    dated = [row for row in rows if not missing(row["start_month"])]
    if not dated:
        raise NotCheckable(f"no treatment has a start month to date the {what} from")
    # min keeps the first of equal months: of two drugs started the same month, the first row of
    # Table I is named.
    row = min(dated, key=lambda r: month_index(r["start_month"]))
    return Dated(
        month_index(row["start_month"]),
        what,
        f"{detail}: {row['drug']}",
        (cell(dataset, "treatments", row, "start_month"),),
    )


def event(dataset: IndexedDataset, patient_id: int, spec: str) -> Dated:
    """The month of an event (names in data/claims.md): diagnosis, therapy, writing,
    <drug>.start, <drug>.end (a drug may carry a route: methotrexate/oral.start)."""
    if spec == "diagnosis":
        rows = patient_treatments(dataset, patient_id, table_i_only=True)
        return _earliest_start(dataset, rows, "diagnosis", "first Table I treatment")
    if spec == "therapy":
        rows = patient_treatments(dataset, patient_id, table_i_only=False)
        return _earliest_start(dataset, rows, "start of therapy", "first treatment")
    if spec == "writing":
        month, source = writing_month(dataset)
        return Dated(month, "time of writing", "manuscript received", (source,))
    drug, _, which = spec.rpartition(".")
    if which not in ("start", "end") or not drug:
        raise ValueError(f"unknown event {spec!r}")
    rows = drug_rows(dataset, patient_id, drug)
    column = f"{which}_month"
    undated = [row for row in rows if missing(row[column])]
    if which == "end" and undated:
        raise NotCheckable(
            f"{drug_words(drug)} has no end month for patient {patient_id} (still given)",
            tuple(cells_of(dataset, "treatments", undated, [column])),
        )
    dated = [row for row in rows if not missing(row[column])]
    if not dated:
        raise NotCheckable(
            f"{file_name(dataset, 'treatments')} gives no {column} for {drug_words(drug)} "
            f"(patient {patient_id})",
            tuple(cells_of(dataset, "treatments", rows, [column])),
        )
    # The earliest start, or the latest end; min and max keep the first row of equal months.
    earliest_or_latest = min if which == "start" else max
    row = earliest_or_latest(dated, key=lambda r: month_index(r[column]))
    return Dated(
        month_index(row[column]),
        event_words(spec),
        "",
        (cell(dataset, "treatments", row, column),),
    )


def active_in(rows: list[Row], month: int) -> bool:
    """Whether any of these exposures covers the month (an open end means still given)."""
    for row in rows:
        if missing(row["start_month"]) or month_index(row["start_month"]) > month:
            continue
        if missing(row["end_month"]) or month_index(row["end_month"]) >= month:
            return True
    return False


def still_given(row: Row) -> bool:
    """Table I's way of saying a drug is still given: no end month, or a later schedule."""
    return missing(row["end_month"]) or not missing(row["later_interval_months"])


# --- wording ------------------------------------------------------------------------------------


def format_number(value: float) -> str:
    """A computed number as the report prints it: whole numbers plainly, others to one decimal."""
    text = str(int(round(value))) if math.isclose(value, round(value)) else f"{value:.1f}"
    return text.replace("-", "−")


def recorded(value) -> str:
    """A raw value as recorded (no rounding): -0.97 stays −0.97."""
    return f"{float(value):g}".replace("-", "−")


def machine_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")


def unit_for(value: float, unit: str) -> str:
    """The unit as it reads after this number: 1 month, 2 months, 0.5 months; 1 g/kg."""
    words = unit.split(" ", 1)  # "courses", or "g/kg a month": only a plural word is changed
    if words[0].endswith("s") and math.isclose(abs(value), 1) and "/" not in words[0]:
        words[0] = words[0][:-1]
    return " ".join(words)


def quantity(value: float, unit: str) -> str:
    return f"{format_number(value)} {unit_for(value, unit)}".strip()


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 month', '3 months'; '1 reaction'; plural given when it is not singular + s."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def join_words(items, conjunction: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def unique(cells) -> tuple[str, ...]:
    return tuple(dict.fromkeys(cells))


def whole_range(claim: Claim) -> str:
    """What a whole published number covers, in words (for the `whole` match)."""
    low, high = claim.expected - 0.5, claim.expected + 1
    if claim.unit == "years":
        return (
            f"{quantity(claim.expected, 'years')}, as completed or rounded years, covers "
            f"{int(low * 12)} to {int(high * 12) - 1} months"
        )
    stated = quantity(claim.expected, claim.unit)
    return f"{stated} covers {format_number(low)} up to (not including) {format_number(high)}"


def numeric_finding(
    claim: Claim, value: float, how: str, cells, derivation: str, note: str = ""
) -> Finding:
    """Compare a rebuilt number with the claim's published one, and say so with the values.

    `how` says where the number comes from ("from diagnosis (June 2002) to ..."); the explanation
    reads "<how>: <rebuilt>, as published" or "The paper says <published>; <how>: <rebuilt>".
    """
    consistent = MATCH_RULES[claim.match](value, claim.expected)
    rebuilt = quantity(value, claim.unit)
    same = math.isclose(value, claim.expected, abs_tol=0.05)  # equal as the report prints them
    if consistent and same:
        explanation = f"{capitalised(how)}: {rebuilt}, as published ({claim.published})."
    elif consistent and claim.match == "at_least":
        # A different number that is consistent: say by which convention, so that a reader
        # seeing 11 against 15 in the table reads why they agree.
        explanation = (
            f"{capitalised(how)}: {rebuilt}. The paper's \u201c{claim.published}\u201d is read as "
            f"a lower bound, reached by then, and {rebuilt} is at least "
            f"{quantity(claim.expected, claim.unit)}."
        )
    elif consistent:
        explanation = (
            f"{capitalised(how)}: {rebuilt}. The paper states a whole number "
            f"(\u201c{claim.published}\u201d), and {whole_range(claim)}, so the two agree."
        )
    else:
        rule = {
            "exact": "",
            "whole": f"; {whole_range(claim)}",
            "at_least": f", fewer than the published {quantity(claim.expected, claim.unit)}",
        }[claim.match]
        explanation = f"The paper says {claim.published}; {how}: {rebuilt}{rule}."
    return Finding(
        rebuilt=rebuilt,
        status=CONSISTENT if consistent else DISCREPANT,
        explanation=f"{explanation} {note}".strip(),
        sources=unique(cells),
        value=value,
        unit=claim.unit,
        derivation=derivation,
    )


def all_or_discrepant(finding: Finding, exceptions: list[str]) -> Finding:
    """A count of 'all N patients' is only consistent if there are no exceptions."""
    if exceptions and finding.status == CONSISTENT:
        return replace(finding, status=DISCREPANT)
    return finding


# --- checks: time between events ----------------------------------------------------------------


def _months_between(
    dataset: IndexedDataset, patient_id: int, claim: Claim
) -> tuple[int, str, str, list]:
    """Months from the latest `from` event to the `to` event; how, a note, and the cells."""
    starts = [event(dataset, patient_id, spec) for spec in claim.argument_list("from")]
    anchor = max(starts, key=lambda d: d.month)  # max keeps the first of equal months
    end = event(dataset, patient_id, claim.arguments["to"])
    months = end.month - anchor.month
    latest = f", the last of {join_words(d.what for d in starts)}," if len(starts) > 1 else ""
    how = f"from {anchor.label}{latest} to {end.label}"
    if claim.unit == "years":
        how += f", {quantity(months, 'months')}"
    notes = []
    if len(starts) > 1:
        each = [f"{d.label} {quantity(end.month - d.month, 'months')}" for d in starts]
        notes.append(f"Counted from each: {join_words(each)}.")
    if months < 0:
        notes.append(
            f"{capitalised(end.what)} came {counted(-months, 'month')} before {anchor.what}."
        )
    cells = [c for d in [*starts, end] for c in d.cells]
    return months, how, " ".join(notes), cells


def in_unit(months: float, unit: str) -> float:
    return months / 12 if unit == "years" else float(months)


def _months_derivation(claim: Claim) -> str:
    starts = claim.argument_list("from")
    origin = join_words(event_words(s) for s in starts)
    origin = f"the latest of {origin}" if len(starts) > 1 else origin
    scale = ", divided by 12" if claim.unit == "years" else ""
    return f"months from {origin} to {event_words(claim.arguments['to'])}{scale}"


@check(
    "months_between",
    patient="required",
    expected=True,
    arguments=("from", "to"),
    units=("months", "years"),
)
def months_between(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Time between two events of one patient's history."""
    months, how, note, cells = _months_between(dataset, claim.patient_id, claim)
    value = in_unit(months, claim.unit)
    return numeric_finding(claim, value, how, cells, _months_derivation(claim), note)


@check(
    "mean_months_between",
    expected=True,
    arguments=("from", "to"),
    units=("months", "years"),
)
def mean_months_between(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Mean over every patient of the time between two events."""
    per_patient, cells, lacking = [], [], []
    for patient_id in patient_ids(dataset):
        try:
            months, _, _, used = _months_between(dataset, patient_id, claim)
        except NotCheckable as reason:
            lacking.append(f"patient {patient_id}: {reason}")
            continue
        per_patient.append((patient_id, months))
        cells += used
    if lacking or not per_patient:
        raise NotCheckable("the mean needs every patient; " + ("; ".join(lacking) or "none"))
    mean = sum(m for _, m in per_patient) / len(per_patient)
    each = join_words(f"{quantity(m, 'months')} (patient {p})" for p, m in per_patient)
    how = f"the mean of {each} {_months_derivation(claim).removeprefix('months ')}"
    note = f"(Mean {format_number(mean)} months.)" if claim.unit == "years" else ""
    derivation = f"mean over all patients of the {_months_derivation(claim)}"
    return numeric_finding(claim, in_unit(mean, claim.unit), how, cells, derivation, note)


@check("mean_patient_column", expected=True, arguments=("column",))
def mean_patient_column(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Mean of one numeric column of patients.csv over every patient."""
    column = claim.arguments["column"]
    patients = dataset["patients"]
    if column not in patients:
        raise NotCheckable(f"{file_name(dataset, 'patients')} has no column {column}")
    blank = patients[patients[column].isna()]
    if patients.empty or not blank.empty:
        raise NotCheckable(
            f"{column} is missing for patient(s) {', '.join(map(str, blank['patient_id'])) or '-'}",
            tuple(cells_of(dataset, "patients", blank, [column])),
        )
    values = [float(v) for v in patients[column]]
    listed = join_words(map(recorded, values))
    how = f"the mean of {column} in {file_name(dataset, 'patients')} ({listed})"
    cells = cells_of(dataset, "patients", patients, [column])
    return numeric_finding(
        claim, sum(values) / len(values), how, cells, f"mean of {column} over all patients"
    )


# --- checks: courses ----------------------------------------------------------------------------


def every(months: int) -> str:
    return "every month" if months == 1 else f"every {months} months"


def _schedule_words(row: Row, first: list[int], later: list[int], until: int) -> str:
    """'every 3 months from June 2005 to August 2007 (9, the last in June 2007)', and so on."""
    start = month_label(month_index(row["start_month"]))
    if missing(row["end_month"]):
        end = f"the time of writing ({month_label(until)}, manuscript received)"
    else:
        end = month_label(month_index(row["end_month"]))
    last = f", the last in {month_label(first[-1])}" if first else ""
    words = f"{every(int(row['interval_months']))} from {start} to {end} ({len(first)}{last})"
    if not missing(row["later_interval_months"]):
        when = f": {join_words(month_label(m) for m in later)}" if later else ""
        words += (
            f", then {every(int(row['later_interval_months']))} up to the time of writing "
            f"({month_label(until)}, manuscript received; {len(later)} more{when})"
        )
    return words


# The treatments.csv columns a course schedule is read from (casereport.clinical.course_schedule).
SCHEDULE_COLUMNS = (
    "start_month",
    "end_month",
    "interval_months",
    "later_interval_months",
    "ongoing",
)


@check("course_count", patient="required", expected=True, arguments=("drug",))
def course_count(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Courses of a drug given in courses, counted from Table I's schedule and dates."""
    drug = claim.arguments["drug"]
    rows = drug_rows(dataset, claim.patient_id, drug)
    until, writing_cell = writing_month(dataset)
    schedules, months, cells = [], [], []
    for row in rows:
        blank = [c for c in ("start_month", "interval_months") if missing(row[c])]
        if blank:
            raise NotCheckable(
                f"{drug_words(drug)} of patient {claim.patient_id} has no {' or '.join(blank)}",
                tuple(cell(dataset, "treatments", row, c) for c in blank),
            )
        schedule = course_schedule(row, until)
        if not schedule.end_known:
            raise NotCheckable(
                f"{drug_words(drug)} of patient {claim.patient_id} was stopped (ongoing false) in "
                "a month Table I does not give (no end_month, or no end of its later schedule), "
                "so its dates do not count its courses",
                tuple(cell(dataset, "treatments", row, c) for c in SCHEDULE_COLUMNS),
            )
        first, later = list(schedule.first), list(schedule.later)
        schedules.append(_schedule_words(row, first, later, until))
        months += first + later
        cells += [cell(dataset, "treatments", row, c) for c in SCHEDULE_COLUMNS[:-1]]
        if missing(row["end_month"]) or not missing(row["later_interval_months"]):
            cells.append(writing_cell)
    months.sort()
    how = f"counting the start month as course 1, {drug_words(drug)} {'; '.join(schedules)}"
    wanted = int(claim.expected)
    if wanted < 1:
        note = ""
    elif wanted <= len(months):
        note = f"Course {wanted} fell in {month_label(months[wanted - 1])}."
    else:
        step = int(rows[-1]["interval_months"])
        last = months[-1] if months else month_index(rows[0]["start_month"]) - step
        would_be = month_label(last + step * (wanted - len(months)))
        note = f"Course {wanted} would have fallen in {would_be}."
    derivation = (
        f"{drug} courses: one in the start month, then one every interval_months up to and "
        "including end_month, then every later_interval_months up to the manuscript's receipt"
    )
    finding = numeric_finding(claim, float(len(months)), how, cells, derivation, note)
    possible = courses_fit_to_the_month(rows, wanted) if finding.status == DISCREPANT else ""
    if possible:  # the arithmetic replaces the month course N would have fallen in
        finding = numeric_finding(claim, float(len(months)), how, cells, derivation, possible)
        return replace(finding, status=POSSIBLY_DISCREPANT)
    return finding


def courses_fit_to_the_month(rows: list[Row], wanted: int) -> str:
    """Why more courses than the schedule gives may still fit its dates, or "" if they cannot.

    Table I dates a schedule to the month. N courses from the start month to the end month need
    N - 1 intervals in that many months; if their average still rounds to the stated interval
    (2.9 months for "every 3 months"), courses given a few days early would fit, and the
    discrepancy is only possible. Said of one closed schedule (a start, an end, no later one).
    """
    if len(rows) != 1 or wanted < 2:
        return ""
    row = rows[0]
    if missing(row["end_month"]) or not missing(row["later_interval_months"]):
        return ""
    start, end = month_index(row["start_month"]), month_index(row["end_month"])
    interval = int(row["interval_months"])
    span, gaps = end - start, wanted - 1
    average = span / gaps
    if span <= 0 or average < interval - 0.5 or average >= interval:
        return ""
    return (
        f"Dates are known only to the month: {month_label(start)} to {month_label(end)} is "
        f"{counted(span, 'month')}; {wanted} courses need {gaps} intervals of "
        f"{span}/{gaps} = {format_number(average)} months on average, which rounds to the stated "
        f"{counted(interval, 'month')}, so {wanted} courses are possible if some came a few days "
        "early."
    )


@check("protocol_schedule", arguments=("drug",))
def protocol_schedule(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Every patient's Table I schedule of the drug is the Methods' protocol (protocol.csv)."""
    drug = claim.arguments["drug"]
    protocol = dataset["protocol"].set_index("parameter", drop=False)
    parameters = {  # Table I column -> the protocol parameter it must equal
        "dose": f"{drug}_dose",
        "course_days": f"{drug}_course_days",
        "interval_months": f"{drug}_interval",
    }
    absent = [p for p in parameters.values() if p not in protocol.index]
    if absent:
        raise NotCheckable(f"{file_name(dataset, 'protocol')} has no {join_words(absent)}")
    cells = [cell(dataset, "protocol", protocol.loc[p], "value") for p in parameters.values()]
    # Table I column -> the protocol's value, read once rather than once per patient.
    protocol_values = {column: protocol.loc[p, "value"] for column, p in parameters.items()}
    agreeing, disagreeing = [], []
    for patient_id in patient_ids(dataset):
        try:
            rows = drug_rows(dataset, patient_id, drug)
        except NotCheckable:
            continue  # a patient never given the drug has no schedule to compare
        for row in rows:
            cells += [cell(dataset, "treatments", row, c) for c in parameters]
            wrong = [
                f"{column} {'empty' if missing(row[column]) else recorded(row[column])} "
                f"(Methods: {recorded(value)})"
                for column, value in protocol_values.items()
                if missing(row[column]) or not math.isclose(float(row[column]), float(value))
            ]
            if wrong:
                disagreeing.append(f"patient {patient_id}: {', '.join(wrong)}")
            else:
                agreeing.append(patient_id)
    total = len(agreeing) + len(disagreeing)
    if not total:
        raise NotCheckable(f"no patient has {drug} in {file_name(dataset, 'treatments')}")
    rebuilt = f"{len(agreeing)} of {counted(total, 'patient')} follow it"
    if disagreeing:
        explanation = (
            f"The Methods give {claim.published}; Table I differs for {'; '.join(disagreeing)}."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    explanation = (
        f"Table I's {drug} dose, days per course and interval are the Methods' protocol "
        f"for {'all ' if total > 1 else ''}{counted(total, 'patient')} given {drug}."
    )
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


# --- checks: calcinosis -------------------------------------------------------------------------


def onset_window(dataset: IndexedDataset, patient_id: int) -> tuple[int, int, Dated, list[str]]:
    """First and last month the calcinosis may have appeared: diagnosis + the narrative's years."""
    record = patient_record(dataset, patient_id)
    diagnosis = event(dataset, patient_id, "diagnosis")
    columns = ("calcinosis_onset_min_years", "calcinosis_onset_max_years")
    cells = [cell(dataset, "patients", record, c) for c in columns] + list(diagnosis.cells)
    if any(missing(record[c]) for c in columns):
        raise NotCheckable(f"patient {patient_id} has no calcinosis onset", tuple(cells))
    low, high = (diagnosis.month + 12 * int(record[c]) for c in columns)
    return low, high, diagnosis, cells


def window_words(low: int, high: int) -> str:
    if low == high:
        return f"in {month_label(low)}"
    return f"between {month_label(low)} and {month_label(high)}"


@check("calcinosis_onset_before", patient="required", arguments=("drug",))
def calcinosis_onset_before(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The calcinosis, timed as the narrative times it, appeared before the drug given for it."""
    low, high, diagnosis, cells = onset_window(dataset, claim.patient_id)
    start = event(dataset, claim.patient_id, f"{claim.arguments['drug']}.start")
    cells += start.cells
    margin = start.month - high
    how = (
        f"Timed from {diagnosis.label}, the narrative puts the calcinosis {window_words(low, high)}"
    )
    if margin >= 0:
        gap = f"{quantity(margin, 'months')} before" if margin else "at the latest in the month of"
        rebuilt = f"{window_words(low, high)}, {gap} {start.what}"
        return Finding(rebuilt, CONSISTENT, f"{how}, no later than {start.label}.", unique(cells))
    rebuilt = f"{window_words(low, high)}, up to {quantity(-margin, 'months')} after {start.what}"
    explanation = (
        f"{how}: up to {counted(-margin, 'month')} after {start.label}, which was given for it."
    )
    return Finding(rebuilt, DISCREPANT, explanation, unique(cells))


def _periods(rows: list[Row]) -> str:
    periods = [
        f"{month_label(month_index(r['start_month']))} to "
        + ("no end" if missing(r["end_month"]) else month_label(month_index(r["end_month"])))
        for r in rows
        if not missing(r["start_month"])
    ]
    return join_words(periods) or "no dates"


@check("drugs_given_at_calcinosis_onset", patient="required", arguments=("drugs",))
def drugs_given_at_calcinosis_onset(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The named drugs (`drug` or `drug/route`) were being given when the calcinosis appeared."""
    low, high, diagnosis, cells = onset_window(dataset, claim.patient_id)
    given, not_given = [], []
    for spec in claim.argument_list("drugs"):
        rows = drug_rows(dataset, claim.patient_id, spec)
        cells += cells_of(dataset, "treatments", rows, ("start_month", "end_month"))
        covered = active_in(rows, low) and active_in(rows, high)
        (given if covered else not_given).append(f"{drug_words(spec)} ({_periods(rows)})")
    how = f"Timed from {diagnosis.label}, the calcinosis appeared {window_words(low, high)}"
    if not_given:
        explanation = f"{how}; Table I does not give {join_words(not_given)} then." + (
            f" It does give {join_words(given)}." if given else ""
        )
        return Finding(
            f"not given: {join_words(not_given)}", DISCREPANT, explanation, unique(cells)
        )
    explanation = f"{how}; Table I gives {join_words(given)}."
    return Finding(f"given: {join_words(given)}", CONSISTENT, explanation, unique(cells))


@check("calcinosis_outcome", patient="required", arguments=("outcome",))
def calcinosis_outcome(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The recorded outcome is the published one, and Table I agrees on pamidronate: the paper
    stopped it where the calcinosis cleared and kept it going elsewhere."""
    record = patient_record(dataset, claim.patient_id)
    outcome = record["calcinosis_outcome"]
    rows = drug_rows(dataset, claim.patient_id, "pamidronate")
    cells = [cell(dataset, "patients", record, "calcinosis_outcome")]
    cells += cells_of(dataset, "treatments", rows, ("end_month", "later_interval_months"))
    stopped = not any(still_given(r) for r in rows)
    state = "stopped" if stopped else "still given"
    rebuilt = f"{outcome}; pamidronate {state}"
    if outcome != claim.arguments["outcome"]:
        explanation = (
            f"The paper says {claim.published}; {file_name(dataset, 'patients')} records the "
            f"calcinosis as {outcome}."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    if (outcome == "cleared") != stopped:
        explanation = (
            f"The calcinosis is {outcome} but Table I has pamidronate {state}; the paper stopped "
            "pamidronate only where the calcinosis cleared."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    explanation = f"The calcinosis is recorded as {outcome}, and Table I has pamidronate {state}."
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("calcinosis_improved_all", expected=True)
def calcinosis_improved_all(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Every patient's calcinosis cleared or decreased, and they number as published."""
    patients = dataset["patients"]
    better = patients["calcinosis_outcome"].isin(["cleared", "decreased"]).fillna(False)
    exceptions = [
        f"patient {r['patient_id']}: {r['calcinosis_outcome']}"
        for r in table_rows(patients[~better.astype(bool)])
    ]
    how = (
        f"calcinosis cleared or decreased in {int(better.sum())} of "
        f"{counted(len(patients), 'patient')}"
    )
    if exceptions:
        how += f" (not in {join_words(exceptions)})"
    finding = numeric_finding(
        claim,
        float(better.sum()),
        how,
        cells_of(dataset, "patients", patients, ["calcinosis_outcome"]),
        "patients whose calcinosis_outcome is cleared or decreased",
    )
    return all_or_discrepant(finding, exceptions)


# --- checks: treatments in Table I and in the narratives ----------------------------------------


@check("drug_lists_agree", patient="required", arguments=("drugs",))
def drug_lists_agree(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The drugs the narrative names for a patient are those Table I lists, no more, no less."""
    rows = patient_treatments(dataset, claim.patient_id, table_i_only=False)
    in_table_i = patient_treatments(dataset, claim.patient_id, table_i_only=True)
    listed = sorted({r["drug"] for r in in_table_i})
    named = sorted(set(claim.argument_list("drugs")))
    cells = cells_of(dataset, "treatments", rows, ("drug", "listed_in_table_i"))
    rebuilt = f"Table I lists {join_words(listed) or 'no drug'}"
    only_named = [d for d in named if d not in listed]
    only_listed = [d for d in listed if d not in named]
    # A drug the narrative also gives as still taken is the same finding seen a second time: the
    # current-treatment claim leaves it to this row, which says so.
    still_taken = {r["drug"] for r in rows if is_true(r["ongoing"]) and r["drug"] in only_named}
    differences = []
    if only_named:
        named_words = join_words(
            f"{d} (also named as still given)" if d in still_taken else d for d in only_named
        )
        differences.append(f"The narrative names {named_words}; Table I does not.")
    if only_listed:
        differences.append(f"Table I lists {join_words(only_listed)}; the narrative does not.")
    if differences:
        return Finding(rebuilt, DISCREPANT, " ".join(differences), unique(cells))
    return Finding(
        rebuilt, CONSISTENT, "Table I lists the drugs the narrative names.", unique(cells)
    )


@check("current_treatment", patient="required", arguments=("drugs",))
def current_treatment(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The drugs the narrative says the patient still takes are those Table I leaves open (no end
    month, or a later schedule). Read from Table I's dates, not from the `ongoing` column, which
    was itself transcribed from the narratives."""
    rows = patient_treatments(dataset, claim.patient_id, table_i_only=True)
    still = sorted({r["drug"] for r in rows if still_given(r)})
    listed = {r["drug"] for r in rows}
    named = sorted(set(claim.argument_list("drugs")))
    # A drug Table I does not list at all has no dates there to be open or closed: that is one
    # finding (the drug missing from Table I), reported once, by the claim comparing the lists.
    unlisted = [d for d in named if d not in listed]
    named = [d for d in named if d in listed]
    cells = cells_of(dataset, "treatments", rows, ("drug", "end_month", "later_interval_months"))
    rebuilt = f"Table I leaves open {join_words(still) or 'no drug'}"
    only_named = [d for d in named if d not in still]
    only_open = [d for d in still if d not in named]
    differences = []
    if only_named:
        differences.append(
            f"The narrative says {join_words(only_named)} is still given; Table I has no open "
            "entry for it."
        )
    if only_open:
        differences.append(
            f"Table I leaves {join_words(only_open)} open; the narrative does not name it as "
            "still given."
        )
    aside = (
        f" Table I does not list {join_words(unlisted, 'or')} at all, so it cannot say whether "
        f"{'it is' if len(unlisted) == 1 else 'they are'} still given; the comparison of the "
        "drug lists reports that finding once."
        if unlisted
        else ""
    )
    if differences:
        return Finding(rebuilt, DISCREPANT, " ".join(differences) + aside, unique(cells))
    if not still and not named:
        raise NotCheckable(
            f"Table I lists none of the drugs named as still given ({join_words(unlisted)})",
            unique(cells),
        )
    explanation = (
        f"Table I gives {join_words(still)} without an end (or on a later schedule): the drugs the "
        f"narrative says are still given{' that Table I lists' if unlisted else ''}.{aside}"
    )
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("starts_not_before", patient="required", arguments=("drugs", "after"))
def starts_not_before(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The named drugs were started no earlier than an event (e.g. another drug's end)."""
    reference = event(dataset, claim.patient_id, claim.arguments["after"])
    cells, starts, undated = list(reference.cells), [], []
    for spec in claim.argument_list("drugs"):
        try:
            start = event(dataset, claim.patient_id, f"{spec}.start")
        except NotCheckable as reason:
            undated.append(drug_words(spec))
            cells += reason.cells
            continue
        cells += start.cells
        starts.append((spec, start))
    if not starts:
        raise NotCheckable(f"none of {join_words(undated)} has a start month", unique(cells))
    early = [(spec, d) for spec, d in starts if d.month < reference.month]
    rebuilt = "; ".join(d.label for _, d in starts)
    skipped = f" {capitalised(join_words(undated))}: no start month to check." if undated else ""
    if early:
        each = join_words(
            f"{drug_words(spec)} in {month_label(d.month)} "
            f"({counted(reference.month - d.month, 'month')} earlier)"
            for spec, d in early
        )
        explanation = (
            f"The paper has them begin after {reference.label}; Table I starts {each}.{skipped}"
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    explanation = f"All start in or after {reference.label}.{skipped}"
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("event_not_before", patient="required", arguments=("event", "after"))
def event_not_before(dataset: IndexedDataset, claim: Claim) -> Finding:
    """An event (e.g. a drug's end) came no earlier than each of other events (e.g. the starts of
    the drugs added before it was stopped). Two events of the same month cannot be ordered by the
    data: that is consistent, and said."""
    when = event(dataset, claim.patient_id, claim.arguments["event"])
    others = [event(dataset, claim.patient_id, spec) for spec in claim.argument_list("after")]
    cells = [*when.cells, *(c for d in others for c in d.cells)]
    earlier = [d for d in others if d.month > when.month]
    same = [d for d in others if d.month == when.month]
    rebuilt = f"{when.label}; " + "; ".join(d.label for d in others)
    if earlier:
        each = join_words(
            f"{counted(d.month - when.month, 'month')} before {d.label}" for d in earlier
        )
        explanation = (
            f"The paper has {when.what} come after {join_words(d.what for d in others)}; "
            f"Table I has {when.label}: {each}."
        )
        return Finding(rebuilt, DISCREPANT, explanation, unique(cells))
    tie = (
        f" {capitalised(join_words(d.what for d in same))} fell in the same month, which the "
        "month-precise dates cannot order."
        if same
        else ""
    )
    after = join_words(d.label for d in others)
    explanation = f"{capitalised(when.label)} is no earlier than {after}.{tie}"
    return Finding(rebuilt, CONSISTENT, explanation, unique(cells))


@check("first_route", patient="required", arguments=("drug", "route"))
def first_route(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The route by which a drug was first given, as Table I dates its entries."""
    drug, route = claim.arguments["drug"], claim.arguments["route"]
    rows = [
        r
        for r in patient_treatments(dataset, claim.patient_id, table_i_only=True)
        if equals(r["drug"], drug) and not missing(r["start_month"])
    ]
    if not rows:
        raise NotCheckable(f"Table I dates no {drug} for patient {claim.patient_id}")
    rows.sort(key=lambda r: month_index(r["start_month"]))  # stable: Table I order within a month
    cells = cells_of(dataset, "treatments", rows, ("route", "start_month", "end_month"))
    first = rows[0]
    first_route_words = "no route" if missing(first["route"]) else str(first["route"])
    periods = join_words(
        f"{'no route' if missing(r['route']) else r['route']} {_periods([r])}" for r in rows
    )
    rebuilt = f"{first_route_words} from {month_label(month_index(first['start_month']))}"
    if equals(first["route"], route):
        explanation = f"Table I gives {drug} {periods}: it begins {route}, as the paper says."
        return Finding(rebuilt, CONSISTENT, explanation, unique(cells))
    explanation = (
        f"The paper has {drug} begin {route}; Table I gives it {periods}, so it begins "
        f"{first_route_words}."
    )
    return Finding(rebuilt, DISCREPANT, explanation, unique(cells))


@check("dose_per_month", patient="required", arguments=("drug", "usual"))
def dose_per_month(dataset: IndexedDataset, claim: Claim) -> Finding:
    """A course drug's dose as printed, per month (dose a day x days a course / months between
    courses), against the usual monthly dose (`usual`, in the dose unit without '/day'). Twice the
    usual or more is implausible rather than impossible: possibly discrepant."""
    drug = claim.arguments["drug"]
    rows = drug_rows(dataset, claim.patient_id, drug)
    columns = ("dose", "dose_unit", "course_days", "interval_months")
    cells = cells_of(dataset, "treatments", rows, columns)
    row = rows[0]
    if len(rows) != 1 or any(missing(row[c]) for c in columns):
        raise NotCheckable(f"{drug} of patient {claim.patient_id} lacks one dated schedule", cells)
    unit = str(row["dose_unit"])
    if not unit.endswith("/day"):
        raise NotCheckable(f"{drug}'s dose is in {unit}, not a dose a day", cells)
    base = unit.removesuffix("/day")
    dose, days, interval = float(row["dose"]), int(row["course_days"]), int(row["interval_months"])
    monthly = dose * days / interval
    try:
        usual = float(claim.arguments["usual"])
    except ValueError:
        raise NotCheckable(f"usual={claim.arguments['usual']} is not a number") from None
    per_month = f"{base} a month"
    how = (
        f"{recorded(dose)} {unit} on {counted(days, 'day')} "
        f"{'each month' if interval == 1 else f'every {interval} months'}"
    )
    rebuilt = quantity(monthly, per_month)
    derivation = "dose x course_days / interval_months"
    if monthly >= 2 * usual:
        explanation = (
            f"As printed, {how} comes to {recorded(dose)} x {days} / {interval} = {rebuilt}, "
            f"{format_number(monthly / usual)} times the usual {quantity(usual, per_month)} "
            "(see data/claims.md): implausible rather than impossible, so possibly a dose per "
            "course printed as a dose a day."
        )
        status = POSSIBLY_DISCREPANT
    else:
        explanation = (
            f"{capitalised(how)} comes to {recorded(dose)} x {days} / {interval} = {rebuilt}, "
            f"within twice the usual {quantity(usual, per_month)}."
        )
        status = CONSISTENT
    return Finding(
        rebuilt,
        status,
        explanation,
        unique(cells),
        value=monthly,
        unit=per_month,
        derivation=derivation,
    )


@check("significance_without_test", arguments=("column", "wordings"))
def significance_without_test(dataset: IndexedDataset, claim: Claim) -> Finding:
    """'Significantly' said of an outcome the data record per patient as a category, with no
    statistical test named: the counts are rebuilt, the significance is not checkable. The
    article's own wordings of the conclusion (`wordings`, as it prints them) are quoted."""
    column = claim.arguments["column"]
    patients = dataset["patients"]
    if column not in patients:
        raise NotCheckable(f"{file_name(dataset, 'patients')} has no column {column}")
    cells = cells_of(dataset, "patients", patients, [column])
    counts = patients[column].fillna("not recorded").value_counts(sort=False)
    tally = join_words(f"{value} {int(n)}" for value, n in counts.items())
    wordings = join_words(f"\u201c{w}\u201d" for w in claim.argument_list("wordings"))
    raise NotCheckable(
        f"the data record {column} as a category per patient ({tally}, of "
        f"{counted(len(patients), 'patient')}), not a measurement a test could compare, and the "
        f"article names no statistical test; it also words the conclusion as {wordings}",
        unique(cells),
    )


@check("patients_still_on_drug", expected=True, arguments=("drug",))
def patients_still_on_drug(dataset: IndexedDataset, claim: Claim) -> Finding:
    """How many patients Table I leaves on the drug at the time of writing."""
    drug = claim.arguments["drug"]
    on_drug, cells = [], []
    for patient_id in patient_ids(dataset):
        try:
            rows = drug_rows(dataset, patient_id, drug)
        except NotCheckable:
            continue
        cells += cells_of(dataset, "treatments", rows, ("end_month", "later_interval_months"))
        if any(still_given(r) for r in rows):
            on_drug.append(patient_id)
    who = join_words(f"patient {p}" for p in on_drug) or "no patient"
    how = f"Table I leaves {drug} open (no end, or a later schedule) for {who}"
    derivation = (
        f"patients whose {drug} entry in Table I has no end_month or a later_interval_months"
    )
    return numeric_finding(claim, float(len(on_drug)), how, cells, derivation)


# --- checks: patients, ages, bone density, laboratory, adverse events ---------------------------


@check("patient_count", expected=True)
def patient_count(dataset: IndexedDataset, claim: Claim) -> Finding:
    patients = dataset["patients"]
    how = f"one row per patient in {file_name(dataset, 'patients')}"
    cells = cells_of(dataset, "patients", patients, ["patient_id"])
    return numeric_finding(claim, float(len(patients)), how, cells, "rows of patients.csv")


@check("narrative_age_vs_table_i", patient="required")
def narrative_age_vs_table_i(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The narrative's age minus the age at diagnosis is Table I's disease duration."""
    record = patient_record(dataset, claim.patient_id)
    columns = ("age_in_narrative_years", "age_at_diagnosis_years", "disease_duration_years")
    cells = tuple(cell(dataset, "patients", record, c) for c in columns)
    if any(missing(record[c]) for c in columns):
        raise NotCheckable(f"patient {claim.patient_id} lacks an age or the duration", cells)
    age, at_diagnosis, duration = (int(record[c]) for c in columns)
    difference = age - at_diagnosis
    explanation = (
        f"Age in the narrative {age} minus age at diagnosis {at_diagnosis} is "
        f"{quantity(difference, 'years')}; Table I's disease duration is "
        f"{quantity(duration, 'years')}."
    )
    return Finding(
        quantity(difference, "years"),
        CONSISTENT if difference == duration else DISCREPANT,
        explanation,
        cells,
        value=float(difference),
        unit="years",
        derivation="age_in_narrative_years minus age_at_diagnosis_years",
    )


def bone_density_pair(dataset: IndexedDataset, patient_id: int) -> tuple[Row, Row]:
    # (patient_id, timepoint) is the key of bone_density.csv: one row per timepoint.
    rows = {row["timepoint"]: row for row in dataset.bone_density.get(patient_id, [])}
    if not {"pre", "post"} <= set(rows):
        raise NotCheckable(f"patient {patient_id} lacks a bone density before or after pamidronate")
    # A measurement recorded as missing (casereport.missing) is lacking too.
    if any(missing(rows[p][c]) for p in ("pre", "post") for c in ("bmd_g_cm2", "z_score")):
        raise NotCheckable(f"patient {patient_id}'s bone density is recorded as missing")
    return rows["pre"], rows["post"]


@check("bmd_improved_all", expected=True)
def bmd_improved_all(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Bone density (g/cm² and z-score) rose in every patient, and they number as published."""
    improved, exceptions, cells, lacking = [], [], [], []
    for patient_id in patient_ids(dataset):
        try:
            pre, post = bone_density_pair(dataset, patient_id)
        except NotCheckable as reason:
            lacking.append(str(reason))
            continue
        cells += [
            cell(dataset, "bone_density", r, c)
            for r in (pre, post)
            for c in ("bmd_g_cm2", "z_score")
        ]
        rose = post["bmd_g_cm2"] > pre["bmd_g_cm2"] and post["z_score"] > pre["z_score"]
        (improved if rose else exceptions).append(f"patient {patient_id}")
    if lacking or not improved + exceptions:
        raise NotCheckable("the claim is about every patient; " + ("; ".join(lacking) or "none"))
    how = (
        f"BMD and z-score rose in {len(improved)} of "
        f"{counted(len(improved) + len(exceptions), 'patient')}"
    )
    if exceptions:
        how += f" (not in {join_words(exceptions)})"
    derivation = "patients whose BMD and z-score after pamidronate both exceed those before"
    finding = numeric_finding(claim, float(len(improved)), how, cells, derivation)
    return all_or_discrepant(finding, exceptions)


def interval_words(row: pd.Series) -> str:
    """A category's z-score interval: 'z > −1', '−2 < z ≤ −1', 'z ≤ −2'."""
    lower = (
        ""
        if missing(row["z_lower"])
        else (f"{recorded(row['z_lower'])} {'≤' if row['z_lower_inclusive'] else '<'} ")
    )
    upper = (
        ""
        if missing(row["z_upper"])
        else (f" {'≤' if row['z_upper_inclusive'] else '<'} {recorded(row['z_upper'])}")
    )
    if lower and not upper:  # read "z > -1" rather than "-1 < z"
        return f"z {'≥' if row['z_lower_inclusive'] else '>'} {recorded(row['z_lower'])}"
    return f"{lower}z{upper}"


def bmd_category(categories: pd.DataFrame, z: float) -> pd.Series:
    """The row of bmd_categories.csv whose z-score interval holds z
    (casereport.clinical.bmd_category)."""
    try:
        name = category_of_z(z, categories)
    except ValueError:
        raise NotCheckable(f"no bone density category holds the z-score {recorded(z)}") from None
    return categories[categories["category"] == name].iloc[0]


@check("bmd_category", patient="required")
def bmd_category_before_after(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Rebuilt and shown, but not checkable: the paper defines the categories and never says
    which one a patient was in, so there is no statement to test."""
    pre, post = bone_density_pair(dataset, claim.patient_id)
    categories = dataset["bmd_categories"]
    before, after = (bmd_category(categories, float(r["z_score"])) for r in (pre, post))
    cells = [cell(dataset, "bone_density", r, "z_score") for r in (pre, post)]
    cells += [
        cell(dataset, "bmd_categories", r, c)
        for r in (before, after)
        for c in ("z_lower", "z_upper")
    ]
    explanation = (
        "The paper defines the categories but never places a patient in one. Here the z-score "
        f"{recorded(pre['z_score'])} before is '{before['category']}' ({interval_words(before)}) "
        f"and {recorded(post['z_score'])} after is '{after['category']}' ({interval_words(after)})."
    )
    rebuilt = f"{before['category']} → {after['category']}"
    return Finding(rebuilt, NOT_CHECKABLE, explanation, unique(cells))


@check("lab_values_reported", arguments=("analytes",))
def lab_values_reported(dataset: IndexedDataset, claim: Claim) -> Finding:
    """A statement about analytes the data may not have. Even with their values, 'no significant
    change' is not checkable: the paper names no test to repeat."""
    wanted = claim.argument_list("analytes")
    analytes = dataset["analytes"]
    known = list(analytes["analyte"])
    cells = cells_of(dataset, "analytes", analytes, ["analyte"])
    absent = [a for a in wanted if a not in known]
    if absent:
        raise NotCheckable(
            f"the data have no {join_words(absent, 'or')} values "
            f"({file_name(dataset, 'analytes')} lists {join_words(known)})",
            unique(cells),
        )
    labs = dataset["labs"]
    rows = labs[labs["analyte"].isin(wanted)]
    raise NotCheckable(
        f"{join_words(wanted)} values are recorded, but the paper names no test of significance",
        unique(cells + cells_of(dataset, "labs", rows, ["value"])),
    )


def reactions_by_patient_and_course(events: pd.DataFrame) -> dict[tuple[int, int], list[Row]]:
    """(patient_id, pamidronate_course) -> the rows (symptoms) of that reaction, in ascending
    order of patient and course. Rows lacking either are left out, as pandas' groupby leaves them
    out; grouping plain rows avoids building a sub-frame per reaction."""
    reactions: dict[tuple[int, int], list[Row]] = {}
    for row in table_rows(events):
        key = (row["patient_id"], row["pamidronate_course"])
        if not any(missing(part) for part in key):
            reactions.setdefault(key, []).append(row)
    return dict(sorted(reactions.items(), key=lambda item: item[0]))


@check("adverse_reactions", patient="optional", expected=True, arguments=("course",))
def adverse_reactions(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Adverse reactions: one per patient and course (each symptom of a reaction is a row of
    adverse_events.csv); they must be the published patient's, after the published course, and
    must not have recurred."""
    events = dataset["adverse_events"]
    columns = ("patient_id", "pamidronate_course", "event", "recurred")
    cells = cells_of(dataset, "adverse_events", events, columns)
    reactions = reactions_by_patient_and_course(events)
    described, exceptions = [], []
    course = int(claim.arguments["course"])
    for (patient_id, after_course), symptoms in reactions.items():
        recurred = any(is_true(r["recurred"]) for r in symptoms)
        described.append(
            f"patient {patient_id} after course {after_course}: "
            f"{join_words(r['event'] for r in symptoms)}, "
            + ("recurred" if recurred else "did not recur")
        )
        if claim.patient_id is not None and int(patient_id) != claim.patient_id:
            exceptions.append(f"a reaction in patient {patient_id}")
        if int(after_course) != course:
            exceptions.append(f"a reaction after course {after_course}")
        if recurred:
            exceptions.append(f"patient {patient_id}'s reaction recurred")
    how = f"reactions in {file_name(dataset, 'adverse_events')}"
    if described:
        how += f" ({'; '.join(described)})"
    derivation = "adverse_events rows grouped by patient and pamidronate course"
    finding = numeric_finding(claim, float(len(reactions)), how, cells, derivation)
    if exceptions and finding.status == CONSISTENT:
        explanation = f"The paper says {claim.published}; the data have {join_words(exceptions)}."
        return replace(finding, status=DISCREPANT, explanation=explanation)
    return finding


# --- which dataset the claims describe -----------------------------------------------------------

# The check whose claim names the article (title, journal, year) the claims describe. When the
# data's publication.csv names another one, none of the claims applies to them.
IDENTITY_CHECK = "article_identity"
IDENTITY_FIELDS = {"title": "title", "journal": "journal_abbreviation", "year": "year"}


def _same_words(a, b) -> bool:
    """Equal but for case and spacing (a title is transcribed, not computed)."""
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


def _article_words(values: dict[str, str]) -> str:
    return f"“{values['title']}” ({values['journal']}, {values['year']})"


@check(IDENTITY_CHECK, arguments=tuple(IDENTITY_FIELDS))
def article_identity(dataset: IndexedDataset, claim: Claim) -> Finding:
    """The data are the article's: publication.csv names its title, journal and year."""
    publication = dataset["publication"]
    name = file_name(dataset, "publication")
    if len(publication) != 1:
        raise NotCheckable(f"{name} has {len(publication)} rows, not one article")
    row = publication.iloc[0]
    cells = tuple(cell(dataset, "publication", row, c) for c in IDENTITY_FIELDS.values())
    data = {key: "" if missing(row[c]) else str(row[c]) for key, c in IDENTITY_FIELDS.items()}
    claimed = {key: claim.arguments[key] for key in IDENTITY_FIELDS}
    if all(_same_words(data[k], claimed[k]) for k in IDENTITY_FIELDS):
        explanation = f"{name} names the article these claims describe: title, journal and year."
        return Finding("the same article", CONSISTENT, explanation, cells)
    explanation = (
        f"The article's claims are not applicable to these data: {name} describes "
        f"{_article_words(data)}, not the article the claims describe, {_article_words(claimed)}."
    )
    return Finding("another dataset", NOT_APPLICABLE, explanation, cells)


def not_applicable(claims: list[Claim], identity: Finding) -> dict[str, Finding]:
    """Every claim's finding on data the claims do not describe: one reason, said once per row."""
    explanation = identity.explanation
    if identity.status != NOT_APPLICABLE:  # the data could not be matched at all
        explanation = (
            "The article's claims are not applicable to these data: "
            f"{explanation[:1].lower()}{explanation[1:]}"
        )
    reason = replace(identity, status=NOT_APPLICABLE, rebuilt="", explanation=explanation)
    return {claim.claim_id: reason for claim in claims}


# --- running the audit --------------------------------------------------------------------------


def audit_claim(dataset: Dataset | IndexedDataset, claim: Claim) -> Finding:
    """Run one claim's check; a claim the data cannot settle comes out 'not checkable'."""
    dataset = index_dataset(dataset)
    try:
        if claim.patient_id is not None:
            patient_record(dataset, claim.patient_id)  # a missing patient is not checkable
        return CHECKS[claim.check].function(dataset, claim)
    except NotCheckable as reason:
        return Finding("", NOT_CHECKABLE, capitalised(str(reason)) + ".", reason.cells)


def run_audit(dataset: Dataset | IndexedDataset, claims_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per claim, in the order of claims.csv (columns: AUDIT_COLUMNS)."""
    absent = [name for name in AUDIT_TABLES if name not in dataset.tables]
    if absent:
        raise KeyError(f"the audit needs the validated tables {', '.join(absent)}")
    dataset = index_dataset(dataset)  # once for all claims
    claims = parse_claims(claims_frame)
    findings: dict[str, Finding] = {}
    for identity in (c for c in claims if c.check == IDENTITY_CHECK):
        found = audit_claim(dataset, identity)
        if found.status != CONSISTENT:  # another article's data, or none named
            findings = not_applicable(claims, found)
    rows = []
    for claim in claims:
        finding = findings.get(claim.claim_id) or audit_claim(dataset, claim)
        numeric = finding.value is not None
        rows.append(
            {
                "claim_id": claim.claim_id,
                "statement": claim.statement,
                "location": claim.location,
                "published": claim.published,
                "rebuilt": finding.rebuilt,
                "status": finding.status,
                "explanation": finding.explanation,
                "sources": SOURCES_SEPARATOR.join(finding.sources),
                "rebuilt_value": machine_number(finding.value) if numeric else "",
                "rebuilt_unit": finding.unit if numeric else "",
                "derivation": finding.derivation if numeric else "",
            }
        )
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS, dtype="string")


def write_audit_csv(results: pd.DataFrame, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(AUDIT_COLUMNS)
        for _, row in results.iterrows():
            writer.writerow(["" if pd.isna(row[c]) else row[c] for c in AUDIT_COLUMNS])


def read_audit_csv(path: Path | str) -> pd.DataFrame:
    return restore_frame(pd.read_csv(path, dtype="string", keep_default_na=False))


def split_cell(text: str) -> tuple[str, int, str]:
    """'data/raw/treatments.csv:5:start_month' -> (file, 5, column)."""
    file, line, column = text.rsplit(":", 2)
    return file, int(line), column


def number_sources(sources: list[str]) -> tuple[str, str, str, list[str]]:
    """(source_file, source_line, source_column, cells left out) of a ledger Number.

    The ledger (and `casereport trace`) reads every column of `source_column` on every line of
    `source_line`; `source_file` is one file, or one per line. So a Number holds the lines that
    read the same columns as its first line; any other cell (such as the publication date a
    course count runs up to) is returned to be named in the derivation instead.
    """
    columns_by_line: dict[tuple[str, int], list[str]] = {}
    for file, line, column in (split_cell(s) for s in sources):
        columns = columns_by_line.setdefault((file, line), [])
        if column not in columns:
            columns.append(column)
    shared = next(iter(columns_by_line.values()))
    kept = [key for key, columns in columns_by_line.items() if set(columns) == set(shared)]
    kept_keys = set(kept)  # a set: a claim over a whole series reads tens of thousands of lines
    left_out = [
        f"{file}:{line}:{column}"
        for (file, line), columns in columns_by_line.items()
        if (file, line) not in kept_keys
        for column in columns
    ]
    files = list(dict.fromkeys(file for file, _ in kept))
    return (
        files[0] if len(files) == 1 else ";".join(file for file, _ in kept),
        ";".join(str(line) for _, line in kept),
        ";".join(shared),
        left_out,
    )


def audit_numbers(dataset: Dataset, results: pd.DataFrame) -> list[Number]:
    """Ledger numbers for the numeric rebuilt values, `audit.<claim_id>.rebuilt`, each pointing at
    the raw cells it was computed from."""
    known_files = {dataset.source_file(name) for name in dataset.tables}
    numbers = []
    for _, row in results.iterrows():
        value = "" if pd.isna(row["rebuilt_value"]) else str(row["rebuilt_value"])
        if not value:
            continue
        sources = [s for s in str(row["sources"]).split(SOURCES_SEPARATOR) if s]
        foreign = sorted({split_cell(s)[0] for s in sources} - known_files)
        if foreign or not sources:
            raise ValueError(
                f"audit claim {row['claim_id']}: its sources {foreign or '(none)'} are not raw "
                "files of the dataset"
            )
        source_file, source_line, source_column, left_out = number_sources(sources)
        derivation = str(row["derivation"])
        if left_out:
            derivation += f"; also reads {', '.join(left_out)}"
        numbers.append(
            Number(
                id=f"audit.{row['claim_id']}.rebuilt",
                display=format_number(float(value)),
                value=value,
                unit=str(row["rebuilt_unit"]),
                source_file=source_file,
                source_line=source_line,
                source_column=source_column,
                derivation=derivation,
            )
        )
    return numbers


def summary(results: pd.DataFrame) -> str:
    counts = results["status"].value_counts()
    return f"{len(results)} claims: " + ", ".join(
        f"{int(counts.get(status, 0))} {status}" for status in STATUSES
    )
