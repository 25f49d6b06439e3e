"""`casereport trace`: from a number of the report back to its raw lines and cells.

The ledgers are built by the real catalog builder on a temporary copy of data/raw/; every expected
value is read from the ledger or the raw file, never typed here.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from support.changes import copy_data, edit_cell, nudged, read_cell, write_ledgers

from casereport import trace
from casereport.changes import read_ledger_rows
from casereport.ledger import Ledger, Number

NUMBERS = "results/numbers.csv"
CATALOG = "results/ledger/catalog.csv"
CELL_LINE = re.compile(
    r"^\s+cell (?P<file>\S+):(?P<line>\d+):(?P<column>\S+) \(.*\) = (?P<value>.*)$"
)


@pytest.fixture
def project(tmp_path) -> Path:
    project = copy_data(tmp_path / "project")
    write_ledgers(project)
    return project


def run_trace(project: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = trace.main([*args, "--root", str(project)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def raw_line(project: Path, file: str, line: int) -> str:
    return (project / file).read_text(encoding="utf-8").splitlines()[line - 1]


def printed_cells(output: str) -> list[dict[str, str]]:
    return [m.groupdict() for m in map(CELL_LINE.match, output.splitlines()) if m]


def numbers(project: Path) -> dict[str, dict[str, str]]:
    return read_ledger_rows(project / NUMBERS)


@pytest.mark.slow
def test_a_number_read_as_is_prints_header_raw_line_and_cell(project, capsys):
    number = next(n for n in numbers(project).values() if not n["derivation"])
    code, out, _ = run_trace(project, number["id"], capsys=capsys)
    assert code == 0
    line = int(number["source_line"])
    assert out.splitlines()[0] == number["id"]
    assert raw_line(project, number["source_file"], 1) in out  # the header: which column is which
    assert raw_line(project, number["source_file"], line) in out
    (cell,) = printed_cells(out)
    assert (cell["file"], cell["line"], cell["column"]) == (
        number["source_file"],
        number["source_line"],
        number["source_column"],
    )
    assert cell["value"] == number["value"]
    assert f"shown as:   {number['display']}" in out


@pytest.mark.slow
def test_a_computed_number_prints_its_derivation_and_every_source_line(project, capsys):
    number = next(n for n in numbers(project).values() if len(n["source_line"].split(";")) > 2)
    code, out, _ = run_trace(project, number["id"], capsys=capsys)
    assert code == 0
    assert f"derivation: {number['derivation']}" in out
    lines = [int(part) for part in number["source_line"].split(";")]
    columns = number["source_column"].split(";")
    for line in lines:
        assert raw_line(project, number["source_file"], line) in out
    cells = printed_cells(out)
    assert [(int(c["line"]), c["column"]) for c in cells] == [
        (line, column) for line in lines for column in columns
    ]
    for cell in cells:
        path = project / cell["file"]
        assert cell["value"] == read_cell(path, int(cell["line"]), cell["column"])


def sections(row: dict[str, str]) -> list[str]:
    return row["sections"].split(";")


@pytest.mark.slow
def test_a_displayed_value_lists_every_match_and_section_narrows_them(project, capsys):
    rows = list(numbers(project).values())
    # A display several numbers show, and a section that holds some of them but not all.
    by_display = Counter(row["display"] for row in rows)
    display, section = next(
        (display, section)
        for display, count in by_display.most_common()
        if count > 1
        for section in sorted({s for r in rows if r["display"] == display for s in sections(r)})
        if any(r["display"] == display and section not in sections(r) for r in rows)
    )
    everywhere = [r["id"] for r in rows if r["display"] == display]
    in_section = [r["id"] for r in rows if r["display"] == display and section in sections(r)]

    code, out, _ = run_trace(project, display, capsys=capsys)
    assert code == 0
    assert out.splitlines()[0] == f'{len(everywhere)} numbers match "{display}":'
    traced = [line for line in out.splitlines() if line in everywhere]  # each trace's first line
    assert traced == everywhere

    code, out, _ = run_trace(project, display, "--section", section, capsys=capsys)
    assert code == 0
    traced = [line for line in out.splitlines() if line in everywhere]
    assert traced == in_section and 0 < len(in_section) < len(everywhere)


@pytest.mark.slow
def test_a_month_is_found_as_shown_and_by_its_iso_value(project, capsys):
    month = next(n for n in numbers(project).values() if re.fullmatch(r"\d{4}-\d{2}", n["value"]))
    for query in (month["display"], month["display"].upper(), month["value"]):
        code, out, _ = run_trace(project, query, capsys=capsys)
        assert code == 0 and month["id"] in out.splitlines()


@pytest.mark.slow
def test_a_number_only_in_the_catalog_is_found_and_says_so(project, capsys):
    catalog = Ledger.read_csv(project / CATALOG)
    hidden = next(iter(catalog))
    shown = Ledger(n for n in catalog if n.id != hidden.id)
    shown.write_csv(project / NUMBERS, extra={n.id: {"sections": "results"} for n in shown})
    code, out, _ = run_trace(project, hidden.id, capsys=capsys)
    assert code == 0
    assert "not shown in the report" in out


@pytest.mark.slow
def test_a_number_only_in_another_jobs_ledger_is_found(project, capsys):
    """The audit and the large-series summaries write their own ledgers beside the catalog."""
    catalog = Ledger.read_csv(project / CATALOG)
    moved = next(iter(catalog))
    Ledger(n for n in catalog if n.id != moved.id).write_csv(project / CATALOG)
    Ledger([moved]).write_csv(project / "results/ledger/audit.csv")
    (project / NUMBERS).unlink()
    code, out, _ = run_trace(project, moved.id, capsys=capsys)
    assert code == 0 and moved.id in out


@pytest.mark.slow
def test_no_match_exits_1_with_one_line_and_no_traceback(project):
    result = subprocess.run(
        [sys.executable, "-m", "casereport.trace", "no-such-number", "--root", str(project)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: no number has the id, display or value")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
def test_a_section_without_the_number_exits_1_and_names_where_it_is(project, capsys):
    number = next(iter(numbers(project).values()))
    code, out, err = run_trace(project, number["id"], "--section", "no-such-section", capsys=capsys)
    assert code == 1 and out == ""
    assert number["sections"].split(";")[0] in err


def test_without_ledgers_says_to_run_snakemake(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = trace.main(["anything"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err == "error: results/numbers.csv not found: run snakemake first\n"


@pytest.mark.slow
def test_a_ledger_older_than_the_data_is_pointed_out(project, capsys):
    number = next(n for n in numbers(project).values() if not n["derivation"])
    path, line = project / number["source_file"], int(number["source_line"])
    edit_cell(path, line, number["source_column"], nudged(number["value"]))
    code, out, _ = run_trace(project, number["id"], capsys=capsys)
    assert code == 0 and "rerun snakemake" in out


@pytest.mark.slow
def test_a_missing_source_line_is_an_error_not_a_traceback(project, capsys):
    number = next(n for n in numbers(project).values() if not n["derivation"])
    lines_in_file = len((project / number["source_file"]).read_text().splitlines())
    broken = Number(**{**_fields(number), "source_line": str(lines_in_file + 1)})
    Ledger([broken]).write_csv(project / NUMBERS, extra={broken.id: {"sections": "results"}})
    code, out, err = run_trace(project, number["id"], capsys=capsys)
    assert code == 1
    assert f"line {lines_in_file + 1} is not in {number['source_file']}" in err


def test_source_cells_reads_every_column_on_every_line():
    row = {"id": "x", "source_file": "f.csv", "source_line": "2;5", "source_column": "a;b"}
    assert [(c.line, c.columns) for c in trace.source_cells(row)] == [
        (2, ("a", "b")),
        (5, ("a", "b")),
    ]


def test_raw_records_keep_the_text_of_quoted_cells(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('name,note\nx,"a, b"\n', encoding="utf-8")
    records = trace.read_raw_records(path)
    assert [r.text for r in records] == ["name,note", 'x,"a, b"']
    assert records[1].cells == tuple(next(csv.reader(['x,"a, b"'])))


def _fields(row: dict[str, str]) -> dict[str, str]:
    return {k: row[k] for k in Number.__dataclass_fields__}
