"""How cross-field rules are declared, selected and run, and how a project adds its own.

A rule is a small function `check(table, tables)` that yields a Finding per offending row:
`table` is the table it checks, `tables` every readable table by name. Its docstring's first line
says what it checks. A `RuleSet` registers rules with `@rules.rule(checks=..., reads=...)`:
* `checks`: the tables whose rows it checks: names, or a selector such as `tables_with_fields`;
* `reads`: the other tables it reads. deps.py turns these into the raw files a Snakemake
  validation job depends on, so editing analytes.csv revalidates labs.csv.

A rule applies to a table when its selector picks the table and the data package has every table
it reads: the general rules (rules.py) also run on a data package without, say, publication.csv.
It runs only when every table it needs has all the dictionary's columns (checker.py). It sees
parsed values in `table.typed`, where empty and invalid cells are NA: `where(mask)` treats NA as
false, so a rule never reports a cell the schema checks have already reported.

A project's own rules live in the project, not in this package: a Python file that the config
key `validation_rules` names, defining `RULES = RuleSet()` (see `load_extension`).

Stdlib only: the Snakefile imports this (through deps.py) on every run.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from casereport.project_code import load_project_file
from casereport.validation.report import Finding
from casereport.validation.table import CheckedTable, where

Tables = Mapping[str, CheckedTable]
Check = Callable[[CheckedTable, Tables], Iterable[Finding]]
Selector = Callable[[dict], bool]  # resource descriptor -> whether a rule checks that table

__all__ = [
    "CheckedTable",
    "ExtensionError",
    "Finding",
    "Rule",
    "RuleSet",
    "Tables",
    "by_patient",
    "is_na",
    "load_extension",
    "publication_value",
    "tables_with_field",
    "tables_with_fields",
    "tables_with_types",
    "where",
]


@dataclass(frozen=True)
class Rule:
    check: Check
    applies_to: Selector
    reads: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def summary(self) -> str:
        return (self.check.__doc__ or "").strip().splitlines()[0]

    def applies(self, resource: dict, package_tables: Collection[str]) -> bool:
        """Whether this rule checks `resource` in a data package with these tables."""
        return self.applies_to(resource) and all(name in package_tables for name in self.reads)


class RuleSet:
    """An ordered list of rules, filled by the `rule` decorator."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def rule(self, checks: str | Iterable[str] | Selector, reads: Iterable[str] = ()):
        """Register a rule for the tables it `checks`, declaring the other tables it `reads`."""
        if callable(checks):
            applies_to = checks
        else:
            names = frozenset([checks] if isinstance(checks, str) else checks)

            def applies_to(resource: dict) -> bool:
                return resource["name"] in names

        def register(check: Check) -> Check:
            self.rules.append(Rule(check, applies_to, tuple(reads)))
            return check

        return register


# --- selectors: rules declared against the data model, not against one dataset's file names ------


def _field_names(resource: dict) -> set[str]:
    return {field.get("name") for field in resource["schema"]["fields"]}


def tables_with_types(*types: str) -> Selector:
    """Selects every table that has a field of one of these types."""
    return lambda resource: any(
        field.get("type") in types for field in resource["schema"]["fields"]
    )


def tables_with_field(name: str) -> Selector:
    """Selects every table that has a field of this name."""
    return lambda resource: name in _field_names(resource)


def tables_with_fields(*names: str) -> Selector:
    """Selects every table that has all these fields."""
    return lambda resource: set(names) <= _field_names(resource)


# --- helpers rules share ------------------------------------------------------------------------


def is_na(value) -> bool:
    """Whether a parsed cell is missing (pandas NA or NaN), without importing pandas here."""
    if value is None or type(value).__name__ == "NAType":
        return True
    return isinstance(value, float) and value != value


def publication_value(tables: Tables, column: str):
    """The one publication row's value of a column; None when it cannot be read."""
    publication = tables.get("publication")
    if publication is None or len(publication.typed) != 1 or column not in publication.typed:
        return None
    value = publication.typed.iloc[0][column]
    return None if is_na(value) else value


def by_patient(patients: CheckedTable, column: str):
    """patients.csv's `column` by patient_id (a repeated id is a primary-key finding)."""
    rows = patients.typed.dropna(subset=["patient_id"]).drop_duplicates("patient_id")
    return rows.set_index("patient_id")[column]


# --- a project's own rules ----------------------------------------------------------------------


class ExtensionError(Exception):
    """The rules file the config names is missing, cannot be imported, or defines no RULES."""


def load_extension(path: str | os.PathLike) -> tuple[Rule, ...]:
    """The rules of a project's rules file (`RULES`, a RuleSet), loaded by path.

    Cached while the file is unchanged: the Snakefile asks for it once per validation job."""
    shown = Path(path).as_posix()
    try:
        stat = os.stat(path)
    except OSError as error:
        raise ExtensionError(
            f"{shown}: the validation rules the config names (validation_rules) cannot be read "
            f"({error.strerror})"
        ) from None
    return _load_extension(str(Path(path).resolve()), shown, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_extension(path: str, shown: str, mtime_ns: int, size: int) -> tuple[Rule, ...]:
    digest = hashlib.sha256(f"{path}:{mtime_ns}".encode()).hexdigest()[:16]
    module = load_project_file(
        path,
        f"casereport_project_rules_{digest}",
        shown,
        "the validation rules",
        "validation_rules",
        ExtensionError,
    )
    rules = getattr(module, "RULES", None)
    if not isinstance(rules, RuleSet):
        raise ExtensionError(f"{shown}: defines no `RULES = RuleSet()` (validation_rules)")
    return tuple(rules)
