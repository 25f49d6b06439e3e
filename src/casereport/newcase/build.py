"""The build steps of a project made by `casereport new` (its Snakefile calls them).

    python -m casereport.newcase.build html --config config/config.yaml
    python -m casereport.newcase.build pdf --config config/config.yaml

`html` checks the data against data/datapackage.yaml (the package's validator: file, header,
cells, primary and foreign keys, and the general cross-field rules of casereport.validation.rules,
plus the project's own rules file when config names one in `validation_rules`), lists
every cell in the catalog (results/ledger/catalog.csv), evaluates manuscript/computed.yaml, then
turns manuscript.md into report/report.html with every `[[reference]]` replaced by its number,
linked to its raw line (report/sources/). The numbers shown go to results/numbers.csv, the ledger
that `casereport trace` and `casereport check-numbers` read. Any problem (invalid data, a bad or
unknown reference, a number typed by hand when `untraced_numbers: error`) is printed as
`file:line:column: message` and nothing is written.
"""

from __future__ import annotations

import argparse
import ast
import operator
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from casereport.anchors import appendix_anchor
from casereport.ledger import Ledger, Number, cell_id
from casereport.newcase.references import (
    REFERENCE,
    blank_comments,
    find_references,
    parse_reference,
    untraced_numbers,
)
from casereport.sources import source_href, write_source_pages
from casereport.validation.checker import load_table
from casereport.validation.deps import raw_tables, read_datapackage
from casereport.validation.registry import ExtensionError
from casereport.validation.rules import check_rules, rule_set
from casereport.validation.schema import check_foreign_keys, descriptor_problems

ASSETS = Path(__file__).parent.parent / "assets"


class BuildError(Exception):
    """Problems that stop the build; each line is `file:line:column: message`."""


# --- data ---------------------------------------------------------------------------------------


def check_data(datapackage: str, extension: str | None = None) -> dict:
    """Every table of the data package, checked against its dictionary, the general rules and
    the project's own rules (`extension`, a file); BuildError listing all findings if any."""
    try:
        rules = rule_set(extension)
    except ExtensionError as error:
        raise BuildError(str(error)) from None
    package = read_datapackage(datapackage)
    paths = raw_tables(datapackage)
    resources = {r["name"]: r for r in package["resources"]}
    messages, tables = [], {}
    for name, resource in resources.items():
        problems = descriptor_problems(resource, set(resources))
        messages += [f"{datapackage}: {problem}" for problem in problems]
        if not problems:
            table, findings = load_table(paths[name], resource)
            messages += [finding_line(f) for f in findings]
            if table is not None and table.complete:
                tables[name] = table
    for table in tables.values():
        messages += [finding_line(f) for f in check_foreign_keys(table, tables)]
        messages += [finding_line(f) for f in check_rules(table, tables, resources, rules)]
    if messages:
        raise BuildError("\n".join(messages))
    return tables


def finding_line(finding) -> str:
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file
    column = f" column {finding.column!r}:" if finding.column else ""
    value = f" value {finding.value!r}" if finding.value not in (None, "") else ""
    return f"{where}:{column}{value} {finding.message} (rule: {finding.rule})"


def catalog(tables: dict) -> Ledger:
    """A Number for every non-empty cell: id `table.key.column`, shown as written in the file."""
    ledger = Ledger()
    for name, table in tables.items():
        schema = table.resource["schema"]
        key = schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        for position, (line, row) in enumerate(table.text.iterrows(), start=1):
            key_values = tuple(row[k] for k in key) if key else position
            for field in schema["fields"]:
                column, text = field["name"], row[field["name"]].strip()
                if not text:
                    continue
                unit = field.get("unit", "")
                if field.get("unitColumn"):
                    unit = row[field["unitColumn"]].strip()
                ledger.add(
                    Number(
                        cell_id(name, key_values, column),
                        text,
                        text,
                        unit,
                        table.path,
                        str(line),
                        column,
                    )
                )
    return ledger


# --- computed numbers ---------------------------------------------------------------------------

OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def days_between(first: str, second: str) -> int:
    return (date.fromisoformat(second) - date.fromisoformat(first)).days


FUNCTIONS = {"days_between": days_between}


def computed_numbers(spec: dict, ledger: Ledger, path: str) -> list[Number]:
    """The numbers of manuscript/computed.yaml: `name: {expression, decimals, unit}`.

    An expression combines ids with + - * /, parentheses, numbers and days_between(id, id); its
    derivation (the expression with each id's value) and every cell it uses go to the ledger.
    """
    numbers = []
    for name, entry in (spec or {}).items():
        expression = str(entry["expression"])
        used: list[Number] = []

        def substitute(match, used=used):
            used.append(ledger[match[0]])
            return f"_v{len(used) - 1}"

        python = ID_IN_EXPRESSION.sub(substitute, expression)
        try:
            value = _evaluate(ast.parse(python, mode="eval").body, used)
        except Exception as error:
            raise BuildError(f"{path}: {name}: cannot compute {expression!r}: {error}") from None
        decimals = int(entry.get("decimals", 0))
        display = f"{value:.{decimals}f}"
        cells = list(dict.fromkeys((n.source_file, n.source_line) for n in used))
        files = ";".join(file for file, _ in cells)
        shown = ID_IN_EXPRESSION.sub(lambda m: f"{m[0]} [{ledger[m[0]].display}]", expression)
        numbers.append(
            Number(
                f"calc.{name}",
                display,
                display,
                str(entry.get("unit", "")),
                files if len(set(files.split(";"))) > 1 else files.split(";")[0],
                ";".join(line for _, line in cells),
                ";".join(dict.fromkeys(n.source_column for n in used)),
                f"{shown} = {value:g}, shown to {decimals} decimals",
            )
        )
    return numbers


