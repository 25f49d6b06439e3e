"""Summary statistics of a large series as ledger Numbers: each statistic names every line it
reads, the statistics of one set of rows share those lines, and the summaries of a synthetic
series are the same whichever way their rows are grouped."""

from __future__ import annotations

from decimal import Decimal

import pytest
from support.project import DATAPACKAGE

from casereport import stages
from casereport.dataset import load_dataset, rows
from casereport.derived_numbers import lines
from casereport.summary import Source, decimals, quartile_numbers, share_numbers
from casereport.tables import grouped, summary_table, table_refs
from casereport_project.bmd import bmd_category, bmd_classifier


def source_rows(*line_numbers: int) -> list[dict]:
    return [{"source_line": line, "value": line} for line in line_numbers]


def test_quartiles_and_shares_name_every_line_they_read():
    source = Source("data/raw/labs.csv", source_rows(9, 3, 5, 3), "value")
    assert source.source_line == "3;5;9"
    quartiles = quartile_numbers(
        "summary.x", [Decimal(1), Decimal("2.5"), Decimal(4)], source, unit="mg", what="x"
    )
    shares = share_numbers("summary.y", 1, 4, source, what="y", of="all")
    assert [n.id for n in quartiles] == ["summary.x.q1", "summary.x.median", "summary.x.q3"]
    assert [n.display for n in quartiles] == ["1.75", "2.5", "3.25"]
    assert [n.display for n in shares] == ["1", "25"]
    for number in quartiles + shares:
        assert number.source_line == lines(source.rows) == "3;5;9"
        assert number.source_file == "data/raw/labs.csv"
        assert number.source_column == "value"


def test_decimals_of_equal_values_written_differently():
    assert decimals({Decimal("1.50"), Decimal("1.5"), Decimal("2")}) == 1
    assert decimals({Decimal("-0.0"), Decimal("0")}) == 0


def test_grouped_keeps_the_order_of_first_appearance():
    table_rows = [{"k": "b", "i": 1}, {"k": "a", "i": 2}, {"k": "b", "i": 3}, {"k": None, "i": 4}]
    groups = grouped(table_rows, "k")
    assert list(groups) == ["b", "a", None]
    assert [r["i"] for r in groups["b"]] == [1, 3]


@pytest.mark.slow
def test_the_classifier_agrees_with_bmd_category_at_and_around_every_bound(validated_dir):
    categories = load_dataset(validated_dir, DATAPACKAGE, ["bmd_categories"])["bmd_categories"]
    category_of = bmd_classifier(categories)
    bounds = [
        Decimal(repr(c[bound]))
        for c in rows(categories)
        for bound in ("z_lower", "z_upper")
        if c[bound] is not None
    ]
    step = Decimal("0.01")
    for z in [b + d for b in bounds for d in (-step, 0, step)] + [Decimal(-9), Decimal(9)]:
        assert category_of(z) == bmd_category(z, rows(categories)) == bmd_category(z, categories)
        assert category_of(float(z)) == category_of(z)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(stages.TABLES))
def test_every_ref_of_a_summary_has_its_number(validated_dir, name):
    dataset = load_dataset(validated_dir, DATAPACKAGE, list(stages.TABLES[name]))
    model, numbers = summary_table(name, dataset)
    ids = [n.id for n in numbers]
    assert len(ids) == len(set(ids))
    shown = {i for i in table_refs(model) if i.startswith("summary.")}
    assert shown <= set(ids)
    for number in numbers:
        assert number.lines, number.id
