"""The browsable raw-file pages (casereport.sources): their rows are built with string joins, and
must read exactly as the template loop they replace wrote them."""

from __future__ import annotations

import pytest
from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import escape

from casereport.sources import build_page, escape_html, render_page, tbody_html

# The <tbody> as source.html.j2 wrote it before the rows moved to `tbody_html`: one template
# iteration per cell. Kept here as the reference the faster code must match byte for byte.
TEMPLATE_LOOP = """\
<table class="source">
  <tbody>
  {% for line in page.rows %}
    <tr id="L{{ line.number }}">
      <th scope="row" class="line-number"><a href="#L{{ line.number }}">{{ line.number }}</a></th>
      {% for cell in line.cells %}
      {% if loop.index0 < page.header.cells | length %}
      <td id="L{{ line.number }}-{{ page.header.cells[loop.index0] }}" data-column="{{ page.header.cells[loop.index0] }}">{{ cell }}</td>
      {% else %}
      <td data-column="">{{ cell }}</td>
      {% endif %}
      {% endfor %}
    </tr>
  {% endfor %}
  </tbody>
</table>"""  # noqa: E501 (the template line as it was)


def template_loop_tbody(page) -> str:
    env = Environment(
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.from_string(TEMPLATE_LOOP).render(page=page)


CSV_TEXTS = {
    "plain": "patient_id,analyte,value\n1,ESR,13\n1,CRP,0.5\n",
    "header only": "patient_id,analyte,value\n",
    "characters to escape": 'a,"b&c"\n"<x>","it\'s ""quoted"""\n&amp;,>\n',
    "quoted line break": 'id,note\n1,"two\nlines"\n2,one line\n',
    "more and fewer cells than the header": "a,b\n1,2,3,4\n5\n,\n",
    "blank line": "a,b\n1,2\n\n3,4\n",
    "column name to escape": 'x<y,"q""r"\n1,2\n',
}


@pytest.mark.parametrize("name", CSV_TEXTS)
def test_rows_are_written_as_the_template_loop_wrote_them(tmp_path, name):
    raw = tmp_path / "table.csv"
    raw.write_text(CSV_TEXTS[name], encoding="utf-8")
    page = build_page(raw, None)
    expected = template_loop_tbody(page)
    assert f'<table class="source">\n{tbody_html(page)}\n</table>' == expected


def test_a_page_has_its_header_row_then_one_anchored_row_per_line(tmp_path):
    raw = tmp_path / "labs.csv"
    raw.write_text(CSV_TEXTS["plain"], encoding="utf-8")
    resource = {"title": "Labs", "schema": {"fields": [{"name": "value", "description": "It's"}]}}
    html = render_page(build_page(raw, resource))
    assert html.count("<tr id=") == 3
    assert '<th scope="col" title="It&#39;s">value</th>' in html
    assert html.index('<tr id="L1">') < html.index("<tbody>") < html.index('<tr id="L2">')
    assert "  </tbody>\n</table>\n</main>\n" in html
    assert html.endswith("</body>\n</html>\n") or html.endswith("</body>\n</html>")


def test_each_cell_has_an_anchor_named_by_its_line_and_column(tmp_path):
    raw = tmp_path / "labs.csv"
    raw.write_text(CSV_TEXTS["plain"], encoding="utf-8")
    html = render_page(build_page(raw, None))
    assert '<td id="L3-value" data-column="value">0.5</td>' in html
    assert '<td id="L2-analyte" data-column="analyte">ESR</td>' in html


@pytest.mark.parametrize("words", ["", "plain", "a & b", "<td>", 'it\'s "quoted"', "&amp; &#39;"])
def test_cells_are_escaped_as_jinja_escapes_them(words):
    assert escape_html(words) == str(escape(words))
