"""This article's own audit checks (data/claims.md, Checks): the calcinosis (its onset against the
drugs, its outcome) and the bone density (its rise, its categories). casereport.audit has the
checks any case report's claims use (counts, times between events, drugs, doses, courses, adverse
events, the article's identity); these read columns and tables only this article's dictionary has
(patients.calcinosis_*, bone_density.csv, bmd_categories.csv).

casereport.audit.registry.register_project_checks imports this package when claims.csv is parsed;
importing its modules registers their `@check` functions in casereport.audit.CHECKS.
"""

from __future__ import annotations

from .bone_density import (
    bmd_category,
    bmd_category_before_after,
    bmd_improved_all,
    bone_density_pair,
    interval_words,
)
from .calcinosis import (
    calcinosis_improved_all,
    calcinosis_onset_before,
    calcinosis_outcome,
    drugs_given_at_calcinosis_onset,
    onset_window,
    window_words,
)

__all__ = [
    "bmd_category",
    "bmd_category_before_after",
    "bmd_improved_all",
    "bone_density_pair",
    "calcinosis_improved_all",
    "calcinosis_onset_before",
    "calcinosis_outcome",
    "drugs_given_at_calcinosis_onset",
    "interval_words",
    "onset_window",
    "window_words",
]
