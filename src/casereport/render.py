"""The HTML report: jinja environment, the number helper, and the template context.

Templates never print a number themselves. They call `n(id)`, which looks the id up in the catalog
(the ledger of every number the report may show) and returns an element that carries the id, says
where the number comes from, and links to its line in the browsable copy of the raw file:

    <a class="number" data-number="labs.1.ESR.pre.value" href="sources/labs.csv.html#L2"
       title="data/raw/labs.csv, line 2, column value">13</a>

An unknown id fails the build (`UnknownNumberError`). Every call is recorded with the section it
appears in, so that rendering can write results/numbers.csv: the catalog rows the report showed.
Digits that are not data (figure numbers, line numbers in the appendix, free-text titles such as
"FK-506") go through `meta(...)`, which marks them `data-meta`.

Besides the catalog, the ledger used for rendering holds the rebuilt values of the reproduction
audit (`audit.<claim_id>.rebuilt`, casereport.audit) and, for a large series, the summary
statistics of the summarised tables (`summary.*`, casereport.summary).

A large series (more patients than `large_series_threshold`) keeps the report readable and its
size bounded: Tables I to III are summaries, and the case summaries and per-patient tables show the
first EXCERPT_PATIENTS patients (all of them are in results/tables/*.csv). The appendix then lists
every number the text shows, but only the first APPENDIX_PLOTTED_ROWS values each figure plots:
results/numbers.csv lists them all.
"""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from casereport import stages
from casereport.anchors import appendix_anchor  # also imported from here by pdf.py
from casereport.audit import (
    CONSISTENT,
    DISCREPANT,
    NOT_APPLICABLE,
    NOT_CHECKABLE,
    POSSIBLY_DISCREPANT,
    audit_numbers,
    read_audit_csv,
    unit_for,
)
from casereport.catalog import bmd_category, column_values
from casereport.catalog import rows as frame_rows
from casereport.clinical_findings import SECTION_HEADING as FINDINGS_HEADING
from casereport.clinical_findings import SECTION_ID as FINDINGS_SECTION
from casereport.clinical_findings import findings_context
from casereport.dataset import SOURCE_LINE, Dataset, load_dataset, read_datapackage
from casereport.formatting import capitalise_first, display_number, share_form
from casereport.ledger import Ledger, Number, cell_id
from casereport.model import FigureModel, Ref, TableModel, Text, figure_from_json
from casereport.sources import cell_href, page_name, source_href
from casereport.summary import ADVERSE_EVENTS_STEM, adverse_event_numbers
from casereport.tables import (
    EXCERPT_PATIENTS,  # defined with the tables, still importable from here
    LARGE_SERIES_THRESHOLD,
    build_table,
    per_patient_excerpt,
    summary_table,
)
from casereport.words import field_labels, route_abbreviations, study_drug, words_for

TEMPLATES_PACKAGE = "casereport"
ASSETS_DIR = Path(__file__).parent / "assets"

# Sections of the report in reading order: (HTML id, template, heading). Tables and figures are
# sections of their own so that numbers.csv can say "table2" or "figure-labs".
TEXT_SECTIONS_BEFORE_TABLES = ("summary", "background", "methods", "patients", FINDINGS_SECTION)
# The Results come between the tables and the figures: the figures follow the text that first
# names them (Figures R1 to R4 are named in the Results only), on the same or the next page.
TEXT_SECTIONS_AFTER_TABLES = ("outcomes",)
TEXT_SECTIONS_AFTER_FIGURES = ("audit", "care", "references")
# Only in a large series: the first patients' rows of the per-patient tables.
PATIENT_TABLES_SECTION = "patient_tables"
PATIENT_TABLES_ID = "patient-tables"

# A large series shows EXCERPT_PATIENTS (casereport.tables) patients one by one; its appendix
# lists this many of the values each figure plots (numbers.csv has all).
APPENDIX_PLOTTED_ROWS = 20
# A title or appendix cell names at most this many runs of source lines (numbers.csv has all).
SHOWN_LINE_RUNS = 8

# Superscript and subscript digits only ever appear in units ("g/cm²"): they are not data.
_UNIT_DIGITS = re.compile("[\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+")
_ANY_DIGIT = re.compile(r"\d|[\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]")


# --- numbers -------------------------------------------------------------------------------


def line_runs(lines: Sequence[int], limit: int | None = None) -> list[str]:
    """'2', '5', '7–9': the lines in their order, three or more consecutive lines as one run.

    With a `limit`, only the first `limit` pieces: a statistic over every patient reads thousands
    of lines, and its title names only the first few runs.
    """
    pieces: list[str] = []

    def close_run(first: int, last: int) -> None:
        if last - first >= 2:
            pieces.append(f"{first}\u2013{last}")
        else:
            pieces.extend(str(line) for line in range(first, last + 1))

    first = last = None
    for line in lines:
        if last is not None and line == last + 1:
            last = line
            continue
        if first is not None:
            close_run(first, last)
            if limit is not None and len(pieces) >= limit:
                return pieces[:limit]
        first = last = line
    if first is not None:
        close_run(first, last)
    return pieces if limit is None else pieces[:limit]


def line_words(lines: Sequence[int]) -> str:
    """'line 7', 'lines 2–201' or, for a statistic over thousands of scattered lines, the first
    runs and how many lines there are in all (results/numbers.csv lists every one)."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    runs = line_runs(lines, limit=SHOWN_LINE_RUNS + 1)  # one more, to know whether there are more
    if len(runs) > SHOWN_LINE_RUNS:
        shown = ", ".join(runs[:SHOWN_LINE_RUNS])
        return f"lines {shown} and more ({display_number(len(lines))} lines in all)"
    return "lines " + ", ".join(runs)


@dataclass(frozen=True)
class LinesRead:
    """The lines of the raw file a number reads, as the report gives them."""

    first: int  # the line the number links to
    words: str  # 'line 7', 'lines 2–201', ... (line_words)


@functools.lru_cache(maxsize=4096)
def lines_read(source_line: str) -> LinesRead:
    """The lines of a ledger `source_line` ('2;3;4;9'), parsed as Number.lines parses them.

    Cached by the text: a statistic of a large series reads thousands of lines, and several
    statistics read the same ones (the median, quartiles and count of one column). So each set
    of lines is parsed and worded once, not again for every number and every place it is shown.
    """
    lines = [int(part) for part in source_line.split(";") if part]
    return LinesRead(lines[0], line_words(lines))


def provenance(number: Number) -> str:
    """Where a number comes from, as the `title` of its element says it."""
    words = lines_read(number.source_line).words
    where = f"{number.source_file}, {words}, column {number.source_column}"
    if number.is_computed:
        return f"{number.derivation} (from {where})"
    return where


MINUS_SIGN = "\u2212"


def typeset(display: str) -> str:
    """A number as set in type: a true minus sign (U+2212) for a negative number, not the
    hyphen of the ledger's `display` (results/numbers.csv keeps the plain text)."""
    if display.startswith("-") and display[1:2].isdigit():
        return MINUS_SIGN + display[1:]
    return display


