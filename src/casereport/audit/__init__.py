"""The reproduction audit: the paper's own statements checked against its raw data.

data/claims.csv lists each checkable statement of the paper as a *claim*: what the paper says (the
published text, and its number in `expected` and `unit` when it has one) and the name of the
*check* that rebuilds the value from the raw cells. A check is a small pure function of the dataset
and the claim. It returns a `Finding`: the rebuilt value as text, a status (consistent, discrepant
or not checkable), an explanation in plain words with the values, and the raw cells it read as
`file:line:column`.

The published values in claims.csv are the paper's words (that is what is audited); every rebuilt
value is computed here from the validated tables, never typed. data/claims.md documents the
columns, the checks, the events they date and the counting rules.

The checks read each patient's rows from one grouping of the tables by patient (`IndexedDataset`,
made once per audit), so the audit's time grows with the number of patients, not its square.

The package, by concern: `registry` (statuses, claims, findings, the registry of checks),
`claims` (reading claims.csv), `index` (the dataset grouped by patient, cells, events), `wording`,
the checks by family (`checks_time`, `checks_courses`, `checks_treatments`, `checks_patients`,
`identity`), `run` (the audit), `csvio` (audit.csv) and `ledger_export` (the rebuilt values as
ledger numbers: results/ledger/audit.csv, which the report reads). Importing the package
registers the checks any case report's claims may use; a project's own checks (this article's:
workflow/article/audit_checks) live in its extension (casereport.project_extension), which
registers them with `check` when claims.csv is parsed (`registry.register_project_checks`). The
names below are the package's public interface, as the workflow's scripts, the report, the tests
and a project's checks import them.
"""

from __future__ import annotations

from casereport.audit.checks_courses import (
    SCHEDULE_COLUMNS,
    course_count,
    courses_fit_to_the_month,
    every,
    protocol_schedule,
)
from casereport.audit.checks_patients import (
    adverse_reactions,
    lab_values_reported,
    narrative_age_vs_table_i,
    patient_count,
    reactions_by_patient_and_course,
)
from casereport.audit.checks_time import (
    in_unit,
    mean_months_between,
    mean_patient_column,
    months_between,
)
from casereport.audit.checks_treatments import (
    current_treatment,
    dose_per_month,
    drug_lists_agree,
    event_not_before,
    first_route,
    patients_still_on_drug,
    significance_without_test,
    starts_not_before,
)
from casereport.audit.claims import (
    parse_arguments,
    parse_claims,
    read_claims,
)
from casereport.audit.csvio import (
    read_audit_csv,
    write_audit_csv,
)
from casereport.audit.identity import (
    IDENTITY_FIELDS,
    article_identity,
    not_applicable,
)
from casereport.audit.index import (
    Dated,
    IndexedDataset,
    Row,
    active_in,
    cell,
    cells_of,
    drug_rows,
    drug_words,
    equals,
    event,
    event_words,
    file_name,
    index_dataset,
    is_true,
    missing,
    month_index,
    month_label,
    patient_ids,
    patient_record,
    patient_treatments,
    rows_by_patient,
    still_given,
    table_rows,
    writing_month,
)
from casereport.audit.ledger_export import (
    audit_numbers,
    number_sources,
    rebuilt_id,
    split_cell,
    write_audit_ledger,
)
from casereport.audit.registry import (
    AUDIT_COLUMNS,
    AUDIT_TABLES,
    CHECKS,
    CLAIM_COLUMNS,
    CONSISTENT,
    DISCREPANT,
    EVENT_ARGUMENTS,
    EVENT_NAME,
    IDENTITY_CHECK,
    MATCH_RULES,
    NOT_APPLICABLE,
    NOT_CHECKABLE,
    POSSIBLY_DISCREPANT,
    SOURCES_SEPARATOR,
    STATUSES,
    Check,
    Claim,
    ClaimsError,
    Finding,
    NotCheckable,
    check,
)
from casereport.audit.run import (
    audit_claim,
    run_audit,
    summary,
)
from casereport.audit.wording import (
    all_or_discrepant,
    capitalised,
    counted,
    dated_periods,
    format_number,
    join_words,
    machine_number,
    numeric_finding,
    quantity,
    recorded,
    unique,
    unit_for,
    whole_range,
)

__all__ = [
    "AUDIT_COLUMNS",
    "AUDIT_TABLES",
    "CHECKS",
    "CLAIM_COLUMNS",
    "CONSISTENT",
    "Check",
    "Claim",
    "ClaimsError",
    "DISCREPANT",
    "Dated",
    "EVENT_ARGUMENTS",
    "EVENT_NAME",
    "Finding",
    "IDENTITY_CHECK",
    "IDENTITY_FIELDS",
    "IndexedDataset",
    "MATCH_RULES",
    "NOT_APPLICABLE",
    "NOT_CHECKABLE",
    "NotCheckable",
    "POSSIBLY_DISCREPANT",
    "Row",
    "SCHEDULE_COLUMNS",
    "SOURCES_SEPARATOR",
    "STATUSES",
    "active_in",
    "adverse_reactions",
    "all_or_discrepant",
    "article_identity",
    "audit_claim",
    "audit_numbers",
    "capitalised",
    "cell",
    "cells_of",
    "check",
    "counted",
    "course_count",
    "courses_fit_to_the_month",
    "current_treatment",
    "dated_periods",
    "dose_per_month",
    "drug_lists_agree",
    "drug_rows",
    "drug_words",
    "equals",
    "event",
    "event_not_before",
    "event_words",
    "every",
    "file_name",
    "first_route",
    "format_number",
    "in_unit",
    "index_dataset",
    "is_true",
    "join_words",
    "lab_values_reported",
    "machine_number",
    "mean_months_between",
    "mean_patient_column",
    "missing",
    "month_index",
    "month_label",
    "months_between",
    "narrative_age_vs_table_i",
    "not_applicable",
    "number_sources",
    "numeric_finding",
    "parse_arguments",
    "parse_claims",
    "patient_count",
    "patient_ids",
    "patient_record",
    "patient_treatments",
    "patients_still_on_drug",
    "protocol_schedule",
    "quantity",
    "reactions_by_patient_and_course",
    "read_audit_csv",
    "read_claims",
    "rebuilt_id",
    "recorded",
    "rows_by_patient",
    "run_audit",
    "significance_without_test",
    "split_cell",
    "starts_not_before",
    "still_given",
    "summary",
    "table_rows",
    "unique",
    "unit_for",
    "whole_range",
    "write_audit_csv",
    "write_audit_ledger",
    "writing_month",
]
