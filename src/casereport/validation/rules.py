"""Layer 3: cross-field rules, the facts a Table Schema cannot express.

Each rule is a small function `check(table, tables)` that yields a Finding per offending row:
`table` is the table it checks, `tables` every readable table by name. Its docstring's first line
says what it checks. `@rule(checks=..., reads=...)` registers it with
* `checks`: the tables whose rows it checks: names, or a selector such as `tables_with_types`;
* `reads`: the other tables it reads. deps.py turns these into the raw files a Snakemake
  validation job depends on, so editing analytes.csv revalidates labs.csv.

A rule runs only when every table it needs has all the dictionary's columns (checker.py). It sees
parsed values in `table.typed`, where empty and invalid cells are NA: `where(mask)` treats NA as
false, so a rule never reports a cell the schema checks have already reported. Messages quote
cells as written (`table.cell`).

The Snakefile imports this module (through deps.py) on every run, so it imports nothing heavy:
the pandas it uses comes with the frames it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from casereport.validation.report import Finding
from casereport.validation.table import CheckedTable, where

Tables = Mapping[str, CheckedTable]
Check = Callable[[CheckedTable, Tables], Iterable[Finding]]
Selector = Callable[[dict], bool]  # resource descriptor -> whether a rule checks that table


@dataclass(frozen=True)
class Rule:
    check: Check
    applies_to: Selector
    reads: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def summary(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0]


RULES: list[Rule] = []


def rule(checks: str | Iterable[str] | Selector, reads: Iterable[str] = ()):
    """Register a rule for the tables it `checks`, declaring the other tables it `reads`."""
    if callable(checks):
        applies_to = checks
    else:
        names = frozenset([checks] if isinstance(checks, str) else checks)

        def applies_to(resource: dict) -> bool:
            return resource["name"] in names

    def register(check: Check) -> Check:
        RULES.append(Rule(check, applies_to, tuple(reads)))
        return check

    return register


def tables_with_types(*types: str) -> Selector:
    """Selects every table that has a field of one of these types."""
    return lambda resource: any(
        field.get("type") in types for field in resource["schema"]["fields"]
    )


def tables_with_field(name: str) -> Selector:
    """Selects every table that has a field of this name."""
    return lambda resource: any(field["name"] == name for field in resource["schema"]["fields"])


def rules_for(resource: dict) -> list[Rule]:
    return [r for r in RULES if r.applies_to(resource)]


def check_rules(table: CheckedTable, tables: Tables) -> list[Finding]:
    """Run every rule registered for `table` whose tables are all readable."""
    if not table.complete:
        return []
    findings: list[Finding] = []
    for registered in rules_for(table.resource):
        if all(name in tables for name in registered.reads):
            findings.extend(registered.check(table, tables))
    return findings


# --- treatments ---------------------------------------------------------------------------------


@rule(checks="treatments")
def end_month_not_before_start_month(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: an exposure does not end before it starts (end_month >= start_month)."""
    rows = table.typed
    for line in where(rows["end_month"] < rows["start_month"]):
        yield table.finding(
            line,
            "end_month",
            "end-before-start",
            f"end_month {table.cell(line, 'end_month')} is before "
            f"start_month {table.cell(line, 'start_month')}",
        )