def occurrence_anchor(number_id: str, occurrence: int) -> str:
    """HTML id of one place a number is shown: `at-<id>`, then `at-<id>-2`, ... A source page's
    way back returns to it."""
    return f"at-{number_id}" if occurrence == 1 else f"at-{number_id}-{occurrence}"


def number_href(number: Number, back: str | None = None) -> str:
    """Where a number leads. A number read as is: its cell in the raw file's page (which returns
    to `back`). A computed number: its row in the appendix, which says how it was computed and
    links to every cell it uses."""
    if number.is_computed:
        return f"#{appendix_anchor(number.id)}"
    first_file = number.source_file.split(";")[0]
    first_column = number.source_column.split(";")[0]
    return cell_href(first_file, lines_read(number.source_line).first, first_column, back)


def number_element(
    number: Number, anchor: str | None = None, href: str | None = None, kind: str = "number"
) -> Markup:
    """The `<a class="number">` of one place a number is shown (`anchor` is its id there)."""
    return Markup('<a class="{}"{} data-number="{}" href="{}" title="{}">{}</a>').format(
        kind,
        Markup(' id="{}"').format(anchor) if anchor else "",
        number.id,
        href or number_href(number, anchor),
        provenance(number),
        typeset(number.display),
    )


def reference_anchor(reference_number: Any) -> str:
    """HTML id of an entry of the reference list: a citation links there, not to a CSV line."""
    return f"reference-{reference_number}"


def meta(words: Any) -> Markup:
    """Text whose digits are not data (a figure number, a line number, a title with 'FK-506')."""
    return Markup("<span data-meta>{}</span>").format(words)


def free_text(words: Any) -> Markup:
    """A free-text field of the data (a title, a journal): marked `data-meta` only when it
    contains digits, since those digits are part of the words, not numbers the catalog holds."""
    words = "" if words is None else str(words)
    return meta(words) if _ANY_DIGIT.search(words) else escape(words)


# A unit in words: a short run without spaces holding a slash or an exponent ("IU/L", "(g/cm²)",
# "mg/kg/week"). Kept on one line (CSS class `unit`); short, so it cannot overflow.
_UNIT_TOKEN = re.compile(
    r"(?<![^\s(])\(?[^\s<>&/]{0,12}(?:/[^\s<>&/]{1,12}){0,3}[/\u00b2\u00b3][^\s<>&]{0,12}"
    r"(?=[\s,.;:]|$)"
)
# The space between a number and the unit after it becomes a no-break space.
_SPACE_BEFORE_UNIT = re.compile(
    r"^ (?=\(?[^\s]*[/\u00b2\u00b3%]|(?:years?|months?|weeks?|days?|mg|g|kg|mL|mm)\b)"
)
NO_BREAK_SPACE = "\u00a0"
# The space between a capitalised name and the number after it ("Patient 1", "Table II").
_NAME_BEFORE_NUMBER = re.compile(r"(\b[A-Z][a-z]{1,9}) $")


def unit_text(unit: Any) -> Markup:
    """A unit, or words that may hold one; exponent digits ('g/cm²') are marked `data-meta`, and
    each unit is kept on one line."""
    escaped = str(escape("" if unit is None else unit))
    kept = _UNIT_TOKEN.sub(lambda m: f'<span class="unit">{m.group(0)}</span>', escaped)
    return Markup(_UNIT_DIGITS.sub(lambda m: f"<span data-meta>{m.group(0)}</span>", kept))


@dataclass
class NumberRecorder:
    """Looks numbers up in the catalog and remembers which ones were shown, and where.

    `enter(section)` is called by the page template before each section; rendering is sequential,
    so every later `n(id)` belongs to that section.
    """

    catalog: Ledger
    section: str = ""
    sections_by_id: dict[str, list[str]] = field(default_factory=dict)  # in reading order
    in_text: set[str] = field(default_factory=set)  # shown as text (not only plotted)
    # How many times each number has been shown: each place gets its own id (occurrence_anchor).
    occurrences: Counter = field(default_factory=Counter)

    def enter(self, section: str) -> str:
        self.section = section
        return ""  # so that `{{ numbers.enter("x") }}` prints nothing

    def record(self, number_id: str) -> Number:
        number = self.catalog[number_id]  # raises UnknownNumberError for an unknown id
        sections = self.sections_by_id.setdefault(number_id, [])
        if self.section and self.section not in sections:
            sections.append(self.section)
        return number

    def show(self, number_id: str) -> Markup:
        """The `n(id)` template helper."""
        if not isinstance(number_id, str):
            raise TypeError(f"n() takes a number id, got {number_id!r}")
        number = self.record(number_id)
        self.in_text.add(number_id)
        self.occurrences[number_id] += 1
        return number_element(number, occurrence_anchor(number_id, self.occurrences[number_id]))

    def cite(self, number_id: str) -> Markup:
        """A citation: the reference's number, linked to its entry in the reference list."""
        number = self.record(number_id)
        self.in_text.add(number_id)
        self.occurrences[number_id] += 1
        anchor = occurrence_anchor(number_id, self.occurrences[number_id])
        href = f"#{reference_anchor(number.display)}"
        return number_element(number, anchor, href, kind="number citation")

    def record_all(self, number_ids: Iterable[str]) -> str:
        """Record numbers shown in a picture rather than in text (a figure's plotted values).

        What `record` does for each id, in one loop without a call per id: a figure of a large
        series plots a hundred thousand values, and the calls cost more than the recording.
        """
        catalog, sections_by_id, section = self.catalog, self.sections_by_id, self.section
        for number_id in number_ids:
            if number_id not in catalog:
                catalog[number_id]  # raises UnknownNumberError
            sections = sections_by_id.get(number_id)
            if sections is None:
                sections_by_id[number_id] = [section] if section else []
            elif section and section not in sections:
                sections.append(section)
        return ""

    def shown(self) -> Ledger:
        """Catalog rows shown so far, in catalog order."""
        return self.catalog.subset(self.sections_by_id)

    def sections_column(self) -> dict[str, dict[str, str]]:
        """The `sections` column of numbers.csv, e.g. 'patients;table2'."""
        return {i: {"sections": ";".join(s)} for i, s in self.sections_by_id.items()}


def split_lines(parts: Text) -> list[Text]:
    """Split a Text at its newlines (Table I puts one treatment per line in a cell)."""
    lines: list[list] = [[]]
    for part in parts:
        if isinstance(part, Ref):
            lines[-1].append(part)
            continue
        first, *rest = part.split("\n")
        lines[-1].append(first)
        lines.extend([piece] for piece in rest)
    return [tuple(p for p in line if p != "") for line in lines]


