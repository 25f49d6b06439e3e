"""The report's "Reproduction audit" section, from results/audit.csv (casereport.render)."""

from __future__ import annotations

import re

import pytest
from support.project import ROOT
from support.report import build_report_dir, parse_html, read_numbers_csv

from casereport.audit import (
    CONSISTENT,
    DISCREPANT,
    NOT_CHECKABLE,
    POSSIBLY_DISCREPANT,
    read_audit_csv,
)
from casereport.render import EXPLANATION_CHARACTERS, shorten
from casereport_project.synthetic import write_cohort


@pytest.fixture(scope="module")
def audit(paper_report):
    return read_audit_csv(paper_report.report_dir.parent / "results" / "audit.csv")


def claim_rows(parsed):
    return [
        e for e in parsed.elements if e.tag == "tr" and e.attrs.get("id", "").startswith("claim-")
    ]


def test_every_claim_is_listed_once_discrepancies_first(paper_parsed, audit):
    listed = [e.attrs["id"].removeprefix("claim-") for e in claim_rows(paper_parsed)]
    assert sorted(listed) == sorted(audit["claim_id"])
    status = dict(zip(audit["claim_id"], audit["status"], strict=True))
    order = [DISCREPANT, POSSIBLY_DISCREPANT, NOT_CHECKABLE, CONSISTENT]
    ranks = [order.index(status[claim]) for claim in listed]
    assert ranks == sorted(ranks)
    within = {s: [c for c in listed if status[c] == s] for s in order}
    for s in order:  # claims.csv order within a status
        assert within[s] == [c for c in audit["claim_id"] if status[c] == s]


def test_the_section_gives_the_count_of_each_status(paper_parsed, audit):
    headings = [e.text for e in paper_parsed.elements if e.tag == "h3" and e.section == "audit"]
    counts = audit["status"].value_counts()
    assert headings == [
        f"Discrepancies ({counts.get(DISCREPANT, 0)})",
        f"Possible discrepancies ({counts.get(POSSIBLY_DISCREPANT, 0)})",
        f"Not checkable ({counts.get(NOT_CHECKABLE, 0)})",
        f"Consistent ({counts.get(CONSISTENT, 0)})",
    ]


def test_every_row_shows_published_rebuilt_and_its_reason(paper_parsed, audit):
    # Consistent rows too: 15 courses against a published 11 says why they agree.
    rows = {e.attrs["id"].removeprefix("claim-"): e for e in claim_rows(paper_parsed)}
    for record in audit.to_dict("records"):
        text = " ".join(rows[record["claim_id"]].text.split())
        assert " ".join(record["published"].split()) in text
        assert " ".join(shorten(record["explanation"], EXPLANATION_CHARACTERS)[0].split()) in text


def test_numeric_rebuilt_values_go_through_the_ledger(paper_parsed, audit, paper_report):
    numbers = read_numbers_csv(paper_report.numbers_csv)
    numeric = audit[audit["rebuilt_value"] != ""]
    assert len(numeric) > 0
    shown = {
        e.attrs["data-number"]
        for e in paper_parsed.with_attribute("data-number")
        if e.section == "audit"
    }
    for record in numeric.to_dict("records"):
        number_id = f"audit.{record['claim_id']}.rebuilt"
        assert number_id in shown
        assert numbers[number_id]["sections"] == "audit"
        assert numbers[number_id]["value"] == record["rebuilt_value"]
        assert numbers[number_id]["source_file"].startswith("data/raw/")


def test_digits_of_the_audit_are_numbers_or_marked_meta(paper_parsed):
    stray = [
        text
        for text, marked, section in paper_parsed.text_runs
        if section == "audit" and not marked and any(c.isdigit() for c in text)
    ]
    assert stray == []


def test_shorten_cuts_at_a_word_and_says_so():
    assert shorten("short", 10) == ("short", False)
    cut, shortened = shorten("one two three four", 10)
    assert shortened and cut == "one two …"


def test_counts_and_units_read_in_the_right_number(paper_parsed):
    text = " ".join(e.text for e in paper_parsed.elements if e.section == "audit")
    assert not re.search(
        r"(?<![\d.,])1 (months|years|courses|patients|reactions|discrepancies)\b", text
    )


@pytest.mark.slow
def test_on_a_synthetic_cohort_the_section_is_one_sentence(tmp_path):
    raw = tmp_path / "cohort"
    write_cohort(raw, 25, seed=1, template_dir=ROOT / "data" / "raw")
    built = build_report_dir(tmp_path / "out", project=tmp_path, data_dir="cohort")
    parsed = parse_html(built.html)
    assert claim_rows(parsed) == []
    paragraphs = [e.text for e in parsed.elements if e.section == "audit" and e.tag == "p"]
    assert len(paragraphs) == 1 and "not applicable" in paragraphs[0]
    assert " ".join(paragraphs[0].split()).count(". ") == 0