@rule(checks="treatments")
def dose_upper_not_below_dose(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: the upper bound of a dose range is not below its lower bound (dose)."""
    rows = table.typed
    for line in where(rows["dose_upper"] < rows["dose"]):
        yield table.finding(
            line,
            "dose_upper",
            "range-reversed",
            f"dose_upper {table.cell(line, 'dose_upper')} is below dose {table.cell(line, 'dose')}",
        )


@rule(checks="treatments")
def dose_has_unit(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: a dose has a dose_unit, and a dose_unit has a dose."""
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


@rule(checks="treatments")
def later_interval_needs_end_month(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: later_interval_months is given only with an end_month (curation log 10).

    The later interval is the schedule after end_month; without an end month it has no start.
    """
    rows = table.typed
    for line in where(rows["later_interval_months"].notna() & rows["end_month"].isna()):
        yield table.finding(
            line,
            "later_interval_months",
            "later-interval-without-end",
            f"later_interval_months {table.cell(line, 'later_interval_months')} is given but "
            "end_month is empty; the later interval starts after end_month",
        )


@rule(checks="treatments")
def ongoing_exposure_has_not_ended(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: an ongoing exposure with an end_month continues on a later interval.

    An end_month on an ongoing drug marks a change of schedule, not a stop (curation log 10), and
    later_interval_months says what the schedule became.
    """
    rows = table.typed
    ended = rows["end_month"].notna() & rows["later_interval_months"].isna()
    for line in where(rows["ongoing"] & ended):
        yield table.finding(
            line,
            "ongoing",
            "ongoing-after-end",
            f"ongoing is {table.cell(line, 'ongoing')} but the exposure ends in end_month "
            f"{table.cell(line, 'end_month')} and later_interval_months is empty",
        )


@rule(checks="treatments", reads=["patients", "publication"])
def pamidronate_ongoing_agrees(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: study drug rows agree with the patient's pamidronate_ongoing (patients.csv).

    A patient still on the study drug (publication.csv `study_drug`) has an ongoing row of it;
    one who stopped has none.
    """
    patients = tables["patients"]
    said_ongoing = _by_patient(patients, "pamidronate_ongoing")
    study_drug = _publication_value(tables, "study_drug")
    if study_drug is None:
        return  # publication's own checks say why
    rows = table.typed[(table.typed["drug"] == study_drug).fillna(False)]
    said = rows["patient_id"].map(said_ongoing)  # NA: unknown patient (a foreign-key finding)
    ongoing = rows["ongoing"].fillna(False)
    patient = rows["patient_id"]
    any_ongoing = ongoing.groupby(patient).transform("any")
    line = rows.index.to_series(index=rows.index)
    is_last = line == line.groupby(patient).transform("max")
    stopped_but_ongoing = said.eq(False) & ongoing
    ongoing_but_none = said.eq(True) & ~any_ongoing & is_last  # report the patient's last row
    for line in where(stopped_but_ongoing | ongoing_but_none):
        patient_flag = "true" if said[line] else "false"
        yield table.finding(
            line,
            "ongoing",
            "pamidronate-ongoing",
            f"ongoing is {table.cell(line, 'ongoing')} but {patients.path} gives patient "
            f"{table.cell(line, 'patient_id')} pamidronate_ongoing {patient_flag}",
        )


# --- dates --------------------------------------------------------------------------------------

STUDY_PERIOD = ("study_period_start", "study_period_end")


@rule(checks=tables_with_types("date", "yearmonth"), reads=["publication"])
def dates_inside_study_period(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table: each date and year-month lies inside publication.csv's study period."""
    publication = tables["publication"]
    if len(publication.typed) != 1:
        return  # publication_has_one_row reports it
    period = publication.typed.iloc[0]
    start, end = period["study_period_start"], period["study_period_end"]
    if _is_na(start) or _is_na(end) or end < start:
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


@rule(checks="treatments", reads=["publication"])
def treatments_not_after_time_of_writing(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """treatments: no exposure starts or ends after publication.csv's time_of_writing."""
    writing = _publication_value(tables, "time_of_writing")
    end = _publication_value(tables, "study_period_end")
    if writing is None or end is None:
        return  # publication's own checks say why
    for name in ("start_month", "end_month"):
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


def _publication_value(tables: Tables, column: str):
    """The one publication row's value of a column; None when it cannot be read."""
    publication = tables.get("publication")
    if publication is None or len(publication.typed) != 1 or column not in publication.typed:
        return None
    value = publication.typed.iloc[0][column]
    return None if _is_na(value) else value


# --- missing values -----------------------------------------------------------------------------

# Tables whose measurements may be recorded as missing, and the columns that hold them
# (casereport.missing reads the same table).
MISSING_REASON = "missing_reason"


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


# --- publication --------------------------------------------------------------------------------


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
    rows = table.typed
    for first, last in [("received", "accepted"), STUDY_PERIOD]:
        for line in where(rows[last] < rows[first]):
            yield table.finding(
                line,
                last,
                "end-before-start",
                f"{last} {table.cell(line, last)} is before {first} {table.cell(line, first)}",
            )


# --- patients -----------------------------------------------------------------------------------


@rule(checks="patients")
def disease_duration_is_age_difference(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: age_in_narrative_years − age_at_diagnosis_years = disease_duration_years.

    The narrative gives each patient's age when written and at diagnosis; Table I gives the
    duration. The paper implies the three agree for every patient.
    """
    rows = table.typed
    difference = rows["age_in_narrative_years"] - rows["age_at_diagnosis_years"]
    for line in where(difference != rows["disease_duration_years"]):
        narrative = table.cell(line, "age_in_narrative_years")
        diagnosis = table.cell(line, "age_at_diagnosis_years")
        yield table.finding(
            line,
            "disease_duration_years",
            "disease-duration",
            f"disease_duration_years {table.cell(line, 'disease_duration_years')} is not "
            f"age_in_narrative_years {narrative} − age_at_diagnosis_years {diagnosis} "
            f"= {difference[line]}",
        )


@rule(checks="patients")
def calcinosis_onset_min_not_above_max(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: calcinosis_onset_min_years is not above calcinosis_onset_max_years."""
    rows = table.typed
    for line in where(rows["calcinosis_onset_max_years"] < rows["calcinosis_onset_min_years"]):
        yield table.finding(
            line,
            "calcinosis_onset_max_years",
            "range-reversed",
            f"calcinosis_onset_max_years {table.cell(line, 'calcinosis_onset_max_years')} is "
            f"below calcinosis_onset_min_years {table.cell(line, 'calcinosis_onset_min_years')}",
        )


@rule(checks="patients")
def follow_up_only_after_stopping(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """patients: follow_up_after_pamidronate_years is given only when pamidronate was stopped."""
    rows = table.typed
    for line in where(
        rows["follow_up_after_pamidronate_years"].notna() & rows["pamidronate_ongoing"]
    ):
        yield table.finding(
            line,
            "follow_up_after_pamidronate_years",
            "follow-up-while-ongoing",
            "follow_up_after_pamidronate_years "
            f"{table.cell(line, 'follow_up_after_pamidronate_years')} is given but "
            f"pamidronate_ongoing is {table.cell(line, 'pamidronate_ongoing')}",
        )


# --- labs and adverse events --------------------------------------------------------------------


@rule(checks="labs", reads=["analytes"])
def lab_unit_is_analyte_unit(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """labs: a value's unit is its analyte's unit in analytes.csv.

    An analyte missing from analytes.csv is a foreign-key finding, not reported again here.
    """
    analytes = tables["analytes"]
    units = analytes.typed.dropna(subset=["analyte"]).drop_duplicates("analyte")
    units = units.set_index("analyte")["unit"]
    expected = table.typed["analyte"].map(units)
    unit = table.typed["unit"]
    expected_of = expected.to_dict()  # one lookup per bad row, not a Series index per row
    for line in where(expected.notna() & unit.notna() & (unit != expected)):
        yield table.finding(
            line,
            "unit",
            "unit-mismatch",
            f"unit {table.cell(line, 'unit')!r} is not {table.cell(line, 'analyte')}'s unit "
            f"{expected_of[line]!r} in {analytes.path}",
        )


@rule(checks="adverse_events", reads=["patients"])
def adverse_event_course_was_given(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """adverse_events: pamidronate_course is not after the patient's last course (patients.csv)."""
    patients = tables["patients"]
    given = table.typed["patient_id"].map(_by_patient(patients, "pamidronate_courses"))
    for line in where(table.typed["pamidronate_course"] > given):
        yield table.finding(
            line,
            "pamidronate_course",
            "course-beyond-total",
            f"pamidronate_course {table.cell(line, 'pamidronate_course')} is after the "
            f"{given[line]} courses {patients.path} gives patient "
            f"{table.cell(line, 'patient_id')}",
        )


@rule(checks="findings", reads=["patients"])
def finding_timing_fits_study_drug(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """findings: a finding placed while or after the study drug was given belongs to a patient
    who received it (pamidronate_courses > 0), and one placed after it was stopped to a patient
    no longer receiving it (pamidronate_ongoing false in patients.csv)."""
    patients = tables["patients"]
    patient = table.typed["patient_id"]
    courses = patient.map(_by_patient(patients, "pamidronate_courses"))
    ongoing = patient.map(_by_patient(patients, "pamidronate_ongoing"))
    timing = table.typed["timing"]
    for line in where(timing.isin(["during", "after"]) & (courses == 0)):
        yield table.finding(
            line,
            "timing",
            "timing-without-study-drug",
            f"timing {table.cell(line, 'timing')!r}, but {patients.path} gives patient "
            f"{table.cell(line, 'patient_id')} no course of the study drug",
        )
    for line in where((timing == "after") & (ongoing == True)):  # noqa: E712 (a pandas mask)
        yield table.finding(
            line,
            "timing",
            "after-ongoing-study-drug",
            f"timing 'after', but {patients.path} says patient "
            f"{table.cell(line, 'patient_id')} was still receiving the study drug",
        )


# --- references ---------------------------------------------------------------------------------


@rule(checks=tables_with_field("reference_numbers"), reads=["references"])
def reference_numbers_exist(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """every table: each number in a reference_numbers cell (';'-separated) is in references.csv."""
    references = tables["references"]
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


@rule(checks="references")
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


# --- background facts ---------------------------------------------------------------------------


@rule(checks="background_facts")
def value_upper_only_for_between(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """background_facts: value_upper is given exactly for 'between', and is not below value."""
    rows = table.typed
    between = rows["qualifier"] == "between"
    has_upper = rows["value_upper"].notna()
    for line in where(between & ~has_upper):
        yield table.finding(
            line, "value_upper", "between-bounds", "qualifier is 'between' but value_upper is empty"
        )
    for line in where(~between & has_upper & rows["qualifier"].notna()):
        yield table.finding(
            line,
            "value_upper",
            "between-bounds",
            f"value_upper {table.cell(line, 'value_upper')} is given but qualifier is "
            f"{table.cell(line, 'qualifier')!r}, not 'between'",
        )
    for line in where(rows["value_upper"] < rows["value"]):
        yield table.finding(
            line,
            "value_upper",
            "range-reversed",
            f"value_upper {table.cell(line, 'value_upper')} is below value "
            f"{table.cell(line, 'value')}",
        )


# --- bone density categories --------------------------------------------------------------------


@rule(checks="bmd_categories")
def bmd_categories_partition_z_scores(table: CheckedTable, tables: Tables) -> Iterator[Finding]:
    """bmd_categories: the categories cover every z-score exactly once (no gap, no overlap).

    Sorted by lower bound, the first category has no lower bound, the last no upper bound, and
    each upper bound is the next lower bound with exactly one of the two inclusive.
    """
    rows = table.typed
    for line in rows.index:  # a bound needs its inclusive flag, and only a bound has one
        for bound in ("z_lower", "z_upper"):
            flag = f"{bound}_inclusive"
            if _is_na(rows.at[line, bound]) != _is_na(rows.at[line, flag]):
                yield table.finding(
                    line,
                    flag,
                    "bmd-partition",
                    f"{bound} {table.cell(line, bound) or '(empty)'} and {flag} "
                    f"{table.cell(line, flag) or '(empty)'} must be both given or both empty",
                )
    ordered = rows.sort_values("z_lower", na_position="first")
    if ordered.empty:
        return
    first, last = ordered.index[0], ordered.index[-1]
    if not _is_na(ordered.at[first, "z_lower"]):
        yield table.finding(
            first,
            "z_lower",
            "bmd-partition",
            f"z-scores below {table.cell(first, 'z_lower')} belong to no category",
        )
    if not _is_na(ordered.at[last, "z_upper"]):
        yield table.finding(
            last,
            "z_upper",
            "bmd-partition",
            f"z-scores above {table.cell(last, 'z_upper')} belong to no category",
        )
    for below, above in zip(ordered.index[:-1], ordered.index[1:], strict=True):
        yield from _boundary_findings(table, below, above)


def _boundary_findings(table: CheckedTable, below: int, above: int) -> Iterator[Finding]:
    """Where category `below` ends and the next one, `above`, starts."""
    rows = table.typed
    upper, lower = rows.at[below, "z_upper"], rows.at[above, "z_lower"]
    names = (
        f"{table.cell(below, 'category')} (line {below}) and {table.cell(above, 'category')} "
        f"(line {above})"
    )
    if _is_na(lower):  # sorted with empty lower bounds first: two categories have none
        yield table.finding(
            above,
            "z_lower",
            "bmd-partition",
            f"{names} overlap: neither has a lower bound, which only the lowest category may lack",
        )
    elif _is_na(upper) or upper > lower:
        end = "no upper bound" if _is_na(upper) else f"z_upper {table.cell(below, 'z_upper')}"
        yield table.finding(
            above,
            "z_lower",
            "bmd-partition",
            f"{names} overlap: {end} is above z_lower {table.cell(above, 'z_lower')}",
        )
    elif upper < lower:
        yield table.finding(
            above,
            "z_lower",
            "bmd-partition",
            f"z-scores between {table.cell(below, 'z_upper')} and "
            f"{table.cell(above, 'z_lower')} belong to no category: a gap between {names}",
        )
    else:
        in_below = rows.at[below, "z_upper_inclusive"]
        in_above = rows.at[above, "z_lower_inclusive"]
        if _is_na(in_below) or _is_na(in_above) or in_below != in_above:
            return
        where_it_is = f"both {names}" if in_below else f"neither {names}"
        yield table.finding(
            above,
            "z_lower_inclusive",
            "bmd-partition",
            f"the z-score {table.cell(above, 'z_lower')} belongs to {where_it_is}: exactly one "
            "of z_upper_inclusive and the next z_lower_inclusive must be true",
        )


def _by_patient(patients: CheckedTable, column: str):
    """patients.csv's `column` by patient_id (a repeated id is a primary-key finding)."""
    rows = patients.typed.dropna(subset=["patient_id"]).drop_duplicates("patient_id")
    return rows.set_index("patient_id")[column]


def _is_na(value) -> bool:
    """Whether a parsed cell is missing (pandas NA or NaN), without importing pandas here."""
    if value is None or type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and value != value