def text_markup(parts: Text, recorder: NumberRecorder) -> Markup:
    """A model Text (tables, captions) as HTML: strings escaped, each Ref through the helper.
    A Text of several lines becomes one block per line, so that each can hang on its own."""

    def line_markup(line: Text) -> Markup:
        pieces = []
        for position, part in enumerate(line):
            if isinstance(part, Ref):
                pieces.append(recorder.show(part.id))
                continue
            words = part
            if position and isinstance(line[position - 1], Ref):  # "13 mm/h" on one line
                words = _SPACE_BEFORE_UNIT.sub(NO_BREAK_SPACE, words)
            if position + 1 < len(line) and isinstance(line[position + 1], Ref):
                words = _NAME_BEFORE_NUMBER.sub(rf"\1{NO_BREAK_SPACE}", words)  # "Patient 1" too
            pieces.append(unit_text(words))
        return Markup("").join(pieces)

    lines = split_lines(parts)
    if len(lines) == 1:
        return line_markup(lines[0])
    return Markup("").join(
        Markup('<span class="cell-line">{}</span>').format(line_markup(line)) for line in lines
    )


# --- figures aligned on the decimal point ---------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^-?\d[\d,]*(\.\d+)?$")
FIGURE_SPACE = "\u2007"  # as wide as a digit (tabular figures)
PUNCTUATION_SPACE = "\u2008"  # as wide as the decimal point


def single_ref(cell: Text) -> Ref | None:
    """The Ref of a cell that holds one number and nothing else."""
    parts = [p for p in cell if not (isinstance(p, str) and not p.strip())]
    return parts[0] if len(parts) == 1 and isinstance(parts[0], Ref) else None


def decimal_columns(rows: Sequence[Sequence[Text]], catalog: Ledger) -> dict[int, int]:
    """Columns (position in the row) whose every filled cell is one plain number, with the most
    decimals any of them has: their cells are right-aligned and padded to that many decimals, so
    that the decimal points line up."""
    places: dict[int, int] = {}
    mixed: set[int] = set()
    for row in rows:
        for position, cell in enumerate(row[1:], start=1):
            if not cell:
                continue
            ref = single_ref(cell)
            display = catalog[ref.id].display if ref is not None else ""
            match = _PLAIN_NUMBER.match(display)
            if not match:
                mixed.add(position)
                continue
            decimals = len(match[1]) - 1 if match[1] else 0
            places[position] = max(places.get(position, 0), decimals)
    return {position: n for position, n in places.items() if position not in mixed}


def decimal_padding(display: str, places: int) -> str:
    """The invisible tail that brings `display` to `places` decimals ("0.4" to 3: two figure
    spaces; "2" to 2: a punctuation space and two figure spaces)."""
    match = _PLAIN_NUMBER.match(display)
    decimals = len(match[1]) - 1 if match and match[1] else 0
    if decimals >= places:
        return ""
    return ("" if decimals else PUNCTUATION_SPACE) + FIGURE_SPACE * (places - decimals)


def breakable(words: str) -> Markup:
    """A name with a line-break opportunity after each dot (long ids in the appendix); marked
    data-meta when it has digits (`bmd_g_cm2` names a column, it is no number)."""
    pieces = Markup("<wbr>").join(escape(piece) for piece in re.split(r"(?<=\.)", words))
    return meta(pieces) if _ANY_DIGIT.search(words) else pieces


# --- rows of the data, for templates ---------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a validated table: its values, and the catalog id of each of its cells."""

    table: str
    key: tuple
    values: dict[str, Any]

    def __getitem__(self, column: str) -> Any:
        return self.values[column]

    def has(self, column: str) -> bool:
        return self.values.get(column) is not None

    def id(self, column: str) -> str:
        """Catalog id of a cell (`n(row.id("dose"))` in a template)."""
        if not self.has(column):
            raise KeyError(f"{self.table} row {self.key} has no value in column {column!r}")
        return cell_id(self.table, self.key, column)


@dataclass(frozen=True)
class TableValues:
    """A table's cells as Python values, column by column, rows in file order: converted once
    per column, and made into `Row`s only where they are needed."""

    table: str
    columns: dict[str, list[Any]]
    primary_key: Sequence[str]  # none: rows are keyed by their position

    def __len__(self) -> int:
        return len(self.columns[SOURCE_LINE])

    def row(self, position: int) -> Row:
        """The row at `position` (from 0) in file order."""
        values = {name: column[position] for name, column in self.columns.items()}
        key = tuple(values[c] for c in self.primary_key) if self.primary_key else (position + 1,)
        return Row(self.table, key, values)


def table_values(dataset: Dataset, table: str, primary_key: Sequence[str]) -> TableValues:
    frame = dataset[table].sort_values(SOURCE_LINE)
    # One conversion per column (catalog.column_values): cell by cell costs most of the time
    # of a large series.
    columns = {name: column_values(frame, name) for name in frame.columns}
    return TableValues(table, columns, list(primary_key))


def table_rows(dataset: Dataset, table: str, primary_key: Sequence[str]) -> list[Row]:
    """Rows of a table in file order; a table without a primary key is keyed by position."""
    values = table_values(dataset, table, primary_key)
    return [values.row(position) for position in range(len(values))]


class TableRows(dict):
    """Rows of a dataset's tables (`table_rows`) by table name, each table converted the first
    time it is looked up: a large series never needs some tables row by row (its lab values)."""

    def __init__(self, dataset: Dataset, primary_keys: dict[str, list[str]]):
        super().__init__()
        self.dataset = dataset
        self.primary_keys = primary_keys

    def __missing__(self, table: str) -> list[Row]:
        rows = self[table] = table_rows(self.dataset, table, self.primary_keys.get(table, []))
        return rows


def primary_keys(datapackage: dict) -> dict[str, list[str]]:
    keys = {}
    for resource in datapackage["resources"]:
        key = resource.get("schema", {}).get("primaryKey", [])
        keys[resource["name"]] = [key] if isinstance(key, str) else list(key)
    return keys


# --- context ---------------------------------------------------------------------------------

# Words for the values of the data (sex, outcome, route, site, category) come from the data
# dictionary's `enumLabels` (casereport.words); the study drug from publication.csv.


SECTION_HEADINGS = {
    "title": "Title",
    "summary": "Summary",
    "background": "Background",
    "methods": "Patients and methods",
    "patients": "Case summaries",
    FINDINGS_SECTION: FINDINGS_HEADING,
    "outcomes": "Results",
    "audit": "Reproduction audit",
    "care": "CARE checklist",
    "references": "References",
    PATIENT_TABLES_SECTION: "Per-patient tables: the first patients",
}


# The tables a case summary reads rows of, besides patients.csv.
PATIENT_DETAIL_TABLES = ("treatments", "calcinosis_sites", "bone_density", "adverse_events")


def positions_by_patient(patient_ids: Sequence[int]) -> dict[int, list[int]]:
    """Positions of each patient's rows in a per-patient table, in file order. One pass over the
    rows: filtering them once per patient would take time quadratic in the size of the series."""
    positions: dict[int, list[int]] = {}
    for position, patient_id in enumerate(patient_ids):
        positions.setdefault(patient_id, []).append(position)
    return positions


