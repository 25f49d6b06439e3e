"""The audit's claims belong to the article's dataset, each finding is one row, verdicts say how
firm they are, and counts read in the right number (data/claims.md).

No build: the audit runs on validated copies of raw directories. Expected values are read from the
raw cells and the claims file, never typed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support.audit import (
    CLAIMS,
    audit_of,
    claim_row,
    copy_raw,
    edit_cell,
    load,
    raw_value,
    row_of,
    source_cells,
)
from support.project import RAW, make_validated_dir

from casereport import audit
from casereport.render import AuditGroup, audit_groups, audit_row, not_applicable_reason
from casereport_project.synthetic import write_cohort

# A count and its unit in the singular form's plural: "1 months", "1 reactions".
WRONG_PLURAL = re.compile(r"(?<![\d.,])1 (months|years|courses|patients|reactions|days)\b")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    dataset = load(make_validated_dir(RAW, tmp_path_factory.mktemp("scope") / "validated"))
    return audit.run_audit(dataset, audit.read_claims(CLAIMS))


@pytest.fixture(scope="module")
def synthetic_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    write_cohort(out / "raw", 25, seed=1, template_dir=RAW)
    return audit_of(out / "raw", out)


# --- which dataset the claims describe ----------------------------------------------------------


def test_on_the_article_s_data_the_identity_claim_is_consistent(results):
    identity = [
        c for c in audit.parse_claims(audit.read_claims(CLAIMS)) if c.check == "article_identity"
    ]
    assert len(identity) == 1
    assert row_of(results, identity[0].claim_id)["status"] == audit.CONSISTENT
    assert audit.NOT_APPLICABLE not in set(results["status"])


@pytest.mark.slow
def test_on_a_synthetic_cohort_no_claim_applies_and_none_is_discrepant(synthetic_results):
    assert set(synthetic_results["status"]) == {audit.NOT_APPLICABLE}
    assert (synthetic_results["rebuilt_value"] == "").all()  # nothing goes to the ledger
    reasons = set(synthetic_results["explanation"])
    assert len(reasons) == 1
    (reason,) = reasons
    title = pd.read_csv(RAW / "publication.csv", dtype=str)["title"].iloc[0]
    assert "not applicable" in reason and title in reason
    assert reason.count(". ") == 0 and reason.endswith(".")  # one sentence


def test_the_report_says_so_in_one_sentence_instead_of_listing_claims(synthetic_results):
    assert audit_groups(synthetic_results) == []
    assert not_applicable_reason(synthetic_results) == synthetic_results["explanation"].iloc[0]


def test_another_title_in_publication_csv_makes_the_claims_not_applicable(tmp_path, results):
    raw = copy_raw(tmp_path)
    edit_cell(raw / "publication.csv", 2, "title", "Another case series")
    after = audit_of(raw, tmp_path)
    assert set(after["status"]) == {audit.NOT_APPLICABLE}
    assert "Another case series" in after["explanation"].iloc[0]


@pytest.mark.slow
def test_the_article_s_data_with_an_edit_is_still_audited_claim_by_claim(tmp_path, results):
    # The identity is the publication's, not the patients': an edited value still shows its effect.
    claim_id = "p1_methotrexate_after_pamidronate"
    path, line, column = source_cells(row_of(results, claim_id))[-1]
    raw = copy_raw(tmp_path)
    shifted = audit.month_index(raw_value(path, line, column)) + 2
    edit_cell(raw / Path(path).name, line, column, f"{shifted // 12}-{shifted % 12 + 1:02d}")
    after = audit_of(raw, tmp_path)
    assert audit.NOT_APPLICABLE not in set(after["status"])
    assert row_of(after, claim_id)["status"] == audit.DISCREPANT


def test_a_second_identity_claim_is_an_error_naming_its_line():
    claims = audit.read_claims(CLAIMS)
    identity = claims[claims["check"] == "article_identity"].copy()
    identity["claim_id"] = "article_again"
    identity["source_line"] = len(claims) + 2
    with pytest.raises(audit.ClaimsError, match="article_again.*second article_identity"):
        audit.parse_claims(pd.concat([claims, identity], ignore_index=True))


# --- one finding, one row -----------------------------------------------------------------------


def test_a_drug_missing_from_table_i_is_one_discrepancy_not_two(results):
    # Hydroxychloroquine is named twice in patient 3's narrative and missing from Table I: one
    # finding, so one row among the patient's discrepancies names it.
    patient_3 = results[results["claim_id"].str.startswith("p3_")]
    findings = patient_3[patient_3["status"].isin([audit.DISCREPANT, audit.POSSIBLY_DISCREPANT])]
    naming = findings[findings["explanation"].str.contains("hydroxychloroquine")]
    assert list(naming["claim_id"]) == ["p3_drugs_in_table_i"]


def test_the_current_treatment_row_says_it_left_the_unlisted_drug_to_the_list_row(results):
    current = row_of(results, "p3_current_treatment")
    listed = row_of(results, "p3_drugs_in_table_i")
    assert current["status"] == audit.CONSISTENT
    assert listed["status"] == audit.DISCREPANT
    assert "hydroxychloroquine (also named as still given)" in listed["explanation"]
    assert "does not list hydroxychloroquine at all" in current["explanation"]


# --- firmness of a verdict ----------------------------------------------------------------------


def test_a_possible_discrepancy_shows_its_arithmetic(results):
    possible = results[results["status"] == audit.POSSIBLY_DISCREPANT]
    assert "p1_pamidronate_courses" in set(possible["claim_id"])
    for explanation in possible["explanation"]:
        assert re.search(r"\d+(\.\d+)? x \d+ / \d+ = |\d+/\d+ = \d", explanation), explanation


def test_courses_fit_to_the_month_only_when_the_average_rounds_to_the_interval():
    row = {
        "start_month": "2005-06",
        "end_month": "2007-08",
        "interval_months": 3,
        "later_interval_months": pd.NA,
    }
    assert "26/9 = 2.9 months" in audit.courses_fit_to_the_month([row], 10)
    assert audit.courses_fit_to_the_month([row], 12) == ""  # 26/11 = 2.4 months: too short
    assert audit.courses_fit_to_the_month([{**row, "end_month": pd.NA}], 10) == ""


def test_every_consistent_row_whose_value_differs_says_why(results):
    claims = {c.claim_id: c for c in audit.parse_claims(audit.read_claims(CLAIMS))}
    for record in results[results["status"] == audit.CONSISTENT].to_dict("records"):
        claim = claims[record["claim_id"]]
        if not record["rebuilt_value"] or claim.expected is None:
            continue
        if abs(float(record["rebuilt_value"]) - claim.expected) < 0.05:
            continue
        assert "whole number" in record["explanation"] or "lower bound" in record["explanation"]


# --- the four inconsistencies of an independent reading -----------------------------------------


def test_prednisone_ending_before_the_added_drugs_is_discrepant_by_its_months(results):
    result = row_of(results, "p1_prednisone_stopped_after_additions")
    assert result["status"] == audit.DISCREPANT
    cells = source_cells(result)
    end = next(audit.month_index(raw_value(*c)) for c in cells if c[2] == "end_month")
    for cell in (c for c in cells if c[2] == "start_month"):
        gap = audit.month_index(raw_value(*cell)) - end
        assert audit.counted(gap, "month") + " before" in result["explanation"]


def test_methotrexate_beginning_by_another_route_is_discrepant(results):
    claim = claim_row("p3_methotrexate_oral_first")
    result = row_of(results, "p3_methotrexate_oral_first")
    routes = {raw_value(*c) for c in source_cells(result) if c[2] == "route"}
    assert result["status"] == audit.DISCREPANT
    assert result["rebuilt"].split(" from ")[0] in routes - {
        audit.parse_arguments(claim["arguments"])["route"]
    }


def test_the_gammaglobulin_dose_per_month_is_rebuilt_from_table_i(results):
    result = row_of(results, "p3_immunoglobulin_dose")
    values = {c[2]: raw_value(*c) for c in source_cells(result)}
    monthly = float(values["dose"]) * int(values["course_days"]) / int(values["interval_months"])
    assert float(result["rebuilt_value"]) == monthly
    usual = float(audit.parse_arguments(claim_row("p3_immunoglobulin_dose")["arguments"])["usual"])
    assert result["status"] == (
        audit.POSSIBLY_DISCREPANT if monthly >= 2 * usual else audit.CONSISTENT
    )


def test_significance_without_a_test_is_not_checkable_and_quotes_both_wordings(results):
    result = row_of(results, "calcinosis_decrease_significant")
    assert result["status"] == audit.NOT_CHECKABLE
    wordings = audit.parse_arguments(claim_row("calcinosis_decrease_significant")["arguments"])
    for wording in wordings["wordings"].split(","):
        assert f"\u201c{wording}\u201d" in result["explanation"]


# --- plurals ------------------------------------------------------------------------------------


def test_counts_read_in_the_right_number():
    assert audit.quantity(1, "months") == "1 month"
    assert audit.quantity(2, "months") == "2 months"
    assert audit.quantity(1, "g/kg a month") == "1 g/kg a month"
    assert audit.counted(1, "reaction") == "1 reaction"
    assert audit.counted(0, "patient") == "0 patients"


def test_no_audit_text_says_one_of_a_plural(results, synthetic_results):
    for frame in (results, synthetic_results):
        for column in ("rebuilt", "explanation"):
            for text in frame[column]:
                assert not WRONG_PLURAL.search(text), text


def test_the_report_row_unit_reads_after_its_number(results):
    for record in results.fillna("").to_dict("records"):
        row = audit_row(record)
        if record["rebuilt_value"] and float(record["rebuilt_value"]) == 1:
            assert not WRONG_PLURAL.search(f"1 {row.rebuilt_unit}"), record["claim_id"]


def test_group_counts_read_in_the_right_number():
    one = AuditGroup(audit.DISCREPANT, "Discrepancies", rows=[None])
    two = AuditGroup(audit.DISCREPANT, "Discrepancies", rows=[None, None])
    assert (one.count_words, two.count_words) == ("discrepancy", "discrepancies")


def test_data_that_cannot_be_matched_to_the_article_say_why_the_claims_do_not_apply():
    claims = audit.parse_claims(audit.read_claims(CLAIMS))
    unmatched = audit.Finding("", audit.NOT_CHECKABLE, "Publication.csv has 2 rows.", ())
    findings = audit.not_applicable(claims, unmatched)
    assert {f.status for f in findings.values()} == {audit.NOT_APPLICABLE}
    (reason,) = {f.explanation for f in findings.values()}
    assert reason.startswith("The article's claims are not applicable") and "2 rows" in reason
