"""Small vectorised draws and the text formats of their values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casereport.synthetic.template import month_text

# --- Small vectorised draws -----------------------------------------------------------------


def integers_between(rng: np.random.Generator, low, high, size: int | None = None) -> np.ndarray:
    """Uniform integers in [low, high], both inclusive: one per element of the arrays given, or
    `size` draws when both bounds are scalars."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    shape = np.broadcast_shapes(low.shape, high.shape, () if size is None else (size,))
    return low + np.floor(rng.random(shape) * (high - low + 1)).astype(np.int64)


def distinct_choices(rng: np.random.Generator, n_rows: int, n_options: int, k: int) -> np.ndarray:
    """For each row, k distinct option indices in random order (an n_rows x k array)."""
    return np.argsort(rng.random((n_rows, n_options)), axis=1)[:, :k]


def format_number(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round and write as the raw data does: shortest form, no trailing zeros, never '-0'."""
    rounded = np.round(np.asarray(values, dtype=float), decimals) + 0.0  # + 0.0 turns -0.0 to 0.0
    if decimals == 0:
        return rounded.astype(np.int64).astype(str)
    return rounded.astype(str)


def format_months(months: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Month indices as YYYY-MM text; '' where `present` is False."""
    months = np.asarray(months, dtype=np.int64)
    if len(months) == 0:
        return np.array([], dtype=str)
    # Format each distinct month once (a study spans ~100 months; a cohort has ~40,000 dates).
    low, high = int(months.min()), int(months.max())
    labels = np.array([month_text(m) for m in range(low, high + 1)])
    text = labels[months - low]
    if present is None:
        return text
    return np.where(present, text, "")


def booleans(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false")


def decimals_in(texts: pd.Series) -> int:
    """Most digits after the decimal point among numbers written as text."""
    return int(texts.str.partition(".")[2].str.len().max()) if len(texts) else 0
