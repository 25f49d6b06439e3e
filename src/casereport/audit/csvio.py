"""The audit table as CSV (spreadsheet-safe cells, read back as written)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from casereport.audit.registry import AUDIT_COLUMNS
from casereport.spreadsheet import SafeWriter, restore_frame


def write_audit_csv(results: pd.DataFrame, path: Path | str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = SafeWriter(handle)
        writer.writerow(AUDIT_COLUMNS)
        for _, row in results.iterrows():
            writer.writerow(["" if pd.isna(row[c]) else row[c] for c in AUDIT_COLUMNS])


def read_audit_csv(path: Path | str) -> pd.DataFrame:
    return restore_frame(pd.read_csv(path, dtype="string", keep_default_na=False))
