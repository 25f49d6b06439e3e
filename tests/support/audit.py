"""Audits of raw data copies, and reading the audit's results and raw cells."""

from __future__ import annotations

import calendar
import csv
import shutil
from pathlib import Path

import pandas as pd

from casereport import audit
from casereport.dataset import load_dataset
from support.project import DATAPACKAGE, RAW, ROOT, make_validated_dir

CLAIMS = ROOT / "data" / "claims.csv"


def load(validated_dir: Path, datapackage: Path = DATAPACKAGE):
    return load_dataset(validated_dir, datapackage, list(audit.AUDIT_TABLES))


def audit_of(raw_dir: Path, tmp_path: Path, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Audit a raw data directory as the workflow would: validated copies, then the claims."""
    validated = make_validated_dir(raw_dir, tmp_path / f"validated-{raw_dir.name}")
    dataset = load(validated, raw_dir / "datapackage.yaml")
    return audit.run_audit(dataset, audit.read_claims(CLAIMS) if claims is None else claims)


def row_of(results: pd.DataFrame, claim_id: str) -> pd.Series:
    rows = results[results["claim_id"] == claim_id]
    assert len(rows) == 1, claim_id
    return rows.iloc[0]


def claim_row(claim_id: str) -> pd.Series:
    claims = audit.read_claims(CLAIMS)
    return claims[claims["claim_id"] == claim_id].iloc[0]


def source_cells(result: pd.Series) -> list[tuple[str, int, str]]:
    return [audit.split_cell(s) for s in result["sources"].split(audit.SOURCES_SEPARATOR) if s]


def raw_value(path: str, line: int, column: str) -> str:
    """The text of one raw cell, read straight from the raw CSV."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[line - 1][rows[0].index(column)]


def month_words(yyyy_mm: str) -> str:
    year, month = yyyy_mm.split("-")[:2]
    return f"{calendar.month_name[int(month)]} {year}"


def months_between(earlier: str, later: str) -> int:
    return audit.month_index(later) - audit.month_index(earlier)


def copy_raw(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RAW, tmp_path / "raw"))


def edit_cell(path: Path, line: int, column: str, value: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def append_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def raw_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]
