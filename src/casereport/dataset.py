"""Load the validated tables with the types the data dictionary declares.

Validation (casereport.validation) writes one copy of each raw file under results/validated/, with
one column added: `source_line`, the line of the raw file the row was read from (header = line 1).
Everything downstream reads those copies through `load_dataset`, so it never sees unvalidated data
and can always say which raw line a value came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from casereport.spreadsheet import restore_frame

SOURCE_LINE = "source_line"

# Frictionless field type -> pandas dtype. Dates stay ISO text: they are compared as text and
# formatted for display, never used for arithmetic on timestamps.
_DTYPES = {
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "string": "string",
    "date": "string",
    "yearmonth": "string",
}


@dataclass(frozen=True)
class Table:
    name: str
    source_file: str  # the raw file, as a path relative to the project (e.g. data/raw/labs.csv)
    frame: pd.DataFrame  # typed columns plus SOURCE_LINE
    fields: dict[str, dict]  # field name -> Table Schema field descriptor
    # The whole Table Schema (primaryKey, foreignKeys, fields), so that readers need not parse the
    # data dictionary again; None when a Table is built by hand (casereport.catalog then reads it
    # from the data dictionary beside the raw file).
    schema: dict | None = None


@dataclass(frozen=True)
class Dataset:
    tables: dict[str, Table]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].frame

    def source_file(self, name: str) -> str:
        return self.tables[name].source_file


# --- rows as dicts: the one way the package reads a table row by row ----------------------------


def is_missing(value) -> bool:
    """An empty cell: None (as `rows` gives it), pandas' NA or NaN."""
    return value is None or (not isinstance(value, str) and pd.isna(value))


def column_values(frame: pd.DataFrame, column: str) -> list:
    """A column as Python values (int, float, bool, str), missing cells as None.

    One conversion of the whole column: reading cell by cell (`DataFrame.to_dict`, `pd.isna` on
    each value) costs seconds on the 100,000 rows of a large series.
    """
    values = frame[column].to_numpy(dtype=object, copy=True)  # a copy: never write into the frame
    values[pd.isna(values)] = None  # pd.NA and NaN alike, as is_missing() sees them
    return values.tolist()


def rows(frame: pd.DataFrame) -> list[dict]:
    """The rows as dicts in file order, missing cells as None (pandas' NA is awkward to test
    for)."""
    names = list(frame.columns)
    columns = [column_values(frame, name) for name in names]
    return [dict(zip(names, record, strict=True)) for record in zip(*columns, strict=True)]


def by_patient(table_rows: Iterable[dict]) -> dict[int, list[dict]]:
    """Rows grouped by patient_id, each group in the given order; rows without a patient_id are
    left out (as a comparison with a patient_id leaves them out)."""
    groups: dict[int, list[dict]] = {}
    for row in table_rows:
        if not is_missing(row["patient_id"]):
            groups.setdefault(int(row["patient_id"]), []).append(row)
    return groups


# --- the Table Schema of a table ----------------------------------------------------------------


def table_schema(table: Table) -> dict:
    """The table's Table Schema (primaryKey, foreignKeys, fields).

    load_dataset gives it as `table.schema`; a Table built without one reads it from the data
    dictionary beside the raw file, the one resource whose path is that file.
    """
    schema = getattr(table, "schema", None)
    if schema is not None:
        return schema
    return _schema_beside(table.name, table.source_file)


@cache
def _schema_beside(name: str, source_file: str) -> dict:
    raw_file = Path(source_file)
    for candidate in sorted(raw_file.parent.glob("*.y*ml")):
        for resource in read_datapackage(candidate).get("resources", []):
            if resource.get("name") == name and Path(resource["path"]).name == raw_file.name:
                return resource["schema"]
    raise LookupError(f"no data dictionary beside {raw_file} describes table {name!r}")


def primary_key(table: Table) -> tuple[str, ...]:
    key = table_schema(table).get("primaryKey", ())
    return (key,) if isinstance(key, str) else tuple(key)


def foreign_key_columns(table: Table) -> set[str]:
    """Columns that point at another table's key (a self-reference is a fact about this table)."""
    columns: set[str] = set()
    for foreign_key in table_schema(table).get("foreignKeys", []):
        if foreign_key["reference"].get("resource", "") not in ("", table.name):
            fields = foreign_key["fields"]
            columns.update([fields] if isinstance(fields, str) else fields)
    return columns


def enum_values(table: Table, column: str) -> list[str]:
    """The values the data dictionary allows in a column, in its order ([] when it names none)."""
    return list(table.fields[column].get("constraints", {}).get("enum", []))


# libyaml's parser when PyYAML was built with it: the same safe loading, several times faster
# than the pure-Python parser on the data dictionary, which every job reads.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_datapackage(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_SAFE_LOADER)


def resource_fields(resource: dict) -> dict[str, dict]:
    return {f["name"]: f for f in resource["schema"]["fields"]}


def _parse_boolean(series: pd.Series) -> pd.Series:
    """'true'/'false' in any case and padding -> True/False; anything else, or empty -> NA.
    Whole-column string operations: a Python call per cell took a large series' load time."""
    words = series.astype("string").str.strip().str.lower()
    parsed = pd.Series(pd.NA, index=series.index, dtype="boolean")
    parsed[words.eq("true").fillna(False).to_numpy(dtype=bool)] = True
    parsed[words.eq("false").fillna(False).to_numpy(dtype=bool)] = False
    return parsed


def type_frame(raw: pd.DataFrame, fields: dict[str, dict]) -> pd.DataFrame:
    """Convert text columns read with dtype=str to the dictionary's types."""
    typed = raw.copy()
    for name, field in fields.items():
        if name not in typed:
            continue
        kind = field.get("type", "string")
        if kind == "boolean":
            typed[name] = _parse_boolean(typed[name]).astype("boolean")
        elif kind in ("integer", "number"):
            typed[name] = pd.to_numeric(typed[name]).astype(_DTYPES[kind])
        else:
            typed[name] = typed[name].astype("string")
    if SOURCE_LINE in typed:
        typed[SOURCE_LINE] = pd.to_numeric(typed[SOURCE_LINE]).astype("Int64")
    return typed


def load_dataset(
    validated_dir: Path | str,
    datapackage: Path | str,
    names: list[str] | None = None,
) -> Dataset:
    """Read validated tables (all, or only `names`) with the types of the data dictionary.

    `datapackage` is the raw data's datapackage.yaml; each table's `source_file` is the raw file it
    describes, as the path given (relative to the project when the workflow passes a relative path).
    """
    validated_dir = Path(validated_dir)
    datapackage = Path(datapackage)
    package = read_datapackage(datapackage)
    tables = {}
    for resource in package["resources"]:
        name = resource["name"]
        if names is not None and name not in names:
            continue
        fields = resource_fields(resource)
        raw = pd.read_csv(
            validated_dir / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""]
        )
        restore_frame(raw)  # the raw cells, without the spreadsheet guard of the validated copy
        source_file = (datapackage.parent / resource["path"]).as_posix()
        typed = type_frame(raw, fields)
        tables[name] = Table(name, source_file, typed, fields, schema=resource["schema"])
    missing = set(names or []) - set(tables)
    if missing:
        raise KeyError(f"no resource named {sorted(missing)} in {datapackage}")
    return Dataset(tables)