class PatientRecords:
    """Every patient's rows of the PATIENT_DETAIL_TABLES, for `Patient` to read.

    Each table is converted column by column and indexed by patient once; a patient's rows become
    `Row`s when first read. A large series details only its first patients, so it does not make
    Rows for all of them.
    """

    def __init__(self, dataset: Dataset, primary_keys: dict[str, list[str]], bmd_category):
        self.tables = {
            table: table_values(dataset, table, primary_keys.get(table, []))
            for table in PATIENT_DETAIL_TABLES
        }
        self.positions = {
            table: positions_by_patient(values.columns["patient_id"])
            for table, values in self.tables.items()
        }
        timepoints = enum_of(dataset, "bone_density", "timepoint")
        self.before, self.after = timepoints[0], timepoints[-1]
        self.bmd_category = bmd_category
        self.study_drug = study_drug(dataset)
        self.fields = dataset.tables["patients"].fields
        self.category_field = dataset.tables["bmd_categories"].fields["category"]
        self.site_field = dataset.tables["bone_density"].fields["site"]
        self.reason_field = dataset.tables["bone_density"].fields.get("missing_reason", {})
        # The category rows as dicts once, rather than the frame converted again for every z-score.
        self.categories = frame_rows(dataset["bmd_categories"])

    def rows_of(self, table: str, patient_id: int) -> list[Row]:
        values = self.tables[table]
        return [values.row(position) for position in self.positions[table].get(patient_id, [])]

    def has_rows(self, table: str, patient_id: int) -> bool:
        return patient_id in self.positions[table]

    def category(self, measurement: Row | None) -> str:
        """The bone density category of a measurement's z-score."""
        if not measurement:
            return ""
        name = self.bmd_category(measurement["z_score"], self.categories)
        return words_for(self.category_field, name)


@dataclass(frozen=True)
class Patient:
    """A patient's row of patients.csv, and the patient's rows of the other tables, read (once)
    when a template first asks for them."""

    row: Row
    records: PatientRecords = field(repr=False, compare=False)

    @functools.cached_property
    def treatments(self) -> list[Row]:
        """Chronological."""
        return sorted(self.records.rows_of("treatments", self.id), key=_treatment_order)

    @functools.cached_property
    def sites(self) -> list[Row]:
        return self.records.rows_of("calcinosis_sites", self.id)

    @functools.cached_property
    def bone_density(self) -> dict[str, Row]:
        """The patient's measurements by timepoint."""
        return {r["timepoint"]: r for r in self.records.rows_of("bone_density", self.id)}

    @property
    def bmd_before(self) -> Row | None:
        return self.bone_density.get(self.records.before)

    @property
    def bmd_after(self) -> Row | None:
        return self.bone_density.get(self.records.after)

    @property
    def category_before(self) -> str:
        return self.records.category(self.bmd_before)

    @property
    def category_after(self) -> str:
        return self.records.category(self.bmd_after)

    @functools.cached_property
    def adverse_event_groups(self) -> list[list[Row]]:
        """Events after the same course, managed alike."""
        return group_adverse_events(self.records.rows_of("adverse_events", self.id))

    @property
    def has_adverse_events(self) -> bool:
        return self.records.has_rows("adverse_events", self.id)

    @property
    def id(self) -> int:
        return self.row["patient_id"]

    @property
    def words(self) -> dict[str, str]:
        """noun, pronoun, possessive: the dictionary's words for the patient's sex."""
        return field_labels(self.records.fields["sex"])[self.row["sex"]]

    @property
    def pamidronate(self) -> list[Row]:
        """The patient's rows of the study drug (publication.csv `study_drug`)."""
        return [t for t in self.treatments if t["drug"] == self.records.study_drug]

    @property
    def received_study_drug(self) -> bool:
        return bool(self.pamidronate) or bool(self.row["pamidronate_courses"])

    @property
    def bmd_site_words(self) -> str:
        """The measured site in the dictionary's words ('lumbar spine')."""
        return words_for(self.records.site_field, self.bmd_before["site"])

    @property
    def has_bmd_pair(self) -> bool:
        """Measured before and after (a measurement recorded as missing does not count)."""
        return all(
            m is not None and m["bmd_g_cm2"] is not None and m["z_score"] is not None
            for m in (self.bmd_before, self.bmd_after)
        )

    @property
    def bmd_missing_reason(self) -> str:
        """Why the patient has no pair of measurements: the dictionary's words of the reason
        recorded, or 'not recorded' when a row is absent."""
        reasons = [
            words_for(self.records.reason_field, m["missing_reason"])
            for m in (self.bmd_before, self.bmd_after)
            if m is not None and m.has("missing_reason")
        ]
        if len(reasons) < 2 and None in (self.bmd_before, self.bmd_after):
            reasons.append("not recorded")
        return " and ".join(dict.fromkeys(reasons))

    @property
    def other_treatments(self) -> list[Row]:
        return [t for t in self.treatments if t["drug"] != self.records.study_drug]

    @property
    def sites_in_table(self) -> list[Row]:
        return [s for s in self.sites if s["listed_in_table_i"]]

    @property
    def sites_in_narrative(self) -> list[Row]:
        return [s for s in self.sites if not s["listed_in_table_i"]]

    @property
    def outcome_words(self) -> str:
        return words_for(
            self.records.fields["calcinosis_outcome"], self.row["calcinosis_outcome"], "state"
        )

    @property
    def bmd_direction(self) -> str:
        before, after = self.bmd_before["bmd_g_cm2"], self.bmd_after["bmd_g_cm2"]
        return "rose" if after > before else "fell" if after < before else "stayed"


@dataclass(frozen=True)
class Outcome:
    name: str
    verb: str
    count_id: str
    patients: list[Patient]


def figure_label(number: int) -> str:
    """'Figure R1': the rebuild's own figures are numbered apart from the article's figures,
    which the audit cites by their numbers."""
    return f"Figure R{number}"


@dataclass(frozen=True)
class Section:
    id: str  # HTML id, and the name numbers.csv uses
    template: str
    heading: Markup
    model: Any = None  # the table or figure a section shows
    number: int = 0  # figure number, for "Figure R1"


def _treatment_order(row: Row) -> tuple:
    """Chronological; drugs without a start month (named only in a narrative) come last."""
    return (row["start_month"] is None, row["start_month"] or "", row["treatment_id"])


def group_adverse_events(events: list[Row]) -> list[list[Row]]:
    """Events after the same course, managed the same way and recurring alike, in one sentence."""
    groups: dict[tuple, list[Row]] = {}
    for event in events:
        key = (event["pamidronate_course"], event["managed_with"], event["recurred"])
        groups.setdefault(key, []).append(event)
    return list(groups.values())


def enum_of(dataset: Dataset, table: str, column: str) -> list[str]:
    return list(dataset.tables[table].fields[column].get("constraints", {}).get("enum", []))


def build_patients(dataset: Dataset, rows: TableRows, bmd_category) -> list[Patient]:
    """The patients in the order of their ids."""
    records = PatientRecords(dataset, rows.primary_keys, bmd_category)
    by_id = sorted(rows["patients"], key=lambda r: r["patient_id"])
    return [Patient(row, records) for row in by_id]


