"""The catalog: every number traced to the raw cell it was read from, computed numbers recomputed
here from the raw files, and the same ids whichever tables a job loads."""

from __future__ import annotations

import calendar
import csv
import gc
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import yaml
from support.project import ARTICLE_EXTENSION, DATAPACKAGE, RAW

import casereport_project.numbers as article_numbers
from casereport import stages
from casereport.catalog import (
    SURROGATE_IDS,
    build_catalog,
    catalog_subset,
    cyclic_gc_paused,
    read_as_is,
)
from casereport.clinical import scheduled_course_count
from casereport.dataset import Table, load_dataset, rows
from casereport.derived_numbers import computed_groups
from casereport.formatting import day_month_year, display_number, month_year, plain_number
from casereport.ledger import Ledger, cell_id
from casereport.project_extension import ProjectExtensionError
from casereport.summary import series_summary_numbers
from casereport.tables import build_table, table_refs

READ_AS_IS = {"integer", "number", "date", "yearmonth"}


@pytest.fixture
def dataset(validated_dir):
    return load_dataset(validated_dir, DATAPACKAGE)


@pytest.fixture
def catalog(dataset) -> Ledger:
    return build_catalog(dataset)


def resources() -> list[dict]:
    return yaml.safe_load(DATAPACKAGE.read_text(encoding="utf-8"))["resources"]


def raw_rows(resource: dict) -> list[tuple[int, dict]]:
    """(line in the raw file, row) for every data row (header = line 1)."""
    with open(RAW / resource["path"], encoding="utf-8", newline="") as handle:
        return list(enumerate(csv.DictReader(handle), start=2))


def other_table_keys(resource: dict) -> set[str]:
    return {
        column
        for fk in resource["schema"].get("foreignKeys", [])
        if fk["reference"]["resource"] not in ("", resource["name"])
        for column in fk["fields"]
    }


def expected_cells():
    """(id, raw text, line, column, field type) of every cell the catalog must read as is."""
    for resource in resources():
        key = resource["schema"].get("primaryKey", [])
        skipped = SURROGATE_IDS | other_table_keys(resource)
        for position, (line, row) in enumerate(raw_rows(resource), start=1):
            row_key = [row[c] for c in key] if key else [position]
            for field in resource["schema"]["fields"]:
                column = field["name"]
                if field.get("type") in READ_AS_IS and column not in skipped and row[column]:
                    yield cell_id(resource["name"], row_key, column), row[column], line, field


def english_month(number: int) -> str:
    return calendar.month_name[number]  # the C locale the tests run in names months in English


@pytest.mark.slow
def test_every_typed_cell_is_read_as_is_from_its_line(catalog, dataset):
    as_is = {n.id for n in catalog if not n.is_computed}
    expected = list(expected_cells())
    assert as_is == {number_id for number_id, *_ in expected}
    for number_id, raw, line, field in expected:
        number = catalog[number_id]
        assert number.source_line == str(line), number_id
        assert number.source_column == field["name"]
        assert number.source_file == dataset.source_file(number_id.split(".")[0])
        assert number.derivation == ""
        if field["type"] in ("date", "yearmonth"):
            assert number.value == raw
        else:
            assert Decimal(number.value) == Decimal(raw), number_id


@pytest.mark.slow
def test_display_of_dates_and_months(catalog):
    for number_id, raw, _, field in expected_cells():
        if field["type"] not in ("date", "yearmonth"):
            continue
        parts = [int(p) for p in raw.split("-")]
        if field["type"] == "yearmonth":
            assert catalog[number_id].display == f"{english_month(parts[1])} {parts[0]}"
        elif field["type"] == "date":
            day = f"{parts[2]} {english_month(parts[1])} {parts[0]}"
            assert catalog[number_id].display == day


@pytest.mark.slow
def test_units_come_from_the_field_or_the_row(catalog):
    for resource in resources():
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        for number in (n for n in catalog if n.id.startswith(resource["name"] + ".")):
            if number.is_computed:
                continue
            declared = fields[number.source_column].get("unit")
            if declared:
                assert number.unit == declared, number.id
    assert catalog[cell_id("labs", (1, "ESR", "pre"), "value")].unit == "mm/h"
    assert catalog[cell_id("treatments", 1, "dose")].unit == "mg/kg/day"


