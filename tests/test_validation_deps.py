"""What casereport.validation.deps tells the Snakefile about each validation job's inputs."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from support.project import RAW, ROOT
from support.validation import (
    DATAPACKAGE,
)

from casereport.validation.deps import DatapackageError, raw_tables, validation_dependencies


def resources() -> list[dict]:
    return yaml.safe_load((RAW / "datapackage.yaml").read_text(encoding="utf-8"))["resources"]


@pytest.mark.slow
def test_raw_tables_are_the_datapackage_folder_plus_each_resource_path(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert raw_tables(DATAPACKAGE) == {r["name"]: f"data/raw/{r['path']}" for r in resources()}
    monkeypatch.chdir(RAW)
    assert raw_tables("datapackage.yaml")["labs"] == "labs.csv"


def test_dependencies_come_from_foreign_keys_and_the_rules(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert validation_dependencies(DATAPACKAGE, "labs") == ["patients", "analytes"]
    assert validation_dependencies(DATAPACKAGE, "treatments") == ["patients", "publication"]
    assert validation_dependencies(DATAPACKAGE, "background_facts") == ["references"]
    assert validation_dependencies(DATAPACKAGE, "references") == []  # its own foreign key only
    assert validation_dependencies(DATAPACKAGE, "analytes") == []


def test_every_foreign_key_target_is_a_dependency(monkeypatch):
    monkeypatch.chdir(ROOT)
    for resource in resources():
        for foreign_key in resource["schema"].get("foreignKeys", []):
            target = foreign_key["reference"]["resource"]
            if target:
                assert target in validation_dependencies(DATAPACKAGE, resource["name"])


def test_an_unknown_table_is_a_clear_error(monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(DatapackageError, match="no resource named 'nope'"):
        validation_dependencies(DATAPACKAGE, "nope")


def test_importing_deps_stays_cheap():
    """The Snakefile imports deps on every run: no pandas, no frictionless."""
    code = (
        "import sys, casereport.validation.deps as d; "
        "d.validation_dependencies('data/raw/datapackage.yaml', 'labs'); "
        "print(sorted(m for m in ('pandas', 'numpy', 'frictionless') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
