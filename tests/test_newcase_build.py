"""The build steps of a `casereport new` project, without snakemake: data, catalog, computed
numbers, references. Runs on a fresh copy of the template (the worked Kawasaki case)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from casereport.fingerprint import configured_data_package
from casereport.newcase.build import (
    BuildError,
    catalog,
    check_data,
    computed_numbers,
    manuscript_html,
)
from casereport.newcase.command import create_project

ROOT = Path(__file__).resolve().parents[1]


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


def test_the_general_rules_check_a_new_case(project):
    """A new project runs the package's general cross-field rules (not the article's)."""
    path = project / "data" / "treatments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    start = cells[header.index("start_date")]
    cells[header.index("end_date")] = f"{int(start[:4]) - 1}{start[4:]}"
    path.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"data/treatments.csv:2: column 'end_date'.*end-before"):
        check_data("data/datapackage.yaml")


def test_a_new_case_uses_the_config_keys_of_every_casereport_project(project):
    """data_dir + datapackage, as config/config.yaml of the article; no special case."""
    article = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    config = yaml.safe_load((project / "config" / "config.yaml").read_text(encoding="utf-8"))
    for key in ("data_dir", "datapackage", "report_dir", "results_dir"):
        assert key in article and key in config
    assert configured_data_package(project).as_posix() == "data/datapackage.yaml"
    assert "python -c" not in (project / "workflow" / "rules" / "report.smk").read_text()


def test_rules_of_the_projects_own_run_after_the_general_ones(project):
    """The file config's `validation_rules` names: here, one that asks every patient's weight."""
    rules = project / "workflow" / "validation_rules.py"
    rules.write_text(
        "from casereport.validation.rules import RuleSet, where\n"
        "RULES = RuleSet()\n\n\n"
        '@RULES.rule(checks="patients")\n'
        "def weight_is_recorded(table, tables):\n"
        '    """patients: the weight is recorded."""\n'
        '    for line in where(table.typed["weight_kg"].isna()):\n'
        '        yield table.finding(line, "weight_kg", "no-weight", "weight_kg is empty")\n',
        encoding="utf-8",
    )
    check_data("data/datapackage.yaml", str(rules))  # the example records it
    path = project / "data" / "patients.csv"
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    cells[header.split(",").index("weight_kg")] = ""
    path.write_text("\n".join([header, ",".join(cells), *rest]) + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=r"patients.csv:2: column 'weight_kg'.*no-weight"):
        check_data("data/datapackage.yaml", str(rules))
    with pytest.raises(BuildError, match="nope.py"):
        check_data("data/datapackage.yaml", "nope.py")
