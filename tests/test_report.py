"""report.html, results/numbers.csv and the browsable raw files (casereport.render, .sources)."""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.project import PAPER, PAPER_MISSING, ROOT
from support.report import build_report_dir, parse_html

from casereport.ledger import Ledger, Number, UnknownNumberError
from casereport.model import figure_from_json
from casereport.render import (
    ASSETS_DIR,
    NumberRecorder,
    install_recorder,
    make_environment,
    provenance,
    split_lines,
    typeset,
)
from casereport.sources import read_lines
from casereport_project.synthetic import write_cohort


def body_numbers(parsed):
    return [e for e in parsed.with_attribute("data-number") if e.section != "appendix"]


def plotted_ids(built) -> set[str]:
    return {
        i
        for path in built.figure_jsons
        for i in figure_from_json(__import__("json").loads(path.read_text())).number_ids
    }


# --- every digit is accounted for --------------------------------------------------------------


def test_every_digit_of_the_visible_text_is_a_number_or_marked_meta(paper_parsed):
    stray = [
        (section, text.strip())
        for text, marked, section in paper_parsed.text_runs
        if not marked and any(ch.isdigit() for ch in text)
    ]
    assert stray == [], f"digits outside data-number/data-meta elements: {stray[:10]}"


def test_number_elements_hold_no_nested_markup_and_show_the_catalog_display(
    paper_parsed, paper_numbers
):
    for element in paper_parsed.with_attribute("data-number"):
        row = paper_numbers[element.attrs["data-number"]]
        assert element.text == typeset(row["display"]), element.attrs["data-number"]


def test_negative_numbers_are_set_with_a_minus_sign_not_a_hyphen(paper_parsed, paper_numbers):
    negative = [
        e for e in paper_parsed.with_attribute("data-number") if e.text.startswith("\u2212")
    ]
    assert negative, "the paper's report shows negative z-scores"
    assert not [e for e in paper_parsed.with_attribute("data-number") if e.text.startswith("-")]


# --- numbers.csv <-> the report ----------------------------------------------------------------


def test_numbers_csv_lists_exactly_the_numbers_the_report_shows(
    paper_report, paper_parsed, paper_numbers
):
    in_text = {e.attrs["data-number"] for e in body_numbers(paper_parsed)}
    assert in_text | plotted_ids(paper_report) == set(paper_numbers)


def test_appendix_lists_every_number_once(paper_parsed, paper_numbers):
    rows = [
        e.attrs.get("id", "")
        for e in paper_parsed.elements
        if e.tag == "tr" and e.section == "appendix"
    ]
    listed = [r.removeprefix("number-") for r in rows if r.startswith("number-")]
    assert sorted(listed) == sorted(paper_numbers)
    in_appendix = {e.attrs["data-number"] for e in paper_parsed.with_attribute("data-number")}
    assert in_appendix == set(paper_numbers)


def test_each_number_appears_in_the_sections_numbers_csv_names(paper_parsed, paper_numbers):
    for element in body_numbers(paper_parsed):
        sections = paper_numbers[element.attrs["data-number"]]["sections"].split(";")
        assert element.section in sections, (element.attrs["data-number"], element.section)


def test_sections_column_names_only_sections_of_the_report(paper_parsed, paper_numbers):
    section_ids = {e.attrs["id"] for e in paper_parsed.elements if e.tag in ("section", "header")}
    for row in paper_numbers.values():
        assert row["sections"], row["id"]
        assert set(row["sections"].split(";")) <= section_ids, row["id"]


def test_numbers_csv_has_the_ledger_columns_and_sections(paper_report):
    with open(paper_report.numbers_csv, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "id",
        "display",
        "value",
        "unit",
        "source_file",
        "source_line",
        "source_column",
        "derivation",
        "sections",
    ]
    assert len(Ledger.read_csv(paper_report.numbers_csv)) > 0


# --- numbers trace to their raw cells ----------------------------------------------------------


def raw_cell(project: Path, source_file: str, line: int, column: str) -> str:
    lines = {entry.number: entry.cells for entry in read_lines((project / source_file).read_text())}
    header = lines[1]
    return lines[line][header.index(column)]


def same_value(cell: str, value: str) -> bool:
    try:
        return Decimal(cell) == Decimal(value)
    except InvalidOperation:
        return cell == value


def test_numbers_read_as_is_hold_the_value_of_their_raw_cell(paper_report, paper_numbers):
    read_as_is = [row for row in paper_numbers.values() if not row["derivation"]]
    assert read_as_is
    for row in read_as_is:
        assert ";" not in row["source_line"], row["id"]
        cell = raw_cell(
            paper_report.project, row["source_file"], int(row["source_line"]), row["source_column"]
        )
        assert same_value(cell, row["value"]), (row["id"], cell, row["value"])


def test_computed_numbers_point_at_existing_lines_and_say_how(paper_report, paper_numbers):
    for row in (r for r in paper_numbers.values() if r["derivation"]):
        text = (paper_report.project / row["source_file"]).read_text()
        line_count = len(read_lines(text))
        assert all(1 < int(n) <= line_count for n in row["source_line"].split(";")), row["id"]


