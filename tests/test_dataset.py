"""Loading the validated tables: typed columns, booleans in any case, the data dictionary read
once and its Table Schema carried with each table."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from support.project import DATAPACKAGE

from casereport.dataset import _parse_boolean, load_dataset, read_datapackage


def test_read_datapackage_reads_what_safe_load_reads():
    assert read_datapackage(DATAPACKAGE) == yaml.safe_load(DATAPACKAGE.read_text("utf-8"))


def test_booleans_in_any_case_and_padding_others_missing():
    raw = pd.Series(["true", "False", " TRUE ", None, "yes", "false"], dtype=str)
    parsed = _parse_boolean(raw)
    assert str(parsed.dtype) == "boolean"
    assert parsed.tolist() == [True, False, True, pd.NA, pd.NA, False]


@pytest.mark.slow
def test_each_table_carries_its_schema_and_typed_columns(validated_dir):
    dataset = load_dataset(validated_dir, DATAPACKAGE)
    resources = {r["name"]: r for r in read_datapackage(DATAPACKAGE)["resources"]}
    assert set(dataset.tables) == set(resources)
    for name, table in dataset.tables.items():
        assert table.schema == resources[name]["schema"]
        assert table.fields == {f["name"]: f for f in resources[name]["schema"]["fields"]}
    treatments = dataset["treatments"]
    assert str(treatments["listed_in_table_i"].dtype) == "boolean"
    assert str(treatments["source_line"].dtype) == "Int64"
