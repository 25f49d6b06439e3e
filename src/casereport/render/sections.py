"""The report's sections in reading order: one list.

The list is the project's (`sections.yaml` beside its templates, `read_sections`). Each entry
names a template (`<template>.html.j2`) and its heading; two entries stand for a run of sections
each: every table (`table.html.j2`, one section per table, headed by its title) and every
figure (`figure.html.j2`, headed "Figure R1", ...). Tables and figures are sections of their own so
that numbers.csv can say "table2" or "figure-labs". Adding a section is one template and one line
in the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

from casereport.model import FigureModel, TableModel
from casereport.render.numbers import meta

TABLES = "tables"  # the entry that stands for every table
FIGURES = "figures"  # the entry that stands for every figure


@dataclass(frozen=True)
class SectionEntry:
    """One line of the list: a template and its heading, or TABLES / FIGURES."""

    template: str  # template stem, or TABLES or FIGURES
    heading: str = ""
    id: str = ""  # HTML id, when it is not the template's stem
    large_series_only: bool = False  # shown only when the series is summarised

    @property
    def section_id(self) -> str:
        return self.id or self.template


SECTIONS_FILE = "sections.yaml"  # the list, in a project's templates folder


def read_sections(templates_dir: Path | str) -> tuple[SectionEntry, ...]:
    """The list of a project's report: `sections.yaml` in its templates folder, one mapping per
    section (`template`, `heading`, and optionally `id` and `large_series_only`)."""
    path = Path(templates_dir) / SECTIONS_FILE
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = set(SectionEntry.__dataclass_fields__)
    if not isinstance(records, list) or not records:
        raise ValueError(f"{path}: must list the report's sections")
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or "template" not in record or set(record) - known:
            raise ValueError(
                f"{path}: section {number} must give `template` and at most "
                f"{', '.join(sorted(known - {'template'}))}, not {record!r}"
            )
    return tuple(SectionEntry(**record) for record in records)


def figure_label(number: int) -> str:
    """'Figure R1': the rebuild's own figures are numbered apart from the article's figures,
    which the audit cites by their numbers."""
    return f"Figure R{number}"


@dataclass(frozen=True)
class Section:
    id: str  # HTML id, and the name numbers.csv uses
    template: str
    heading: Markup
    model: Any = None  # the table or figure a section shows
    number: int = 0  # figure number, for "Figure R1"


def build_sections(
    tables: dict[str, TableModel],
    figures: list[FigureModel],
    entries: Sequence[SectionEntry],
    large_series: bool = False,
) -> list[Section]:
    """The sections of this report, in the order of `entries`."""
    sections = []
    for entry in entries:
        if entry.template == TABLES:
            sections += [
                Section(key, "table.html.j2", escape(model.title), model)
                for key, model in tables.items()
            ]
        elif entry.template == FIGURES:
            sections += [
                Section(f"figure-{f.key}", "figure.html.j2", meta(figure_label(number)), f, number)
                for number, f in enumerate(figures, start=1)
            ]
        elif large_series or not entry.large_series_only:
            sections.append(
                Section(entry.section_id, f"{entry.template}.html.j2", escape(entry.heading))
            )
    return sections
