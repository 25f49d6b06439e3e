"""`casereport trace QUERY`: from a number in the report back to the raw cells it comes from.

QUERY is a number's id (`labs.1.ESR.pre.value`) or what the report shows (`0.475`, `June 2005`;
its machine value, `2005-06`, works too). The numbers the report shows (results/numbers.csv) are
searched first; a number only in a job's ledger (results/ledger/: the catalog, the audit's, the
summaries') is found when the report has no match, and says so. For each match the trace prints
the ledger row, then the raw file's header and the raw line itself, as they are in the file, and
the cell the number was read from; a computed number prints its derivation and every line and cell
it was computed from.

Lines are counted as the ledger counts them: CSV records, the header being line 1. They are the
file's physical lines as long as no quoted cell spans several lines.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from casereport.arguments import existing_dir, existing_file
from casereport.changes import SECTIONS, LedgerFileError, read_ledger_rows

NUMBERS = "results/numbers.csv"
CATALOG = "results/ledger/catalog.csv"

Row = Mapping[str, str]


class TraceError(Exception):
    """A ledger row whose source cannot be followed; the message is meant for the user as is."""


# --- the raw files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRecord:
    line: int  # header = 1
    text: str  # the record exactly as in the file, without its line ending
    cells: tuple[str, ...]


def read_raw_records(path: Path) -> list[RawRecord]:
    """Every record of a CSV file with its original text (csv.reader would only give the cells)."""
    records: list[RawRecord] = []
    consumed: list[str] = []  # physical lines the reader took for the current record

    with open(path, encoding="utf-8-sig", newline="") as handle:

        def physical_lines():
            for line in handle:
                consumed.append(line)
                yield line

        for number, cells in enumerate(csv.reader(physical_lines()), start=1):
            records.append(RawRecord(number, "".join(consumed).rstrip("\r\n"), tuple(cells)))
            consumed.clear()
    return records


@dataclass(frozen=True)
class CellRef:
    file: str
    line: int
    columns: tuple[str, ...]


def _parts(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def source_cells(row: Row) -> list[CellRef]:
    """The raw cells a ledger row points at, in ledger order.

    `source_line` lists one line, or several joined by ';' for a computed number; every column of
    `source_column` (one, or several joined by ';') is read on every one of those lines, as
    casereport.catalog writes them (e.g. `start_month;end_month;interval_months` of one line).
    `source_file` is one file, or one per line.
    """
    files, columns = _parts(row["source_file"]), tuple(_parts(row["source_column"]))
    try:
        lines = [int(part) for part in _parts(row["source_line"])]
    except ValueError:
        message = f"{row['id']}: source_line {row['source_line']!r} is not line numbers"
        raise TraceError(message) from None
    if not files or not lines:
        raise TraceError(f"{row['id']}: the ledger gives no source file and line")
    if len(files) == 1:
        files = files * len(lines)
    elif len(files) != len(lines):
        raise TraceError(
            f"{row['id']}: {len(files)} source files for {len(lines)} lines; cannot pair them"
        )
    return [CellRef(file, line, columns) for file, line in zip(files, lines, strict=True)]


# --- finding numbers ----------------------------------------------------------------------------


def _normal(text: str) -> str:
    """Compare displays as a reader types them: any spacing, any case, no-break spaces."""
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def _as_float(text: str) -> float | None:
    try:
        number = float(text.replace("\u2212", "-"))  # the report may print a true minus sign
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def same_number(a: str, b: str) -> bool:
    """Whether two texts are the same finite number ('0.475' and '0.4750', '13' and '13.0')."""
    x, y = _as_float(a), _as_float(b)
    return x is not None and y is not None and x == y


def matches_query(row: Row, query: str) -> bool:
    """Whether the report shows the number as `query`, or its value is `query`."""
    wanted = _normal(query)
    return wanted in (_normal(row["display"]), _normal(row["value"])) or (
        same_number(row["value"], query)
    )


def find_numbers(rows: Mapping[str, Row], query: str) -> list[Row]:
    """The number with id `query`, else every number shown as (or valued) `query`, in order."""
    if query in rows:
        return [rows[query]]
    return [row for row in rows.values() if matches_query(row, query)]


def sections_of(row: Row) -> list[str]:
    return _parts(row.get(SECTIONS, ""))


def in_section(row: Row, section: str) -> bool:
    return section.casefold() in (s.casefold() for s in sections_of(row))


@dataclass(frozen=True)
class Match:
    row: Row
    in_report: bool  # False: only in the catalog


def lookup(
    query: str,
    numbers: Mapping[str, Row],
    catalog: Mapping[str, Row],
    section: str | None = None,
) -> list[Match]:
    """Numbers the report shows that match; catalog-only numbers when the report has none."""
    matches = [Match(row, True) for row in find_numbers(numbers, query)]
    if not matches:
        catalog_only = {k: v for k, v in catalog.items() if k not in numbers}
        matches = [Match(row, False) for row in find_numbers(catalog_only, query)]
    if section is not None:
        matches = [m for m in matches if in_section(m.row, section)]
    return matches


# --- printing -----------------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _source_summary(row: Row, cells: list[CellRef]) -> str:
    files = list(dict.fromkeys(cell.file for cell in cells))
    columns = list(dict.fromkeys(column for cell in cells for column in cell.columns))
    lines = "line" if len(cells) == 1 else "lines"
    column_word = "column" if len(columns) == 1 else "columns"
    how = "read as is" if not row["derivation"] else f"computed from {len(cells)} {lines}"
    return (
        f"{', '.join(files)}, {lines} {row['source_line']}, "
        f"{column_word} {', '.join(columns) or '(none given)'} ({how})"
    )


def _raw_block(
    file: str, cells: list[CellRef], records: list[RawRecord] | None, problems: list[str]
) -> list[str]:
    """The file's header, then each source line as it is in the file, each followed by its cells."""
    out = [f"  {file}"]
    if records is None:
        problems.append(f"{file} not found")
        return out + [f"    ! {file} not found"]
    if not records:
        problems.append(f"{file} is empty")
        return out + [f"    ! {file} is empty"]
    header = records[0]
    width = max(len("line 1 (header)"), len(f"line {max(cell.line for cell in cells)}"))
    out.append(f"    {'line 1 (header)':<{width}} | {header.text}")
    for cell in cells:
        if not 1 <= cell.line <= len(records):
            message = f"line {cell.line} is not in {file} ({len(records)} lines)"
            problems.append(message)
            out.append(f"    ! {message}")
            continue
        record = records[cell.line - 1]
        out.append(f"    {'line ' + str(cell.line):<{width}} | {record.text}")
        for column in cell.columns:
            if column not in header.cells:
                message = f"{file} has no column {column!r}"
                problems.append(message)
                out.append(f"    ! {message}")
                continue
            position = header.cells.index(column)
            value = record.cells[position] if position < len(record.cells) else ""
            out.append(
                f"      cell {file}:{cell.line}:{column} ({_ordinal(position + 1)} column) = "
                f"{value if value else '(empty)'}"
            )
    return out


