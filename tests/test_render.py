"""Pieces of casereport.render that a large series makes costly: rows of the data as Python
values, rows grouped by patient, the wording of a number's lines, one element per number."""

from __future__ import annotations

import pandas as pd
import pytest
from support.project import DATAPACKAGE

from casereport.dataset import SOURCE_LINE, load_dataset, read_datapackage
from casereport.ledger import Ledger, Number, UnknownNumberError
from casereport.render import (
    LinesRead,
    NumberRecorder,
    PatientRecords,
    TableRows,
    decimal_columns,
    decimal_padding,
    line_runs,
    line_words,
    lines_read,
    per_patient_tables,
    primary_keys,
    table_rows,
    typeset,
    unit_text,
)


@pytest.fixture
def dataset(validated_dir):
    return load_dataset(validated_dir, DATAPACKAGE)


def cell_by_cell(dataset, table: str) -> list[dict]:
    """The rows as pandas gives them record by record, missing cells as None: the reference for
    the column-by-column conversion."""
    frame = dataset[table].sort_values(SOURCE_LINE)
    return [
        {k: None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


@pytest.mark.slow
def test_table_rows_hold_python_values_and_none_for_missing_cells(dataset):
    keys = primary_keys(read_datapackage(DATAPACKAGE))
    for table in dataset.tables:
        rows = table_rows(dataset, table, keys.get(table, []))
        expected = cell_by_cell(dataset, table)
        assert [r.values for r in rows] == expected, table
        for row, values in zip(rows, expected, strict=True):
            assert [type(v) for v in row.values.values()] == [type(v) for v in values.values()]
    treatments = table_rows(dataset, "treatments", keys["treatments"])
    assert any(r["end_month"] is None for r in treatments)
    assert all(type(r["treatment_id"]) is int for r in treatments)


@pytest.mark.slow
def test_patient_records_hold_each_patients_rows_in_file_order(dataset):
    keys = primary_keys(read_datapackage(DATAPACKAGE))
    records = PatientRecords(dataset, keys)
    patient_ids = [r["patient_id"] for r in table_rows(dataset, "patients", keys["patients"])]
    tables = per_patient_tables(dataset)
    assert {"treatments", "adverse_events", "findings"} <= set(tables)
    for table in tables:
        rows = table_rows(dataset, table, keys[table])
        for patient_id in patient_ids:
            expected = [r for r in rows if r["patient_id"] == patient_id]
            assert records.rows_of(table, patient_id) == expected, (table, patient_id)
            assert records.has_rows(table, patient_id) == bool(expected)
    assert records.rows_of("adverse_events", max(patient_ids) + 1) == []
    # A table the data do not have (the general model's outcomes.csv, here) has no rows.
    assert "outcomes" not in dataset.tables
    assert records.rows_of("outcomes", patient_ids[0]) == []
    assert not records.has_rows("outcomes", patient_ids[0])


@pytest.mark.parametrize(
    "lines",
    [[7], [2, 3], [2, 3, 4, 9], [9, 8, 7], list(range(2, 5000)), list(range(2, 400, 2))],
)
def test_line_runs_with_a_limit_are_the_first_runs(lines):
    every = line_runs(lines)
    for limit in range(0, 12):
        assert line_runs(lines, limit=limit) == every[:limit]


def test_line_runs_join_three_or_more_consecutive_lines():
    assert line_runs([2, 3, 4, 6, 7, 9]) == ["2\u20134", "6", "7", "9"]
    assert line_runs([]) == []


def test_a_number_shown_twice_has_an_id_per_place_and_both_sections_are_recorded():
    lines = ";".join(str(line) for line in range(2, 3002))
    median = Number("summary.x", "5", "5", "", "data/raw/labs.csv", lines, "value", "median")
    recorder = NumberRecorder(Ledger([median]))
    recorder.enter("table2")
    first = recorder.show("summary.x")
    recorder.enter("outcomes")
    second = recorder.show("summary.x")
    assert 'id="at-summary.x"' in first and 'id="at-summary.x-2"' in second
    assert first.replace('id="at-summary.x"', "") == second.replace('id="at-summary.x-2"', "")
    assert recorder.sections_by_id == {"summary.x": ["table2", "outcomes"]}
    assert 'title="median (from data/raw/labs.csv, lines 2\u20133001' in first
    # computed: it leads to its appendix row, which links every cell it uses
    assert 'href="#number-summary.x"' in first


def test_a_number_read_as_is_links_to_its_cell_and_back_to_where_it_was_clicked():
    number = Number("labs.1.ESR.pre.value", "13", "13", "mm/h", "data/raw/labs.csv", "2", "value")
    recorder = NumberRecorder(Ledger([number]))
    assert 'href="sources/labs.csv.html?from=at-labs.1.ESR.pre.value#L2-value"' in (
        recorder.show(number.id)
    )


@pytest.mark.parametrize(
    ("display", "typeset_as"),
    [("-0.97", "\u22120.97"), ("-2", "\u22122"), ("0.3", "0.3"), ("June 2002", "June 2002")],
)
def test_negative_numbers_are_set_with_a_true_minus_sign(display, typeset_as):
    assert typeset(display) == typeset_as


def test_a_citation_links_to_the_reference_list():
    number = Number(
        "references.4.reference_number",
        "4",
        "4",
        "",
        "data/raw/references.csv",
        "5",
        "reference_number",
    )
    html = NumberRecorder(Ledger([number])).cite(number.id)
    assert 'class="number citation"' in html and 'href="#reference-4"' in html


@pytest.mark.parametrize(
    ("words", "kept"),
    [("IU/L", "IU/L"), ("ESR (mm/h)", "(mm/h)"), ("0.35 mg/kg/week", "mg/kg/week")],
)
def test_a_unit_is_kept_on_one_line(words, kept):
    assert f'<span class="unit">{kept}</span>' in unit_text(words)


@pytest.mark.slow
def test_table_rows_are_converted_when_first_read(dataset):
    keys = primary_keys(read_datapackage(DATAPACKAGE))
    rows = TableRows(dataset, keys)
    assert "labs" not in rows
    assert rows["patients"] == table_rows(dataset, "patients", keys["patients"])
    assert rows["patients"] is rows["patients"]
    assert list(rows) == ["patients"]
    with pytest.raises(KeyError):
        rows["no_such_table"]


@pytest.mark.parametrize("source_line", ["7", "2;3;4;9", ";".join(map(str, range(2, 60, 3)))])
def test_lines_read_gives_the_first_line_and_the_words_of_number_lines(source_line):
    number = Number("x", "1", "1", "", "data/raw/labs.csv", source_line, "value")
    assert lines_read(source_line) == LinesRead(number.lines[0], line_words(number.lines))


def test_recording_plotted_values_at_once_is_recording_each():
    ledger = Ledger(
        Number(f"labs.{i}.value", "1", "1", "", "data/raw/labs.csv", str(i + 1), "value")
        for i in range(1, 6)
    )
    ids = [f"labs.{i}.value" for i in (1, 2, 2, 3)]
    one_by_one, at_once = NumberRecorder(ledger), NumberRecorder(ledger)
    for section, shown in (("", ids[:1]), ("figure-labs", ids), ("outcomes", ids[2:])):
        one_by_one.enter(section)
        at_once.enter(section)
        for number_id in shown:
            one_by_one.record(number_id)
        at_once.record_all(shown)
    assert at_once.sections_by_id == one_by_one.sections_by_id
    assert at_once.sections_by_id["labs.2.value"] == ["figure-labs", "outcomes"]
    with pytest.raises(UnknownNumberError):
        at_once.record_all(["labs.9.value"])


def test_columns_of_plain_numbers_are_padded_to_align_their_decimal_points():
    from casereport.model import Ref

    def number(i, display):
        return Number(f"x.{i}", display, display, "", "data/raw/x.csv", "2", "v")

    catalog = Ledger([number(1, "0.475"), number(2, "0.4"), number(3, "-2"), number(4, "n/a")])
    rows = [
        (("Patient 1",), (Ref("x.1"),), (Ref("x.4"),)),
        (("Patient 2",), (Ref("x.2"),), ()),
        (("Patient 3",), (Ref("x.3"),), ()),
    ]
    assert decimal_columns(rows, catalog) == {1: 3}  # column 2 holds a word
    assert decimal_padding("0.4", 3) == "\u2007\u2007"
    assert decimal_padding("-2", 3) == "\u2008\u2007\u2007\u2007"
    assert decimal_padding("0.475", 3) == ""
