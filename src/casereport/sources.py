"""Browsable HTML copies of the raw CSV files, one anchor per line.

Every number in the report links to `sources/<file>.csv.html#L<line>`, the line of the raw file it
was read from (header = line 1, as in `source_line`). These pages are written beside the report so
the links work offline. A number read as is links to its cell (`#L<line>-<column>`), which
`:target` highlights and the browser scrolls into view; the column names stay in sight (a sticky
header), and the page's "Back to the report" link returns to the number that was clicked.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup


@dataclass(frozen=True)
class SourceLine:
    number: int  # line of the raw file (header = 1)
    cells: tuple[str, ...]


@dataclass(frozen=True)
class SourcePage:
    file_name: str  # e.g. "labs.csv"
    source_path: str  # the raw file as the ledger names it, e.g. "data/raw/labs.csv"
    title: str
    description: str
    header: SourceLine
    rows: tuple[SourceLine, ...]
    field_descriptions: dict[str, str]


def page_name(source_file: str) -> str:
    """File name of the HTML page for a raw file: `labs.csv` -> `labs.csv.html`."""
    return f"{Path(source_file).name}.html"


def line_anchor(line: int) -> str:
    return f"L{line}"


def source_href(source_file: str, line: int) -> str:
    """Link from report.html to one line of a raw file's page."""
    return f"sources/{page_name(source_file)}#{line_anchor(line)}"


def cell_anchor(line: int, column: str) -> str:
    """HTML id of one cell of a raw file's page: `L7-value` (a line's own id has no dash)."""
    return f"{line_anchor(line)}-{column}"


def cell_href(source_file: str, line: int, column: str, back: str | None = None) -> str:
    """Link from report.html to one cell of a raw file's page. `back` is the id of the element
    the link is on: the page's "Back to the report" link returns there (`?from=`, read by the
    page's script; without it the link returns to the top of the report)."""
    query = f"?from={back}" if back else ""
    return f"sources/{page_name(source_file)}{query}#{cell_anchor(line, column)}"


def read_lines(text: str) -> list[SourceLine]:
    """Parse CSV text into records numbered by the physical line each one starts on.

    Numbering by the line a record starts on (not by record count) keeps anchors equal to the
    lines an editor shows, even if a quoted cell ever spans several lines.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    lines = []
    start = 1
    for cells in reader:
        lines.append(SourceLine(start, tuple(cells)))
        start = reader.line_num + 1
    return lines


def build_page(raw_csv: Path, resource: dict | None) -> SourcePage:
    """The page of one raw file; `resource` is its entry in datapackage.yaml (titles, fields)."""
    resource = resource or {}
    lines = read_lines(raw_csv.read_text(encoding="utf-8-sig"))
    fields = resource.get("schema", {}).get("fields", [])
    return SourcePage(
        file_name=raw_csv.name,
        source_path=raw_csv.as_posix(),
        title=resource.get("title", raw_csv.name),
        description=str(resource.get("description", "")),
        header=lines[0],
        rows=tuple(lines[1:]),
        field_descriptions={f["name"]: str(f.get("description", "")) for f in fields},
    )


def make_environment() -> Environment:
    """The templates are the report's (same package, same CSS); this page needs no helpers."""
    return Environment(
        loader=PackageLoader("casereport", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


# The characters escape_html replaces.
_HTML_SPECIAL = re.compile("[&<>\"']")


def escape_html(text: str) -> str:
    """`text` escaped exactly as jinja's autoescape (markupsafe.escape) escapes it: the same five
    characters, the same entities. Plain replacements run several times faster than markupsafe,
    which makes a Markup object per call, over the million cells of a large series' raw files."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def tbody_html(page: SourcePage) -> Markup:
    """The page's `<tbody>`: one `<tr id="L<line>">` per line after the header, one
    `<td id="L<line>-<column>">` per cell (cell_anchor), so that a link can name the cell.

    Built with string joins, not in the template: a raw file of a large series has hundreds of
    thousands of cells, and a template loop spends its time per cell. The markup is the one the
    reference template loop in tests/test_sources.py writes (same indentation, same escaping).
    """
    # The end of the `<td>` opening tag of each column (after the line number of its id), escaped
    # once per file rather than once per cell; a cell beyond the header (a malformed line) gets no
    # id and an empty data-column.
    td_openings = [
        f'-{escape_html(name)}" data-column="{escape_html(name)}">' for name in page.header.cells
    ]
    rows = []
    for line in page.rows:
        openings = td_openings
        if len(line.cells) > len(td_openings):
            openings = td_openings + [""] * (len(line.cells) - len(td_openings))
        row_id = f'      <td id="L{line.number}'
        values = line.cells
        if _HTML_SPECIAL.search("".join(values)):  # most lines have nothing to escape
            values = [escape_html(value) for value in values]
        cells = "".join(
            [
                f"{row_id}{opening}{value}</td>\n"
                if opening
                else f'      <td data-column="">{value}</td>\n'
                # not strict: a short line has fewer cells than the header has columns
                for opening, value in zip(openings, values, strict=False)
            ]
        )
        rows.append(
            f'    <tr id="L{line.number}">\n'
            f'      <th scope="row" class="line-number"><a href="#L{line.number}">{line.number}'
            f"</a></th>\n{cells}    </tr>\n"
        )
    return Markup(f"  <tbody>\n{''.join(rows)}  </tbody>")


def render_page(page: SourcePage, env: Environment | None = None) -> str:
    env = env or make_environment()
    return env.get_template("source.html.j2").render(page=page, tbody=tbody_html(page))


def write_source_pages(raw_csvs: list[Path], datapackage: dict, out_dir: Path) -> list[Path]:
    """Write one page per raw file, named by `page_name`, into `out_dir` (report/sources)."""
    resources = {Path(r["path"]).name: r for r in datapackage.get("resources", [])}
    out_dir.mkdir(parents=True, exist_ok=True)
    env = make_environment()
    written = []
    for raw_csv in map(Path, raw_csvs):
        page = build_page(raw_csv, resources.get(raw_csv.name))
        out = out_dir / page_name(raw_csv.name)
        out.write_text(render_page(page, env), encoding="utf-8")
        written.append(out)
    return written
