"""The manuscript's reference syntax and the detector of numbers typed by hand (no build)."""

from casereport.newcase.references import find_references, parse_reference, untraced_numbers


def test_a_reference_is_a_ledger_id_with_an_optional_unit():
    assert parse_reference("measurements.3.value") == ("measurements.3.value", False)
    assert parse_reference(" measurements.3.value|unit ") == ("measurements.3.value", True)
    assert parse_reference("labs.1.post.CRP") == ("labs.1.post.CRP", False)
    assert parse_reference("calc.crp_fall_percent") == ("calc.crp_fall_percent", False)


def test_malformed_references_are_problems_with_line_and_column():
    text = "Fine [[patients.1.age_years]].\nBad [[38.5]] and [[patients.1.age|bold]]\n"
    references, problems = find_references(text)
    assert [r.number_id for r in references] == ["patients.1.age_years"]
    assert [(p.line, p.column, p.kind) for p in problems] == [
        (2, 5, "bad-reference"),
        (2, 18, "bad-reference"),
    ]


def test_numbers_typed_by_hand_are_found_with_line_and_column():
    text = "A boy of [[patients.1.age_years]] years.\nHis fever lasted 6 days, CRP 160.\n"
    problems = untraced_numbers(text)
    assert [(p.line, p.column) for p in problems] == [(2, 18), (2, 30)]
    assert "'6'" in problems[0].message and "'160'" in problems[1].message
    where = problems[0].format("manuscript/manuscript.md")
    assert where.startswith("manuscript/manuscript.md:2:18:")


def test_references_list_markers_comments_links_and_allowed_words_are_not_untraced():
    text = (
        "1. First item with [[measurements.1.value|unit]]\n"
        "<!-- guidance: write 2 or 3 sentences -->\n"
        "See [the guideline](https://www.care-statement.org/2013) for COVID-19.\n"
    )
    assert untraced_numbers(text, allowed=["COVID-19"]) == []
    assert [p.line for p in untraced_numbers(text)] == [3]


def test_a_comment_spanning_lines_keeps_the_line_numbers_of_what_follows():
    text = "<!-- line one\nline 2 -->\nFever 39.\n"
    assert [(p.line, p.column) for p in untraced_numbers(text)] == [(3, 7)]
