"""A raw table as the cell checks and the cross-field rules see it.

Both frames are indexed by line number (header = line 1), so a check that selects rows already
holds the line numbers its findings need. Checks compute on `typed` and quote `text`: a message
shows the cell as it is written in the file, never a re-formatted float.

Stdlib only at import time (pandas appears in annotations only): the rules, and so deps.py, which
the Snakefile imports on every run, import this module.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casereport.validation.report import Finding

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CheckedTable:
    name: str  # resource name in the data dictionary, e.g. "labs"
    path: str  # the raw file as given, e.g. data/raw/labs.csv
    resource: dict  # the resource's descriptor in datapackage.yaml
    header: list[str]  # the raw file's columns, as written
    rows: list[list[str]]  # rows with as many cells as the header, as written
    lines: list[int]  # line of each row
    text: pd.DataFrame  # cells as written ("" when empty); columns: header
    typed: pd.DataFrame  # the dictionary's fields parsed to their types; NA if empty or invalid
    complete: bool  # the header has every column of the dictionary, so rules can run

    def cell(self, line: int, column: str) -> str:
        # From the rows as read rather than text.at: a million findings each quote a cell, and
        # a DataFrame lookup per cell took most of the validation's time.
        return self.rows[self._row_of_line[line]][self._column_index[column]]

    @functools.cached_property
    def _row_of_line(self) -> dict[int, int]:
        return {line: index for index, line in enumerate(self.lines)}

    @functools.cached_property
    def _column_index(self) -> dict[str, int]:
        return {name: index for index, name in enumerate(self.header)}

    def finding(self, line: int | None, column: str | None, rule: str, message: str) -> Finding:
        """A finding about one cell (or one row when column is None) of this table."""
        value = self.cell(line, column) if line is not None and column is not None else None
        return Finding(self.path, line, column, value, rule, message)


def where(mask: pd.Series) -> list[int]:
    """Line numbers of the rows where `mask` is true; NA (an empty or invalid cell) is false.

    Empty and invalid cells are already reported by the schema checks, so rules skip them.
    """
    return mask.index[mask.fillna(False).astype(bool)].tolist()


def cells_where(mask: pd.Series, cells: pd.Series) -> list[tuple[int, str]]:
    """(line, cell) of the rows where `mask` is true, as `where` selects them; one vectorised
    selection instead of a lookup per line (a million bad cells must stay fast)."""
    selected = cells[mask.fillna(False).astype(bool)]
    return list(zip(selected.index.tolist(), selected.tolist(), strict=True))
