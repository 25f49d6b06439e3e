"""The jinja environment: filters and globals every template may use."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup, escape

from casereport.anchors import appendix_anchor
from casereport.formatting import capitalise_first, display_number, share_form
from casereport.ledger import cell_id
from casereport.render.appendix import source_cells, source_groups
from casereport.render.numbers import (
    _ANY_DIGIT,
    NumberRecorder,
    breakable,
    decimal_columns,
    decimal_padding,
    free_text,
    meta,
    reference_anchor,
    single_ref,
    text_markup,
    unit_text,
)
from casereport.sources import page_name, source_href

TEMPLATES_PACKAGE = "casereport"
ASSETS_DIR = Path(__file__).parent.parent / "assets"  # casereport/assets

# --- environment and rendering ---------------------------------------------------------------


def reference_ids(reference_numbers: str | None) -> list[str]:
    """'4;5' (a reference_numbers cell) -> the catalog ids of references 4 and 5."""
    numbers = [p for p in str(reference_numbers or "").split(";") if p.strip()]
    return [cell_id("references", int(p), "reference_number") for p in numbers]


def plural(one: str, many: str, count: Any) -> str:
    return one if count == 1 else many


def ordinal_suffix(value: Any) -> str:
    """'st', 'nd', 'rd' or 'th' for an edition number: 5 -> 'th' (the number itself is n())."""
    number = int(value)
    if 10 <= number % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def finalize(value: Any) -> Any:
    """Applied by jinja to every `{{ ... }}` before printing.

    A number printed directly (`{{ row["age"] }}`) is an error: numbers go through `n(id)`, which
    says where they come from. A free-text value that happens to contain digits (a reference
    title with "FK-506", a schedule note) is marked data-meta: its digits are words, not numbers
    the catalog holds. Literal template text is not touched, so a digit typed into a template is
    still caught by the tests.
    """
    if isinstance(value, Markup) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        raise TypeError(f"templates print numbers only through n(id), not {value!r} directly")
    if isinstance(value, str) and _ANY_DIGIT.search(value):
        return free_text(value)
    return value


def attribute_value(value: Any) -> Markup:
    """A value inside an HTML attribute (an id, alt text): escaped, never wrapped in an element
    by `finalize` (attributes are not visible text)."""
    return escape(str(value))


def make_environment(templates_dir: Path | str | None = None) -> Environment:
    """The environment every report renders in. Templates are looked up first in the project's
    `templates_dir` (workflow/report/templates: its own sections, the page around them), then in
    the package (what every case report needs: the body, tables, figures, the CARE table, the
    appendix, the shared macros)."""
    package = PackageLoader(TEMPLATES_PACKAGE, "templates")
    loader = ChoiceLoader([FileSystemLoader(templates_dir), package]) if templates_dir else package
    env = Environment(
        finalize=finalize,
        loader=loader,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        meta=meta,
        appendix_anchor=appendix_anchor,
        reference_anchor=reference_anchor,
        breakable=breakable,
        source_page=lambda source_file: f"sources/{page_name(source_file.split(';')[0])}",
        reference_ids=reference_ids,
        plural=plural,
        ordinal_suffix=ordinal_suffix,
        section_names=lambda names: names.replace(";", ", "),
        source_groups=source_groups,
        source_cells=source_cells,
        file_name=lambda source_file: Path(source_file).name,
        source_href=source_href,
        display_number=display_number,
        share_form=share_form,
    )
    env.filters.update(
        free=free_text,
        unit=unit_text,
        capitalize_first=capitalise_first,
        attribute=attribute_value,
    )
    return env


def install_recorder(env: Environment, recorder: NumberRecorder) -> None:
    """Bind the number helper (`n`) and Text rendering (`text`) to one recorder."""
    env.globals["n"] = recorder.show
    env.globals["cite_number"] = recorder.cite
    env.globals["numbers"] = recorder
    env.globals["has_number"] = lambda number_id: number_id in recorder.catalog
    env.filters["text"] = lambda parts: text_markup(parts, recorder)
    env.globals["decimal_columns"] = lambda rows: decimal_columns(rows, recorder.catalog)
    env.globals["decimal_padding"] = lambda cell, places: decimal_padding(
        recorder.catalog[single_ref(cell).id].display, places
    )
