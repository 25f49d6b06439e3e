"""Document model shared by the tables, the figures and the report.

A piece of generated text is a sequence of *parts*: plain strings, and `Ref`s that name a number in
the ledger (results/numbers.csv). The CSV writers turn a `Ref` into its display text; the HTML
renderer turns it into an element that says where the number comes from. So a table or a caption is
written once and shown in both forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ref:
    """A number shown in the report, looked up in the ledger by its id."""

    id: str


Part = str | Ref
Text = tuple[Part, ...]


def text(*parts: Part) -> Text:
    """Build a Text, dropping empty strings."""
    # A list, and no `p != ""` on Refs (a dataclass __eq__ call each): a large series' tables
    # build hundreds of thousands of Texts.
    return tuple([p for p in parts if not isinstance(p, str) or p])


@dataclass(frozen=True)
class TableModel:
    """A table: header cells, then rows of cells. The first cell of each row is its header."""

    key: str  # file stem and HTML id, e.g. "table1"
    title: str  # e.g. "Table I"
    caption: Text
    header: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    notes: tuple[Text, ...] = field(default=())


@dataclass(frozen=True)
class FigureModel:
    """A figure written by the workflow: files per format, caption, and the numbers it plots."""

    key: str  # file stem, e.g. "timeline"
    alt: str  # alternative text (plain words, no data digits)
    caption: Text
    number_ids: tuple[str, ...] = field(default=())


def plain(parts: Text, ledger) -> str:
    """The text as a reader sees it: each Ref replaced by the ledger's display of that number."""
    return "".join(p if isinstance(p, str) else ledger[p.id].display for p in parts)


def refs(parts: Text) -> list[str]:
    """Ids of the numbers a text shows, in order."""
    return [p.id for p in parts if isinstance(p, Ref)]


def text_to_json(parts: Text) -> list[dict]:
    return [{"text": p} if isinstance(p, str) else {"ref": p.id} for p in parts]


def text_from_json(items: list[dict]) -> Text:
    return tuple(item["text"] if "text" in item else Ref(item["ref"]) for item in items)


def figure_to_json(figure: FigureModel) -> dict:
    return {
        "key": figure.key,
        "alt": figure.alt,
        "caption": text_to_json(figure.caption),
        "number_ids": list(figure.number_ids),
    }


def figure_from_json(data: dict) -> FigureModel:
    return FigureModel(
        key=data["key"],
        alt=data["alt"],
        caption=text_from_json(data["caption"]),
        number_ids=tuple(data["number_ids"]),
    )


def table_to_json(table: TableModel) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "caption": text_to_json(table.caption),
        "header": [text_to_json(cell) for cell in table.header],
        "rows": [[text_to_json(cell) for cell in row] for row in table.rows],
        "notes": [text_to_json(note) for note in table.notes],
    }


def table_from_json(data: dict) -> TableModel:
    return TableModel(
        key=data["key"],
        title=data["title"],
        caption=text_from_json(data["caption"]),
        header=tuple(text_from_json(cell) for cell in data["header"]),
        rows=tuple(tuple(text_from_json(cell) for cell in row) for row in data["rows"]),
        notes=tuple(text_from_json(note) for note in data["notes"]),
    )
