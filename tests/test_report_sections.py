"""The report's ordered list of sections (workflow/report/templates/sections.yaml): one template
and one line per section, read by casereport.render.sections."""

from __future__ import annotations

import pytest
from support.project import ROOT

from casereport.model import FigureModel, TableModel
from casereport.render.environment import make_environment
from casereport.render.sections import (
    FIGURES,
    TABLES,
    SectionEntry,
    build_sections,
    read_sections,
)

TEMPLATES_DIR = ROOT / "workflow" / "report" / "templates"


def test_every_section_of_the_article_has_its_template():
    entries = read_sections(TEMPLATES_DIR)
    env = make_environment(TEMPLATES_DIR)
    templates = [e.template for e in entries if e.template not in (TABLES, FIGURES)]
    assert len(templates) == len(set(templates))
    for name in templates:
        env.get_template(f"{name}.html.j2")  # the project's folder or the package's


def test_tables_and_figures_expand_in_place_and_large_series_sections_wait():
    entries = (
        SectionEntry("title", "Title"),
        SectionEntry(TABLES),
        SectionEntry(FIGURES),
        SectionEntry("extra", "Extra", id="extra-id", large_series_only=True),
    )
    table = TableModel("t1", "Table I", (), (), ())
    figures = [FigureModel("a", "", ()), FigureModel("b", "", ())]
    small = build_sections({"t1": table}, figures, entries)
    assert [s.id for s in small] == ["title", "t1", "figure-a", "figure-b"]
    assert [s.template for s in small][1:] == ["table.html.j2", "figure.html.j2", "figure.html.j2"]
    assert str(small[3].heading) == "<span data-meta>Figure R2</span>"
    large = build_sections({"t1": table}, figures, entries, large_series=True)
    assert (large[-1].id, large[-1].template) == ("extra-id", "extra.html.j2")


@pytest.mark.parametrize(
    "text",
    ["[]\n", "- {heading: No template}\n", "- {template: a, colour: red}\n", "template: a\n"],
)
def test_a_sections_file_that_says_too_little_or_too_much_is_refused(tmp_path, text):
    (tmp_path / "sections.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="sections.yaml"):
        read_sections(tmp_path)
