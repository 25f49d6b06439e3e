"""Which validated tables each stage of the workflow reads.

The Snakefile imports this module to wire each job to exactly the files it depends on, so editing
one raw file reruns only the jobs that read it. Kept free of heavy imports: the Snakefile loads it
on every run, including no-op runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Filled by the project's extension (casereport.project_extension, config key `extension`): which
# tables and figures the report has, in its order, and which validated tables each is built from.
# The package builds the general ones; the project's extension builds the rest.
TABLES: dict[str, tuple[str, ...]] = {}
FIGURES: dict[str, tuple[str, ...]] = {}
# Validated tables the reproduction audit reads (its claims are checked against them).
AUDIT: list[str] = []


def declare(
    tables: Mapping[str, Sequence[str]] | None = None,
    figures: Mapping[str, Sequence[str]] | None = None,
    audit: Sequence[str] | None = None,
) -> None:
    """Add a project's tables, figures and audit tables (in place: modules that imported these
    names see them)."""
    TABLES.update({name: tuple(reads) for name, reads in (tables or {}).items()})
    FIGURES.update({name: tuple(reads) for name, reads in (figures or {}).items()})
    AUDIT.extend(name for name in (audit or ()) if name not in AUDIT)


FIGURE_FORMATS = ("svg", "png")