@pytest.mark.slow
def test_counts_and_sums_recomputed_from_the_raw_file(catalog):
    patients = [row for _, row in raw_rows(next(r for r in resources() if r["name"] == "patients"))]
    assert catalog["derived.patient_count"].value == str(len(patients))
    sexes = {row["sex"] for row in patients}
    for sex in sexes:
        count = sum(row["sex"] == sex for row in patients)
        assert catalog[f"derived.sex.{sex}.count"].value == str(count)
    durations = [Decimal(row["disease_duration_years"]) for row in patients]
    mean = Decimal(catalog["derived.mean_disease_duration_years"].value)
    assert abs(mean - sum(durations) / len(durations)) < Decimal("1e-6")
    courses = sum(int(row["pamidronate_courses"]) for row in patients)
    assert catalog["derived.total_pamidronate_courses"].value == str(courses)
    outcomes = [n for n in catalog if n.id.startswith("derived.outcome.")]
    assert sum(int(n.value) for n in outcomes) == len(patients)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("table", "column", "derived_name"),
    [
        ("labs", "value", "change"),
        ("bone_density", "bmd_g_cm2", "bmd_change"),
        ("bone_density", "z_score", "z_change"),
    ],
)
def test_changes_are_after_minus_before_with_both_lines(catalog, table, column, derived_name):
    resource = next(r for r in resources() if r["name"] == table)
    before, after = next(f for f in resource["schema"]["fields"] if f["name"] == "timepoint")[
        "constraints"
    ]["enum"]
    by_key: dict[tuple, dict[str, tuple[int, dict]]] = {}
    for line, row in raw_rows(resource):
        key = tuple(row[c] for c in resource["schema"]["primaryKey"] if c != "timepoint")
        by_key.setdefault(key, {})[row["timepoint"]] = (line, row)
    assert by_key
    for key, at in by_key.items():
        number = catalog[".".join(["derived", table, *key, derived_name])]
        (line_before, row_before), (line_after, row_after) = at[before], at[after]
        assert Decimal(number.value) == Decimal(row_after[column]) - Decimal(row_before[column])
        assert number.lines == sorted([line_before, line_after])
        assert number.derivation


@pytest.mark.slow
def test_bmd_improved_count(catalog):
    changes = [n for n in catalog if n.id.endswith(".bmd_change")]
    improved = sum(Decimal(n.value) > 0 for n in changes)
    assert catalog["derived.bmd_improved_count"].value == str(improved)


def test_first_treatment_month_and_scheduled_courses(catalog, dataset):
    treatments = dataset["treatments"]
    for pid in dataset["patients"]["patient_id"]:
        listed = treatments[(treatments["patient_id"] == pid) & treatments["listed_in_table_i"]]
        first = catalog[f"derived.patients.{pid}.first_treatment_month"]
        assert first.value == min(listed["start_month"].dropna())
        assert first.display == month_year(first.value)
    scheduled = [n for n in catalog if n.id.endswith(".scheduled_courses")]
    assert scheduled and all(int(n.value) >= 1 for n in scheduled)


def test_every_computed_number_names_its_lines_and_derivation(catalog):
    for number in (n for n in catalog if n.is_computed):
        assert number.id.startswith("derived."), number.id
        assert number.lines, number.id
        assert number.source_column


@pytest.mark.slow
@pytest.mark.parametrize("names", [*stages.TABLES.values(), *stages.FIGURES.values()], ids=str)
def test_a_subset_gives_the_same_numbers_as_the_whole(validated_dir, catalog, names):
    subset = build_catalog(load_dataset(validated_dir, DATAPACKAGE, list(names)))
    assert len(subset) > 0
    for number in subset:
        assert catalog[number.id] == number


@pytest.mark.slow
@pytest.mark.parametrize("name", list(stages.TABLES))
def test_catalog_subset_is_the_catalog_restricted_to_the_ids(validated_dir, name):
    dataset = load_dataset(validated_dir, DATAPACKAGE, list(stages.TABLES[name]))
    whole = build_catalog(dataset)
    every_third = [n.id for n in whole][::3]
    for ids in (table_refs(build_table(name, dataset)), every_third, []):
        asked = [*ids, "derived.no_such_number", "patients.999.no_such_column"]
        assert list(catalog_subset(dataset, asked)) == list(whole.subset(asked))