ID_IN_EXPRESSION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+")


def _evaluate(node, used: list[Number]):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.Name) and node.id.startswith("_v"):
        text = used[int(node.id[2:])].value
        try:
            return float(text)
        except ValueError:
            return text  # a date, for days_between
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](_evaluate(node.left, used), _evaluate(node.right, used))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_evaluate(node.operand, used)
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in FUNCTIONS:
        return FUNCTIONS[node.func.id](*(_evaluate(a, used) for a in node.args))
    raise ValueError("only + - * /, numbers, ids and days_between(id, id) are allowed")


# --- the manuscript -----------------------------------------------------------------------------


def number_html(number: Number, with_unit: bool) -> str:
    line = int(number.source_line.split(";")[0])
    title = f"{number.id}: {number.source_file} line {number.source_line}, {number.source_column}"
    if number.derivation:
        title += f"; {number.derivation}"
    link = (
        f'<a class="number" data-number="{escape(number.id)}" '
        f'href="{source_href(number.source_file.split(";")[0], line)}" '
        f'title="{escape(title)}">{escape(number.display)}</a>'
    )
    if with_unit and number.unit:
        # The unit comes from the data too (the row's unit column or the dictionary's field).
        link += (
            f' <span class="unit" data-number="{escape(number.id)}">{escape(number.unit)}</span>'
        )
    return link


def manuscript_html(text: str, ledger: Ledger, path: str, allowed, untraced: str):
    """(HTML of the manuscript, ids shown, warnings); BuildError when a reference is wrong."""
    references, problems = find_references(text)
    unknown = [r for r in references if r.number_id not in ledger]
    messages = [p.format(path) for p in problems]
    messages += [
        f"{path}:{r.line}:{r.column}: {r.text} names no cell of the data and no computed number "
        "(unknown-reference)"
        for r in unknown
    ]
    untraced_messages = [p.format(path) for p in untraced_numbers(text, allowed)]
    if untraced == "error":
        messages += untraced_messages
    if messages:
        raise BuildError("\n".join(messages))

    def replace(match):
        number_id, with_unit = parse_reference(match[1])
        return number_html(ledger[number_id], with_unit)

    body = REFERENCE.sub(replace, blank_comments(text))
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(body)
    shown = list(dict.fromkeys(r.number_id for r in references))
    return html, shown, untraced_messages


def title_of(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return REFERENCE.sub(lambda m: m[1], line[2:]).strip()
    return "Case report"


def build_html(config: dict, root: Path) -> list[str]:
    """Write the report and its ledgers; return the warnings (hand-typed numbers, when warned)."""
    datapackage = f"{config['data_dir']}/{config['datapackage']}"
    tables = check_data(datapackage, config.get("validation_rules"))
    ledger = catalog(tables)
    computed_path = config["computed"]
    spec = yaml.safe_load((root / computed_path).read_text(encoding="utf-8")) or {}
    for number in computed_numbers(spec, ledger, computed_path):
        ledger.add(number)
    manuscript = config["manuscript"]
    text = (root / manuscript).read_text(encoding="utf-8")
    html, shown, warnings = manuscript_html(
        text, ledger, manuscript, config.get("untraced_allowed", []), config["untraced_numbers"]
    )
    env = Environment(
        loader=PackageLoader("casereport.newcase", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
    )
    used = [ledger[number_id] for number_id in shown]
    page = env.get_template("case.html.j2").render(
        title=title_of(text),
        body=Markup(html),
        numbers=used,
        anchor=appendix_anchor,
        href=lambda n: source_href(n.source_file.split(";")[0], int(n.lines[0])),
    )
    report = root / config["report_dir"]
    results = root / config["results_dir"]
    (results / "ledger").mkdir(parents=True, exist_ok=True)
    (report / "assets" / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ASSETS / "report.css", report / "assets" / "report.css")
    for font in sorted((ASSETS / "fonts").iterdir()):
        shutil.copyfile(font, report / "assets" / "fonts" / font.name)
    package = read_datapackage(datapackage)
    write_source_pages([Path(t.path) for t in tables.values()], package, report / "sources")
    ledger.write_csv(results / "ledger" / "catalog.csv")
    sections = {number_id: {"sections": "manuscript"} for number_id in shown}
    Ledger(used).write_csv(results / "numbers.csv", extra=sections)
    (report / "report.html").write_text(page, encoding="utf-8")
    return warnings


def build_pdf(config: dict, root: Path) -> None:
    from casereport.pdf import render_pdf

    report = root / config["report_dir"]
    render_pdf(report / "report.html", report / "report.pdf", [root], number_appendix=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m casereport.newcase.build")
    parser.add_argument("step", choices=["html", "pdf"])
    parser.add_argument("--config", default="config/config.yaml")
    parser.add_argument("--log", help="also write the messages to this file")
    args = parser.parse_args(argv)
    config = yaml.safe_load(Path(args.config).read_text(encoding="utf-8"))
    messages, status = [], 0
    try:
        if args.step == "html":
            messages = [f"warning: {w}" for w in build_html(config, Path("."))]
        else:
            build_pdf(config, Path("."))
    except BuildError as error:
        messages, status = [*str(error).splitlines(), "error: the report was not built."], 1
    for message in messages:
        print(message, file=sys.stderr)
    if args.log:
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        Path(args.log).write_text("".join(f"{m}\n" for m in messages), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
