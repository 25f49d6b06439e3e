"""Which raw files each validation job reads, for the Snakefile (workflow/rules/common.smk).

A job validating table T reads T's raw file and also the raw files its checks look into: the
tables T's foreign keys refer to (datapackage.yaml) and the tables its cross-field rules declare
they read (`reads=` of each rule: the general ones in rules.py, and the project's own in the file
its config key `validation_rules` names). Declaring them as job inputs makes Snakemake
revalidate labs.csv when analytes.csv changes, and nothing else.

The Snakefile imports this module on every run, including no-op runs, so it stays cheap: stdlib,
yaml and the rules registry (which imports no pandas; tests/test_validation_deps.py checks it).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml

from casereport.validation.rules import rule_set, rules_for

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when libyaml is there


class DatapackageError(Exception):
    """datapackage.yaml is missing, is not YAML, or does not describe resources."""


def read_datapackage(path: Path | str) -> dict:
    """The data package descriptor (cached while the file is unchanged; do not modify it)."""
    try:
        stat = os.stat(path)
    except OSError as error:
        raise DatapackageError(
            f"{Path(path).as_posix()}: cannot be read ({error.strerror})"
        ) from None
    return _read_datapackage(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_datapackage(path: str, mtime_ns: int, size: int) -> dict:
    where = Path(path).as_posix()
    try:
        with open(path, encoding="utf-8") as handle:
            package = yaml.load(handle, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DatapackageError(f"{where}: cannot be read as YAML ({error})") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise DatapackageError(f"{where}: has no list of resources")
    for number, resource in enumerate(resources, start=1):
        if not isinstance(resource, dict) or not all(
            isinstance(resource.get(key), str) for key in ("name", "path")
        ):
            raise DatapackageError(f"{where}: resource {number} needs a name and a path")
        if problem := _outside_folder(resource["path"]):
            raise DatapackageError(
                f"{where}: resource {resource['name']!r} has path {resource['path']!r}, {problem}"
            )
        if not isinstance(resource.get("schema"), dict):
            raise DatapackageError(f"{where}: resource {resource['name']!r} has no schema")
    return package


def _outside_folder(path: str) -> str | None:
    """Why a resource's path does not name a file inside the data package's folder."""
    if Path(path).is_absolute() or path.startswith("~") or "\\" in path or ":" in path:
        return "but a path must be relative to the data dictionary's folder"
    if ".." in Path(path).parts:
        return "but a path must stay inside the data dictionary's folder (no '..')"
    return None


def resources_by_name(package: dict) -> dict[str, dict]:
    return {resource["name"]: resource for resource in package["resources"]}


def raw_tables(datapackage_path: Path | str) -> dict[str, str]:
    """Resource name -> raw CSV path: the datapackage's folder joined with the resource's path.

    Posix strings, relative when `datapackage_path` is (data/raw/datapackage.yaml gives
    data/raw/labs.csv), so that findings name files as the user knows them.
    """
    folder = Path(datapackage_path).parent
    package = read_datapackage(datapackage_path)
    return {r["name"]: (folder / r["path"]).as_posix() for r in package["resources"]}


def dependencies(package: dict, table: str, extension: str | None = None) -> list[str]:
    """The other tables whose content the checks of `table` read, in datapackage order
    (`extension`: the project's own rules file, see rules.rule_set)."""
    resources = resources_by_name(package)
    if table not in resources:
        raise DatapackageError(f"the data package has no resource named {table!r}")
    resource = resources[table]
    needed = set()
    for foreign_key in resource["schema"].get("foreignKeys", []):
        needed.add(foreign_key.get("reference", {}).get("resource") or table)  # "" = itself
    for rule in rules_for(resource, resources, rule_set(extension)):
        needed.update(rule.reads)
    needed.discard(table)
    unknown = needed - set(resources)
    if unknown:
        raise DatapackageError(
            f"the checks of {table!r} read {sorted(unknown)}, which the data package does not have"
        )
    return [name for name in resources if name in needed]


def validation_dependencies(
    datapackage_path: Path | str, table: str, extension: str | None = None
) -> list[str]:
    """The other raw tables a validation job for `table` reads (for the job's inputs)."""
    return dependencies(read_datapackage(datapackage_path), table, extension)