def test_rows_are_python_values_with_none_for_missing(dataset):
    for table in dataset.tables.values():
        # What the rows were when built record by record through DataFrame.to_dict.
        expected = [
            {
                k: None if v is None or (not isinstance(v, str) and pd.isna(v)) else v
                for k, v in record.items()
            }
            for record in table.frame.to_dict("records")
        ]
        got = rows(table.frame)
        assert got == expected, table.name
        assert [list(map(type, r.values())) for r in got] == [
            list(map(type, r.values())) for r in expected
        ], table.name


@pytest.mark.slow
def test_a_table_without_its_schema_reads_it_beside_the_raw_file(dataset):
    for table in dataset.tables.values():
        bare = Table(table.name, table.source_file, table.frame, table.fields)
        assert list(read_as_is(bare, "raw.csv")) == list(read_as_is(table, "raw.csv"))


def test_catalog_round_trips_through_csv(catalog, tmp_path):
    path = tmp_path / "catalog.csv"
    catalog.write_csv(path)
    assert list(Ledger.read_csv(path)) == list(catalog)


def test_number_display():
    assert plain_number(1.0) == "1"
    assert plain_number(0.680) == "0.68"
    assert plain_number(-0.97) == "-0.97"
    assert plain_number(100000.0) == "100000"
    assert plain_number(Decimal("-0.0")) == "0"
    assert display_number(100000) == "100,000"
    assert display_number(1074) == "1074"
    assert month_year("2002-06") == "June 2002"
    assert day_month_year("2009-03-06") == "6 March 2009"


def test_scheduled_course_count():
    # Starts in January, April and July; October is past the end month.
    assert scheduled_course_count("2000-01", "2000-09", 3) == 3
    assert scheduled_course_count("2000-11", "2001-01", 2) == 2  # across a new year
    assert scheduled_course_count("2000-01", "2000-01", 3) == 1


@pytest.mark.slow
def test_catalog_script_writes_the_catalog(validated_dir, tmp_path):
    """workflow/scripts/build_catalog.py with a stand-in for Snakemake's `snakemake` object."""

    class Namespace(list):
        def __init__(self, items=(), **named):
            super().__init__(items)
            self.__dict__.update(named)

    output, summaries = tmp_path / "catalog.csv", tmp_path / "summaries.csv"
    tables = [str(validated_dir / f"{r['name']}.csv") for r in resources()]
    smk = type("Smk", (), {})()
    smk.input = Namespace(tables, tables=tables, datapackage=str(DATAPACKAGE))
    smk.output = Namespace(
        [str(output), str(summaries)], catalog=str(output), summaries=str(summaries)
    )
    smk.config = {"extension": str(ARTICLE_EXTENSION)}  # the one conftest activated
    script = Path(__file__).resolve().parents[1] / "workflow" / "scripts" / "build_catalog.py"
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), {"snakemake": smk})
    dataset = load_dataset(validated_dir, DATAPACKAGE)
    assert len(Ledger.read_csv(output)) == len(build_catalog(dataset))
    assert list(Ledger.read_csv(summaries)) == series_summary_numbers(dataset)


@pytest.mark.slow
def test_the_garbage_collector_is_paused_only_while_building(dataset):
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause does not resume it early
    assert gc.isenabled()
    with pytest.raises(KeyError), cyclic_gc_paused():
        raise KeyError("stops the build")
    assert gc.isenabled()
    build_catalog(dataset)
    assert gc.isenabled()


def test_the_projects_number_groups_come_after_the_package_groups_they_name():
    # The article's groups (workflow/article/numbers.py) are listed where the package listed
    # them before they moved, so numbers.csv keeps its order.
    assert [group.__name__ for _, group in computed_groups()] == [
        "patient_numbers",
        "course_and_outcome_numbers",
        "treatment_numbers",
        "bone_density_numbers",
        "lab_numbers",
        "study_drug_numbers",
    ]


def test_a_project_group_that_follows_no_package_group_is_one_error(monkeypatch):
    groups = (*article_numbers.COMPUTED_GROUPS, ("calcinosis", ("patients",), lambda d: iter(())))
    monkeypatch.setattr(article_numbers, "COMPUTED_GROUPS", groups)
    with pytest.raises(ProjectExtensionError, match="follow no group of the package: calcinosis"):
        computed_groups()
