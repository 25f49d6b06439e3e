"""A large series (more patients than `large_series_threshold`): summary tables whose statistics are
traced through the ledger, bounded excerpts of the per-patient material, and a report whose size
does not grow with the number of patients."""

from __future__ import annotations

import csv
import statistics
from decimal import Decimal

import pytest
from support.project import ROOT
from support.report import build_report_dir, parse_html, read_numbers_csv

from casereport import stages
from casereport.dataset import load_dataset
from casereport.render import APPENDIX_PLOTTED_ROWS, EXCERPT_PATIENTS, line_words
from casereport.sources import read_lines
from casereport.summary import decimals, quantile
from casereport.tables import LARGE_SERIES_THRESHOLD, build_table, per_patient_excerpt
from casereport_project.synthetic import write_cohort

SMALLER, LARGER = LARGE_SERIES_THRESHOLD + 5, 3 * LARGE_SERIES_THRESHOLD


def build_cohort(tmp_path_factory, patients: int, seed: int):
    root = tmp_path_factory.mktemp(f"cohort{patients}")
    project = root / "project"
    raw = project / "data" / "raw"
    write_cohort(raw, n_patients=patients, seed=seed, template_dir=ROOT / "data" / "raw")
    return build_report_dir(root / "out", project=project)


@pytest.fixture(scope="module")
def smaller(tmp_path_factory):
    return build_cohort(tmp_path_factory, SMALLER, seed=5)


@pytest.fixture(scope="module")
def larger(tmp_path_factory):
    return build_cohort(tmp_path_factory, LARGER, seed=6)


@pytest.fixture(scope="module")
def parsed(larger):
    return parse_html(larger.html)


@pytest.fixture(scope="module")
def numbers(larger):
    return read_numbers_csv(larger.numbers_csv)


