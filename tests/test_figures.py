"""Figures: files written, byte-identical across runs, captions traced to the catalog, and any
number of patients drawn."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest
from support.figures import EXTENSIONS, build_all, write_enlarged_series
from support.project import DATAPACKAGE

from casereport import stages
from casereport.catalog import build_catalog
from casereport.dataset import load_dataset
from casereport.model import figure_from_json, figure_to_json, plain, refs

METRES_PER_INCH = 0.0254


@pytest.fixture(scope="module")
def built(validated, tmp_path_factory) -> tuple[Path, dict]:
    out_dir = tmp_path_factory.mktemp("figures") / "first"
    return out_dir, build_all(validated, DATAPACKAGE, out_dir)


@pytest.fixture(scope="module")
def catalog(validated):
    return build_catalog(load_dataset(validated, DATAPACKAGE))


def png_dots_per_inch(path: Path) -> float:
    """Horizontal resolution from the PNG's pHYs chunk (pixels per metre)."""
    data = path.read_bytes()
    start = data.index(b"pHYs") + 4
    per_metre, _, unit = struct.unpack(">IIB", data[start : start + 9])
    assert unit == 1  # metres
    return per_metre * METRES_PER_INCH


@pytest.mark.slow
def test_every_figure_is_written_in_every_format(built):
    out_dir, models = built
    assert set(models) == set(stages.FIGURES)
    for name in stages.FIGURES:
        for ext in EXTENSIONS:
            path = out_dir / f"{name}.{ext}"
            assert path.is_file() and path.stat().st_size > 0, path
        assert round(png_dots_per_inch(out_dir / f"{name}.png")) == 300
        svg = (out_dir / f"{name}.svg").read_text(encoding="utf-8")
        assert "<dc:date>" not in svg  # no build time in the file


@pytest.mark.slow
def test_output_is_byte_identical_across_runs(built, validated, tmp_path):
    out_dir, _ = built
    build_all(validated, DATAPACKAGE, tmp_path)
    for name in stages.FIGURES:
        for ext in EXTENSIONS:
            first = (out_dir / f"{name}.{ext}").read_bytes()
            assert first == (tmp_path / f"{name}.{ext}").read_bytes(), f"{name}.{ext}"


@pytest.mark.slow
def test_caption_json_is_the_caption_model(built):
    out_dir, models = built
    for name, model in models.items():
        data = json.loads((out_dir / f"{name}.json").read_text(encoding="utf-8"))
        assert data == figure_to_json(model)
        assert figure_from_json(data) == model
        assert data["key"] == name


@pytest.mark.slow
def test_captions_and_plotted_numbers_are_in_the_catalog(built, catalog):
    _, models = built
    for name, model in models.items():
        caption_ids = refs(model.caption)
        assert caption_ids, name
        assert [i for i in caption_ids if i not in catalog] == []
        assert model.number_ids, name
        assert [i for i in model.number_ids if i not in catalog] == []
        assert len(set(model.number_ids)) == len(model.number_ids)
        plain(model.caption, catalog)  # every Ref resolves


@pytest.mark.slow
def test_caption_words_and_alt_text_carry_no_data_digits(built):
    _, models = built
    for model in models.values():
        assert not re.search(r"[0-9]", model.alt)
        words = [part for part in model.caption if isinstance(part, str)]
        assert [w for w in words if re.search(r"[0-9]", w)] == []


@pytest.mark.slow
def test_labs_figure_plots_every_lab_value(built, catalog):
    _, models = built
    lab_values = {n.id for n in catalog if n.id.startswith("labs.") and n.id.endswith(".value")}
    assert set(models["labs"].number_ids) == lab_values


@pytest.mark.slow
def test_a_five_patient_series_builds(tmp_path):
    validated = write_enlarged_series(tmp_path, extra_patients=2)
    datapackage = tmp_path / "raw" / "datapackage.yaml"
    models = build_all(validated, datapackage, tmp_path / "figures")
    catalog = build_catalog(load_dataset(validated, datapackage))
    assert catalog["derived.patient_count"].value == "5"
    for name, model in models.items():
        assert [i for i in model.number_ids if i not in catalog] == [], name
        assert "derived.patient_count" in refs(model.caption), name
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 0
    assert "patients.5.calcinosis_onset_min_years" in models["timeline"].number_ids


@pytest.mark.slow
def test_above_max_individual_lines_the_summary_form_is_drawn(built, validated, tmp_path):
    _, individual = built
    summary = build_all(validated, DATAPACKAGE, tmp_path / "summary", max_individual_lines=1)
    for name in stages.FIGURES:
        assert (tmp_path / "summary" / f"{name}.svg").stat().st_size > 0
    assert summary["timeline"].caption != individual["timeline"].caption
