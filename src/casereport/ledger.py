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
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

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


def cell_id(table: str, key: tuple | list | str | int, column: str) -> str:
    """Id of a number read as is: `<table>.<primary key values joined by '.'>.<column>`.

    For example `labs.1.ESR.pre.value` or `patients.2.age_at_diagnosis_years`. A table without a
    primary key (publication.csv has one row) uses the row's position from 1: `publication.1.year`.
    """
    values = key if isinstance(key, tuple | list) else (key,)
    return ".".join([table, *(str(v) for v in values), column])


@dataclass(frozen=True)
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
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS + extra_columns)
            for number in self:
                row = asdict(number)
                more = extra.get(number.id, {})
                writer.writerow(
                    [row[c] for c in COLUMNS] + [more.get(c, "") for c in extra_columns]
                )

    @classmethod
    def read_csv(cls, path: Path | str) -> Ledger:
        names = {f.name for f in fields(Number)}
        with open(path, encoding="utf-8", newline="") as handle:
            return cls(
                Number(**{k: v for k, v in row.items() if k in names})
                for row in csv.DictReader(handle)
            )
