"""The CARE checklist (data/care_checklist.csv): which sections of the report cover each item."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# --- the CARE checklist (data/care_checklist.csv) ----------------------------------------------

CARE_COLUMNS = ["item", "topic", "asks", "covered_by", "reason", "applies_to"]
CARE_NOT_REPORTED = "not reported"
# When a row is shown (`applies_to`): a sentence about the article (its conclusion, what it says
# of consent) is true only of the article's own data, which the audit's article_identity claim
# recognises (render.context's data_are_the_article); other data get the row that says what is
# true of them. An item has either one row for any data or one row for each of the two cases.
ANY_DATA = "any data"
ARTICLE_DATA = "the article's data"
OTHER_DATA = "other data"
APPLIES_TO = (ANY_DATA, ARTICLE_DATA, OTHER_DATA)


class CareChecklistError(ValueError):
    """care_checklist.csv is malformed, or names a section the report does not have."""


@dataclass(frozen=True)
class CareItem:
    item: str  # the guideline's item number: a label, not data (shown data-meta)
    topic: str
    asks: str
    sections: tuple[str, ...]  # report section ids covering the item; empty: not reported
    reason: str  # why it is not reported, or how the sections cover it
    applies_to: str = ANY_DATA  # one of APPLIES_TO

    def applies(self, data_are_the_article: bool) -> bool:
        """Whether this row is true of the data the report is built from."""
        wanted = ARTICLE_DATA if data_are_the_article else OTHER_DATA
        return self.applies_to in (ANY_DATA, wanted)


def read_care_checklist(path: Path | str) -> list[CareItem]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if list(frame.columns) != CARE_COLUMNS:
        raise CareChecklistError(f"{path}: columns must be {', '.join(CARE_COLUMNS)}")
    items = []
    for line, record in enumerate(frame.to_dict("records"), start=2):
        covered = record["covered_by"].strip()
        if not covered:
            raise CareChecklistError(f"{path}:{line}: covered_by is empty")
        if covered == CARE_NOT_REPORTED and not record["reason"].strip():
            raise CareChecklistError(f"{path}:{line}: an item not reported needs a reason")
        applies_to = record["applies_to"].strip()
        if applies_to not in APPLIES_TO:
            raise CareChecklistError(
                f"{path}:{line}: applies_to {applies_to!r} is not one of {', '.join(APPLIES_TO)}"
            )
        sections = () if covered == CARE_NOT_REPORTED else tuple(covered.split(";"))
        items.append(
            CareItem(
                record["item"],
                record["topic"],
                record["asks"],
                sections,
                record["reason"],
                applies_to,
            )
        )
    # Each item once for the article's data and once for other data.
    every = list(dict.fromkeys(i.item for i in items))
    for data_are_the_article, kind in ((True, ARTICLE_DATA), (False, OTHER_DATA)):
        numbers = [i.item for i in items if i.applies(data_are_the_article)]
        repeated = [n for n in every if numbers.count(n) > 1]
        absent = [n for n in every if n not in numbers]
        for problem, listed in (("more than one row", repeated), ("no row", absent)):
            if listed:
                raise CareChecklistError(
                    f"{path}: item {', '.join(listed)} has {problem} for {kind}"
                )
    return items


def applicable_care_items(items: Sequence[CareItem], data_are_the_article: bool) -> list[CareItem]:
    """The rows of the checklist that are true of these data, in the file's order."""
    return [item for item in items if item.applies(data_are_the_article)]


def missing_care_sections(items: Sequence[CareItem], section_ids: Iterable[str]) -> list[str]:
    """'item 7 (timeline): figure-timeline' for each section an item names that the report lacks."""
    present = set(section_ids)
    return [
        f"item {item.item} ({item.topic}): {section}"
        for item in items
        for section in item.sections
        if section not in present
    ]
