"""Layer 3: cross-field rules, the facts a Table Schema cannot express: the general ones.

These rules hold for any case report's data, and are declared against the general data model: a
rule selects the tables that have the fields it reads (a dose and its unit, a start and an end,
missing_reason), or a table of the general model by name (publication, references), so a project
made by `casereport new` runs them on its own tables. A rule that reads a table the data package
does not have does not apply (registry.py).

What only one article needs (this repository's: calcinosis, pamidronate courses, bone-density
bands) is not here: it lives in the project, in the Python file its config key
`validation_rules` names (workflow/article/validation_rules.py), and `rule_set` adds it.

How a rule is written, selected and run: registry.py. Messages quote cells as written
(`table.cell`). The Snakefile imports this module (through deps.py) on every run, so it imports
nothing heavy: the pandas it uses comes with the frames it is given.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from decimal import Decimal, InvalidOperation

from casereport.validation.registry import (
    CheckedTable,
    ExtensionError,
    Finding,
    Rule,
    RuleSet,
    Tables,
    by_patient,
    is_na,
    load_extension,
    publication_value,
    tables_with_field,
    tables_with_fields,
    tables_with_types,
    where,
)

__all__ = [  # what a project's rules file imports from here
    "CheckedTable",
    "ExtensionError",
    "Finding",
    "RULES",
    "Rule",
    "RuleSet",
    "Tables",
    "by_patient",
    "check_rules",
    "is_na",
    "publication_value",
    "rule_set",
    "rules_for",
    "tables_with_field",
    "tables_with_fields",
    "tables_with_types",
    "where",
]

GENERAL = RuleSet()
RULES: list[Rule] = GENERAL.rules  # the general rules, in the order they are declared
rule = GENERAL.rule


def rule_set(extension: str | os.PathLike | None = None) -> tuple[Rule, ...]:
    """The general rules, plus the project's own when its config names a rules file."""
    return tuple(RULES) + (load_extension(extension) if extension else ())


def rules_for(
    resource: dict, package_tables: Collection[str], rules: Collection[Rule] | None = None
) -> list[Rule]:
    """The rules (default: the general ones) that check `resource` in a data package with
    these tables."""
    return [r for r in (RULES if rules is None else rules) if r.applies(resource, package_tables)]


def check_rules(
    table: CheckedTable,
    tables: Tables,
    package_tables: Collection[str],
    rules: Collection[Rule] | None = None,
) -> list[Finding]:
    """Run every rule for `table` whose tables are all readable (`tables`)."""
    if not table.complete:
        return []
    findings: list[Finding] = []
    for registered in rules_for(table.resource, package_tables, rules):
        if all(name in tables for name in registered.reads):
            findings.extend(registered.check(table, tables))
    return findings


# --- starts, ends, doses ------------------------------------------------------------------------

# The start and end of something that lasts, as the general model names them.
PERIODS = (("start_month", "end_month"), ("start_date", "end_date"))


def _has_a_period(resource: dict) -> bool:
    return any(tables_with_fields(*period)(resource) for period in PERIODS)


def _ends_before_starts(table: CheckedTable, periods) -> Iterator[Finding]:
    """One finding per row whose end column is before its start column, for each (start, end)
    pair of `periods` the table has: the one home of the rule "end-before-start"."""
    rows = table.typed
    for start, end in periods:
        if start not in rows or end not in rows:
            continue
        for line in where(rows[end] < rows[start]):
            yield table.finding(
                line,
                end,
                "end-before-start",
                f"{end} {table.cell(line, end)} is before {start} {table.cell(line, start)}",
            )


