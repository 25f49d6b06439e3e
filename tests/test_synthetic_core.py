"""The package's general pieces for synthetic data (casereport.synthetic) and `casereport cohort`,
which runs the generator of the project's extension; the article's own generator is tested in
test_synthetic.py."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml

from casereport import cli
from casereport.synthetic import command
from casereport.synthetic.directory import write_data_directory
from casereport.synthetic.draws import format_months, format_number, integers_between
from casereport.synthetic.template import read_raw_table, read_template
from casereport_project.synthetic import write_cohort

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_SYNTHETIC = ROOT / "src" / "casereport" / "synthetic"


def small_template(folder: Path) -> Path:
    """A made-up data package of two tables, nothing of the article's."""
    folder.mkdir()
    package = {
        "name": "made-up",
        "resources": [
            {"name": "visits", "path": "visits.csv", "schema": {"fields": [{"name": "id"}]}},
            {
                "name": "wards",
                "path": "wards.csv",
                "schema": {"fields": [{"name": "ward", "constraints": {"enum": ["A", "B"]}}]},
            },
        ],
    }
    (folder / "datapackage.yaml").write_text(
        "# kept byte for byte when unchanged\n" + yaml.safe_dump(package, sort_keys=False),
        encoding="utf-8",
    )
    (folder / "visits.csv").write_text("id\n1\n", encoding="utf-8")
    (folder / "wards.csv").write_text('ward\n"A"\nB\n', encoding="utf-8")
    return folder


# --- The package's helpers ------------------------------------------------------------------


def test_the_package_helpers_name_nothing_of_the_article():
    """What only this article draws lives in its extension (workflow/article/synthetic)."""
    words = re.compile(r"calcinosis|pamidronate|bmd|dermatomyositis|bone.density", re.I)
    found = [
        f"{path.name}:{number}"
        for path in sorted(PACKAGE_SYNTHETIC.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if words.search(line)
    ]
    assert found == []


def test_a_data_directory_gets_the_drawn_tables_and_copies_of_the_rest(tmp_path):
    template = read_template(small_template(tmp_path / "template"))
    drawn = read_raw_table(template.directory / "visits.csv")
    drawn.loc[1] = ["2"]
    out = write_data_directory(tmp_path / "out", template, {"visits": drawn}, "# Made up\n")
    assert out == tmp_path / "out" / "datapackage.yaml"
    assert (tmp_path / "out" / "visits.csv").read_bytes() == b"id\n1\n2\n"
    for copied in ("wards.csv", "datapackage.yaml"):  # quoting and comments kept
        original = (template.directory / copied).read_bytes()
        assert (tmp_path / "out" / copied).read_bytes() == original, copied
    assert (tmp_path / "out" / "README.md").read_text(encoding="utf-8") == "# Made up\n"


def test_a_changed_data_package_is_written_instead_of_the_template(tmp_path):
    template = read_template(small_template(tmp_path / "template"))
    package = dict(template.datapackage, name="changed")
    write_data_directory(tmp_path / "out", template, {}, "", datapackage=package)
    written = yaml.safe_load((tmp_path / "out" / "datapackage.yaml").read_text(encoding="utf-8"))
    assert written == package
    assert template.enum("wards", "ward") == ["A", "B"]


def test_draws_are_bounded_and_written_as_the_raw_data_writes_numbers():
    rng = np.random.default_rng(0)
    values = integers_between(rng, 2, 4, size=1000)
    assert set(values.tolist()) == {2, 3, 4}
    assert format_number([-0.0001, 1.50, 2.0], 2).tolist() == ["0.0", "1.5", "2.0"]
    assert format_number([2.4], 0).tolist() == ["2"]
    assert format_months([24_000, 24_011]).tolist() == ["2000-01", "2000-12"]


# --- casereport cohort ----------------------------------------------------------------------


def test_cohort_command_passes_every_argument_to_the_extensions_main(monkeypatch):
    calls = []

    class Generator:
        @staticmethod
        def main(argv, prog):
            calls.append((argv, prog))
            return 7

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(command, "part", lambda name: Generator if name == "synthetic" else None)
    assert cli.main(["cohort", "--seed", "1", "out", "-h"]) == 7
    assert calls == [(["--seed", "1", "out", "-h"], "casereport cohort")]


@pytest.mark.slow  # two cohorts drawn: about half a second
def test_cohort_command_runs_the_extensions_generator(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)  # the project's folder: config/config.yaml names the extension
    out = tmp_path / "cli"
    code = cli.main(["cohort", str(out), "--patients", "2", "--seed", "3"])
    assert code == 0, capsys.readouterr().err
    write_cohort(tmp_path / "direct", 2, seed=3)
    files = sorted(p.name for p in (tmp_path / "direct").iterdir())
    assert sorted(p.name for p in out.iterdir()) == files
    for name in files:
        assert (out / name).read_bytes() == (tmp_path / "direct" / name).read_bytes(), name
    assert "casereport cohort OUT_DIR --patients 2 --seed 3" in (out / "README.md").read_text()


def test_cohort_command_passes_help_and_usage_errors_to_the_extension(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as shown:
        cli.main(["cohort", "--help"])
    assert shown.value.code == 0
    assert "usage: casereport cohort" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        cli.main(["cohort", "out"])
    assert refused.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--patients" in error


def test_cohort_command_outside_a_project_with_an_extension_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["cohort", "out", "--patients", "2"]) == 2
    assert "config/config.yaml names no extension" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cohort_command_with_an_extension_that_draws_none_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(command, "part", lambda name: None)
    assert cli.main(["cohort", str(tmp_path / "out"), "--patients", "2"]) == 2
    assert "draws no synthetic cohort" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
