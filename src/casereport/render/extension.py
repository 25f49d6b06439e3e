"""A project's additions to the template context, loaded by path.

The package's context (render.context) holds what every case report's templates read. What only
one project's templates read (for this repository, the article's study drug, bone density,
calcinosis outcomes and the notes under its Tables I and II) comes from a Python file of the
project, named by its config key `report_context` (workflow/article/report_context.py here), that
defines

    def report_context(dataset, patients, rows, large_series) -> dict

`patients` are the package's Patient view models (render.patients), `rows` the validated tables'
rows with their cell ids (render.rows.TableRows). The returned keys are added to the context;
a key the package's context already has is an error, so that a project cannot silently replace
what the package's templates rely on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casereport.project_code import load_project_file

ReportContext = Callable[..., dict[str, Any]]


class ReportContextError(Exception):
    """The file config `report_context` names is missing, broken, or defines no report_context."""


def load_report_context(path: str | os.PathLike) -> ReportContext:
    """The `report_context` function of the project's file at `path`."""
    shown = Path(path).as_posix()
    if not Path(path).is_file():
        raise ReportContextError(
            f"{shown}: the report context the config names (report_context) is not a file"
        )
    digest = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:16]
    module = load_project_file(
        path,
        f"casereport_project_report_context_{digest}",
        shown,
        "the report context",
        "report_context",
        ReportContextError,
    )
    function = getattr(module, "report_context", None)
    if not callable(function):
        raise ReportContextError(f"{shown}: defines no function `report_context` (report_context)")
    return function


def extended(context: dict[str, Any], additions: dict[str, Any], shown: str) -> dict[str, Any]:
    """The package's context with the project's additions; refuses to replace a key."""
    clashing = sorted(set(context) & set(additions))
    if clashing:
        raise ReportContextError(
            f"{shown}: report_context returns keys the package's context already has: "
            + ", ".join(clashing)
        )
    return {**context, **additions}
