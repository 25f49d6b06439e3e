"""The report's reproduction audit section, from results/audit.csv (casereport.audit)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casereport.audit import (
    CONSISTENT,
    DISCREPANT,
    NOT_APPLICABLE,
    NOT_CHECKABLE,
    POSSIBLY_DISCREPANT,
    rebuilt_id,
    unit_for,
)

# --- the reproduction audit (results/audit.csv) ----------------------------------------------

# Discrepancies first: they are the findings; then the possible ones; then what the data cannot
# settle; then the rest. (Claims not applicable to the data are not grouped: one sentence says so.)
AUDIT_STATUS_ORDER = (DISCREPANT, POSSIBLY_DISCREPANT, NOT_CHECKABLE, CONSISTENT)
AUDIT_HEADINGS = {
    DISCREPANT: "Discrepancies",
    POSSIBLY_DISCREPANT: "Possible discrepancies",
    NOT_CHECKABLE: "Not checkable",
    CONSISTENT: "Consistent",
}
# How a count of rows of each status reads: "1 discrepancy", "2 discrepancies".
AUDIT_COUNT_WORDS = {
    DISCREPANT: ("discrepancy", "discrepancies"),
    POSSIBLY_DISCREPANT: ("possible discrepancy", "possible discrepancies"),
    NOT_CHECKABLE: ("not checkable", "not checkable"),
    CONSISTENT: ("consistent", "consistent"),
}
# An explanation lists values patient by patient; in a large series it would fill pages.
EXPLANATION_CHARACTERS = 450


@dataclass(frozen=True)
class AuditRow:
    claim_id: str
    statement: str
    location: str
    published: str
    rebuilt: str  # as the audit words it
    rebuilt_id: str | None  # ledger id of the rebuilt value when it is a number
    rebuilt_unit: str
    explanation: str  # shortened to EXPLANATION_CHARACTERS
    shortened: bool


@dataclass(frozen=True)
class AuditGroup:
    status: str
    heading: str
    rows: list[AuditRow]

    @property
    def explained(self) -> bool:
        """Every row shows its reason: what disagrees, why the data cannot settle it, or why a
        consistent value that differs from the published one still agrees (rounding, a lower
        bound)."""
        return True

    @property
    def count_words(self) -> str:
        """The group's name after its count: '1 discrepancy', '2 discrepancies'."""
        singular, plural = AUDIT_COUNT_WORDS[self.status]
        return singular if len(self.rows) == 1 else plural


def shorten(words: str, limit: int) -> tuple[str, bool]:
    """At most `limit` characters, cut at a word boundary; and whether anything was cut."""
    if len(words) <= limit:
        return words, False
    return words[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " \u2026", True


def audit_row(record: dict[str, str]) -> AuditRow:
    explanation, shortened = shorten(record["explanation"], EXPLANATION_CHARACTERS)
    numeric = bool(record["rebuilt_value"])
    return AuditRow(
        claim_id=record["claim_id"],
        statement=record["statement"],
        location=record["location"],
        published=record["published"],
        rebuilt=record["rebuilt"],
        # the audit job's ledger (results/ledger/audit.csv) holds the number under this id
        rebuilt_id=rebuilt_id(record["claim_id"]) if numeric else None,
        # "1 month", not "1 months": the unit reads after the rebuilt number
        rebuilt_unit=unit_for(float(record["rebuilt_value"]), record["rebuilt_unit"])
        if numeric
        else record["rebuilt_unit"],
        explanation=explanation,
        shortened=shortened,
    )


def audit_groups(results: pd.DataFrame) -> list[AuditGroup]:
    """The claims by status (discrepancies first), each group in the order of claims.csv.
    No group when the claims are not applicable to the data (another article's dataset)."""
    if not_applicable_reason(results):
        return []
    records = [audit_row(r) for r in results.fillna("").to_dict("records")]
    statuses = dict(zip(results["claim_id"], results["status"], strict=True))
    return [
        AuditGroup(
            status, AUDIT_HEADINGS[status], [r for r in records if statuses[r.claim_id] == status]
        )
        for status in AUDIT_STATUS_ORDER
    ]


def not_applicable_reason(results: pd.DataFrame) -> str:
    """The one sentence saying the article's claims are not applicable to these data, or ""."""
    if results.empty or not (results["status"] == NOT_APPLICABLE).all():
        return ""
    return str(results["explanation"].iloc[0])
