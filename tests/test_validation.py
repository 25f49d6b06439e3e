"""The validation stage on the real raw data, and on copies broken one cell or line at a time.

Every broken copy is made from data/raw in tmp_path by a program, and every expectation (line,
value, ...) is read from the data, so the tests follow the data when it is corrected.
The helpers here are shared by the other tests/test_validation_*.py files.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import yaml

from casereport.validation.checker import check_tables
from casereport.validation.report import Finding

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
DATAPACKAGE = "data/raw/datapackage.yaml"  # relative: findings name files as users know them
# The article's own rules, which config/config.yaml names (absolute: tests run in copies).
ARTICLE_RULES = str(ROOT / "workflow" / "article" / "validation_rules.py")


# --- helpers ------------------------------------------------------------------------------------


def copy_raw_data(tmp_path: Path, monkeypatch) -> Path:
    """A copy of data/raw under tmp_path/data/raw, with tmp_path as the working directory."""
    shutil.copytree(RAW, tmp_path / "data" / "raw")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    return copy_raw_data(tmp_path, monkeypatch)


def raw_file(table: str) -> str:
    return f"data/raw/{table}.csv"


def read_table(table: str) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows (each with its `_line`) of a raw file in the working directory."""
    with open(raw_file(table), encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [
            {**dict(zip(header, cells, strict=True)), "_line": n}
            for n, cells in enumerate(reader, 2)
        ]
    return header, rows


def first_row(table: str, condition=lambda row: True) -> dict[str, str]:
    """The first row (with `_line`) of a raw table that satisfies `condition`."""
    return next(row for row in read_table(table)[1] if condition(row))


def set_cell(table: str, line: int, column: str, value: str) -> None:
    """Rewrite one cell of a raw file (the rest is written back as it was)."""
    path = Path(raw_file(table))
    with open(path, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    records[line - 1][records[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def field(table: str, name: str) -> dict:
    package = yaml.safe_load((RAW / "datapackage.yaml").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == table)
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


def findings_of(*tables: str) -> list[Finding]:
    """Findings of the named tables (default: all), checked as one run."""
    results = check_tables(DATAPACKAGE, list(tables) or None, extension=ARTICLE_RULES)
    return [finding for result in results.values() for finding in result.findings]


def key(finding: Finding) -> tuple:
    return (finding.file, finding.line, finding.column, finding.value, finding.rule)


def only_finding(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, "\n".join(map(str, findings))
    return findings[0]


def month_before(yearmonth: str) -> str:
    year, month = map(int, yearmonth.split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def month_after(yearmonth: str) -> str:
    year, month = map(int, yearmonth.split("-"))
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


# --- the real data ------------------------------------------------------------------------------


def test_the_raw_data_is_valid(project):
    assert findings_of() == []


# --- file level ---------------------------------------------------------------------------------


def test_an_empty_file_is_reported(project):
    Path(raw_file("labs")).write_bytes(b"")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), None, None, None, "empty-file")
    assert "0 bytes" in finding.message


def test_a_header_without_rows_is_reported(project):
    header_line = Path(raw_file("labs")).read_text(encoding="utf-8").splitlines()[0]
    Path(raw_file("labs")).write_text(header_line + "\n", encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), None, None, None, "no-data-rows")


def test_a_table_marked_empty_allowed_may_have_a_header_and_no_rows(project):
    # The data dictionary marks adverse_events `emptyAllowed`: a series may have no adverse events.
    header_line = Path(raw_file("adverse_events")).read_text(encoding="utf-8").splitlines()[0]
    Path(raw_file("adverse_events")).write_text(header_line + "\n", encoding="utf-8")
    assert findings_of("adverse_events") == []


def test_a_utf8_byte_order_mark_is_accepted_and_dropped(project):
    path = Path(raw_file("references"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert findings_of("references") == []


def test_windows_line_endings_are_accepted(project):
    path = Path(raw_file("references"))
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert findings_of("references") == []


def test_a_latin1_file_gets_a_clear_error_naming_line_byte_and_column(project):
    path = Path(raw_file("references"))
    text = path.read_text(encoding="utf-8")
    line_number, line = next(
        (n, ln) for n, ln in enumerate(text.splitlines(), 1) if not ln.isascii()
    )
    character = next(c for c in line if not c.isascii())
    header, rows = read_table("references")
    row = next(r for r in rows if r["_line"] == line_number)
    column = next(name for name in header if character in row[name])
    path.write_bytes(text.encode("latin-1"))

    finding = only_finding([f for f in findings_of("references") if f.line == line_number])
    byte = character.encode("latin-1")[0]
    shown = row[column].replace(character, f"\\x{byte:02x}")
    assert key(finding) == (raw_file("references"), line_number, column, shown, "encoding")
    assert f"line {line_number} is not valid UTF-8 (byte 0x{byte:02x}" in finding.message
    assert "save the file as UTF-8" in finding.message


def test_a_truncated_last_line_is_reported(project):
    path = Path(raw_file("labs"))
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = ",".join(lines[-1].split(",")[:3])  # patient, analyte, timepoint; no value, no newline
    path.write_text("\n".join(lines[:-1] + [cut]), encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), len(lines), None, cut, "missing-cells")
    assert "cut off" in finding.message


def test_a_row_with_an_extra_cell_is_reported(project):
    path = Path(raw_file("labs"))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), 2, None, lines[1], "extra-cells")


def test_a_blank_line_is_reported(project):
    path = Path(raw_file("labs"))
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:3], "", *lines[3:]]) + "\n", encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), 4, None, "", "blank-row")


