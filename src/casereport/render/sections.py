"""The report's sections in reading order: one list.

Each entry names a template (`<template>.html.j2`) and its heading; two entries stand for a run of
sections each: every table (`table.html.j2`, one section per table, headed by its title) and every
figure (`figure.html.j2`, headed "Figure R1", ...). Tables and figures are sections of their own so
that numbers.csv can say "table2" or "figure-labs". Adding a section is one template and one line
in the list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


# The article's report, in reading order.
SECTIONS: tuple[SectionEntry, ...] = (
    SectionEntry("title", "Title"),
    SectionEntry("summary", "Summary"),
    SectionEntry("background", "Background"),
    SectionEntry("methods", "Patients and methods"),
    SectionEntry("patients", "Case summaries"),
    SectionEntry("findings", "Clinical findings"),
    SectionEntry(TABLES),
    SectionEntry(FIGURES),
    SectionEntry("outcomes", "Results"),
    SectionEntry("audit", "Reproduction audit"),
    SectionEntry("care", "CARE checklist"),
    SectionEntry("references", "References"),
    # Only in a large series: the first patients' rows of the per-patient tables.
    SectionEntry(
        "patient_tables",
        "Per-patient tables: the first patients",
        id="patient-tables",
        large_series_only=True,
    ),
)


def section_entries(records: Sequence[Mapping[str, Any]]) -> tuple[SectionEntry, ...]:
    """The list from records (a project's sections file): `template`, `heading`, and optionally
    `id` and `large_series_only`."""
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
    large_series: bool = False,
    entries: Sequence[SectionEntry] = SECTIONS,
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
