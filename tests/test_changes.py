"""What a data edit changes in the report's numbers; accepting and checking them.

The before and after ledgers come from the real catalog builder run on a temporary copy of
data/raw/ (see `write_ledgers`); the end-to-end version with the real `snakemake` can reuse
`one_cell_edit_changes` and `assert_one_cell_edit_reported`.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from support.changes import (
    CHANGES_CSV,
    CHANGES_MD,
    EDITED_COLUMN,
    EDITED_FILE,
    EDITED_LINE,
    LOCK,
    NUMBERS,
    copy_data,
    edit_cell,
    nudged,
    one_cell_edit_changes,
    read_cell,
    read_rows,
    rebuild_with_catalog,
    write_ledgers,
)
from support.project import ROOT

from casereport import changes
from casereport.changes import (
    compare_ledgers,
    read_ledger_rows,
    source_cell,
    write_changes_reports,
)
from casereport.ledger import Ledger, Number


def number(number_id: str, value: str, **fields) -> Number:
    """A hand-made number for the comparison tests (no data value: these are not the paper's)."""
    defaults = dict(unit="", source_file="data/raw/x.csv", source_line="2", source_column="v")
    return Number(number_id, fields.pop("display", value), value, **{**defaults, **fields})


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A temporary project with data/raw and the ledgers built from it, but no baseline yet."""
    project = copy_data(tmp_path / "project")
    write_ledgers(project)
    return project


@pytest.fixture
def edited_project(project) -> tuple[Path, list[dict[str, str]], str, str]:
    """The project after accepting its numbers and editing one cell: (project, change rows,
    old cell, new cell)."""
    old_cell = read_cell(project / EDITED_FILE, EDITED_LINE, EDITED_COLUMN)
    new_cell = nudged(old_cell)
    rows = one_cell_edit_changes(
        project, EDITED_FILE, EDITED_LINE, EDITED_COLUMN, new_cell, rebuild_with_catalog
    )
    return project, rows, old_cell, new_cell


# --- comparing ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_cell_edit_lists_the_cell_and_the_numbers_computed_from_it(edited_project):
    project, rows, _, _ = edited_project
    baseline = read_ledger_rows(project / LOCK)
    assert any(baseline[row["id"]]["derivation"] for row in rows), "a computed number changed too"
    # Every listed number really changed, and nothing else did.
    current = read_ledger_rows(project / NUMBERS)
    differing = {i for i in current if current[i]["value"] != baseline[i]["value"]}
    assert {row["id"] for row in rows} == differing


@pytest.mark.slow
def test_changes_md_shows_old_and_new_value_source_cell_and_sections(edited_project):
    project, rows, _, _ = edited_project
    markdown = (project / CHANGES_MD).read_text(encoding="utf-8")
    current = read_ledger_rows(project / NUMBERS)
    baseline = read_ledger_rows(project / LOCK)
    assert f"{len(rows)} changed, 0 added, 0 removed" in markdown.splitlines()[2]
    for row in rows:
        table_row = next(line for line in markdown.splitlines() if f"`{row['id']}`" in line)
        old, new = baseline[row["id"]], current[row["id"]]
        shown = f"{changes.markdown_text(old['display'])} → {changes.markdown_text(new['display'])}"
        assert shown in table_row
        assert source_cell(new) in table_row
        assert changes.markdown_text(", ".join(new["sections"].split(";"))) in table_row


@pytest.mark.slow
def test_changes_csv_has_one_row_per_change_with_the_agreed_columns(edited_project):
    project, rows, old_cell, new_cell = edited_project
    with open(project / CHANGES_CSV, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:10] == [
        "kind",
        "id",
        "old_display",
        "new_display",
        "old_value",
        "new_value",
        "source_file",
        "source_line",
        "source_column",
        "sections",
    ]
    as_is = [row for row in rows if row["source_line"] == str(EDITED_LINE)]
    assert [(Decimal(r["old_value"]), Decimal(r["new_value"])) for r in as_is] == [
        (Decimal(old_cell), Decimal(new_cell))
    ]


def test_added_removed_and_changed_numbers_in_a_stable_order():
    baseline = Ledger([number("t.10.v", "1"), number("t.2.v", "1"), number("gone", "5")])
    current = Ledger(
        [
            number("t.2.v", "1", source_line="3"),  # same value, moved to another line
            number("t.10.v", "2"),
            number("new.b", "7"),
            number("new.a", "8"),
        ]
    )
    result = compare_ledgers(baseline, current)
    assert [c.id for c in result.changed] == ["t.2.v", "t.10.v"]  # 2 before 10
    assert result.changed[0].fields == ("source_line",)
    assert result.changed[1].fields == ("display", "value")
    assert [c.id for c in result.added] == ["new.a", "new.b"]
    assert [c.id for c in result.removed] == ["gone"]
    assert [c.kind for c in result] == ["changed", "changed", "added", "added", "removed"]
    markdown = changes.changes_markdown(result)
    assert markdown.index("## Changed") < markdown.index("## Added") < markdown.index("## Removed")


def test_a_long_group_is_cut_in_the_markdown_but_listed_whole_in_the_csv(monkeypatch, tmp_path):
    monkeypatch.setattr(changes, "MARKDOWN_ROWS_PER_GROUP", 3)
    current = Ledger([number(f"t.{i}.v", str(i)) for i in range(1, 6)])
    result = compare_ledgers(Ledger([]), current)
    markdown = changes.changes_markdown(result, csv_name="out/changes.csv")
    assert "## Added (5)" in markdown
    listed = [line for line in markdown.splitlines() if line.startswith("| `t.")]
    assert [line.split("`")[1] for line in listed] == ["t.1.v", "t.2.v", "t.3.v"]
    assert "… and 2 more, not listed here: out/changes.csv lists every change." in markdown
    changes.write_changes_csv(result, tmp_path / "changes.csv")
    with open(tmp_path / "changes.csv", encoding="utf-8", newline="") as handle:
        assert [row["id"] for row in csv.DictReader(handle)] == [f"t.{i}.v" for i in range(1, 6)]


@pytest.mark.slow
def test_row_order_and_frames_do_not_matter(project):
    current = pd.read_csv(project / NUMBERS, dtype=str, keep_default_na=False)
    shuffled = current.iloc[::-1]
    result = compare_ledgers(shuffled, current)
    assert not result.any and result.current_count == len(current)
    assert compare_ledgers(project / NUMBERS, current).any is False


def test_sections_count_as_a_change():
    base = [dict(id="a", display="1", value="1", sections="results")]
    moved = [dict(id="a", display="1", value="1", sections="results;table2")]
    result = compare_ledgers(pd.DataFrame(base), pd.DataFrame(moved))
    assert [c.fields for c in result.changed] == [("sections",)]


@pytest.mark.slow
def test_missing_baseline_lists_every_number_as_added_and_says_how_to_create_it(project):
    result = write_changes_reports(
        project / NUMBERS, project / LOCK, project / CHANGES_MD, project / CHANGES_CSV
    )
    numbers = read_ledger_rows(project / NUMBERS)
    assert not result.has_baseline and len(result.added) == len(numbers)
    rows = read_rows(project / CHANGES_CSV)
    assert {row["kind"] for row in rows} == {"added"}
    assert [row["id"] for row in rows] == sorted(numbers, key=changes.natural_key)
    markdown = (project / CHANGES_MD).read_text(encoding="utf-8")
    assert "no baseline yet" in markdown
    assert "casereport accept-numbers" in markdown


# --- accepting and checking ---------------------------------------------------------------------


def run_cli(project: Path, *args: str) -> tuple[int, str, str]:
    """Run the command as CI does, in a fresh interpreter, so a traceback would show."""
    result = subprocess.run(
        [sys.executable, "-m", "casereport.changes", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stdout, result.stderr


@pytest.mark.slow
def test_check_numbers_exit_codes(project):
    code, _, err = run_cli(project, "check-numbers")
    assert code == 1 and "report/numbers.lock.csv not found" in err and "Traceback" not in err
    assert run_cli(project, "accept-numbers")[0] == 0
    code, out, _ = run_cli(project, "check-numbers")
    assert code == 0 and out.startswith("OK:") and len(out.splitlines()) == 1
    old_cell = read_cell(project / EDITED_FILE, EDITED_LINE, EDITED_COLUMN)
    edit_cell(project / EDITED_FILE, EDITED_LINE, EDITED_COLUMN, nudged(old_cell))
    write_ledgers(project)
    code, out, err = run_cli(project, "check-numbers")
    assert code == 1 and out.startswith("# Changes to the report's numbers")
    assert "differs from report/numbers.lock.csv" in err and "Traceback" not in err


@pytest.mark.slow
def test_missing_numbers_is_a_one_line_error(tmp_path):
    for command in ["check-numbers", "accept-numbers"]:
        (tmp_path / "report").mkdir(exist_ok=True)
        (tmp_path / LOCK).write_text("id,display,value\n", encoding="utf-8")
        code, out, err = run_cli(tmp_path, command)
        assert code == 1 and out == ""
        assert err == "error: results/numbers.csv not found: run snakemake first\n"


@pytest.mark.slow
def test_accept_numbers_updates_the_lock_and_prints_what_changed(edited_project, capsys):
    project, rows, _, _ = edited_project
    lock_before = (project / LOCK).read_bytes()
    assert lock_before != (project / NUMBERS).read_bytes()
    assert changes.main(["accept-numbers", "--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert all(f"`{row['id']}`" in out for row in rows)
    assert (project / LOCK).read_bytes() == (project / NUMBERS).read_bytes()
    assert changes.main(["check-numbers", "--root", str(project)]) == 0


@pytest.mark.slow
def test_accept_numbers_creates_the_first_baseline(project, capsys):
    assert changes.main(["accept-numbers", "--root", str(project)]) == 0
    assert "No baseline yet" in capsys.readouterr().out
    assert (project / LOCK).read_bytes() == (project / NUMBERS).read_bytes()


# --- the Snakemake rule -------------------------------------------------------------------------


def run_changes_rule(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", "results/changes.md"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_changes_rule_runs_without_a_baseline_and_reruns_once_one_is_accepted(project):
    # A minimal workflow around the real rule file: the names it takes from common.smk, the rule.
    (project / "Snakefile").write_text(
        textwrap.dedent(f"""\
            RESULTS = "results"
            REPORT = "report"
            LOGS = "logs"
            BENCHMARKS = "logs/benchmarks"
            NUMBERS_LOCK = "report/numbers.lock.csv"
            CHANGES_CODE = []

            include: "{(ROOT / "workflow/rules/changes.smk").as_posix()}"
            """),
        encoding="utf-8",
    )
    first = run_changes_rule(project)
    assert first.returncode == 0, first.stderr
    assert "no baseline yet" in (project / CHANGES_MD).read_text(encoding="utf-8")
    assert changes.main(["accept-numbers", "--root", str(project)]) == 0
    second = run_changes_rule(project)
    assert second.returncode == 0, second.stderr
    assert "No changes" in (project / CHANGES_MD).read_text(encoding="utf-8")
