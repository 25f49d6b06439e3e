"""The CARE checklist (data/care_checklist.csv) and the report sections that cover its items."""

from __future__ import annotations

import csv

import pytest
from support.project import ROOT
from support.report import CARE_CHECKLIST, build_report_dir, parse_html

from casereport.render import (
    CARE_COLUMNS,
    CARE_NOT_REPORTED,
    CareChecklistError,
    read_care_checklist,
)

# The thirteen items of the CARE guideline (2013), in the checklist's order.
CARE_TOPICS = [
    "title",
    "keywords",
    "abstract",
    "introduction",
    "patient information",
    "clinical findings",
    "timeline",
    "diagnostic assessment",
    "therapeutic intervention",
    "follow-up and outcomes",
    "discussion",
    "patient perspective",
    "informed consent",
]


def checklist_rows() -> list[dict[str, str]]:
    with open(CARE_CHECKLIST, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def section_ids(parsed) -> set[str]:
    return {e.attrs["id"] for e in parsed.elements if e.tag in ("section", "header")}


def covering_sections(items) -> dict[str, str]:
    """Section id -> the first item it covers."""
    covering: dict[str, str] = {}
    for item in items:
        for section in item.sections:
            covering.setdefault(section, item.topic)
    return covering


# --- the CSV -----------------------------------------------------------------------------------


def test_the_checklist_has_every_care_item_once_in_order():
    rows = checklist_rows()
    assert list(rows[0]) == CARE_COLUMNS
    assert [r["topic"] for r in rows] == CARE_TOPICS
    assert [r["item"] for r in rows] == [str(i) for i in range(1, len(CARE_TOPICS) + 1)]


def test_each_item_is_covered_or_says_why_not():
    for row in checklist_rows():
        assert row["asks"].strip(), row["topic"]
        assert row["covered_by"].strip(), row["topic"]
        if row["covered_by"] == CARE_NOT_REPORTED:
            assert row["reason"].strip(), f"{row['topic']} is not reported without a reason"


def test_the_paper_has_no_patient_perspective():
    perspective = next(r for r in checklist_rows() if r["topic"] == "patient perspective")
    assert perspective["covered_by"] == CARE_NOT_REPORTED


def test_an_item_not_reported_without_a_reason_is_refused(tmp_path):
    rows = checklist_rows()
    rows[11]["reason"] = ""
    path = tmp_path / "care.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CARE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CareChecklistError, match="care.csv:13"):
        read_care_checklist(path)


# --- the rendered report -----------------------------------------------------------------------


def test_every_section_an_item_names_is_in_the_built_report(paper_report):
    present = section_ids(parse_html(paper_report.html))
    for section, topic in covering_sections(read_care_checklist(CARE_CHECKLIST)).items():
        assert section in present, f"section {section!r}, which covers {topic!r}, is missing"


def test_the_report_shows_the_checklist_with_one_row_per_item(paper_report):
    parsed = parse_html(paper_report.html)
    rows = [e for e in parsed.elements if e.tag == "tr" and e.section == "care"]
    assert len(rows) == 1 + len(CARE_TOPICS)  # header row and one per item
    links = {e.attrs["href"] for e in parsed.elements if e.tag == "a" and e.section == "care"}
    wanted = {f"#{s}" for s in covering_sections(read_care_checklist(CARE_CHECKLIST))}
    assert links == wanted


@pytest.mark.slow
def test_rendering_fails_when_a_covering_section_disappears(tmp_path):
    """Renaming or removing a section that covers an item must not go unnoticed."""
    rows = checklist_rows()
    rows[6]["covered_by"] = "figure-timeline-renamed"
    path = tmp_path / "care.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CARE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CareChecklistError, match="item 7 \\(timeline\\): figure-timeline-renamed"):
        build_report_dir(tmp_path / "out", care_checklist=path)


def test_checklist_item_numbers_are_marked_as_labels(paper_report):
    parsed = parse_html(paper_report.html)
    item_cells = [
        e
        for e in parsed.elements
        if e.tag == "th" and e.section == "care" and e.attrs.get("scope") == "row"
    ]
    assert len(item_cells) == len(CARE_TOPICS)
    stray = [
        t
        for t, marked, s in parsed.text_runs
        if s == "care" and not marked and any(c.isdigit() for c in t)
    ]
    assert stray == []


def test_care_documentation_is_beside_the_checklist():
    assert (ROOT / "data" / "care_checklist.md").is_file()