def build_outcomes(dataset: Dataset, patients: list[Patient]) -> list[Outcome]:
    """Outcomes that occurred, in the order of the data dictionary's enum."""
    having: dict[str, list[Patient]] = {}
    for patient in patients:  # one pass over the series, not one per outcome
        having.setdefault(patient.row["calcinosis_outcome"], []).append(patient)
    field = dataset.tables["patients"].fields["calcinosis_outcome"]
    return [
        Outcome(name, words_for(field, name, "verb"), f"derived.outcome.{name}.count", having[name])
        for name in enum_of(dataset, "patients", "calcinosis_outcome")
        if name in having
    ]


@dataclass(frozen=True)
class LabChange:
    """How one analyte moved between the two measurements, patient by patient."""

    analyte: Row
    fell: list[tuple[Patient, str]]  # (patient, id of the change)
    rose: list[tuple[Patient, str]]
    unchanged: list[tuple[Patient, str]]
    # Patients without a value at both times, and why ('not measured', or 'not recorded' when a
    # row is absent): a list of who moved is only honest with who could not be counted.
    missing: list[tuple[Patient, str]] = field(default_factory=list)


def lab_changes(dataset: Dataset, rows: dict[str, list[Row]], patients: list[Patient]):
    """Per analyte (analytes.csv order), the patients whose value fell, rose or stayed."""
    points = enum_of(dataset, "labs", "timepoint")
    before, after = points[0], points[-1]
    # A value recorded as missing (casereport.missing) has no change.
    values = {
        (r["patient_id"], r["analyte"], r["timepoint"]): r["value"]
        for r in rows["labs"]
        if r["value"] is not None
    }
    reason_field = dataset.tables["labs"].fields.get("missing_reason", {})
    reasons = {
        (r["patient_id"], r["analyte"]): words_for(reason_field, r["missing_reason"])
        for r in rows["labs"]
        if r.has("missing_reason")
    }
    analytes = rows["analytes"]
    # Per analyte (by position): the patients in each direction. One pass over the series.
    moved: list[dict[str, list]] = [
        {"fell": [], "rose": [], "unchanged": [], "missing": []} for _ in analytes
    ]
    for patient in patients:
        for analyte, directions in zip(analytes, moved, strict=True):
            key = (patient.id, analyte["analyte"])
            if (*key, before) not in values or (*key, after) not in values:
                directions["missing"].append((patient, reasons.get(key, "not recorded")))
                continue
            difference = values[(*key, after)] - values[(*key, before)]
            direction = "fell" if difference < 0 else "rose" if difference > 0 else "unchanged"
            change_id = f"derived.labs.{patient.id}.{analyte['analyte']}.change"
            directions[direction].append((patient, change_id))
    # Every analyte, also one nobody has both values of: the text says so and names who lacks them.
    return [
        LabChange(analyte, **directions)
        for analyte, directions in zip(analytes, moved, strict=True)
    ]


def study_drug_context(dataset: Dataset, patients: list[Patient]) -> dict[str, Any]:
    """The study drug as the text names it, and who received it.

    `study_drug_words` is 'intravenous pamidronate' when every row of the drug gives the same
    route (its words from the dictionary), else the drug's name alone."""
    drug = study_drug(dataset)
    treatments = dataset["treatments"]
    routes = treatments.loc[treatments["drug"] == drug, "route"]
    route_field = dataset.tables["treatments"].fields["route"]
    distinct = list(dict.fromkeys(column_values(routes.to_frame(), "route")))
    one_route = distinct[0] if len(distinct) == 1 else None
    route = words_for(route_field, one_route)
    treated = [p for p in patients if p.received_study_drug]
    return {
        "study_drug": drug,
        "study_drug_route": route,
        "study_drug_adverb": words_for(route_field, one_route, "adverb"),
        "total_courses": sum(p.row["pamidronate_courses"] or 0 for p in patients),
        "study_drug_words": f"{route} {drug}" if route else drug,
        "treated_patients": treated,
        "untreated_patients": [p for p in patients if not p.received_study_drug],
    }


def bone_density_context(dataset: Dataset, patients: list[Patient]) -> dict[str, Any]:
    """The measured sites in the dictionary's words, and who has a measurement before and after
    (the denominator of every statement about bone density)."""
    site_field = dataset.tables["bone_density"].fields["site"]
    sites = list(dict.fromkeys(column_values(dataset["bone_density"], "site")))
    labels = field_labels(site_field)
    return {
        "bmd_site_words": join_words([words_for(site_field, site) for site in sites]),
        "bmd_vertebra_letter": (
            labels.get(sites[0], {}).get("vertebra_letter", "") if len(sites) == 1 else ""
        ),
        "bmd_measured": [p for p in patients if p.has_bmd_pair],
        "bmd_unmeasured": [p for p in patients if not p.has_bmd_pair],
    }


