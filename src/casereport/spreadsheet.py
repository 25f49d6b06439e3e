"""CSV files that are safe to open in a spreadsheet (OWASP "CSV injection").

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (`=1+1`,
`+cmd|' /C calc'!A0`), and some also after a tab or a carriage return. The raw data's free text
may start with anything, and the workflow copies it into results/validated/*.csv,
results/tables/*.csv, the ledgers and the audit. Every CSV the workflow writes therefore goes
through `neutralise`: such a cell gets a leading apostrophe, which spreadsheets read as "this is
text" (OWASP's rule), unless the cell is a number (`-0.97`, `+3`, `1e-3`).

The apostrophe is undone where the workflow reads its own CSV files back (`restore`,
`restore_frame`): a cell that starts with an apostrophe in the raw data gets one more on the way
out, so that reading back gives exactly the raw text, and the ledger, the report and `casereport
trace` see the raw value, not the guarded one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence

GUARD = "'"
# What a spreadsheet may execute when a cell starts with it.
FORMULA_STARTS = frozenset("=+-@\t\r")
# A cell that starts with one of these is guarded: FORMULA_STARTS, and the guard itself (so that
# `restore` can always take exactly one apostrophe off).
_GUARDED_STARTS = FORMULA_STARTS | {GUARD}
# A plain decimal number, which a spreadsheet reads as a number, not a formula: left as it is.
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# In a line of comma-separated cells, a cell that may need guarding starts after one of these.
_RISKY_AFTER_COMMA = tuple("," + start for start in sorted(_GUARDED_STARTS))


def neutralise(cell):
    """The cell as written to a CSV file: text a spreadsheet would execute gets GUARD in front.
    Anything that is not text (a line number, None) is returned as it is."""
    if type(cell) is not str or not cell or cell[0] not in _GUARDED_STARTS:
        return cell
    if cell[0] != GUARD and NUMBER.fullmatch(cell):
        return cell
    return GUARD + cell


def restore(cell: str) -> str:
    """The text `neutralise` was given: one leading GUARD taken off."""
    return cell[1:] if cell[:1] == GUARD else cell


def neutralise_row(row: Iterable) -> list:
    return [neutralise(cell) for cell in row]


def restore_row(row: Iterable[str]) -> list[str]:
    return [restore(cell) for cell in row]


def line_may_need_guard(line: str) -> bool:
    """Whether a line of cells joined by commas has a cell `neutralise` might change: a cheap
    check on the joined line (a few substring searches) that spares the cell-by-cell work on
    almost every line of a large ledger."""
    return line[:1] in _GUARDED_STARTS or any(risky in line for risky in _RISKY_AFTER_COMMA)


def text_may_hold_guard(text: str) -> bool:
    """Whether a CSV file's text may hold a guarded cell (one starting with GUARD after a comma,
    a line break or an opening quote)."""
    return text.startswith(GUARD) or any(s + GUARD in text for s in (",", "\n", '"'))


def csv_row(row: Sequence) -> str:
    """One row as csv.writer(lineterminator="\n") writes it, cells neutralised, and a cell holding
    a carriage return quoted: with a "\n" line terminator csv.writer leaves a lone CR unquoted,
    and every CSV reader then ends the row there (and the rest of the cell, say `=1+1`, starts a
    row of its own, unguarded)."""
    row = neutralise_row(row)
    has_cr = any(type(cell) is str and "\r" in cell for cell in row)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n" if has_cr else "\n").writerow(row)
    text = buffer.getvalue()
    return text[:-2] + "\n" if has_cr else text


class SafeWriter:
    """What csv.writer(handle, lineterminator="\n") does, every cell through `csv_row`."""

    def __init__(self, handle):
        self._handle = handle

    def writerow(self, row: Sequence) -> None:
        self._handle.write(csv_row(row))

    def writerows(self, rows: Iterable[Sequence]) -> None:
        self._handle.writelines(csv_row(row) for row in rows)


def restoring_reader(handle, **options) -> Iterator[list[str]]:
    """csv.reader over a CSV file this workflow wrote, with every cell restored."""
    return (restore_row(row) for row in csv.reader(handle, **options))


def restore_frame(frame):
    """A pandas DataFrame read with dtype=str from a CSV this workflow wrote, cells restored
    (column by column: a large series' tables have hundreds of thousands of rows)."""
    for name in frame.columns:
        column = frame[name]
        guarded = column.str.startswith(GUARD).fillna(False).to_numpy(dtype=bool)
        if guarded.any():
            frame[name] = column.mask(guarded, column.str.slice(1))
    return frame
