"""A project's additions to the template context, loaded by path.

The package's context (render.context) holds what every case report's templates read. What only
one project's templates read comes from a Python file of the project, named by its config key
`report_context` (workflow/article/report_context.py here), that defines

    def report_context(dataset, patients, rows, large_series) -> dict

and may define

    def report_patients(dataset, rows, patients) -> list

`patients` are the package's Patient view models (render.patients), `rows` the validated tables'
rows with their cell ids (render.rows.TableRows). `report_patients` returns the project's view of
each patient, in the same order: an instance of a subclass of the package's Patient, with what
only the project's templates read about a patient. The report then uses these everywhere (every
key of the context that holds patients, and `report_context`'s `patients`). The keys
`report_context` returns are added to the context; a key the package's context already has is an
error, so that a project cannot silently replace what the package's templates rely on.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casereport.project_code import load_project_file
from casereport.render.patients import Patient

ReportContext = Callable[..., dict[str, Any]]
ReportPatients = Callable[..., Sequence[Any]]


class ReportContextError(Exception):
    """The file config `report_context` names is missing, broken, or defines no report_context."""


@dataclass(frozen=True)
class ProjectContext:
    """The functions of a project's report-context file."""

    report_context: ReportContext
    report_patients: ReportPatients | None = None


def load_report_context(path: str | os.PathLike) -> ReportContext:
    """The `report_context` function of the project's file at `path`."""
    return load_project_context(path).report_context


def load_project_context(path: str | os.PathLike) -> ProjectContext:
    """The functions of the project's file at `path`: `report_context`, and `report_patients`
    when it defines one."""
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
    patients = getattr(module, "report_patients", None)
    if patients is not None and not callable(patients):
        raise ReportContextError(f"{shown}: `report_patients` is not a function (report_context)")
    return ProjectContext(function, patients)


def project_patients(patients: list[Any], views: Sequence[Any], shown: str) -> list[Any]:
    """The project's views of the patients (`report_patients`), checked: one per patient, in the
    same order, each a Patient of the package (whose templates read them too)."""
    views = list(views)
    if not all(isinstance(v, Patient) for v in views) or [v.id for v in views] != [
        p.id for p in patients
    ]:
        raise ReportContextError(
            f"{shown}: report_patients must return one Patient (casereport.render.patients) per"
            " patient, in the order it is given them"
        )
    return views


def extended(context: dict[str, Any], additions: dict[str, Any], shown: str) -> dict[str, Any]:
    """The package's context with the project's additions; refuses to replace a key."""
    clashing = sorted(set(context) & set(additions))
    if clashing:
        raise ReportContextError(
            f"{shown}: report_context returns keys the package's context already has: "
            + ", ".join(clashing)
        )
    return {**context, **additions}
