"""The number ledger: every number the report shows, with the raw cell it comes from.

A `Number` read as is points at one cell: `source_file` (a raw file under the data directory),
`source_line` (its line in that file, header = line 1) and `source_column`. A computed number
points at the cells it is computed from (several lines joined by ';') and says how in `derivation`.

The workflow first builds a *catalog* of every number the report may show
(results/ledger/catalog.csv); rendering the report then writes the numbers it actually showed to
results/numbers.csv, with the sections they appear in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from casereport.spreadsheet import csv_row, line_may_need_guard, restore_row, text_may_hold_guard

COLUMNS = [
    "id",
    "display",
    "value",
    "unit",
    "source_file",
    "source_line",
    "source_column",
    "derivation",
]


def csv_line(fields: Sequence) -> str:
    """`fields` as the line casereport.spreadsheet.csv_row writes them (as csv.writer does, each
    cell neutralised for spreadsheets). A row of text fields that need no quoting and no guard
    (almost every row of a ledger) is joined directly, several times faster than the csv module;
    any other row goes through csv_row."""
    try:
        line = ",".join(fields)
    except TypeError:  # a field that is not text: csv_row says how it is written
        return csv_row(fields)
    # csv.writer quotes a field holding a comma (more commas than the separators), a quote or a
    # line break, and a lone empty field (line == "").
    plain = (
        line
        and line.count(",") == len(fields) - 1
        and '"' not in line
        and "\n" not in line
        and "\r" not in line
        and not line_may_need_guard(line)
    )
    return line + "\n" if plain else csv_row(fields)


def cell_id(table: str, key: tuple | list | str | int, column: str) -> str:
    """Id of a number read as is: `<table>.<primary key values joined by '.'>.<column>`.

    For example `labs.1.ESR.pre.value` or `patients.2.age_at_diagnosis_years`. A table without a
    primary key (publication.csv has one row) uses the row's position from 1: `publication.1.year`.
    """
    values = key if isinstance(key, tuple | list) else (key,)
    return ".".join([table, *map(str, values), column])


# Slots: a large series' catalog holds 400,000 Numbers, a per-instance __dict__ would double their
# memory.
@dataclass(frozen=True, slots=True)
class Number:
    id: str
    display: str  # exactly what the report prints
    value: str  # machine-readable value (a number in plain notation, or an ISO date)
    unit: str
    source_file: str
    source_line: str  # "7" or, for a computed number, "2;3;4"
    source_column: str
    derivation: str = ""  # empty when read as is

    @property
    def lines(self) -> list[int]:
        return [int(part) for part in self.source_line.split(";") if part]

    @property
    def is_computed(self) -> bool:
        return bool(self.derivation)


class UnknownNumberError(KeyError):
    def __str__(self) -> str:  # KeyError quotes its message; say it plainly instead
        return str(self.args[0])


class Ledger:
    """Numbers by id, in the order they were added."""

    def __init__(self, numbers: Iterable[Number] = ()):
        self._numbers: dict[str, Number] = {}
        for number in numbers:
            self.add(number)

    def add(self, number: Number) -> None:
        if number.id in self._numbers:
            raise ValueError(f"number id {number.id!r} is defined twice")
        self._numbers[number.id] = number

    def __getitem__(self, number_id: str) -> Number:
        try:
            return self._numbers[number_id]
        except KeyError:
            raise UnknownNumberError(
                f"the ledger has no number with id {number_id!r}; numbers come from "
                "casereport.ledger catalog builders, never from templates"
            ) from None

    def __contains__(self, number_id: str) -> bool:
        return number_id in self._numbers

    def __iter__(self) -> Iterator[Number]:
        return iter(self._numbers.values())

    def __len__(self) -> int:
        return len(self._numbers)

    def subset(self, ids: Iterable[str]) -> Ledger:
        wanted = set(ids)
        return Ledger(n for n in self if n.id in wanted)

    def write_csv(self, path: Path | str, extra: dict[str, dict[str, str]] | None = None) -> None:
        """Write the ledger; `extra` adds columns per id (e.g. the sections a number appears in)."""
        extra = extra or {}
        extra_columns = sorted({key for row in extra.values() for key in row})
        # Fields read as attributes, not through dataclasses.asdict(), which deep-copies every
        # field: that copying was most of the time spent writing a catalog of 400,000 numbers.
        number_fields = attrgetter(*COLUMNS)

        def fields_with_extra(number: Number) -> list[str]:
            more = extra.get(number.id, {})
            return [*number_fields(number), *(more.get(c, "") for c in extra_columns)]

        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(csv_line(COLUMNS + extra_columns))
            row_fields = fields_with_extra if extra_columns else number_fields
            handle.writelines(csv_line(row_fields(number)) for number in self)

    @classmethod
    def read_csv(cls, path: Path | str) -> Ledger:
        """The ledger written by `write_csv` (columns beyond the Number's fields are ignored).

        Read with csv.reader and positional fields rather than DictReader and keyword fields:
        a large series' catalog has 400,000 rows, and this is twice as quick.
        """
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        reader = csv.reader(io.StringIO(text, newline=""))
        if text_may_hold_guard(text):  # undo the spreadsheet guard of write_csv
            reader = map(restore_row, reader)
        header = next(reader, [])
        present = [name for name in COLUMNS if name in header]
        positions = [header.index(name) for name in present]
        if present == COLUMNS[: len(present)] and positions == list(range(len(present))):
            width = len(present)
            numbers = [Number(*row[:width]) for row in reader]
        else:
            numbers = [
                Number(**{name: row[i] for name, i in zip(present, positions, strict=True)})
                for row in reader
            ]
        ledger = cls()
        ledger._numbers = {number.id: number for number in numbers}
        if len(ledger._numbers) != len(numbers):
            return cls(numbers)  # an id defined twice: add() names it
        return ledger
