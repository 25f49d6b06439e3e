"""The build steps of a `casereport new` project, without snakemake: data, catalog, computed
numbers, references. Runs on a fresh copy of the template (the worked Kawasaki case)."""

from __future__ import annotations

import pytest

from casereport.newcase.build import (
    BuildError,
    catalog,
    check_data,
    computed_numbers,
    manuscript_html,
)
from casereport.newcase.command import create_project


@pytest.fixture
def project(tmp_path, monkeypatch):
    create_project(tmp_path / "case")
    monkeypatch.chdir(tmp_path / "case")
    return tmp_path / "case"


def test_the_template_data_is_valid_and_every_cell_has_a_ledger_id(project):
    ledger = catalog(check_data("data/datapackage.yaml"))
    crp = ledger["measurements.1.value"]
    assert (crp.display, crp.unit, crp.source_file, crp.source_line) == (
        "142",
        "mg/L",
        "data/measurements.csv",
        "2",
    )
    assert ledger["treatments.1.dose"].unit == "g/kg"  # unit from the row's dose_unit column


@pytest.mark.slow
def test_invalid_data_stops_the_build_naming_file_line_and_column(project):
    path = project / "data" / "measurements.csv"
    path.write_text(path.read_text().replace(",CRP,142,", ",CRP,high,"), encoding="utf-8")
    with pytest.raises(BuildError, match=r"data/measurements.csv:2: column 'value': value 'high'"):
        check_data("data/datapackage.yaml")


@pytest.mark.slow
def test_a_computed_number_records_its_derivation_and_each_cell_once(project):
    ledger = catalog(check_data("data/datapackage.yaml"))
    spec = {
        "fall": {
            "expression": "100 * (measurements.1.value - measurements.4.value) / "
            "measurements.1.value",
            "decimals": 1,
            "unit": "%",
        }
    }
    (number,) = computed_numbers(spec, ledger, "computed.yaml")
    assert number.display == "93.7"
    assert number.source_file == "data/measurements.csv" and number.source_line == "2;5"
    assert "measurements.1.value [142]" in number.derivation


def test_unknown_references_and_hand_typed_numbers_are_errors_unless_warned(project):
    ledger = catalog(check_data("data/datapackage.yaml"))
    text = "CRP [[measurements.1.value|unit]] and [[measurements.99.value]].\nFever 40.\n"
    with pytest.raises(BuildError) as error:
        manuscript_html(text, ledger, "m.md", [], "error")
    assert "m.md:1:39: [[measurements.99.value]] names no cell" in str(error.value)
    assert "m.md:2:7: number typed by hand: '40'" in str(error.value)
    html, shown, warnings = manuscript_html(text.replace("99", "2"), ledger, "m.md", [], "warn")
    assert shown == ["measurements.1.value", "measurements.2.value"]
    assert 'href="sources/measurements.csv.html#L2"' in html and ">142</a>" in html
    assert [w.split(":")[1] for w in warnings] == ["2"]