def raw_rows(built, name: str) -> list[dict[str, str]]:
    with open(built.project / "data" / "raw" / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rows_in(parsed, section: str) -> int:
    return sum(1 for e in parsed.elements if e.tag == "tr" and e.section == section)


# --- pure statistics ---------------------------------------------------------------------------


def test_quantiles_interpolate_between_ranked_values_exactly():
    values = [Decimal(v) for v in (1, 2, 3, 4)]
    assert quantile(values, Decimal("0.5")) == Decimal("2.5")
    assert quantile(values, Decimal("0.25")) == Decimal("1.75")
    assert quantile(values, Decimal("0.75")) == Decimal("3.25")
    assert quantile([Decimal(7)], Decimal("0.25")) == 7
    floats = [0.1 * i for i in range(1, 12)]
    expected = statistics.quantiles(floats, n=4, method="inclusive")
    got = [
        quantile([Decimal(repr(f)) for f in floats], Decimal(q)) for q in ("0.25", "0.5", "0.75")
    ]
    assert [float(g) for g in got] == pytest.approx(expected)


def test_decimals_is_the_precision_of_the_most_precise_value():
    assert decimals([Decimal("12"), Decimal("0.475"), Decimal("1.50")]) == 3


def test_long_line_lists_are_shortened_in_words_but_not_in_the_ledger():
    assert line_words([7]) == "line 7"
    assert line_words([2, 3, 4, 9]) == "lines 2–4, 9"
    scattered = list(range(2, 400, 2))
    words = line_words(scattered)
    assert words.startswith("lines 2, 4, 6") and words.endswith("(199 lines in all)")


# --- the summary tables ------------------------------------------------------------------------


@pytest.mark.slow
def test_tables_become_summaries(parsed):
    def header_cells(section):
        return [
            e
            for e in parsed.elements
            if e.tag == "th" and e.section == section and e.attrs.get("scope") == "col"
        ]

    assert [c.text for c in header_cells("table1")] == ["", "All patients"]
    assert len(header_cells("table2")) == 5  # analyte, n, before, after, change
    assert rows_in(parsed, "table1") < 40 and rows_in(parsed, "table2") < 15


@pytest.mark.slow
def test_every_digit_of_the_large_report_is_a_number_or_marked_meta(parsed):
    stray = [
        (section, text.strip())
        for text, marked, section in parsed.text_runs
        if not marked and any(ch.isdigit() for ch in text)
    ]
    assert stray == [], stray[:10]


@pytest.mark.slow
def test_every_number_of_the_summaries_is_in_numbers_csv_and_traced(parsed, numbers, larger):
    shown = {
        e.attrs["data-number"]
        for e in parsed.with_attribute("data-number")
        if e.section in ("table1", "table2", "table3")
    }
    assert {i for i in shown if i.startswith("summary.")}, "the tables show no statistics"
    for number_id in shown:
        row = numbers[number_id]
        text = (larger.project / row["source_file"]).read_text(encoding="utf-8")
        last_line = len(read_lines(text))
        assert all(1 < int(n) <= last_line for n in row["source_line"].split(";")), number_id
        if number_id.startswith("summary."):
            assert row["derivation"], number_id


@pytest.mark.slow
def test_a_median_names_every_row_it_summarises(numbers, larger):
    patients = raw_rows(larger, "patients")
    row = numbers["summary.patients.age_at_diagnosis_years.median"]
    assert row["source_line"] == ";".join(str(line) for line in range(2, len(patients) + 2))
    ages = sorted(Decimal(p["age_at_diagnosis_years"]) for p in patients)
    assert Decimal(row["value"]) == Decimal(str(statistics.median(ages)))


@pytest.mark.slow
def test_a_percentage_agrees_with_its_count(numbers, larger):
    patients = raw_rows(larger, "patients")
    count = numbers["summary.patients.sex.female.count"]
    percent = numbers["summary.patients.sex.female.percent"]
    females = sum(p["sex"] == "female" for p in patients)
    assert int(count["value"]) == females
    assert Decimal(percent["value"]) == pytest.approx(Decimal(100 * females) / len(patients))


@pytest.mark.slow
def test_the_paired_change_is_computed_patient_by_patient(numbers, larger):
    labs = raw_rows(larger, "labs")
    values = {
        (r["patient_id"], r["timepoint"]): Decimal(r["value"])
        for r in labs
        if r["analyte"] == "ESR"
    }
    changes = sorted(
        values[pid, "post"] - values[pid, "pre"] for pid, point in values if point == "pre"
    )
    assert Decimal(numbers["summary.labs.ESR.change.median"]["value"]) == statistics.median(changes)


# --- bounded excerpts and size -----------------------------------------------------------------


@pytest.mark.slow
def test_case_summaries_and_per_patient_tables_show_the_first_patients(parsed):
    cases = [e for e in parsed.elements if e.tag == "article" and e.section == "patients"]
    assert [c.text.split()[:2] for c in cases] == [
        ["Patient", str(i)] for i in range(1, EXCERPT_PATIENTS + 1)
    ]
    tables = [e for e in parsed.elements if e.tag == "table" and e.section == "patient-tables"]
    assert len(tables) == 3
    body_rows = rows_in(parsed, "patient-tables")
    assert body_rows == 3 * (EXCERPT_PATIENTS + 1)  # a header row and the first patients


@pytest.mark.slow
def test_the_appendix_lists_text_numbers_and_the_first_plotted_values(parsed, numbers, larger):
    listed = {
        e.attrs["id"].removeprefix("number-")
        for e in parsed.elements
        if e.tag == "tr" and e.attrs.get("id", "").startswith("number-")
    }
    in_text = {e.attrs["data-number"] for e in parsed.with_attribute("data-number")}
    assert in_text <= set(numbers)
    assert {i for i in in_text if i in listed} == listed  # every listed number is shown
    body = {
        e.attrs["data-number"]
        for e in parsed.with_attribute("data-number")
        if e.section != "appendix"
    }
    assert body <= listed
    notes = [
        e for e in parsed.elements if e.tag == "p" and "ledger-note" in e.attrs.get("class", "")
    ]
    assert notes, "no note says that plotted values were left out"
    plotted_only = set(numbers) - body
    assert len(plotted_only & listed) <= APPENDIX_PLOTTED_ROWS * 3


@pytest.mark.slow
def test_the_report_does_not_grow_with_the_number_of_patients(smaller, larger):
    small, large = parse_html(smaller.html), parse_html(larger.html)
    small_rows = sum(1 for e in small.elements if e.tag == "tr")
    large_rows = sum(1 for e in large.elements if e.tag == "tr")
    # Tables list vocabularies (drugs, sites) that a larger cohort may fill a little more.
    assert large_rows <= small_rows + 20, (small_rows, large_rows)
    assert larger.html.stat().st_size < 1.3 * smaller.html.stat().st_size
    assert larger.html.stat().st_size < 2_000_000


@pytest.mark.slow
def test_sections_of_the_care_checklist_survive_the_large_form(parsed):
    from support.report import CARE_CHECKLIST

    from casereport.render import read_care_checklist

    present = {e.attrs["id"] for e in parsed.elements if e.tag in ("section", "header")}
    for item in read_care_checklist(CARE_CHECKLIST):
        assert set(item.sections) <= present, item.topic


@pytest.mark.slow
def test_figures_draw_their_summary_form_at_the_same_threshold(larger):
    import json

    timeline = json.loads((larger.figure_jsons[0]).read_text(encoding="utf-8"))
    assert timeline["key"] == "timeline" and "in each month" in timeline["alt"]


@pytest.mark.slow
def test_the_papers_three_patients_render_in_the_large_form_below_a_low_threshold(tmp_path):
    """The threshold is a setting: the real data in the summary form (Table II's phosphorus and
    calcium have no values, Table I's drugs differ by patient) still trace every digit."""
    built = build_report_dir(tmp_path / "out", large_series_threshold=2)
    parsed = parse_html(built.html)
    stray = [t for t, marked, _ in parsed.text_runs if not marked and any(c.isdigit() for c in t)]
    assert stray == []
    cases = [e for e in parsed.elements if e.tag == "article" and e.section == "patients"]
    assert len(cases) == 3  # the excerpt never claims more patients than there are
    numbers = read_numbers_csv(built.numbers_csv)
    assert numbers["summary.patients.sex.male.count"]["value"] == "2"
    assert numbers["summary.patients.disease_duration_years.median"]["value"] == "3"


@pytest.mark.slow
def test_the_excerpt_of_a_table_built_for_its_first_patients_is_the_whole_tables_excerpt(larger):
    validated = larger.report_dir.parent / "results" / "validated"
    dataset = load_dataset(validated, larger.project / "data" / "raw" / "datapackage.yaml")
    for name in stages.TABLES:
        whole = per_patient_excerpt(build_table(name, dataset), EXCERPT_PATIENTS)
        first_only = per_patient_excerpt(
            build_table(name, dataset, EXCERPT_PATIENTS), EXCERPT_PATIENTS
        )
        assert first_only == whole, name
        assert len(first_only.rows) == EXCERPT_PATIENTS
