"""Figures of many patients: the summary form is drawn with a fixed number of artists whatever the
number of patients, its marks rasterized in the SVG, byte-identical across runs; tables are read
column by column with the same values as catalog.rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.figures import EXTENSIONS, build_all, write_enlarged_series
from support.project import DATAPACKAGE, RAW, make_validated_dir

from casereport import stages
from casereport.catalog import build_catalog
from casereport.dataset import load_dataset
from casereport.figures import (
    TIMELINE_EXCERPT_PATIENTS,
    build_figure,
    column_by_key,
    monthly_counts,
    timeline_data,
)


def data_artists(name: str, validated: Path, datapackage: Path, max_individual_lines: int) -> int:
    """How many artists draw the data of the figure: lines, collections and patches."""
    dataset = load_dataset(validated, datapackage, list(stages.FIGURES[name]))
    figure, _ = build_figure(name, dataset, max_individual_lines)
    return sum(len(ax.lines) + len(ax.collections) + len(ax.patches) for ax in figure.axes)


@pytest.fixture(scope="module")
def summary(validated, tmp_path_factory) -> tuple[Path, dict]:
    """Every figure of the real data in its summary form."""
    out_dir = tmp_path_factory.mktemp("summary") / "first"
    return out_dir, build_all(validated, DATAPACKAGE, out_dir, max_individual_lines=1)


@pytest.mark.slow
def test_summary_form_draws_as_many_artists_for_many_patients_as_for_few(validated, tmp_path):
    # One artist per kind of mark, not one per patient: thousands of artists made drawing slow.
    larger = write_enlarged_series(tmp_path, extra_patients=27)
    datapackage = tmp_path / "raw" / "datapackage.yaml"
    for name in ("labs", "bone_density"):
        few = data_artists(name, validated, DATAPACKAGE, max_individual_lines=1)
        many = data_artists(name, larger, datapackage, max_individual_lines=1)
        assert few == many, name
        # The per-patient form does draw each patient (here with the same 30 patients).
        assert data_artists(name, larger, datapackage, max_individual_lines=30) > many, name


@pytest.mark.slow
def test_summary_timeline_counts_all_patients_and_draws_the_first_ones(validated, tmp_path):
    larger = write_enlarged_series(tmp_path, extra_patients=27)
    datapackage = tmp_path / "raw" / "datapackage.yaml"
    dataset = load_dataset(larger, datapackage, list(stages.FIGURES["timeline"]))
    figure, model = build_figure("timeline", dataset, max_individual_lines=1)
    # The monthly counts, then one panel for each of the first TIMELINE_EXCERPT_PATIENTS patients.
    assert len(figure.axes) == 2 + TIMELINE_EXCERPT_PATIENTS
    assert [ax.get_title(loc="left") for ax in figure.axes[2:]] == [
        f"Patient {pid}" for pid in range(1, TIMELINE_EXCERPT_PATIENTS + 1)
    ]
    few, _ = build_figure("timeline", load_dataset(validated, DATAPACKAGE), 1)
    counts = [len(ax.patches) + len(ax.lines) for ax in figure.axes[:2]]
    assert counts == [len(ax.patches) + len(ax.lines) for ax in few.axes[:2]]
    # The counts are drawn from every patient's treatments: the last patient's are recorded.
    data = timeline_data(dataset)
    last = data.dated[data.pids[-1]][0]["treatment_id"]
    assert f"treatments.{last}.start_month" in model.number_ids
    counts = monthly_counts(data)
    assert len(counts.edges) == data.last - data.first + 2
    assert counts.study_drug.max() <= len(data.pids)
    assert counts.adverse_events.sum() == len(
        [i for i in model.number_ids if i.startswith("adverse_events.")]
    )


@pytest.mark.slow
def test_only_the_summary_form_rasterizes_its_marks_in_the_svg(summary, tmp_path):
    out_dir, _ = summary
    individual = tmp_path / "individual"
    build_all(make_validated_dir(RAW, tmp_path / "validated"), DATAPACKAGE, individual)
    # The summary timeline draws counts per month: a few artists, left as vectors.
    for name in ("labs", "bone_density"):
        assert "<image" in (out_dir / f"{name}.svg").read_text(encoding="utf-8"), name
        assert "<image" not in (individual / f"{name}.svg").read_text(encoding="utf-8"), name


@pytest.mark.slow
def test_summary_output_is_byte_identical_across_runs(summary, validated, tmp_path):
    out_dir, _ = summary
    build_all(validated, DATAPACKAGE, tmp_path, max_individual_lines=1)
    for name in stages.FIGURES:
        for ext in EXTENSIONS:
            first = (out_dir / f"{name}.{ext}").read_bytes()
            assert first == (tmp_path / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"


@pytest.mark.slow
def test_summary_plotted_numbers_are_in_the_catalog(summary, validated):
    _, models = summary
    catalog = build_catalog(load_dataset(validated, DATAPACKAGE))
    for name, model in models.items():
        assert model.number_ids, name
        assert [i for i in model.number_ids if i not in catalog] == [], name
        assert len(set(model.number_ids)) == len(model.number_ids), name


def test_column_by_key_reads_a_column_by_the_key_columns():
    frame = pd.DataFrame(
        {
            "patient_id": pd.array([1, 1, 2], dtype="Int64"),
            "timepoint": pd.array(["pre", "post", "pre"], dtype="string"),
            "value": pd.array([1.5, None, 3.0], dtype="Float64"),
        }
    )
    values = column_by_key(frame, ("patient_id", "timepoint"), "value")
    assert values[1, "pre"] == 1.5 and values[2, "pre"] == 3.0
    # An empty value (recorded as missing, casereport.missing) is nothing to draw: left out.
    assert (1, "post") not in values
    assert (2, "post") not in values
