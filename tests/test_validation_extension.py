"""The general rules (in the package) and a project's own rules (a file its config names).

The article's own rules live in workflow/article/validation_rules.py; a project made by
`casereport new` has none and runs the general rules only.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.project import ROOT
from support.validation import (
    ARTICLE_RULES,
    DATAPACKAGE,
    copy_raw_data,
    first_row,
    key,
    raw_file,
    read_table,
    set_cell,
)

from casereport.newcase.command import TEMPLATE
from casereport.validation.checker import check_tables
from casereport.validation.registry import ExtensionError, load_extension
from casereport.validation.rules import RULES, rules_for


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def findings(extension: str | None) -> list:
    results = check_tables(DATAPACKAGE, ["patients"], extension=extension)
    return [key(finding) for finding in results["patients"].findings]


def onset_min_above_max():
    """Break an article rule: the first patient's calcinosis onset minimum above its maximum."""
    row = first_row("patients")
    above = str(int(row["calcinosis_onset_max_years"]) + 1)
    set_cell("patients", row["_line"], "calcinosis_onset_min_years", above)
    reported = "calcinosis_onset_max_years"
    return (raw_file("patients"), row["_line"], reported, row[reported], "range-reversed")


def test_an_article_rule_runs_only_when_the_config_names_the_article_rules(project):
    expected = onset_min_above_max()
    assert findings(None) == []  # the general rules know nothing of calcinosis
    assert findings(ARTICLE_RULES) == [expected]


def test_the_project_config_names_the_article_rules():
    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    assert (ROOT / config["validation_rules"]).resolve() == Path(ARTICLE_RULES).resolve()


def test_the_general_rules_run_on_the_general_model_of_casereport_new():
    """Each general rule that applies to the new project's tables reads only tables it has, and
    the start/end rule checks its treatments (start_date, end_date)."""
    package = yaml.safe_load((TEMPLATE / "data" / "datapackage.yaml").read_text(encoding="utf-8"))
    names = {resource["name"] for resource in package["resources"]}
    applied = {r["name"]: [rule.name for rule in rules_for(r, names)] for r in package["resources"]}
    assert "end_not_before_start" in applied["treatments"]
    assert all(set(rule.reads) <= names for rule in RULES if rule.name in sum(applied.values(), []))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "cannot be read"),
        ("x = 1\n", "defines no `RULES = RuleSet"),
        ("import no_such_module\n", "cannot be loaded: ModuleNotFoundError"),
    ],
)
def test_a_missing_or_broken_rules_file_is_one_clear_error(tmp_path, text, message):
    path = tmp_path / "rules.py"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ExtensionError, match=re.escape(message)) as raised:
        load_extension(path)
    assert path.as_posix() in str(raised.value)


def test_validate_names_a_missing_rules_file_in_one_line(project):
    result = subprocess.run(
        [sys.executable, "-m", "casereport.cli", "validate", "--rules", "nope/rules.py"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "nope/rules.py" in result.stderr and "Traceback" not in result.stderr


def test_an_outcome_without_the_words_the_report_uses_is_named(project):
    """The article's sentences use the dictionary's `state` of a calcinosis outcome: a recorded
    outcome whose words lack it is reported on the patient's row."""
    patient = first_row("patients")
    outcome = patient["calcinosis_outcome"]
    path = Path("data/raw/datapackage.yaml")
    package = yaml.safe_load(path.read_text(encoding="utf-8"))
    patients = next(r for r in package["resources"] if r["name"] == "patients")
    field = next(f for f in patients["schema"]["fields"] if f["name"] == "calcinosis_outcome")
    del field["enumLabels"][outcome]["state"]
    path.write_text(yaml.safe_dump(package, allow_unicode=True), encoding="utf-8")
    lines = [
        row["_line"] for row in read_table("patients")[1] if row["calcinosis_outcome"] == outcome
    ]
    expected = [
        (raw_file("patients"), line, "calcinosis_outcome", outcome, "words-missing")
        for line in lines
    ]
    assert findings(ARTICLE_RULES) == expected
    assert findings(None) == []  # the package asks only `label` of this article's column
