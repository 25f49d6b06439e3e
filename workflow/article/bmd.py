"""This article's bone-density categories: the category a z-score falls in, and the words that
define each one, read from bmd_categories.csv (its bounds and their inclusive flags). Table III,
the bone-density figure, the case summaries and the audit all ask here.

Moved from the casereport package (clinical.py, tables/per_patient.py), which no longer knows of
bone density.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pandas as pd

from casereport.dataset import Dataset, is_missing, rows
from casereport.formatting import join_texts, to_decimal
from casereport.ledger import cell_id
from casereport.model import Ref, Text, text


def bmd_category(z_score: float | Decimal, categories: pd.DataFrame | list[dict]) -> str:
    """The category (a row of bmd_categories.csv, as a frame or as `rows()`) a z-score falls in,
    honouring each bound's inclusive flag; an empty bound is no bound."""
    return bmd_classifier(categories)(z_score)


def bmd_classifier(categories: pd.DataFrame | list[dict]) -> Callable[[float | Decimal], str]:
    """bmd_category() for many z-scores: the categories' bounds are read once, not per z-score.
    A z-score no category holds raises ValueError."""
    category_rows = rows(categories) if isinstance(categories, pd.DataFrame) else categories
    bounds = [
        (
            row["category"],
            _bound(row["z_lower"]),
            bool(row["z_lower_inclusive"]),
            _bound(row["z_upper"]),
            bool(row["z_upper_inclusive"]),
        )
        for row in category_rows
    ]

    def category_of(z_score: float | Decimal) -> str:
        z = to_decimal(z_score)
        for name, lower, lower_inclusive, upper, upper_inclusive in bounds:
            above_lower = lower is None or (z >= lower if lower_inclusive else z > lower)
            below_upper = upper is None or (z <= upper if upper_inclusive else z < upper)
            if above_lower and below_upper:
                return name
        raise ValueError(f"z-score {z} falls in no category of bmd_categories")

    return category_of


def _bound(value) -> Decimal | None:
    return None if is_missing(value) else to_decimal(value)


def bound_ref(category: str, column: str) -> Ref:
    return Ref(cell_id("bmd_categories", category, column))


def category_definition(category: dict) -> Text:
    """'osteopenia (-2 < z ≤ -1)', with each bound a Ref and its inclusive flag honoured."""
    name = category["category"]
    lower, upper = category["z_lower"], category["z_upper"]
    lower_sign = "≤" if category["z_lower_inclusive"] else "<"
    upper_sign = "≤" if category["z_upper_inclusive"] else "<"
    if lower is not None and upper is not None:
        bounds = text(bound_ref(name, "z_lower"), f" {lower_sign} z {upper_sign} ")
        bounds += text(bound_ref(name, "z_upper"))
    elif upper is not None:
        bounds = text(f"z {upper_sign} ", bound_ref(name, "z_upper"))
    elif lower is not None:
        bounds = text(f"z {'≥' if category['z_lower_inclusive'] else '>'} ")
        bounds += text(bound_ref(name, "z_lower"))
    else:
        bounds = text("any z")
    return text(name, " (", *bounds, ")")


def category_definitions(dataset: Dataset) -> Text:
    """'osteoporosis (z ≤ -2), osteopenia (-2 < z ≤ -1) and normal (z > -1)'."""
    return join_texts([category_definition(c) for c in rows(dataset["bmd_categories"])])
