"""Missing values are data (casereport.missing): a value recorded as missing with its reason is a
traced fact in the ledger, shown by its reason, and left out of every derived number."""

from __future__ import annotations

import csv
import shutil

import pytest
from support.project import RAW, make_validated_dir

from casereport.catalog import build_catalog
from casereport.dataset import load_dataset
from casereport.model import Ref
from casereport.tables import build_table


def dataset_with_missing_esr(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    path = raw / "labs.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    header = rows[0]
    rows[1][header.index("value")] = ""  # line 2: patient 1, ESR, pre
    rows[1][header.index("missing_reason")] = "not measured"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return load_dataset(make_validated_dir(raw, tmp_path / "validated"), raw / "datapackage.yaml")


@pytest.mark.slow
def test_a_missing_value_is_a_traced_fact(tmp_path):
    catalog = build_catalog(dataset_with_missing_esr(tmp_path))
    number = catalog["labs.1.ESR.pre.value"]
    assert number.display == "not measured"
    assert (number.source_line, number.source_column) == ("2", "missing_reason")
    assert "derived.labs.1.ESR.change" not in catalog
    assert "derived.labs.2.ESR.change" in catalog


@pytest.mark.slow
def test_table_ii_shows_the_reason(tmp_path):
    dataset = dataset_with_missing_esr(tmp_path)
    table = build_table("table2", dataset)
    first_row = table.rows[0]
    assert Ref("labs.1.ESR.pre.value") in first_row[1]
    assert build_catalog(dataset)["labs.1.ESR.pre.value"].display == "not measured"
