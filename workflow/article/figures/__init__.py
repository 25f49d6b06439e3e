"""This article's figures, and what it adds to the package's timeline.

    calcinosis    each patient's calcinosis over calendar time: onset, the study drug's courses,
                  the outcome and the follow-up after the drug stopped (calcinosis.py)
    bone_density  BMD and z-score before and after the study drug, over the z-score category
                  bands of bmd_categories.csv (bone_density.py)

casereport.figures.build looks up BUILDERS for the figures the package has no builder of; its
timeline (casereport.figures.timeline) marks calcinosis onset in a lane of its own
(TIMELINE_MARKS, onset.py) and reads the study-drug course of an adverse event from this
article's column (TIMELINE_EVENT_COURSE).
"""

from __future__ import annotations

from .bone_density import bone_density
from .calcinosis import calcinosis_response
from .onset import CALCINOSIS_ONSET

BUILDERS = {
    "calcinosis": calcinosis_response,
    "bone_density": bone_density,
}

TIMELINE_MARKS = {"calcinosis_onset": CALCINOSIS_ONSET}

TIMELINE_EVENT_COURSE = "pamidronate_course"
