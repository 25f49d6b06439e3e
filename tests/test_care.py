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
    applicable_care_items,
    read_care_checklist,
)
from casereport.render.care import ANY_DATA, APPLIES_TO, ARTICLE_DATA, OTHER_DATA

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


def write_checklist(path, rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CARE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def section_ids(parsed) -> set[str]:
    return {e.attrs["id"] for e in parsed.elements if e.tag in ("section", "header")}


def article_items():
    """The checklist's rows shown for the article's own data (the paper's report)."""
    return applicable_care_items(read_care_checklist(CARE_CHECKLIST), True)


def covering_sections(items) -> dict[str, str]:
    """Section id -> the first item it covers."""
    covering: dict[str, str] = {}
    for item in items:
        for section in item.sections:
            covering.setdefault(section, item.topic)
    return covering


# --- the CSV -----------------------------------------------------------------------------------


@pytest.mark.parametrize("data_are_the_article", [True, False], ids=["article", "other"])
def test_the_checklist_has_every_care_item_once_in_order(data_are_the_article):
    assert list(checklist_rows()[0]) == CARE_COLUMNS
    items = applicable_care_items(read_care_checklist(CARE_CHECKLIST), data_are_the_article)
    assert [i.topic for i in items] == CARE_TOPICS
    assert [i.item for i in items] == [str(i) for i in range(1, len(CARE_TOPICS) + 1)]


def test_every_row_says_which_data_it_is_true_of():
    assert {r["applies_to"] for r in checklist_rows()} <= set(APPLIES_TO)


# Words true only of the article: its authors, what it says, its children's parents.
ABOUT_THE_ARTICLE = ("author", "article", "parents", "children")


def test_the_rows_for_other_data_say_nothing_of_the_article():
    """Another publication's data, or synthetic data, are not the article's: no row shown for
    them may speak of the article's authors, conclusion or consent (issue 13)."""
    for item in applicable_care_items(read_care_checklist(CARE_CHECKLIST), False):
        words = f"{item.topic} {item.reason}".lower()
        assert not any(w in words for w in ABOUT_THE_ARTICLE), (item.item, item.reason)


def test_the_article_keeps_its_own_rows():
    """The rows about the article are shown for its data, so the test above can fail."""
    items = applicable_care_items(read_care_checklist(CARE_CHECKLIST), True)
    reasons = " ".join(item.reason for item in items)
    assert "the authors' conclusion" in reasons
    assert "informed consent" in reasons
    by_kind = {r["applies_to"] for r in checklist_rows()}
    assert {ANY_DATA, ARTICLE_DATA, OTHER_DATA} <= by_kind


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda rows: rows[0].update(applies_to="some data"), "care.csv:2: applies_to 'some data'"),
        (lambda rows: rows[0].update(applies_to=ARTICLE_DATA), "item 1 has no row for other data"),
        (lambda rows: rows.append(dict(rows[1])), "item 2 has more than one row for the article"),
    ],
    ids=["unknown", "missing", "repeated"],
)
def test_a_checklist_unsure_of_its_data_is_refused(tmp_path, change, message):
    rows = checklist_rows()
    change(rows)
    path = tmp_path / "care.csv"
    write_checklist(path, rows)
    with pytest.raises(CareChecklistError, match=message):
        read_care_checklist(path)


def test_each_item_is_covered_or_says_why_not():
    for row in checklist_rows():
        assert row["asks"].strip(), row["topic"]
        assert row["covered_by"].strip(), row["topic"]
        if row["covered_by"] == CARE_NOT_REPORTED:
            assert row["reason"].strip(), f"{row['topic']} is not reported without a reason"


def test_the_paper_has_no_patient_perspective():
    for perspective in (r for r in checklist_rows() if r["topic"] == "patient perspective"):
        assert perspective["covered_by"] == CARE_NOT_REPORTED


def test_an_item_not_reported_without_a_reason_is_refused(tmp_path):
    rows = checklist_rows()
    line, row = next((n, r) for n, r in enumerate(rows, 2) if r["covered_by"] == CARE_NOT_REPORTED)
    row["reason"] = ""
    path = tmp_path / "care.csv"
    write_checklist(path, rows)
    with pytest.raises(CareChecklistError, match=f"care.csv:{line}"):
        read_care_checklist(path)


# --- the rendered report -----------------------------------------------------------------------


def test_every_section_an_item_names_is_in_the_built_report(paper_report):
    present = section_ids(parse_html(paper_report.html))
    for section, topic in covering_sections(article_items()).items():
        assert section in present, f"section {section!r}, which covers {topic!r}, is missing"


def test_the_report_shows_the_checklist_with_one_row_per_item(paper_report):
    parsed = parse_html(paper_report.html)
    rows = [e for e in parsed.elements if e.tag == "tr" and e.section == "care"]
    assert len(rows) == 1 + len(CARE_TOPICS)  # header row and one per item
    links = {e.attrs["href"] for e in parsed.elements if e.tag == "a" and e.section == "care"}
    wanted = {f"#{s}" for s in covering_sections(article_items())}
    assert links == wanted


@pytest.mark.slow
def test_rendering_fails_when_a_covering_section_disappears(tmp_path):
    """Renaming or removing a section that covers an item must not go unnoticed."""
    rows = checklist_rows()
    rows[6]["covered_by"] = "figure-timeline-renamed"
    path = tmp_path / "care.csv"
    write_checklist(path, rows)
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