def cell_values(cells: list[CellRef], read: Callable[[str], list[RawRecord] | None]) -> list[str]:
    """The raw text of each source cell (for checks; missing cells are left out)."""
    values = []
    for cell in cells:
        records = read(cell.file)
        if not records or not 1 <= cell.line <= len(records):
            continue
        header, record = records[0].cells, records[cell.line - 1].cells
        for column in cell.columns:
            if column in header and header.index(column) < len(record):
                values.append(record[header.index(column)])
    return values


def catalog_only_note(numbers: str = NUMBERS, catalog: str = CATALOG, have_numbers=True) -> str:
    """What to say about where a number found only in the catalog appears."""
    if have_numbers:
        return f"not shown in the report (only in {catalog})"
    return f"unknown: {numbers} is not built yet (found in {catalog})"


def format_trace(
    match: Match, read: Callable[[str], list[RawRecord] | None], catalog_note: str | None = None
) -> tuple[str, list[str]]:
    """The trace of one number, and the problems met following it (empty when it traced cleanly).

    `read(file)` returns the records of a raw file named as in the ledger, or None if missing;
    `catalog_note` says where a number found only in the catalog appears.
    """
    row = match.row
    problems: list[str] = []
    out = [row["id"]]
    out.append(f"  shown as:   {row['display']}")
    out.append(f"  value:      {row['value']}")
    out.append(f"  unit:       {row['unit'] or '(none)'}")
    if match.in_report:
        out.append(f"  appears in: {', '.join(sections_of(row)) or '(no section recorded)'}")
    else:
        out.append(f"  appears in: {catalog_note or catalog_only_note()}")
    if row["derivation"]:
        out.append(f"  derivation: {row['derivation']}")
    try:
        cells = source_cells(row)
    except TraceError as error:
        problems.append(str(error))
        return "\n".join([*out, f"  ! {error}"]), problems
    out.append(f"  source:     {_source_summary(row, cells)}")
    for file in dict.fromkeys(cell.file for cell in cells):
        in_file = [cell for cell in cells if cell.file == file]
        out += _raw_block(file, in_file, read(file), problems)
    # A number read as is must still be in its cell; if not, the data changed since the build.
    values = cell_values(cells, read) if not row["derivation"] and not problems else []
    if len(values) == 1:
        cell = values[0]
        if cell != row["value"] and not same_number(cell, row["value"]):
            out.append(
                f"  note: the cell holds {cell!r} but the ledger's value is {row['value']!r}; "
                "the ledger may be older than the data: rerun snakemake"
            )
    return "\n".join(out), problems


