"""What a data edit changed in the report's numbers, and how to accept it.

The accepted numbers live in a committed baseline, report/numbers.lock.csv: a copy of the ledger
results/numbers.csv as it was when someone last looked at the report and accepted it. After an edit
of data/raw/, `snakemake` rebuilds results/numbers.csv and the `changes` rule compares the two:

- results/changes.md: a readable summary, each changed number with its old and new value, the raw
  cell it comes from and the sections/figures it appears in;
- results/changes.csv: the same, one row per change, for scripts.

`casereport accept-numbers` copies results/numbers.csv over the baseline (then commit it);
`casereport check-numbers` (for CI) exits 1 and prints the changes while the two differ.

A number is *changed* when its id is in both ledgers and any of COMPARED_FIELDS differs: what the
report prints, its value, its unit, where it comes from, how it is computed, where it appears. Row
and column order of the CSV files are not compared: they carry no meaning.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from casereport import fingerprint
from casereport.arguments import existing_dir, existing_file, file_or_absent
from casereport.ledger import COLUMNS, Ledger
from casereport.spreadsheet import neutralise, restore

NUMBERS = "results/numbers.csv"
LOCK = "report/numbers.lock.csv"
CHANGES_CSV = "results/changes.csv"
SECTIONS = "sections"

# Everything a ledger row says about a number, except its id (the key the ledgers are joined on).
COMPARED_FIELDS = [c for c in COLUMNS if c != "id"] + [SECTIONS]

KINDS = ("changed", "added", "removed")  # the order changes are listed in

CSV_COLUMNS = [
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
    "changed_fields",
]

Row = Mapping[str, str]  # one ledger row: column -> text


class LedgerFileError(Exception):
    """A ledger file that is missing or unreadable; the message is meant for the user as is."""


# --- reading ledgers ----------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text; missing values (None, NaN, pd.NA) are empty, as in the CSV file."""
    if type(value) is str:  # every cell read from a CSV file: the common case, kept quick
        return value
    if value is None:
        return ""
    try:
        if value != value or (isinstance(value, float) and math.isnan(value)):
            return ""
    except (TypeError, ValueError):  # pd.NA refuses to be compared
        return ""
    return str(value)


def _normalise(row: Mapping) -> dict[str, str]:
    """A ledger row with every compared field present as text, sections as 'a;b' without padding."""
    clean = {name: _text(row.get(name)).strip() for name in ["id", *COMPARED_FIELDS]}
    clean[SECTIONS] = ";".join(s.strip() for s in clean[SECTIONS].split(";") if s.strip())
    return clean


def _index(rows: Iterable[Mapping], where: str) -> dict[str, dict[str, str]]:
    indexed: dict[str, dict[str, str]] = {}
    for row in rows:
        clean = _normalise(row)
        if not clean["id"]:
            raise LedgerFileError(f"{where}: a row has no id")
        if clean["id"] in indexed:
            raise LedgerFileError(f"{where}: number id {clean['id']!r} appears twice")
        indexed[clean["id"]] = clean
    return indexed


def read_ledger_rows(path: Path | str) -> dict[str, dict[str, str]]:
    """Rows of a ledger CSV file by id, in file order (keeps `sections`, which Ledger drops)."""
    path = Path(path)
    if not path.is_file():
        raise LedgerFileError(f"{path.as_posix()} not found")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or "id" not in reader.fieldnames:
            raise LedgerFileError(f"{path.as_posix()} is not a number ledger: no 'id' column")
        # Undo the spreadsheet guard of Ledger.write_csv (casereport.spreadsheet).
        rows = ({k: restore(v) if type(v) is str else v for k, v in r.items()} for r in reader)
        return _index(rows, path.as_posix())


def ledger_rows(source) -> dict[str, dict[str, str]]:
    """Rows by id from a Ledger, a pandas DataFrame (read with dtype=str), a CSV path or None."""
    if source is None:
        return {}
    if isinstance(source, Ledger):
        return _index((asdict(number) for number in source), "ledger")
    if isinstance(source, str | Path):
        return read_ledger_rows(source)
    if hasattr(source, "to_dict"):  # a DataFrame; no pandas import needed to recognise one
        return _index(source.to_dict(orient="records"), "data frame")
    if isinstance(source, Mapping):  # already indexed by id
        return _index(source.values(), "rows")
    raise TypeError(f"cannot read ledger rows from {type(source).__name__}")