@rule(checks=_has_a_period)
def end_not_before_start(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table with a start and an end: nothing ends before it starts (end >= start)."""
    yield from _ends_before_starts(table, PERIODS)


@rule(checks=tables_with_fields("dose", "dose_upper"))
def dose_upper_not_below_dose(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table with a dose range: its upper bound is not below its lower bound (dose)."""
    rows = table.typed
    for line in where(rows["dose_upper"] < rows["dose"]):
        yield table.finding(
            line,
            "dose_upper",
            "range-reversed",
            f"dose_upper {table.cell(line, 'dose_upper')} is below dose {table.cell(line, 'dose')}",
        )


@rule(checks=tables_with_fields("dose", "dose_unit"))
def dose_has_unit(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table with doses: a dose has a dose_unit, and a dose_unit has a dose."""
    rows = table.typed
    for line in where(rows["dose"].notna() & rows["dose_unit"].isna()):
        yield table.finding(
            line, "dose_unit", "dose-unit", f"dose {table.cell(line, 'dose')} has no dose_unit"
        )
    for line in where(rows["dose"].isna() & rows["dose_unit"].notna()):
        yield table.finding(
            line,
            "dose_unit",
            "dose-unit",
            f"dose_unit {table.cell(line, 'dose_unit')} is given but dose is empty",
        )


# --- dates and the publication ------------------------------------------------------------------

STUDY_PERIOD = ("study_period_start", "study_period_end")
PUBLICATION_PERIODS = (("received", "accepted"), STUDY_PERIOD)


@rule(checks=tables_with_types("date", "yearmonth"), reads=["publication"])
def dates_inside_study_period(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table: each date and year-month lies inside publication.csv's study period."""
    publication = tables["publication"]
    if len(publication.typed) != 1 or not set(STUDY_PERIOD) <= set(publication.typed):
        return  # publication_has_one_row reports it
    period = publication.typed.iloc[0]
    start, end = period["study_period_start"], period["study_period_end"]
    if is_na(start) or is_na(end) or end < start:
        return  # no usable period: publication's own checks say why
    shown = f"the study period {start} to {end} ({publication.path})"
    for field in table.resource["schema"]["fields"]:
        name = field["name"]
        if field.get("type") not in ("date", "yearmonth") or name in STUDY_PERIOD:
            continue
        month = table.typed[name]
        if field["type"] == "date":
            month = month.str.slice(0, 7)  # YYYY-MM-DD -> YYYY-MM
        for line in where(month < start):
            yield table.finding(
                line,
                name,
                "outside-study-period",
                f"{name} {table.cell(line, name)} is before {shown}",
            )
        for line in where(month > end):
            yield table.finding(
                line,
                name,
                "outside-study-period",
                f"{name} {table.cell(line, name)} is after {shown}",
            )


def _treatments_by_month(resource: dict) -> bool:
    return resource["name"] == "treatments" and tables_with_fields(*PERIODS[0])(resource)


@rule(checks=_treatments_by_month, reads=["publication"])
def treatments_not_after_time_of_writing(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: no exposure starts or ends after publication.csv's time_of_writing."""
    writing = publication_value(tables, "time_of_writing")
    end = publication_value(tables, "study_period_end")
    if writing is None or end is None:
        return  # publication's own checks say why
    for name in PERIODS[0]:
        # A month after the study period is reported once, by dates_inside_study_period.
        month = table.typed[name]
        for line in where((month > writing) & (month <= end)):
            yield table.finding(
                line,
                name,
                "after-time-of-writing",
                f"{name} {table.cell(line, name)} is after the time of writing {writing} "
                f"({tables['publication'].path})",
            )


@rule(checks="publication")
def publication_has_one_row(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """publication: the file describes one publication, in one row."""
    for line in table.typed.index[1:]:
        yield table.finding(
            line, None, "row-count", f"publication.csv must have one row; line {line} is another"
        )


@rule(checks="publication")
def publication_dates_in_order(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """publication: received is not after accepted, study_period_start not after its end."""
    yield from _ends_before_starts(table, PUBLICATION_PERIODS)


# --- missing values -----------------------------------------------------------------------------

MISSING_REASON = "missing_reason"  # casereport.missing reads the same column


@rule(checks=tables_with_field(MISSING_REASON))
def missing_value_has_a_reason(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table with missing_reason: a measurement is empty exactly when missing_reason says
    why (a missing value is recorded with its reason, never left out silently)."""
    from casereport.missing import measured_columns  # light module; no cycle at import time

    reason = table.typed[MISSING_REASON].notna()
    columns = [c for c in measured_columns(table.resource) if c in table.text]
    for name in columns:
        for line in where((table.text[name] == "") & ~reason):
            yield table.finding(
                line,
                name,
                "missing-without-reason",
                f"{name} is empty but {MISSING_REASON} is empty too: say why it is missing",
            )
    # A reason covers every measurement of its row: one finding per row that records one anyway.
    reported: set[int] = set()
    for name in columns:
        for line in where((table.text[name] != "") & reason):
            if line in reported:
                continue
            reported.add(line)
            yield table.finding(
                line,
                MISSING_REASON,
                "reason-for-a-value",
                f"{MISSING_REASON} {table.cell(line, MISSING_REASON)} is given but {name} "
                f"{table.cell(line, name)} is recorded",
            )


# --- references ---------------------------------------------------------------------------------


@rule(checks=tables_with_field("reference_numbers"), reads=["references"])
def reference_numbers_exist(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table: each number in a reference_numbers cell (';'-separated) is in references.csv."""
    references = tables["references"]
    if "reference_number" not in references.typed:
        return  # a bibliography numbered otherwise: the dictionary's foreign keys check it
    known = {int(n) for n in references.typed["reference_number"].dropna()}
    for line, cell in table.typed["reference_numbers"].dropna().items():
        numbers = [part for part in cell.split(";") if part.isdigit()]  # others: pattern finding
        unknown = [n for n in numbers if int(n) not in known]
        if unknown:
            listed = ", ".join(unknown)
            noun = "reference" if len(unknown) == 1 else "references"
            yield table.finding(
                line,
                "reference_numbers",
                "unknown-reference",
                f"{noun} {listed} not in {references.path}",
            )


@rule(checks=tables_with_fields("reference_number", "duplicate_of"))
def duplicate_is_an_earlier_reference(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """references: duplicate_of names an earlier reference (curation log 24)."""
    rows = table.typed
    for line in where(rows["duplicate_of"] >= rows["reference_number"]):
        yield table.finding(
            line,
            "duplicate_of",
            "duplicate-not-earlier",
            f"duplicate_of {table.cell(line, 'duplicate_of')} is not before reference_number "
            f"{table.cell(line, 'reference_number')}; a repeat points at the first occurrence",
        )


# --- precision ----------------------------------------------------------------------------------

DECIMALS = "decimals"  # the field property casereport.formatting.field_decimals reads


def _decimal_places(field: dict) -> int | None:
    """A number field's `decimals`, or None when it has none (or not a whole number >= 0: the
    descriptor check, schema.descriptor_problems, reports that)."""
    places = field.get(DECIMALS)
    if field.get("type") != "number" or isinstance(places, bool) or not isinstance(places, int):
        return None
    return places if places >= 0 else None


def _has_decimals(resource: dict) -> bool:
    return any(_decimal_places(field) is not None for field in resource["schema"]["fields"])


def places_written(cell: str) -> int:
    """Decimal places of a number as written, trailing zeros aside: '0.680' 2, '1.5e-3' 4."""
    try:
        exponent = Decimal(cell).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0  # not a number: the type check reports it
    return max(0, -exponent) if isinstance(exponent, int) else 0


@rule(checks=_has_decimals)
def value_within_its_decimals(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every number field with `decimals`: a recorded value has no more decimal places than that."""
    # Why: `decimals` is the precision the report shows a change computed from the field with
    # (casereport.formatting). The difference of two values with at most that many places is exact
    # at that many places; a finer value would be shown rounded, so that a rise of 0.4 could read
    # "rose: 0" and a change would not be the difference of the two values printed beside it.
    for field in table.resource["schema"]["fields"]:
        name, places = field["name"], _decimal_places(field)
        if places is None or name not in table.text:
            continue
        cells = table.text[name]
        recorded = table.typed[name].notna()
        # A nonzero digit after the first `places` decimals, or an exponent (rare: read exactly
        # below); one pass of one pattern over the column, which may have a million cells.
        maybe_finer = cells.str.contains(rf"\.[0-9]{{{places}}}[0-9]*[1-9]|[eE]", regex=True)
        for line in where(recorded & maybe_finer):
            cell = table.cell(line, name)
            written = places_written(cell)
            if written <= places:
                continue
            yield table.finding(
                line,
                name,
                "too-many-decimals",
                f"{name} {cell} has {written} decimal {'place' if written == 1 else 'places'}; "
                f"the dictionary's decimals for "
                f"{name} is {places}, the places a change computed from it is shown with "
                "(round the value, or raise decimals in the dictionary)",
            )