def format_match_list(matches: list[Match], query: str, section: str | None) -> str:
    where = f" in section {section}" if section else ""
    lines = [f'{len(matches)} numbers match "{query}"{where}:']
    width = max(len(m.row["id"]) for m in matches)
    for m in matches:
        sections = ", ".join(sections_of(m.row)) if m.in_report else "catalog only"
        lines.append(f"  {m.row['id']:<{width}}  {m.row['display']}  [{sections}]")
    return "\n".join(lines)


def no_match_message(
    query: str, section: str | None, numbers: Mapping[str, Row], catalog: Mapping[str, Row]
) -> str:
    if section is not None:
        anywhere = lookup(query, numbers, catalog)
        if anywhere:
            found_in = sorted({s for m in anywhere for s in sections_of(m.row)})
            return (
                f'no number matching "{query}" appears in section {section!r}; '
                f"matches appear in: {', '.join(found_in) or '(no section)'}"
            )
    return f'no number has the id, display or value "{query}"'


# --- command line -------------------------------------------------------------------------------


def _cached_reader(root: Path) -> Callable[[str], list[RawRecord] | None]:
    cache: dict[str, list[RawRecord] | None] = {}

    def read(file: str) -> list[RawRecord] | None:
        if file not in cache:
            path = root / file
            cache[file] = read_raw_records(path) if path.is_file() else None
        return cache[file]

    return read


def _read_if_present(path: Path) -> dict[str, dict[str, str]]:
    return read_ledger_rows(path) if path.is_file() else {}


def _every_ledger(catalog_path: Path) -> dict[str, dict[str, str]]:
    """The catalog, then the other ledgers beside it (results/ledger/audit.csv, summaries.csv):
    each job writes the numbers it computes into its own ledger, so a number the report does not
    show may be in any of them."""
    rows = _read_if_present(catalog_path)
    for path in sorted(catalog_path.parent.glob("*.csv")):
        if path != catalog_path:
            rows = {**read_ledger_rows(path), **rows}  # the catalog's row wins on a shared id
    return rows


def run_trace(args: argparse.Namespace) -> int:
    root = Path(args.root)
    numbers_path = Path(args.numbers) if args.numbers else root / NUMBERS
    catalog_path = Path(args.catalog) if args.catalog else root / CATALOG
    if not numbers_path.is_file() and not catalog_path.is_file():
        print(f"error: {numbers_path.as_posix()} not found: run snakemake first", file=sys.stderr)
        return 1
    try:
        numbers = _read_if_present(numbers_path)
        catalog = _read_if_present(catalog_path) if args.catalog else _every_ledger(catalog_path)
    except LedgerFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    matches = lookup(args.query, numbers, catalog, args.section)
    if not matches:
        message = no_match_message(args.query, args.section, numbers, catalog)
        print(f"error: {message}", file=sys.stderr)
        return 1
    read = _cached_reader(root)
    # Where a number the report does not show was found: the named catalog, or the ledger folder.
    ledgers = catalog_path.as_posix() if args.catalog else f"{catalog_path.parent.as_posix()}/*.csv"
    note = catalog_only_note(numbers_path.as_posix(), ledgers, bool(numbers))
    blocks, problems = [], []
    if len(matches) > 1:
        blocks.append(format_match_list(matches, args.query, args.section))
    for match in matches:
        text, found = format_trace(match, read, note)
        blocks.append(text)
        problems += found
    print("\n\n".join(blocks))
    if problems:
        print(f"error: could not follow every source: {'; '.join(problems)}", file=sys.stderr)
        return 1
    return 0


def add_trace_parser(subparsers) -> None:
    """Add `trace`; it sets `func(args) -> exit code`."""
    parser = subparsers.add_parser(
        "trace",
        help="show the raw cells a number in the report comes from",
        description="Trace a number of the report (by id, or as the report shows it) back to the "
        "raw line and cell it was read or computed from.",
    )
    parser.add_argument("query", help="a number's id, or its displayed value (e.g. '0.475')")
    parser.add_argument("--section", help="only numbers appearing in this section or figure")
    parser.add_argument(
        "--root", default=".", type=existing_dir, help="project directory (default: .)"
    )
    parser.add_argument(
        "--numbers", type=existing_file, help=f"the report's ledger (default: ROOT/{NUMBERS})"
    )
    parser.add_argument(
        "--catalog",
        type=existing_file,
        help=f"the catalog of all numbers (default: ROOT/{CATALOG})",
    )
    parser.set_defaults(func=run_trace)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: `python -m casereport.trace QUERY ...`."""
    parser = argparse.ArgumentParser(prog="casereport")
    add_trace_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["trace", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
