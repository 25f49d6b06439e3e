"""The audit's vocabulary: statuses, the columns of claims.csv and of the audit table, a claim, a
finding, and the registry of checks (`@check`) that data/claims.md documents."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casereport import stages

if TYPE_CHECKING:  # only named in annotations; index imports this module
    from casereport.audit.index import IndexedDataset


CONSISTENT = "consistent"


# The data allow the published value only on a stretched reading: dates known only to the month
# (courses a few days early), or a value as printed that is implausible rather than impossible.
POSSIBLY_DISCREPANT = "possibly discrepant"


DISCREPANT = "discrepant"


NOT_CHECKABLE = "not checkable"


# The claims describe another dataset (publication.csv names another article): none applies.
NOT_APPLICABLE = "not applicable"


STATUSES = (CONSISTENT, POSSIBLY_DISCREPANT, DISCREPANT, NOT_CHECKABLE, NOT_APPLICABLE)


# The validated tables the checks read (stages.py wires the workflow rule to exactly these).
AUDIT_TABLES = stages.AUDIT


CLAIM_COLUMNS = [
    "claim_id",
    "statement",
    "location",
    "published",
    "check",
    "patient_id",
    "expected",
    "unit",
    "match",
    "arguments",
]


AUDIT_COLUMNS = [
    "claim_id",
    "statement",
    "location",
    "published",
    "rebuilt",
    "status",
    "explanation",
    "sources",
    "rebuilt_value",
    "rebuilt_unit",
    "derivation",
]


SOURCES_SEPARATOR = "; "


# Arguments that name events of a patient's history, and the form an event name takes.
EVENT_ARGUMENTS = ("from", "to", "after", "event")


EVENT_NAME = re.compile(r"diagnosis|therapy|writing|[a-z][a-z ]*(/[a-z]+)?\.(start|end)")


class ClaimsError(ValueError):
    """claims.csv cannot be audited as written (unknown check, missing argument...)."""


class NotCheckable(Exception):
    """Raised by a check when the data cannot settle the claim; the message says why."""

    def __init__(self, reason: str, cells: tuple[str, ...] = ()):
        super().__init__(reason)
        self.cells = tuple(cells)


@dataclass(frozen=True)
class Claim:
    claim_id: str
    statement: str
    location: str
    published: str
    check: str
    patient_id: int | None
    expected: float | None
    unit: str
    match: str
    arguments: dict[str, str]
    where: str  # "data/claims.csv:12", for messages

    def argument_list(self, key: str) -> list[str]:
        return [item.strip() for item in self.arguments[key].split(",") if item.strip()]


@dataclass(frozen=True)
class Finding:
    """What a check found. `value`, `unit` and `derivation` are set when the rebuilt value is a
    number; it then goes to the ledger as `audit.<claim_id>.rebuilt`."""

    rebuilt: str
    status: str
    explanation: str
    sources: tuple[str, ...]
    value: float | None = None
    unit: str = ""
    derivation: str = ""


@dataclass(frozen=True)
class Check:
    name: str
    function: Callable[[IndexedDataset, Claim], Finding]
    patient: str  # "required", "optional" or "forbidden": may the claim name a patient?
    needs_expected: bool
    arguments: tuple[str, ...]
    units: tuple[str, ...] | None  # units `expected` may be given in (None: any)


CHECKS: dict[str, Check] = {}


def register_project_checks() -> None:
    """Import the project extension's module `audit_checks` (casereport.project_extension), whose
    `@check` functions join CHECKS; once per interpreter (a second import is Python's no-op)."""
    from casereport.project_extension import part

    part("audit_checks")


# How a rebuilt number is compared with the published one (the `match` column).
MATCH_RULES: dict[str, Callable[[float, float], bool]] = {
    "exact": lambda rebuilt, published: math.isclose(rebuilt, published, abs_tol=1e-9),
    # "3 years" is said of 3.0 to 3.99 years (completed years, as for ages) and, rounding, of
    # 2.5 to 3.49: a whole number as people state it covers [N - 0.5, N + 1).
    "whole": lambda rebuilt, published: published - 0.5 <= rebuilt < published + 1,
    "at_least": lambda rebuilt, published: rebuilt >= published,
}


def check(
    name: str,
    *,
    patient: str = "forbidden",
    expected: bool = False,
    arguments: tuple[str, ...] = (),
    units: tuple[str, ...] | None = None,
):
    """Register a check function under the name claims.csv uses."""

    def register(function):
        CHECKS[name] = Check(name, function, patient, expected, arguments, units)
        return function

    return register


# The check whose claim names the article (title, journal, year) the claims describe. When the
# data's publication.csv names another one, none of the claims applies to them.
IDENTITY_CHECK = "article_identity"
