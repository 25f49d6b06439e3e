"""Which validated tables each stage of the workflow reads.

The Snakefile imports this module to wire each job to exactly the files it depends on, so editing
one raw file reruns only the jobs that read it. Kept free of heavy imports: the Snakefile loads it
on every run, including no-op runs.
"""

from __future__ import annotations

# Output table -> validated tables it is built from. protocol.csv gives the follow-up time that
# the captions of Table II and III state, publication.csv the study drug they name, and
# treatments.csv who received it (a patient who did not has no first course to date the values by).
TABLES: dict[str, tuple[str, ...]] = {
    "table1": ("patients", "treatments", "calcinosis_sites"),
    "table2": ("patients", "treatments", "analytes", "labs", "protocol", "publication"),
    "table3": (
        "patients",
        "treatments",
        "bone_density",
        "bmd_categories",
        "protocol",
        "publication",
    ),
}

# Figure -> validated tables it is drawn from. publication.csv gives the study period and time of
# writing the timeline spans and the study drug the captions name; protocol.csv the follow-up time
# the before/after captions state, and treatments.csv who received the drug they date it by.
FIGURES: dict[str, tuple[str, ...]] = {
    "timeline": ("patients", "treatments", "adverse_events", "publication"),
    # The calcinosis response: onset, the study drug's courses, the outcome and the follow-up.
    "calcinosis": ("patients", "treatments", "publication"),
    "labs": ("patients", "treatments", "analytes", "labs", "protocol", "publication"),
    "bone_density": (
        "patients",
        "treatments",
        "bone_density",
        "bmd_categories",
        "protocol",
        "publication",
    ),
}

# Validated tables the reproduction audit reads (data/claims.csv is checked against them).
AUDIT: tuple[str, ...] = (
    "patients",
    "treatments",
    "bone_density",
    "bmd_categories",
    "adverse_events",
    "protocol",
    "analytes",
    "labs",
    "publication",
)

FIGURE_FORMATS = ("svg", "png")