def test_titles_say_where_each_number_comes_from(paper_parsed, paper_numbers):
    for element in paper_parsed.with_attribute("data-number"):
        row = paper_numbers[element.attrs["data-number"]]
        number = Number(**{k: v for k, v in row.items() if k != "sections"})
        assert element.attrs["title"] == provenance(number)
        if not number.derivation:
            assert element.attrs["title"] == (
                f"{row['source_file']}, line {row['source_line']}, column {row['source_column']}"
            )


def test_each_number_links_to_its_cell_its_appendix_row_or_its_reference(
    paper_report, paper_parsed, paper_numbers
):
    """A number read as is: its cell in the source page, and back to the place it was clicked. A
    computed number: its appendix row. A citation: its entry in the reference list."""
    pages: dict[str, set[str]] = {}
    report_ids = {e.attrs["id"] for e in paper_parsed.with_attribute("id")}
    for element in paper_parsed.with_attribute("data-number"):
        row = paper_numbers[element.attrs["data-number"]]
        link = urlsplit(element.attrs["href"])
        if "citation" in element.attrs["class"]:
            assert link.fragment in report_ids and link.fragment.startswith("reference-")
            continue
        if row["derivation"]:
            assert element.attrs["href"] == f"#number-{row['id']}"
            assert link.fragment in report_ids
            continue
        page = paper_report.report_dir / link.path
        assert page.name == Path(row["source_file"]).name + ".html"
        if link.path not in pages:
            pages[link.path] = {e.attrs["id"] for e in parse_html(page).with_attribute("id")}
        assert link.fragment == f"L{row['source_line']}-{row['source_column']}"
        assert link.fragment in pages[link.path], element.attrs["href"]
        assert link.query == f"from={element.attrs['id']}"


def test_each_place_a_number_is_shown_has_its_own_id(paper_parsed):
    ids = [e.attrs["id"] for e in paper_parsed.with_attribute("data-number")]
    assert len(ids) == len(set(ids))


# --- the raw-file pages ------------------------------------------------------------------------


def test_source_pages_have_one_anchor_per_line_of_the_raw_file(paper_report):
    for raw in sorted((ROOT / "data" / "raw").glob("*.csv")):
        page = parse_html(paper_report.report_dir / "sources" / f"{raw.name}.html")
        anchors = [e.attrs["id"] for e in page.elements if e.tag == "tr" and "id" in e.attrs]
        line_count = len(raw.read_text(encoding="utf-8").splitlines())
        assert anchors == [f"L{n}" for n in range(1, line_count + 1)], raw.name


def test_source_pages_show_each_cell_as_written(paper_report):
    raw_line = (ROOT / "data" / "raw" / "labs.csv").read_text().splitlines()[6]
    page = parse_html(paper_report.report_dir / "sources" / "labs.csv.html")
    row = next(e for e in page.elements if e.tag == "tr" and e.attrs.get("id") == "L7")
    assert row.text.split() == f"7 {raw_line.replace(',', ' ')}".split()


def test_source_page_highlights_the_targeted_line_and_cell():
    css = (ASSETS_DIR / "report.css").read_text()
    assert re.search(r"tr:target[^{]*\{[^}]*background", css)
    assert re.search(r"td:target\s*\{[^}]*background", css)


# --- the helper --------------------------------------------------------------------------------


def small_catalog() -> Ledger:
    return Ledger(
        [Number("labs.1.ESR.pre.value", "13", "13", "mm/h", "data/raw/labs.csv", "2", "value")]
    )


def test_helper_fails_on_an_unknown_id():
    env = make_environment()
    install_recorder(env, NumberRecorder(small_catalog()))
    with pytest.raises(UnknownNumberError, match="no.such.id"):
        env.from_string("{{ n('no.such.id') }}").render()


def test_helper_renders_a_linked_number_and_records_its_section():
    env = make_environment()
    recorder = NumberRecorder(small_catalog())
    install_recorder(env, recorder)
    html = env.from_string("{{ numbers.enter('table2') }}{{ n('labs.1.ESR.pre.value') }}").render()
    assert html == (
        '<a class="number" id="at-labs.1.ESR.pre.value" data-number="labs.1.ESR.pre.value" '
        'href="sources/labs.csv.html?from=at-labs.1.ESR.pre.value#L2-value" '
        'title="data/raw/labs.csv, line 2, column value">13</a>'
    )
    assert recorder.sections_column() == {"labs.1.ESR.pre.value": {"sections": "table2"}}


def test_free_text_with_digits_is_marked_meta_and_unit_exponents_too():
    env = make_environment()
    html = env.from_string("{{ 'FK-506 (tacrolimus)' | free }} {{ 'g/cm²' | unit }}").render()
    assert html == (
        '<span data-meta>FK-506 (tacrolimus)</span> <span class="unit">g/cm<span data-meta>²</span>'
        "</span>"
    )


def test_split_lines_keeps_refs_on_their_line():
    from casereport.model import Ref

    assert split_lines(("a ", Ref("x"), "\nb")) == [("a ", Ref("x")), ("b",)]