def test_a_cell_spanning_lines_is_reported(project):
    row = first_row("labs")
    set_cell("labs", row["_line"], "source", "Table\nII")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (
        raw_file("labs"),
        row["_line"],
        "source",
        "Table\nII",
        "line-break-in-cell",
    )


def _drop_column(table: str, column: str) -> None:
    path = Path(raw_file(table))
    with open(path, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    index = records[0].index(column)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([r[:index] + r[index + 1 :] for r in records])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def test_a_missing_column_is_reported_by_name(project):
    _drop_column("labs", "unit")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), 1, "unit", None, "missing-column")


def test_a_misspelt_column_is_reported_as_unknown_and_missing(project):
    set_cell("labs", 1, "unit", "units")
    found = sorted(key(f) for f in findings_of("labs"))
    assert found == [
        (raw_file("labs"), 1, "unit", None, "missing-column"),
        (raw_file("labs"), 1, "units", "units", "unknown-column"),
    ]
    unknown = next(f for f in findings_of("labs") if f.rule == "unknown-column")
    assert "did you mean 'unit'?" in unknown.message


def test_columns_in_another_order_are_reported(project):
    path = Path(raw_file("labs"))
    lines = path.read_text(encoding="utf-8").splitlines()
    swapped = [",".join(reversed(line.split(",", 1))) for line in lines]  # first column last
    path.write_text("\n".join(swapped) + "\n", encoding="utf-8")
    found = [key(f) for f in findings_of("labs")]
    assert found == [(raw_file("labs"), 1, None, swapped[0], "column-order")]


def test_a_column_named_twice_is_reported(project):
    header, _ = read_table("labs")
    set_cell("labs", 1, header[-1], header[0])
    found = {key(f) for f in findings_of("labs")}
    assert (raw_file("labs"), 1, header[0], header[0], "duplicate-column") in found


# --- schema -------------------------------------------------------------------------------------


def test_a_non_numeric_lab_value_is_a_type_error(project):
    line = first_row("labs")["_line"]
    set_cell("labs", line, "value", "abc")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), line, "value", "abc", "type")
    assert finding.message == "value 'abc' is not a number"


def test_a_negative_lab_value_is_below_the_minimum(project):
    line = first_row("labs")["_line"]
    minimum = field("labs", "value")["constraints"]["minimum"]
    set_cell("labs", line, "value", str(minimum - 1))
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), line, "value", str(minimum - 1), "minimum")
    assert f"minimum {minimum}" in finding.message


def test_an_out_of_range_lab_value_is_above_the_maximum(project):
    line = first_row("labs")["_line"]
    too_high = str(field("labs", "value")["constraints"]["maximum"] * 10)
    set_cell("labs", line, "value", too_high)
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), line, "value", too_high, "maximum")


@pytest.mark.parametrize(
    ("table", "column", "bad", "rule"),
    [
        ("patients", "sex", "mal", "enum"),
        ("patients", "age_at_diagnosis_years", "7.5", "type"),
        ("patients", "pamidronate_ongoing", "yes", "type"),
        ("treatments", "drug", "Methotrexate", "pattern"),
        ("treatments", "start_month", "2005-13", "type"),
        ("publication", "received", "2009-02-30", "type"),
        ("labs", "source", "", "required"),
        ("labs", "patient_id", "", "required"),  # part of the primary key
        ("labs", "value", " 13", "type"),  # a padded number is not a number
    ],
)
def test_a_cell_breaking_the_data_dictionary_is_reported(project, table, column, bad, rule):
    line = first_row(table)["_line"]
    set_cell(table, line, column, bad)
    found = [key(f) for f in findings_of(table)]
    assert found == [(raw_file(table), line, column, bad, rule)]