# --- comparing ----------------------------------------------------------------------------------


def natural_key(number_id: str) -> tuple:
    """Sort key that puts labs.2.x before labs.10.x (re.split alternates text and digit runs)."""
    parts = re.split(r"(\d+)", number_id)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    id: str
    old: Row | None  # the baseline's row (None when added)
    new: Row | None  # the current row (None when removed)
    fields: tuple[str, ...] = ()  # the compared fields that differ (changed numbers only)

    @property
    def row(self) -> Row:
        """The row that says where the number comes from now (the old one when it was removed)."""
        return self.new if self.new is not None else self.old


@dataclass(frozen=True)
class Changes:
    changed: tuple[Change, ...]
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    has_baseline: bool
    current_count: int  # numbers in the current ledger
    baseline_count: int

    @property
    def any(self) -> bool:
        return bool(self.changed or self.added or self.removed)

    def __iter__(self):
        """Every change, changed numbers first, then added, then removed; each group by id."""
        yield from self.changed
        yield from self.added
        yield from self.removed

    def summary(self) -> str:
        return f"{len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed"


def compare_ledgers(baseline, current) -> Changes:
    """Compare two ledgers (Ledger, DataFrame, CSV path, or None for 'no baseline yet').

    A baseline path that does not exist counts as no baseline: every number is then 'added'.
    """
    has_baseline = baseline is not None and not (
        isinstance(baseline, str | Path) and not Path(baseline).is_file()
    )
    old = ledger_rows(baseline) if has_baseline else {}
    new = ledger_rows(current)
    changed, added, removed = [], [], []
    for number_id in sorted(old.keys() | new.keys(), key=natural_key):
        before, after = old.get(number_id), new.get(number_id)
        if before is None:
            added.append(Change("added", number_id, None, after))
        elif after is None:
            removed.append(Change("removed", number_id, before, None))
        else:
            differing = tuple(f for f in COMPARED_FIELDS if before[f] != after[f])
            if differing:
                changed.append(Change("changed", number_id, before, after, differing))
    return Changes(tuple(changed), tuple(added), tuple(removed), has_baseline, len(new), len(old))


# --- writing ------------------------------------------------------------------------------------


def source_cell(row: Row) -> str:
    """file:line:column, e.g. data/raw/labs.csv:2:value (lines joined by ';' when computed)."""
    return f"{row['source_file']}:{row['source_line']}:{row['source_column']}"


# changes.md quotes data (ids, displays, values, source files) and CI shows it as a GitHub job
# summary: quoted text must stay text there, never become a link, an image, HTML, math or an
# emphasis. Backslash-escaping is CommonMark's own way to say "this character is literal"; these
# are the characters that start inline markup (`:` and `www.` stop GitHub's bare autolinks).
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>!|~$&:@]|(?i:(?<=www)\.)")
_LINE_BREAKS = re.compile(r"[\r\n]+")


def markdown_text(text: str) -> str:
    """Text shown literally in a Markdown table cell (GitHub-flavoured), on one line."""
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(0), _LINE_BREAKS.sub(" ", text))


def markdown_code(text: str) -> str:
    """Text as an inline code span in a Markdown table cell: fenced by more backticks than it
    holds, `|` escaped (GitHub tables split cells on it even inside code), on one line."""
    text = _LINE_BREAKS.sub(" ", text).replace("|", "\\|")
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _old_to_new(old: str, new: str, quote=markdown_text) -> str:
    return quote(new) if old == new else f"{quote(old)} → {quote(new)}"


def _cell(markdown: str) -> str:
    """A table cell (already Markdown); an empty one shows a dash."""
    return markdown or "—"


