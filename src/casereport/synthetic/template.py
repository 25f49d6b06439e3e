"""Reading a template data directory (a data package and its CSVs, as text) that a synthetic
cohort borrows its format, vocabularies and reference tables from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

DATAPACKAGE = "datapackage.yaml"


# --- Reading the template -------------------------------------------------------------------


def read_raw_table(path: Path) -> pd.DataFrame:
    """A raw CSV as text: every cell a string, empty cells as ''. Keeps the text exactly."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write text columns in the raw data's dialect: UTF-8, LF, header, minimal quoting."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


@dataclass(frozen=True)
class Template:
    directory: Path
    datapackage: dict
    tables: dict[str, pd.DataFrame]  # resource name -> raw text

    def resource(self, name: str) -> dict:
        return next(r for r in self.datapackage["resources"] if r["name"] == name)

    def enum(self, resource: str, field: str) -> list[str]:
        fields = {f["name"]: f for f in self.resource(resource)["schema"]["fields"]}
        return list(fields[field]["constraints"]["enum"])


def read_template(template_dir: Path | str) -> Template:
    directory = Path(template_dir)
    with open(directory / DATAPACKAGE, encoding="utf-8") as handle:
        # The C loader when PyYAML has it: the pure-Python one takes a quarter of a second here.
        package = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tables = {r["name"]: read_raw_table(directory / r["path"]) for r in package["resources"]}
    return Template(directory, package, tables)


def lookup(table: pd.DataFrame, key_column: str, key: str, column: str = "value") -> str:
    """One cell of a reference table, by its key; fails loudly when the key is missing."""
    match = table.loc[table[key_column] == key, column]
    if match.empty:
        raise KeyError(f"no row with {key_column} = {key!r} in the template")
    return match.iloc[0]


def month_index(yearmonth: str) -> int:
    year, month = yearmonth.split("-")
    return int(year) * 12 + int(month) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