def test_a_duplicated_composite_key_is_reported_with_the_first_line(project):
    path = Path(raw_file("labs"))
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    first = read_table("labs")[1][0]
    finding = only_finding(findings_of("labs"))
    shown = f"{first['patient_id']}, {first['analyte']}, {first['timepoint']}"
    assert key(finding) == (
        raw_file("labs"),
        len(lines) + 1,
        "patient_id, analyte, timepoint",
        shown,
        "primary-key",
    )
    assert "already used on line 2" in finding.message


def test_a_duplicated_primary_key_is_reported(project):
    rows = read_table("treatments")[1]
    repeated = rows[0]["treatment_id"]
    set_cell("treatments", rows[1]["_line"], "treatment_id", repeated)
    finding = only_finding(findings_of("treatments"))
    assert key(finding) == (
        raw_file("treatments"),
        rows[1]["_line"],
        "treatment_id",
        repeated,
        "primary-key",
    )


def test_a_treatment_naming_an_unknown_patient_is_reported(project):
    unknown = str(max(int(row["patient_id"]) for row in read_table("patients")[1]) + 1)
    line = first_row("treatments")["_line"]
    set_cell("treatments", line, "patient_id", unknown)
    finding = only_finding(findings_of("treatments"))
    assert key(finding) == (raw_file("treatments"), line, "patient_id", unknown, "foreign-key")
    assert finding.message == f"patient_id {unknown} is not a patient_id in data/raw/patients.csv"


def test_a_foreign_key_to_the_same_file_is_checked(project):
    references = read_table("references")[1]
    unknown = str(max(int(row["reference_number"]) for row in references) + 1)
    line = first_row("references", lambda row: row["duplicate_of"])["_line"]
    set_cell("references", line, "duplicate_of", unknown)
    found = [key(f) for f in findings_of("references")]
    assert (raw_file("references"), line, "duplicate_of", unknown, "foreign-key") in found


def test_an_unreadable_dependency_is_reported_on_the_dependent_file(project):
    Path(raw_file("patients")).write_bytes(b"")
    found = {key(f) for f in findings_of("treatments")}
    assert found == {(raw_file("treatments"), None, None, None, "dependency-unreadable")}


def test_an_unsupported_schema_feature_is_reported_not_skipped(project):
    path = Path(DATAPACKAGE)
    package = yaml.safe_load(path.read_text(encoding="utf-8"))
    labs = next(r for r in package["resources"] if r["name"] == "labs")
    labs["schema"]["fields"][0]["constraints"]["multipleOf"] = 2
    path.write_text(yaml.safe_dump(package, sort_keys=False), encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (DATAPACKAGE, None, None, None, "datapackage")
    assert "'multipleOf' is not supported" in finding.message


# --- several problems at once -------------------------------------------------------------------


def break_three_files() -> set[tuple]:
    """One error in each of three files; returns the findings expected (as `key` tuples)."""
    lab = first_row("labs")["_line"]
    set_cell("labs", lab, "value", "abc")
    treatment = first_row("treatments", lambda row: row["end_month"])
    set_cell("treatments", treatment["_line"], "end_month", month_before(treatment["start_month"]))
    patient = first_row("patients")["_line"]
    set_cell("patients", patient, "sex", "unknown")
    return {
        (raw_file("labs"), lab, "value", "abc", "type"),
        (
            raw_file("treatments"),
            treatment["_line"],
            "end_month",
            month_before(treatment["start_month"]),
            "end-before-start",
        ),
        (raw_file("patients"), patient, "sex", "unknown", "enum"),
    }


def test_every_error_in_every_file_is_reported_at_once(project):
    expected = break_three_files()
    assert {key(f) for f in findings_of()} == expected


@pytest.mark.parametrize("nasty", ["", "abc", "-1", "1e9", "2005-13", "true", ";"])
def test_no_cell_value_makes_the_checks_crash(project, nasty):
    """Every column of a table's first row set to one odd value: findings, never an exception."""
    for table in [path.stem for path in sorted(RAW.glob("*.csv"))]:
        header, rows = read_table(table)
        for column in header:
            set_cell(table, rows[0]["_line"], column, nasty)
    findings = findings_of()
    assert findings  # and no exception on the way
    assert all(f.file.startswith("data/raw/") for f in findings)


def test_broken_quoting_makes_the_file_unreadable_with_one_clear_error(project):
    path = Path(raw_file("labs"))
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[1] = f'"{cells[1]}"x'  # text after a closing quote: 1,"ESR"x,post,...
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    finding = only_finding(findings_of("labs"))
    assert key(finding) == (raw_file("labs"), 3, None, lines[2], "csv-syntax")