def _sections(row: Row) -> str:
    return ", ".join(row[SECTIONS].split(";")) if row[SECTIONS] else ""


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _changed_table(changes: Iterable[Change]) -> list[str]:
    rows = [
        [
            markdown_code(c.id),
            _old_to_new(c.old["display"], c.new["display"]),
            _old_to_new(c.old["value"], c.new["value"]),
            markdown_text(", ".join(c.fields)),
            _old_to_new(source_cell(c.old), source_cell(c.new), markdown_code),
            _old_to_new(_sections(c.old), _sections(c.new)),
        ]
        for c in changes
    ]
    header = ["Number", "Shown as", "Value", "What changed", "Source cell", "Appears in"]
    return _table(header, rows)


def _listed_table(changes: Iterable[Change]) -> list[str]:
    rows = [
        [
            markdown_code(c.id),
            markdown_text(c.row["display"]),
            markdown_text(c.row["value"]),
            markdown_code(source_cell(c.row)),
            markdown_text(_sections(c.row)),
        ]
        for c in changes
    ]
    return _table(["Number", "Shown as", "Value", "Source cell", "Appears in"], rows)


# changes.md lists at most this many numbers per group (changed, added, removed): enough for any
# edit of a case report, while a first build of a large series (hundreds of thousands of numbers,
# all added) stays a readable page. changes.csv always lists every one.
MARKDOWN_ROWS_PER_GROUP = 1000


def _not_listed(total: int, csv_name: str) -> list[str]:
    """The line after a group's table that says how many it leaves out and where they are."""
    more = total - MARKDOWN_ROWS_PER_GROUP
    if more <= 0:
        return []
    return ["", f"… and {more} more, not listed here: {csv_name} lists every change."]


def changes_markdown(
    changes: Changes, current: str = NUMBERS, baseline: str = LOCK, csv_name: str = CHANGES_CSV
) -> str:
    """results/changes.md: a summary line, then the changed, added and removed numbers."""
    lines = ["# Changes to the report's numbers", ""]
    if not changes.has_baseline:
        lines += [
            f"There is no baseline yet: {baseline} does not exist, so every one of the "
            f"{changes.current_count} numbers in {current} is listed as added. To create the "
            f"baseline, check the report, run `casereport accept-numbers` (it copies {current} "
            f"to {baseline}) and commit {baseline}.",
        ]
    elif not changes.any:
        lines += [
            f"No changes: the {changes.current_count} numbers in {current} match the accepted "
            f"baseline {baseline}.",
        ]
    else:
        lines += [
            f"{current} against the accepted baseline {baseline}: {changes.summary()} "
            f"(the report shows {changes.current_count} numbers).",
            "",
            f"If they are intended, run `casereport accept-numbers` and commit {baseline}.",
        ]
    for title, group, table in [
        ("Changed", changes.changed, _changed_table),
        ("Added", changes.added, _listed_table),
        ("Removed", changes.removed, _listed_table),
    ]:
        if group:
            listed = table(group[:MARKDOWN_ROWS_PER_GROUP])
            more = _not_listed(len(group), csv_name)
            lines += ["", f"## {title} ({len(group)})", "", *listed, *more]
    return "\n".join(lines) + "\n"


def changes_rows(changes: Changes) -> list[dict[str, str]]:
    """results/changes.csv rows: one per change; the source and sections are the current ones."""
    rows = []
    for change in changes:
        old, new, row = change.old or {}, change.new or {}, change.row
        rows.append(
            {
                "kind": change.kind,
                "id": change.id,
                "old_display": old.get("display", ""),
                "new_display": new.get("display", ""),
                "old_value": old.get("value", ""),
                "new_value": new.get("value", ""),
                "source_file": row["source_file"],
                "source_line": row["source_line"],
                "source_column": row["source_column"],
                "sections": row[SECTIONS],
                "changed_fields": ";".join(change.fields),
            }
        )
    return rows


def write_changes_csv(changes: Changes, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {name: neutralise(cell) for name, cell in row.items()} for row in changes_rows(changes)
        )


def write_changes_reports(
    numbers: Path | str, lock: Path | str, markdown: Path | str, table: Path | str
) -> Changes:
    """What the `changes` rule does: compare `numbers` with `lock` (if present), write both."""
    changes = compare_ledgers(Path(lock), Path(numbers))
    Path(markdown).write_text(
        changes_markdown(
            changes, Path(numbers).as_posix(), Path(lock).as_posix(), Path(table).as_posix()
        ),
        encoding="utf-8",
    )
    write_changes_csv(changes, table)
    return changes