def join_words(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def sex_counts(dataset: Dataset, patients: list[Patient]) -> list[dict[str, str]]:
    """'2 boys, 1 girl': one entry per sex present, words by count."""
    patients_of_sex = Counter(p.row["sex"] for p in patients)  # one pass, not one per sex
    field = dataset.tables["patients"].fields["sex"]
    counts = []
    for sex in enum_of(dataset, "patients", "sex"):
        count = patients_of_sex[sex]
        if count:
            words = words_for(field, sex, "label" if count == 1 else "plural")
            counts.append({"id": f"derived.sex.{sex}.count", "words": words})
    return counts


def grouped(rows: list[Row], column: str) -> list[tuple[str, list[Row]]]:
    """Rows grouped by a column, groups in order of first appearance (jinja's groupby sorts)."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row)
    return list(groups.items())


def merged_reference_numbers(rows: list[Row]) -> str:
    numbers: list[int] = []
    for row in rows:
        for part in str(row["reference_numbers"] or "").split(";"):
            if part.strip() and int(part) not in numbers:
                numbers.append(int(part))
    return ";".join(map(str, numbers))


def build_sections(
    tables: dict[str, TableModel], figures: list[FigureModel], large_series: bool = False
) -> list[Section]:
    def text_section(name: str, section_id: str | None = None) -> Section:
        return Section(section_id or name, f"{name}.html.j2", escape(SECTION_HEADINGS[name]))

    sections = [text_section(s) for s in TEXT_SECTIONS_BEFORE_TABLES]
    sections += [
        Section(key, "table.html.j2", escape(model.title), model) for key, model in tables.items()
    ]
    sections += [text_section(s) for s in TEXT_SECTIONS_AFTER_TABLES]
    sections += [
        Section(f"figure-{f.key}", "figure.html.j2", meta(figure_label(number)), f, number)
        for number, f in enumerate(figures, start=1)
    ]
    sections += [text_section(s) for s in TEXT_SECTIONS_AFTER_FIGURES]
    if large_series:
        sections.append(text_section(PATIENT_TABLES_SECTION, PATIENT_TABLES_ID))
    return sections


# --- the reproduction audit (results/audit.csv) ----------------------------------------------

# Discrepancies first: they are the findings; then the possible ones; then what the data cannot
# settle; then the rest. (Claims not applicable to the data are not grouped: one sentence says so.)
AUDIT_STATUS_ORDER = (DISCREPANT, POSSIBLY_DISCREPANT, NOT_CHECKABLE, CONSISTENT)
AUDIT_HEADINGS = {
    DISCREPANT: "Discrepancies",
    POSSIBLY_DISCREPANT: "Possible discrepancies",
    NOT_CHECKABLE: "Not checkable",
    CONSISTENT: "Consistent",
}
# How a count of rows of each status reads: "1 discrepancy", "2 discrepancies".
AUDIT_COUNT_WORDS = {
    DISCREPANT: ("discrepancy", "discrepancies"),
    POSSIBLY_DISCREPANT: ("possible discrepancy", "possible discrepancies"),
    NOT_CHECKABLE: ("not checkable", "not checkable"),
    CONSISTENT: ("consistent", "consistent"),
}
# An explanation lists values patient by patient; in a large series it would fill pages.
EXPLANATION_CHARACTERS = 450


@dataclass(frozen=True)
class AuditRow:
    claim_id: str
    statement: str
    location: str
    published: str
    rebuilt: str  # as the audit words it
    rebuilt_id: str | None  # ledger id of the rebuilt value when it is a number
    rebuilt_unit: str
    explanation: str  # shortened to EXPLANATION_CHARACTERS
    shortened: bool


@dataclass(frozen=True)
class AuditGroup:
    status: str
    heading: str
    rows: list[AuditRow]

    @property
    def explained(self) -> bool:
        """Every row shows its reason: what disagrees, why the data cannot settle it, or why a
        consistent value that differs from the published one still agrees (rounding, a lower
        bound)."""
        return True

    @property
    def count_words(self) -> str:
        """The group's name after its count: '1 discrepancy', '2 discrepancies'."""
        singular, plural = AUDIT_COUNT_WORDS[self.status]
        return singular if len(self.rows) == 1 else plural


def shorten(words: str, limit: int) -> tuple[str, bool]:
    """At most `limit` characters, cut at a word boundary; and whether anything was cut."""
    if len(words) <= limit:
        return words, False
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " \u2026", True


def audit_row(record: dict[str, str]) -> AuditRow:
    explanation, shortened = shorten(record["explanation"], EXPLANATION_CHARACTERS)
    numeric = bool(record["rebuilt_value"])
    return AuditRow(
        claim_id=record["claim_id"],
        statement=record["statement"],
        location=record["location"],
        published=record["published"],
        rebuilt=record["rebuilt"],
        rebuilt_id=f"audit.{record['claim_id']}.rebuilt" if numeric else None,
        # "1 month", not "1 months": the unit reads after the rebuilt number
        rebuilt_unit=unit_for(float(record["rebuilt_value"]), record["rebuilt_unit"])
        if numeric
        else record["rebuilt_unit"],
        explanation=explanation,
        shortened=shortened,
    )


def audit_groups(results: pd.DataFrame) -> list[AuditGroup]:
    """The claims by status (discrepancies first), each group in the order of claims.csv.
    No group when the claims are not applicable to the data (another article's dataset)."""
    if not_applicable_reason(results):
        return []
    records = [audit_row(r) for r in results.fillna("").to_dict("records")]
    statuses = dict(zip(results["claim_id"], results["status"], strict=True))
    return [
        AuditGroup(
            status, AUDIT_HEADINGS[status], [r for r in records if statuses[r.claim_id] == status]
        )
        for status in AUDIT_STATUS_ORDER
    ]


def not_applicable_reason(results: pd.DataFrame) -> str:
    """The one sentence saying the article's claims are not applicable to these data, or ""."""
    if results.empty or not (results["status"] == NOT_APPLICABLE).all():
        return ""
    return str(results["explanation"].iloc[0])


# --- the CARE checklist (data/care_checklist.csv) ----------------------------------------------

CARE_COLUMNS = ["item", "topic", "asks", "covered_by", "reason"]
CARE_NOT_REPORTED = "not reported"


class CareChecklistError(ValueError):
    """care_checklist.csv is malformed, or names a section the report does not have."""


@dataclass(frozen=True)
class CareItem:
    item: str  # the guideline's item number: a label, not data (shown data-meta)
    topic: str
    asks: str
    sections: tuple[str, ...]  # report section ids covering the item; empty: not reported
    reason: str  # why it is not reported, or how the sections cover it


def read_care_checklist(path: Path | str) -> list[CareItem]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != CARE_COLUMNS:
        raise CareChecklistError(f"{path}: columns must be {', '.join(CARE_COLUMNS)}")
    items = []
    for line, record in enumerate(frame.to_dict("records"), start=2):
        covered = record["covered_by"].strip()
        if not covered:
            raise CareChecklistError(f"{path}:{line}: covered_by is empty")
        if covered == CARE_NOT_REPORTED and not record["reason"].strip():
            raise CareChecklistError(f"{path}:{line}: an item not reported needs a reason")
        sections = () if covered == CARE_NOT_REPORTED else tuple(covered.split(";"))
        items.append(
            CareItem(record["item"], record["topic"], record["asks"], sections, record["reason"])
        )
    return items


def missing_care_sections(items: Sequence[CareItem], section_ids: Iterable[str]) -> list[str]:
    """'item 7 (timeline): figure-timeline' for each section an item names that the report lacks."""
    present = set(section_ids)
    return [
        f"item {item.item} ({item.topic}): {section}"
        for item in items
        for section in item.sections
        if section not in present
    ]


# --- the appendix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AppendixGroup:
    """The numbers first shown in one section, in reading order."""

    section: Section
    numbers: list[Number]
    left_out: int = 0  # values the section's figure plots that are not listed (large series)


def appendix_groups(
    recorder: NumberRecorder, sections: Sequence[Section], large_series: bool
) -> list[AppendixGroup]:
    """Each shown number under the first section it appears in. A large series lists every
    number of the text but only the first values each figure plots: thousands of rows would say
    no more than results/numbers.csv, which lists them all."""
    first_section: dict[str, list[str]] = {}
    for number_id, where in recorder.sections_by_id.items():
        first_section.setdefault(where[0] if where else "", []).append(number_id)
    groups = []
    for section in sections:
        ids = first_section.get(section.id, [])
        left_out = 0
        if large_series:
            plotted = [i for i in ids if i not in recorder.in_text]
            left_out = max(0, len(plotted) - APPENDIX_PLOTTED_ROWS)
            ids = [i for i in ids if i in recorder.in_text] + plotted[:APPENDIX_PLOTTED_ROWS]
        if ids:
            numbers = [recorder.catalog[i] for i in ids]
            groups.append(AppendixGroup(section, numbers, left_out))
    return groups


def source_groups(number: Number) -> list[tuple[str, LinesRead]]:
    """(raw file, its lines) a number reads: one file, or (audit numbers) one file per line."""
    files = number.source_file.split(";")
    if len(files) == 1:
        return [(files[0], lines_read(number.source_line))]
    grouped_lines: dict[str, list[int]] = {}
    for file, line in zip(files, number.lines, strict=True):
        grouped_lines.setdefault(file, []).append(line)
    return [(file, LinesRead(lines[0], line_words(lines))) for file, lines in grouped_lines.items()]


# An appendix row links at most this many source cells one by one (results/numbers.csv has all).
LINKED_SOURCE_CELLS = 12


@dataclass(frozen=True)
class SourceCells:
    """The cells of one raw file a number uses, as the appendix links them."""

    file: str
    lines: LinesRead
    cells: list[tuple[int, str]]  # (line, href of its cell), the first LINKED_SOURCE_CELLS
    more: int  # lines not linked one by one


def source_cells(number: Number) -> list[SourceCells]:
    """Every raw file a number reads, with a link to each cell it uses (a computed number's
    link leads to its appendix row, which thus shows all its sources)."""
    column = number.source_column.split(";")[0]
    groups = []
    for file, lines in source_groups(number):
        all_lines = (
            [int(part) for part in number.source_line.split(";") if part]
            if len(source_groups(number)) == 1
            else [
                line
                for f, line in zip(number.source_file.split(";"), number.lines, strict=True)
                if f == file
            ]
        )
        shown = all_lines[:LINKED_SOURCE_CELLS]
        cells = [(line, cell_href(file, line, column)) for line in shown]
        groups.append(SourceCells(file, lines, cells, len(all_lines) - len(shown)))
    return groups


# --- notes under the tables ---------------------------------------------------------------

# The tables that stand for the article's own Tables I and II; the others are the rebuild's.
ARTICLE_TABLES = ("table1", "table2")


def table_notes(dataset: Dataset) -> dict[str, list[str]]:
    """Footnotes under the tables: for the article's tables, its abbreviations, labels and units
    as printed (from analytes.csv and the route abbreviations of Table I); under every other
    table, that it is the rebuild's own."""
    routes = "; ".join(f"{short}, {route}" for route, short in route_abbreviations(dataset).items())
    labels = []
    printed_units: dict[str, set[str]] = {}
    for analyte in frame_rows(dataset["analytes"]):
        names = [analyte["name"]]
        if analyte["label_in_paper"].lower() != analyte["analyte"].lower():
            names.append(analyte["analyte"])
        if analyte.get("also_called"):
            names.append(analyte["also_called"])
        # A label that is the name itself ("Aldolase", aldolase) needs no footnote.
        if analyte["label_in_paper"].lower() != names[0].lower() or names[1:]:
            labels.append(
                f"{analyte['label_in_paper']}, {names[0]}"
                + (f" ({', '.join(names[1:])})" if names[1:] else "")
            )
        if analyte.get("unit_in_paper") and analyte["unit_in_paper"] != analyte["unit"]:
            printed_units.setdefault(analyte["unit"], set()).add(analyte["unit_in_paper"])
    units = "".join(
        f" The article prints {' and '.join(sorted(printed))} for {unit}, as written here."
        for unit, printed in printed_units.items()
    )
    table2_labels = (
        f"Labels as the article prints them: {'; '.join(labels)}." if labels else ""
    ) + units
    return {
        "table1": [f"Routes as the article abbreviates them: {routes}."],
        "table2": [note for note in [table2_labels.strip()] if note],
    }


def build_context(
    dataset: Dataset,
    datapackage: dict,
    tables: dict[str, TableModel],
    figures: list[FigureModel],
    bmd_category: Any,
    *,
    audit: Sequence[AuditGroup] = (),
    audit_not_applicable: str = "",
    care: Sequence[CareItem] = (),
    large_series: bool = False,
    patient_tables: Sequence[TableModel] = (),
) -> dict[str, Any]:
    """Everything the templates read: rows of the data (with cell ids), tables and figures, the
    audit's findings and the CARE checklist.

    `bmd_category(z_score, category_rows) -> str` names the bone density category of a
    z-score (casereport.catalog owns that rule; the report only quotes it). In a large series,
    `tables` are the summaries and `patient_tables` the first patients' rows of the per-patient
    tables.
    """
    rows = TableRows(dataset, primary_keys(datapackage))
    patients = build_patients(dataset, rows, bmd_category)
    outcomes = build_outcomes(dataset, patients)
    figure_numbers = {f.key: number for number, f in enumerate(figures, start=1)}
    sections = [Section("title", "title.html.j2", escape(""))] + build_sections(
        tables, figures, large_series
    )
    missing = missing_care_sections(care, [s.id for s in sections])
    if missing:
        raise CareChecklistError(
            "the CARE checklist names sections the report does not have: " + "; ".join(missing)
        )
    excerpt = min(EXCERPT_PATIENTS, len(patients)) if large_series else len(patients)
    return {
        "publication": rows["publication"][0],
        "authors": sorted(rows["authors"], key=lambda r: r["author_order"]),
        "patients": patients,
        "patient_count": len(patients),
        "sex_counts": sex_counts(dataset, patients),
        "table_notes": table_notes(dataset),
        "article_tables": ARTICLE_TABLES,
        "outcomes": outcomes,
        "cleared_patients": [p for o in outcomes if o.name == "cleared" for p in o.patients],
        "patients_with_events": [p for p in patients if p.has_adverse_events],
        **study_drug_context(dataset, patients),
        **bone_density_context(dataset, patients),
        "protocol": {r["parameter"]: r for r in rows["protocol"]},
        "analytes_by_measure": grouped(rows["analytes"], "measures"),
        # A large series gives the medians of the changes in Table II instead.
        "lab_changes": [] if large_series else lab_changes(dataset, rows, patients),
        "bmd_categories": rows["bmd_categories"],
        "bmd_category_references": merged_reference_numbers(rows["bmd_categories"]),
        "bmd_unit": dataset.tables["bone_density"].fields["bmd_g_cm2"].get("unit", ""),
        # Citations are data: the diagnostic criteria are those the background facts on diagnosis
        # cite; the z-score's reference values are the z_score field's `referenceNumbers`.
        "bohan_peter_reference": merged_reference_numbers(
            [r for r in rows["background_facts"] if r["topic"] == "diagnosis"]
        ),
        "reference_values_reference": str(
            dataset.tables["bone_density"].fields["z_score"].get("referenceNumbers", "")
        ),
        "fact_topics": grouped(rows["background_facts"], "topic"),
        "references": sorted(rows["references"], key=lambda r: r["reference_number"]),
        "tables": tables,
        "figures": figures,
        "figure_ref": lambda key: meta(figure_label(figure_numbers[key])),
        "sections": sections,
        "section_headings": {s.id: s.heading or escape(SECTION_HEADINGS[s.id]) for s in sections},
        "audit_groups": list(audit),
        "audit_not_applicable": audit_not_applicable,
        # The data are the article's (the audit's article_identity claim holds): only then may the
        # text speak of "the authors" and give the article's reasons and conclusions.
        "data_are_the_article": not audit_not_applicable,
        "audit_total": sum(len(g.rows) for g in audit),
        "care_items": list(care),
        "large_series": large_series,
        "case_patients": patients[:excerpt],
        "excerpt_patients": excerpt,
        "patient_tables": list(patient_tables),
        "adverse_events_id": ADVERSE_EVENTS_STEM,
        **findings_context(dataset, patients, excerpt),
    }


# --- environment and rendering ---------------------------------------------------------------


def reference_ids(reference_numbers: str | None) -> list[str]:
    """'4;5' (a reference_numbers cell) -> the catalog ids of references 4 and 5."""
    numbers = [p for p in str(reference_numbers or "").split(";") if p.strip()]
    return [cell_id("references", int(p), "reference_number") for p in numbers]


def plural(one: str, many: str, count: Any) -> str:
    return one if count == 1 else many


def ordinal_suffix(value: Any) -> str:
    """'st', 'nd', 'rd' or 'th' for an edition number: 5 -> 'th' (the number itself is n())."""
    number = int(value)
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def finalize(value: Any) -> Any:
    """Applied by jinja to every `{{ ... }}` before printing.

    A number printed directly (`{{ row["age"] }}`) is an error: numbers go through `n(id)`, which
    says where they come from. A free-text value that happens to contain digits (a reference
    title with "FK-506", a schedule note) is marked data-meta: its digits are words, not numbers
    the catalog holds. Literal template text is not touched, so a digit typed into a template is
    still caught by the tests.
    """
    if isinstance(value, Markup) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        raise TypeError(f"templates print numbers only through n(id), not {value!r} directly")
    if isinstance(value, str) and _ANY_DIGIT.search(value):
        return free_text(value)
    return value


def attribute_value(value: Any) -> Markup:
    """A value inside an HTML attribute (an id, alt text): escaped, never wrapped in an element
    by `finalize` (attributes are not visible text)."""
    return escape(str(value))


def make_environment() -> Environment:
    env = Environment(
        finalize=finalize,
        loader=PackageLoader(TEMPLATES_PACKAGE, "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        meta=meta,
        appendix_anchor=appendix_anchor,
        reference_anchor=reference_anchor,
        breakable=breakable,
        source_page=lambda source_file: f"sources/{page_name(source_file.split(';')[0])}",
        reference_ids=reference_ids,
        plural=plural,
        ordinal_suffix=ordinal_suffix,
        section_names=lambda names: names.replace(";", ", "),
        source_groups=source_groups,
        source_cells=source_cells,
        file_name=lambda source_file: Path(source_file).name,
        source_href=source_href,
        display_number=display_number,
        share_form=share_form,
    )
    env.filters.update(
        free=free_text,
        unit=unit_text,
        capitalize_first=capitalise_first,
        attribute=attribute_value,
    )
    return env


def install_recorder(env: Environment, recorder: NumberRecorder) -> None:
    """Bind the number helper (`n`) and Text rendering (`text`) to one recorder."""
    env.globals["n"] = recorder.show
    env.globals["cite_number"] = recorder.cite
    env.globals["numbers"] = recorder
    env.globals["has_number"] = lambda number_id: number_id in recorder.catalog
    env.filters["text"] = lambda parts: text_markup(parts, recorder)
    env.globals["decimal_columns"] = lambda rows: decimal_columns(rows, recorder.catalog)
    env.globals["decimal_padding"] = lambda cell, places: decimal_padding(
        recorder.catalog[single_ref(cell).id].display, places
    )


@dataclass(frozen=True)
class RenderedReport:
    html: str
    numbers: Ledger  # catalog rows shown
    sections: dict[str, dict[str, str]]  # id -> {"sections": "patients;table2"}

    def write(self, html_path: Path | str, numbers_path: Path | str) -> None:
        Path(html_path).write_text(self.html, encoding="utf-8")
        self.numbers.write_csv(numbers_path, extra=self.sections)


def render_report(context: dict[str, Any], catalog: Ledger) -> RenderedReport:
    """Render report.html and collect the numbers it shows.

    The body is rendered first; the appendix then lists the numbers the body recorded.
    """
    env = make_environment()
    recorder = NumberRecorder(catalog)
    install_recorder(env, recorder)
    body = Markup(env.get_template("body.html.j2").render(context))
    shown = recorder.shown()
    sections = recorder.sections_column()
    groups = appendix_groups(recorder, context["sections"], context["large_series"])
    recorder.enter("")  # the appendix repeats numbers; it is not one of the sections they are in
    appendix = Markup(
        env.get_template("appendix.html.j2").render(context, groups=groups, sections=sections)
    )
    page = env.get_template("report.html.j2").render(context, body=body, appendix=appendix)
    return RenderedReport(page, shown, sections)


def report_tables(
    dataset: Dataset, large_series: bool
) -> tuple[dict[str, TableModel], list[TableModel], list[Number]]:
    """(tables the report shows, first patients of the per-patient tables, Numbers of the
    summaries): the per-patient tables themselves, or for a large series their summaries."""
    if not large_series:
        return {name: build_table(name, dataset) for name in stages.TABLES}, [], []
    tables, numbers = {}, adverse_event_numbers(dataset)
    for name in stages.TABLES:
        tables[name], statistics = summary_table(name, dataset)
        numbers += statistics
    # Only the patients the excerpt shows are laid out: with 10,000 patients, building every
    # patient's cells to keep the first few took seconds.
    excerpts = [
        per_patient_excerpt(build_table(name, dataset, EXCERPT_PATIENTS), EXCERPT_PATIENTS)
        for name in stages.TABLES
    ]
    return tables, excerpts, numbers


def build_report(
    validated_tables: Sequence[Path | str],
    datapackage: Path | str,
    catalog_csv: Path | str,
    figure_jsons: Sequence[Path | str],
    *,
    audit_csv: Path | str,
    care_checklist: Path | str,
    large_series_threshold: int = LARGE_SERIES_THRESHOLD,
) -> RenderedReport:
    """The report from the workflow's files: validated tables, catalog, figure caption models,
    the audit's results/audit.csv and data/care_checklist.csv.

    Tables are built here from the same TableModels the table stage writes as CSV (the CSV files
    have lost the Refs). Figures appear in the order of `figure_jsons`. The ledger the templates
    read is the catalog plus the audit's rebuilt values and the summary statistics.
    """
    validated_tables = [Path(p) for p in validated_tables]
    names = [p.stem for p in validated_tables]
    dataset = load_dataset(validated_tables[0].parent, datapackage, names)
    large_series = len(dataset["patients"]) > large_series_threshold
    tables, patient_tables, summary_numbers = report_tables(dataset, large_series)
    figures = [
        figure_from_json(json.loads(Path(p).read_text(encoding="utf-8"))) for p in figure_jsons
    ]
    audit = read_audit_csv(audit_csv)
    ledger = Ledger(
        [*Ledger.read_csv(catalog_csv), *audit_numbers(dataset, audit), *summary_numbers]
    )
    context = build_context(
        dataset,
        read_datapackage(datapackage),
        tables,
        figures,
        bmd_category,
        audit=audit_groups(audit),
        audit_not_applicable=not_applicable_reason(audit),
        care=read_care_checklist(care_checklist),
        large_series=large_series,
        patient_tables=patient_tables,
    )
    return render_report(context, ledger)
