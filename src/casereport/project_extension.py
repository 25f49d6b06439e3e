"""A project's extension of the core: its own Python package, kept in the project.

What only one report needs (this repository: the article's Tables I and III, its calcinosis and
bone-density figures, its audit checks and the numbers only they compute) is not in the casereport
package but in a package of the project, in a folder that config key `extension` names
(workflow/article here). It is imported as the package `casereport_project`, so its modules import
each other relatively (`from .bmd import bmd_category`), and the project's other files that
live in that folder (config keys `validation_rules`, `report_context`) can import them too.

Its `__init__.py` declares, and must stay cheap to import (the Snakefile imports it on every run,
no-op runs included):

    TABLES   report table name -> the validated tables it is built from, in the report's order
    FIGURES  figure name -> the validated tables it is drawn from, in the report's order
    AUDIT    the validated tables the reproduction audit reads

and the builders live in its modules, imported only by the jobs that need them:

    tables        BUILDERS (name -> builder(dataset, first_patients) -> TableModel) and
                  SUMMARY_BUILDERS (name -> builder(dataset) -> (TableModel, Numbers)) for the
                  tables the package has no builder of
    figures       BUILDERS (name -> builder(dataset, max_individual_lines) -> (Drawing,
                  FigureModel)); for the package's timeline, TIMELINE_MARKS (name ->
                  casereport.figures.PatientMarks: per-patient events in lanes of their own) and
                  TIMELINE_EVENT_COURSE (the adverse_events column of the study-drug course)
    audit_checks  registers its checks with casereport.audit.registry's `@check` when imported
    numbers       COMPUTED_GROUPS: the ledger Numbers only this project computes, as groups
                  (the name of the package's group it follows, or None for the end; the tables
                  it needs; group(dataset) -> Numbers): casereport.derived_numbers
    synthetic     main(argv, prog) -> exit code: writes a synthetic data directory shaped like
                  the project's data, with its own arguments (`casereport cohort` runs it;
                  casereport.synthetic has the general helpers)

Every part is optional. `activate` is called once per interpreter: by the Snakefile, by each job's
script, and by the test suite's conftest.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType
from typing import Any

from casereport import stages
from casereport.project_code import load_project_file

MODULE = "casereport_project"

# Declarations the package's __init__ may make, and the registry of casereport.stages each fills.
DECLARATIONS = ("TABLES", "FIGURES", "AUDIT")


class ProjectExtensionError(Exception):
    """The folder config `extension` names is missing, broken, or declares something unusable."""


_active: dict[str, Any] = {"module": None, "directory": None, "shown": None}


def activate(directory: str | os.PathLike | None) -> ModuleType | None:
    """Import the project's extension package from `directory` and add its declarations to
    casereport.stages. None (no extension configured) activates nothing. Activating the same
    folder again returns the package; another folder in the same interpreter is an error."""
    if not directory:
        return None
    folder = Path(directory)
    shown = folder.as_posix()
    init = folder / "__init__.py"
    if not init.is_file():
        raise ProjectExtensionError(
            f"{shown}: the extension the config names is not a folder with an __init__.py"
            " (extension)"
        )
    if _active["module"] is not None:
        if _active["directory"] == folder.resolve():
            return _active["module"]
        raise ProjectExtensionError(
            f"{shown}: another extension ({_active['directory']}) is already active (extension)"
        )
    module = load_project_file(
        init, MODULE, shown, "the extension", "extension", ProjectExtensionError, folder
    )
    stages.declare(**_declarations(module, shown))
    _active.update(module=module, directory=folder.resolve(), shown=shown)
    return module


def _declarations(module: ModuleType, shown: str) -> dict[str, Any]:
    declared = {}
    for name in DECLARATIONS:
        value = getattr(module, name, None)
        if value is None:
            continue
        if name == "AUDIT":
            valid = isinstance(value, (list, tuple)) and all(isinstance(t, str) for t in value)
        else:
            valid = isinstance(value, dict) and all(
                isinstance(key, str)
                and isinstance(tables, (list, tuple))
                and all(isinstance(t, str) for t in tables)
                for key, tables in value.items()
            )
        if not valid:
            raise ProjectExtensionError(
                f"{shown}: {name} must map names to lists of table names (extension)"
            )
        declared[name.lower()] = value
    return declared


def active() -> ModuleType | None:
    """The active extension package, if any."""
    return _active["module"]


def part(name: str) -> ModuleType | None:
    """The extension's module `name` (tables, figures, audit_checks, numbers, synthetic),
    imported on first use; None without an extension or when it has no such module."""
    directory = _active["directory"]
    if directory is None:
        return None
    if (directory / f"{name}.py").is_file():
        shown = f"{_active['shown']}/{name}.py"
    elif (directory / name / "__init__.py").is_file():
        shown = f"{_active['shown']}/{name}/__init__.py"
    else:
        return None
    try:
        return importlib.import_module(f"{MODULE}.{name}")
    except Exception as failure:  # the project's code: say which file failed, and how
        raise ProjectExtensionError(
            f"{shown}: the extension's module {name} cannot be loaded:"
            f" {type(failure).__name__}: {failure}"
        ) from None


def registered(name: str, attribute: str) -> dict[str, Any]:
    """The mapping `attribute` of the extension's module `name` (e.g. tables.BUILDERS); empty
    without one."""
    module = part(name)
    return dict(getattr(module, attribute, {}) or {}) if module is not None else {}