# --- command line -------------------------------------------------------------------------------


def _paths(args: argparse.Namespace) -> tuple[Path, Path]:
    root = Path(args.root)
    numbers = Path(args.numbers) if args.numbers else root / NUMBERS
    lock = Path(args.lock) if args.lock else root / LOCK
    return numbers, lock


def _current_changes(numbers: Path, lock: Path) -> Changes:
    if not numbers.is_file():
        raise LedgerFileError(f"{numbers.as_posix()} not found: run snakemake first")
    return compare_ledgers(lock, numbers)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def run_accept_numbers(args: argparse.Namespace) -> int:
    """Copy results/numbers.csv over the baseline, printing what that accepts."""
    numbers, lock = _paths(args)
    try:
        changes = _current_changes(numbers, lock)
    except LedgerFileError as error:
        return _fail(str(error))
    if changes.has_baseline and not changes.any:
        print(f"Nothing to accept: {numbers.as_posix()} matches {lock.as_posix()}.")
        return 0
    if changes.has_baseline:
        print(changes_markdown(changes, numbers.as_posix(), lock.as_posix()))
    else:  # listing every number as 'added' would bury the one line that matters
        print(f"No baseline yet: creating {lock.as_posix()}.")
    lock.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(numbers, lock)
    print(
        f"Accepted: {lock.as_posix()} now holds the {changes.current_count} numbers of "
        f"{numbers.as_posix()}. Commit {lock.as_posix()}."
    )
    return 0


def run_check_numbers(args: argparse.Namespace) -> int:
    """CI check: 0 when results/numbers.csv matches the baseline, else 1 with the changes."""
    numbers, lock = _paths(args)
    if not lock.is_file():
        return _fail(
            f"{lock.as_posix()} not found: run `casereport accept-numbers` to create the baseline"
        )
    try:
        changes = _current_changes(numbers, lock)
    except LedgerFileError as error:
        return _fail(str(error))
    if changes.any:
        print(changes_markdown(changes, numbers.as_posix(), lock.as_posix()), end="")
        print(
            f"error: {numbers.as_posix()} differs from {lock.as_posix()} ({changes.summary()})",
            file=sys.stderr,
        )
        return 1
    # The numbers match, but they are the last successful build's: stale if data/raw changed.
    inputs = fingerprint.status(args.root)
    if not inputs.current:
        return _fail(inputs.line())
    count = changes.current_count
    print(f"OK: the {count} numbers in {numbers.as_posix()} match {lock.as_posix()}")
    return 0


def _add_path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root", default=".", type=existing_dir, help="project directory (default: .)"
    )
    parser.add_argument(
        "--numbers", type=existing_file, help=f"the current ledger (default: ROOT/{NUMBERS})"
    )
    parser.add_argument(
        "--lock", type=file_or_absent, help=f"the accepted baseline (default: ROOT/{LOCK})"
    )


def add_changes_parsers(subparsers) -> None:
    """Add `accept-numbers` and `check-numbers`; each sets `func(args) -> exit code`."""
    accept = subparsers.add_parser(
        "accept-numbers",
        help=f"accept the report's numbers: copy {NUMBERS} to {LOCK}",
        description=f"Copy {NUMBERS} to {LOCK} (the accepted baseline), printing what changed. "
        f"Commit {LOCK} afterwards.",
    )
    _add_path_options(accept)
    accept.set_defaults(func=run_accept_numbers)
    check = subparsers.add_parser(
        "check-numbers",
        help=f"exit 1 when {NUMBERS} differs from {LOCK}",
        description=f"Compare {NUMBERS} with the accepted baseline {LOCK}: print the changes "
        "and exit 1 when they differ, exit 0 otherwise.",
    )
    _add_path_options(check)
    check.set_defaults(func=run_check_numbers)


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point: `python -m casereport.changes accept-numbers|check-numbers`."""
    parser = argparse.ArgumentParser(prog="casereport")
    add_changes_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
