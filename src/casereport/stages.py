"""Which validated tables each stage of the workflow reads.

The Snakefile imports this module to wire each job to exactly the files it depends on, so editing one
raw file reruns only the jobs that read it. Kept free of heavy imports: the Snakefile loads it on
every run, including no-op runs.
"""

from __future__ import annotations

# Output table -> validated tables it is built from.
TABLES: dict[str, tuple[str, ...]] = {
    "table1": ("patients", "treatments", "calcinosis_sites"),
    "table2": ("patients", "analytes", "labs"),
    "table3": ("patients", "bone_density", "bmd_categories"),
}

# Figure -> validated tables it is drawn from.
FIGURES: dict[str, tuple[str, ...]] = {
    "timeline": ("patients", "treatments", "adverse_events"),
    "labs": ("patients", "analytes", "labs"),
    "bone_density": ("patients", "bone_density", "bmd_categories"),
}

FIGURE_FORMATS = ("svg", "png")
