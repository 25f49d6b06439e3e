"""The CARE checklist (data/care_checklist.csv): which sections of the report cover each item."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

# --- the CARE checklist (data/care_checklist.csv) ----------------------------------------------

CARE_COLUMNS = ["item", "topic", "asks", "covered_by", "reason"]
CARE_NOT_REPORTED = "not reported"


class CareChecklistError(ValueError):
    """care_checklist.csv is malformed, or names a section the report does not have."""


@dataclass(frozen=True)
class CareItem:
    item: str  # the guideline's item number: a label, not data (shown data-meta)
    topic: str
    asks: str
    sections: tuple[str, ...]  # report section ids covering the item; empty: not reported
    reason: str  # why it is not reported, or how the sections cover it


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
        sections = () if covered == CARE_NOT_REPORTED else tuple(covered.split(";"))
        items.append(
            CareItem(record["item"], record["topic"], record["asks"], sections, record["reason"])
        )
    return items


def missing_care_sections(items: Sequence[CareItem], section_ids: Iterable[str]) -> list[str]:
    """'item 7 (timeline): figure-timeline' for each section an item names that the report lacks."""
    present = set(section_ids)
    return [
        f"item {item.item} ({item.topic}): {section}"
        for item in items
        for section in item.sections
        if section not in present
    ]
