"""Running the audit: every claim through its check, one row per claim."""

from __future__ import annotations

import pandas as pd

from casereport.audit.claims import parse_claims
from casereport.audit.identity import not_applicable
from casereport.audit.index import IndexedDataset, index_dataset, patient_record
from casereport.audit.registry import (
    AUDIT_COLUMNS,
    AUDIT_TABLES,
    CHECKS,
    CONSISTENT,
    IDENTITY_CHECK,
    NOT_CHECKABLE,
    SOURCES_SEPARATOR,
    STATUSES,
    Claim,
    Finding,
    NotCheckable,
)
from casereport.audit.wording import capitalised, machine_number
from casereport.dataset import Dataset


def audit_claim(dataset: Dataset | IndexedDataset, claim: Claim) -> Finding:
    """Run one claim's check; a claim the data cannot settle comes out 'not checkable'."""
    dataset = index_dataset(dataset)
    try:
        if claim.patient_id is not None:
            patient_record(dataset, claim.patient_id)  # a missing patient is not checkable
        return CHECKS[claim.check].function(dataset, claim)
    except NotCheckable as reason:
        return Finding("", NOT_CHECKABLE, capitalised(str(reason)) + ".", reason.cells)


def run_audit(dataset: Dataset | IndexedDataset, claims_frame: pd.DataFrame) -> pd.DataFrame:
    """One row per claim, in the order of claims.csv (columns: AUDIT_COLUMNS)."""
    absent = [name for name in AUDIT_TABLES if name not in dataset.tables]
    if absent:
        raise KeyError(f"the audit needs the validated tables {', '.join(absent)}")
    dataset = index_dataset(dataset)  # once for all claims
    claims = parse_claims(claims_frame)
    findings: dict[str, Finding] = {}
    for identity in (c for c in claims if c.check == IDENTITY_CHECK):
        found = audit_claim(dataset, identity)
        if found.status != CONSISTENT:  # another article's data, or none named
            findings = not_applicable(claims, found)
    rows = []
    for claim in claims:
        finding = findings.get(claim.claim_id) or audit_claim(dataset, claim)
        numeric = finding.value is not None
        rows.append(
            {
                "claim_id": claim.claim_id,
                "statement": claim.statement,
                "location": claim.location,
                "published": claim.published,
                "rebuilt": finding.rebuilt,
                "status": finding.status,
                "explanation": finding.explanation,
                "sources": SOURCES_SEPARATOR.join(finding.sources),
                "rebuilt_value": machine_number(finding.value) if numeric else "",
                "rebuilt_unit": finding.unit if numeric else "",
                "derivation": finding.derivation if numeric else "",
            }
        )
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS, dtype="string")


def summary(results: pd.DataFrame) -> str:
    counts = results["status"].value_counts()
    return f"{len(results)} claims: " + ", ".join(
        f"{int(counts.get(status, 0))} {status}" for status in STATUSES
    )
