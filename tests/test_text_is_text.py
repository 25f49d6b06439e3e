"""Text is text: every free-text cell a figure draws is drawn as written, never as mathtext or TeX.

An adverse event `fever $\\undefinedcmd$` used to crash the figure job (matplotlib read it as
mathtext). Here every free-text field of the tables the figures read carries `$`, `\\`, `%`, `{}`
and non-ASCII letters, and every figure, in its per-patient and its summary form, must build and
show the text unchanged.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import matplotlib
import pytest
import yaml
from matplotlib.text import Text
from support.project import RAW, make_validated_dir

from casereport import stages
from casereport.dataset import load_dataset
from casereport.figures import STYLE, build_figure, write_figure

HOSTILE = r" $\undefinedcmd$ 100% {x} \frac{1}{2} ñandú→µ"


def free_text_fields(resource: dict) -> list[str]:
    """String fields whose cells are free text: not a key, and no enum or pattern says what they
    may hold."""
    schema = resource["schema"]
    keys = {*schema.get("primaryKey", [])}
    keys.update(name for key in schema.get("foreignKeys", []) for name in key["fields"])
    return [
        field["name"]
        for field in schema["fields"]
        if field.get("type", "string") == "string"
        and field["name"] not in keys
        and not {"enum", "pattern"} & set(field.get("constraints", {}))
    ]


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> tuple[Path, Path]:
    """The raw data with HOSTILE appended to every free-text cell, and its validated copy."""
    root = tmp_path_factory.mktemp("hostile")
    raw = root / "raw"
    shutil.copytree(RAW, raw)
    package = yaml.safe_load((raw / "datapackage.yaml").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        path = raw / resource["path"]
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns, rows = list(reader.fieldnames or []), list(reader)
        for row in rows:
            for name in free_text_fields(resource):
                if row.get(name):
                    row[name] += HOSTILE
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return raw, make_validated_dir(raw, root / "validated")


def drawn_texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(Text) if t.get_text()]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(stages.FIGURES))
@pytest.mark.parametrize("max_individual_lines", [20, 0], ids=["per-patient", "summary"])
def test_free_text_is_drawn_literally(hostile_data, tmp_path, name, max_individual_lines):
    raw, validated = hostile_data
    dataset = load_dataset(validated, raw / "datapackage.yaml", list(stages.FIGURES[name]))
    paths = [tmp_path / f"{name}.{ext}" for ext in ("svg", "png", "json")]
    write_figure(name, dataset, *paths, max_individual_lines=max_individual_lines)  # no crash
    assert all(path.stat().st_size > 0 for path in paths)
    figure, _ = build_figure(name, dataset, max_individual_lines)
    with matplotlib.rc_context(STYLE):
        texts = drawn_texts(figure)
        # Drawn as written: matplotlib finds no math in any string it draws.
        assert not [t for t in texts if figure.findobj(Text)[0]._preprocess_math(t)[1]]
    if name in ("timeline", "labs") and max_individual_lines:
        # These figures draw data text (drug and event names, analyte names and units): the
        # hostile text reached the figure and is in it unchanged.
        assert any(HOSTILE in t for t in texts), texts


def test_the_style_turns_mathtext_and_tex_off():
    assert STYLE["text.parse_math"] is False
    assert STYLE["text.usetex"] is False