# --- structure and content ---------------------------------------------------------------------


def test_report_loads_nothing_from_the_network(paper_report, paper_parsed):
    for element in paper_parsed.elements:
        for attribute in ("src", "href"):
            url = element.attrs.get(attribute)
            if url is None:
                continue
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, url
            if attribute == "src" or element.tag == "link":
                assert (paper_report.report_dir / parts.path).is_file(), url
    css = (paper_report.report_dir / "assets" / "report.css").read_text()
    assert "@import" not in css
    for url in re.findall(r"url\(([^)]*)\)", css):
        target = url.strip("'\"")
        assert "//" not in target and (paper_report.report_dir / "assets" / target).is_file(), url


def test_tables_have_a_caption_and_header_cells(paper_parsed):
    tables = [
        e for e in paper_parsed.elements if e.tag == "table" and e.section.startswith("table")
    ]
    assert [t.section for t in tables] == ["table1", "table2", "table3"]
    captions = [
        e for e in paper_parsed.elements if e.tag == "caption" and e.section.startswith("table")
    ]
    assert [c.text.split(".")[0] for c in captions] == ["Table I", "Table II", "Table III"]
    for section in ("table1", "table2", "table3"):
        headers = [e for e in paper_parsed.elements if e.tag == "th" and e.section == section]
        assert any(h.attrs.get("scope") == "col" for h in headers)
        assert any(h.attrs.get("scope") == "row" for h in headers)


def test_figures_show_svg_on_screen_png_in_print_with_alt_text_and_caption(
    paper_report, paper_parsed
):
    for path in paper_report.figure_jsons:
        key = path.stem
        images = [
            e for e in paper_parsed.elements if e.tag == "img" and e.section == f"figure-{key}"
        ]
        assert {i.attrs["src"] for i in images} == {f"figures/{key}.svg", f"figures/{key}.png"}
        assert all(i.attrs["alt"] for i in images)
        captions = [
            e
            for e in paper_parsed.elements
            if e.tag == "figcaption" and e.section == f"figure-{key}"
        ]
        assert len(captions) == 1 and captions[0].text.startswith("Figure ")


def test_one_case_summary_per_patient(paper_parsed):
    cases = [e for e in paper_parsed.elements if e.tag == "article" and "case" in e.attrs["class"]]
    patients = (ROOT / "data" / "raw" / "patients.csv").read_text().splitlines()[1:]
    assert len(cases) == len(patients)
    assert [c.text.split()[:2] for c in cases] == [["Patient", str(i)] for i in range(1, 4)]


def test_reference_list_has_every_reference(paper_parsed):
    items = [e for e in paper_parsed.elements if e.tag == "li" and e.section == "references"]
    references = list(csv.DictReader(open(ROOT / "data" / "raw" / "references.csv")))
    assert len(items) == len(references)
    assert "FK-506" in items[13].text


def test_text_sections_are_all_there(paper_parsed):
    ids = [
        e.attrs["id"]
        for e in paper_parsed.elements
        if e.tag in ("section", "header") and "id" in e.attrs
    ]
    for expected in ("title", "summary", "background", "methods", "patients", "outcomes"):
        assert expected in ids
    assert ids[-2:] == ["references", "appendix"]


def visible_words(parsed, sections: set[str]) -> list[str]:
    text = " ".join(t for t, _, section in parsed.text_runs if section in sections).lower()
    for site in csv.DictReader(open(ROOT / "data" / "raw" / "calcinosis_sites.csv")):
        text = text.replace(f"{site['side']} {site['site']}".strip(), " ")
    return re.findall(r"[a-z]+", text.lower())


@pytest.mark.skipif(not PAPER.is_file(), reason=PAPER_MISSING)
def test_wording_is_our_own(paper_parsed):
    """No run of eight words of the paper reappears, titles and the reference list aside."""
    paper = re.findall(r"[a-z]+", PAPER.read_text(encoding="utf-8").lower())
    paper_runs = {tuple(paper[i : i + 8]) for i in range(len(paper) - 7)}
    # The title block quotes the article's metadata and the tables reproduce its tables, on
    # purpose; the prose of the report's own sections is checked, less the data's own words (the
    # names of calcinosis sites, "right tensor of fasciae lata").
    ours = visible_words(
        paper_parsed, {"summary", "background", "methods", "patients", "outcomes", "care"}
    )
    copied = [
        " ".join(ours[i : i + 8])
        for i in range(len(ours) - 7)
        if tuple(ours[i : i + 8]) in paper_runs
    ]
    assert copied == []


@pytest.mark.slow
def test_a_synthetic_cohort_of_another_size_renders_one_summary_per_patient(tmp_path):
    project = tmp_path / "project"
    write_cohort(project / "data" / "raw", n_patients=5, seed=3, template_dir=ROOT / "data" / "raw")
    built = build_report_dir(tmp_path / "out", project=project)
    parsed = parse_html(built.html)
    cases = [e for e in parsed.elements if e.tag == "article"]
    assert len(cases) == 5
    stray = [t for t, marked, _ in parsed.text_runs if not marked and any(c.isdigit() for c in t)]
    assert stray == []
