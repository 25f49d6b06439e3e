"""The workflow's paths (config/config.yaml) stay inside the project and out of each other's way.

Checked by the Snakefile at start-up, before anything reads or writes a path: a problem stops the
run with one line naming the key (`config error: key 'results_dir': ...`). The JSON schema
(workflow/schemas/config.schema.yaml) checks each value alone; these checks need the values
together and the file system:

* every path is relative, inside the project (the folder Snakemake runs in) and not the project
  itself, also after following symbolic links: `data_dir=../../etc` or `results_dir=/tmp` is
  refused;
* the folders are distinct and not inside one another (`results_dir=data/raw` would publish
  into the hand-curated data; `report_dir=results` would mix the report into the results), with
  one exception: `benchmarks_dir` may lie inside `logs_dir` (both hold records of a run);
* committed input files (`claims`, `care_checklist`, `numbers_lock`, `privacy_allowlist`,
  `validation_rules`) are not inside a folder the workflow fills with its own files
  (`results_dir`, `logs_dir`, `benchmarks_dir`) nor inside `data_dir`, which holds the raw tables
  only;
* `data_dir` is an existing folder; each output folder, where it exists, is a writable folder.

Stdlib only: the Snakefile imports it on every run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

INPUT_FOLDER = "data_dir"
OUTPUT_FOLDERS = ("results_dir", "report_dir", "logs_dir", "benchmarks_dir")
INPUT_FILES = (
    "claims",
    "care_checklist",
    "numbers_lock",
    "privacy_allowlist",
    "validation_rules",
    "report_context",
    "extension",
)
OUTPUT_FILES = ("rulegraph",)
# Folders that may nest: (inner, outer).
ALLOWED_NESTING = {("benchmarks_dir", "logs_dir")}
# Folders only the workflow writes to: no committed input file may live there.
GENERATED_FOLDERS = ("results_dir", "logs_dir", "benchmarks_dir")


def config_problems(
    config: Mapping,
    project: Path | str,
    writable: Callable[[Path], bool] | None = None,
) -> list[str]:
    """One line per problem, each naming its key; empty when the paths are fine."""
    project = Path(project).resolve()
    writable = writable or _writable
    folders = (INPUT_FOLDER, *OUTPUT_FOLDERS)
    files = (*INPUT_FILES, *OUTPUT_FILES)
    resolved: dict[str, Path] = {}
    problems = []
    for key in (*folders, *files):
        value = config.get(key)
        if not isinstance(value, str) or not value:
            continue  # the schema reports it
        problem = _outside_project(value, project)
        if problem:
            problems.append(f"key {key!r}: {value!r} {problem}")
        else:
            resolved[key] = (project / value).resolve()
    datapackage = config.get("datapackage")
    if isinstance(datapackage, str) and (
        Path(datapackage).is_absolute() or ".." in Path(datapackage).parts or "/" in datapackage
    ):
        problems.append(f"key 'datapackage': {datapackage!r} must be a file name inside data_dir")

    present = [key for key in folders if key in resolved]
    for number, key in enumerate(present):
        for other in present[number + 1 :]:
            inner, outer = _nesting(key, other, resolved)
            if inner is None or (inner, outer) in ALLOWED_NESTING:
                continue
            if resolved[inner] == resolved[outer]:
                problems.append(
                    f"keys {key!r} and {other!r}: both are the folder {config[key]!r}; each "
                    "folder of the workflow must be its own"
                )
            else:
                problems.append(
                    f"key {inner!r}: {config[inner]!r} is inside {outer} ({config[outer]!r}); "
                    "each folder of the workflow must be its own"
                )
    for key in files:
        if key not in resolved:
            continue
        homes = GENERATED_FOLDERS if key in INPUT_FILES else ()
        for folder in (INPUT_FOLDER, *homes):
            if folder in resolved and resolved[key].is_relative_to(resolved[folder]):
                problems.append(
                    f"key {key!r}: {config[key]!r} is inside {folder} ({config[folder]!r}), "
                    f"which holds {_holds(folder)}"
                )

    if INPUT_FOLDER in resolved and not resolved[INPUT_FOLDER].is_dir():
        problems.append(f"key 'data_dir': {config[INPUT_FOLDER]!r} is not an existing folder")
    for key in OUTPUT_FOLDERS:
        if key in resolved:
            problem = _unwritable(resolved[key], writable)
            if problem:
                problems.append(f"key {key!r}: {config[key]!r} {problem}")
    return problems


def _outside_project(value: str, project: Path) -> str | None:
    if Path(value).is_absolute() or value.startswith("~"):
        return "must be a path relative to the project folder"
    path = (project / value).resolve()  # follows symbolic links, so a link out is caught too
    if not path.is_relative_to(project):
        return f"is outside the project folder ({project})"
    if path == project:
        return "is the project folder itself; name a folder inside it"
    return None


def _nesting(key: str, other: str, resolved: Mapping[str, Path]) -> tuple[str | None, str | None]:
    """(inner, outer) when one of the two folders is inside (or is) the other."""
    if resolved[key].is_relative_to(resolved[other]):
        return key, other
    if resolved[other].is_relative_to(resolved[key]):
        return other, key
    return None, None


def _holds(folder: str) -> str:
    if folder == INPUT_FOLDER:
        return "the raw tables only"
    return "files the workflow writes"


def _unwritable(path: Path, writable: Callable[[Path], bool]) -> str | None:
    """Why the workflow could not write into `path`, checking the part of it that exists."""
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"cannot be created: {existing} is a file, not a folder"
    if not writable(existing):
        if existing == path:
            return "is a read-only folder; make it writable or choose another folder"
        return f"cannot be created: {existing} is read-only"
    for child in sorted(path.iterdir()) if existing == path else []:
        if child.is_dir() and not child.is_symlink() and not writable(child):
            return f"has a read-only folder {child.name}; make it writable"
    return None


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)
