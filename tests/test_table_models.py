"""The table model the table job writes (results/tables/<table>.json) and the report reads: it
carries everything the report shows of a table, so the report builds no table itself."""

from __future__ import annotations

import pytest
from support.project import DATAPACKAGE

from casereport import stages
from casereport.dataset import load_dataset
from casereport.model import table_from_json, table_to_json
from casereport.render.report import report_tables
from casereport.tables import (
    LARGE_SERIES_THRESHOLD,
    read_report_table,
    report_table,
    write_table_outputs,
)


def load(validated_dir, name):
    return load_dataset(validated_dir, DATAPACKAGE, list(stages.TABLES[name]))


@pytest.mark.parametrize("name", list(stages.TABLES))
@pytest.mark.parametrize("large_series", [False, True])
def test_the_model_written_is_the_model_read(validated_dir, tmp_path, name, large_series):
    dataset = load(validated_dir, name)
    # A threshold below the paper's three patients makes its tables a "large series" summary.
    threshold = 1 if large_series else LARGE_SERIES_THRESHOLD
    written = write_table_outputs(
        name, dataset, tmp_path / f"{name}.csv", tmp_path / f"{name}.json", threshold
    )
    assert written.large_series is large_series
    assert bool(written.numbers) is large_series  # a summary's statistics travel with it
    assert read_report_table(tmp_path / f"{name}.json") == written
    assert written == report_table(name, dataset, large_series)
    assert table_from_json(table_to_json(written.table)) == written.table


def test_the_report_refuses_models_written_for_another_threshold(validated_dir, tmp_path):
    models = []
    for name in stages.TABLES:
        path = tmp_path / f"{name}.json"
        write_table_outputs(name, load(validated_dir, name), tmp_path / f"{name}.csv", path, 1)
        models.append(path)
    every_table = sorted({t for tables in stages.TABLES.values() for t in tables})
    dataset = load_dataset(validated_dir, DATAPACKAGE, every_table)
    assert set(report_tables(dataset, True, models)) == set(stages.TABLES)
    with pytest.raises(ValueError, match="another series size or large_series_threshold"):
        report_tables(dataset, False, models)
