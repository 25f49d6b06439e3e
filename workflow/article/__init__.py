"""This article's extension of the casereport core (Marco Puche et al., 2010).

config/config.yaml names this folder (`extension`); casereport.project_extension imports it as the
package `casereport_project`. This file declares the report's tables and figures, in the report's
order, each with the validated tables it is built from (so that editing one raw file reruns only
what reads it), and the tables the reproduction audit reads. The builders the package does not
have live in this folder's modules (see casereport.project_extension). Kept free of imports: the
Snakefile imports it on every run, no-op runs included.
"""

# Output table -> validated tables it is built from. protocol.csv gives the follow-up time that
# the captions of Table II and III state, publication.csv the study drug they name, and
# treatments.csv who received it (a patient who did not has no first course to date the values by).
TABLES = {
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
FIGURES = {
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
AUDIT = (
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
