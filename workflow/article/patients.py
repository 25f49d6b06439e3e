"""This article's view of a patient: what its templates (workflow/report/templates) say about
each child besides what the package's `Patient` (casereport.render.patients) gives.

The study drug's rows and courses (publication.csv `study_drug`, patients.csv
`pamidronate_courses`), the calcinosis sites (calcinosis_sites.csv) and outcome (patients.csv
`calcinosis_outcome`), the bone density before and after the drug (bone_density.csv) with the
category of each z-score (bmd_categories.csv), and the adverse events grouped by the course they
followed. workflow/article/report_context.py gives the report these in place of the package's
patients (its `report_patients`).

Words for the values of the data (outcome, site, category, missing reason) come from the data
dictionary's `enumLabels` (casereport.words).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from casereport.dataset import Dataset
from casereport.dataset import rows as frame_rows
from casereport.render.patients import Patient, enum_of
from casereport.render.rows import Row
from casereport.words import study_drug, words_for

from .bmd import bmd_category


class ArticleRecords:
    """What every patient's article view reads once for the whole series: the timepoints of
    bone_density.csv, the category rows, the study drug and the fields whose words the text
    uses."""

    def __init__(self, dataset: Dataset):
        timepoints = enum_of(dataset, "bone_density", "timepoint")
        self.before, self.after = timepoints[0], timepoints[-1]
        self.study_drug = study_drug(dataset)
        self.outcome_field = dataset.tables["patients"].fields["calcinosis_outcome"]
        self.category_field = dataset.tables["bmd_categories"].fields["category"]
        self.site_field = dataset.tables["bone_density"].fields["site"]
        self.reason_field = dataset.tables["bone_density"].fields.get("missing_reason", {})
        # The category rows as dicts once, rather than the frame converted again for every z-score.
        self.categories = frame_rows(dataset["bmd_categories"])

    def category(self, measurement: Row | None) -> str:
        """The bone density category of a measurement's z-score."""
        if not measurement:
            return ""
        name = bmd_category(measurement["z_score"], self.categories)
        return words_for(self.category_field, name)


@dataclass(frozen=True)
class ArticlePatient(Patient):
    """The package's Patient, and what this article's text says about the patient."""

    article: ArticleRecords = field(repr=False, compare=False)

    @functools.cached_property
    def treatments(self) -> list[Row]:
        """Chronological."""
        return sorted(self.rows("treatments"), key=_treatment_order)

    @functools.cached_property
    def sites(self) -> list[Row]:
        return self.rows("calcinosis_sites")

    @functools.cached_property
    def bone_density(self) -> dict[str, Row]:
        """The patient's measurements by timepoint."""
        return {r["timepoint"]: r for r in self.rows("bone_density")}

    @property
    def bmd_before(self) -> Row | None:
        return self.bone_density.get(self.article.before)

    @property
    def bmd_after(self) -> Row | None:
        return self.bone_density.get(self.article.after)

    @property
    def category_before(self) -> str:
        return self.article.category(self.bmd_before)

    @property
    def category_after(self) -> str:
        return self.article.category(self.bmd_after)

    @functools.cached_property
    def adverse_event_groups(self) -> list[list[Row]]:
        """Events after the same course, managed alike."""
        return group_adverse_events(self.adverse_events)

    @property
    def pamidronate(self) -> list[Row]:
        """The patient's rows of the study drug (publication.csv `study_drug`)."""
        return [t for t in self.treatments if t["drug"] == self.article.study_drug]

    @property
    def received_study_drug(self) -> bool:
        return bool(self.pamidronate) or bool(self.row["pamidronate_courses"])

    @property
    def bmd_site_words(self) -> str:
        """The measured site in the dictionary's words ('lumbar spine')."""
        return words_for(self.article.site_field, self.bmd_before["site"])

    @property
    def has_bmd_pair(self) -> bool:
        """Measured before and after (a measurement recorded as missing does not count)."""
        return all(
            m is not None and m["bmd_g_cm2"] is not None and m["z_score"] is not None
            for m in (self.bmd_before, self.bmd_after)
        )

    @property
    def bmd_missing_reason(self) -> str:
        """Why the patient has no pair of measurements: the dictionary's words of the reason
        recorded, or 'not recorded' when a row is absent."""
        reasons = [
            words_for(self.article.reason_field, m["missing_reason"])
            for m in (self.bmd_before, self.bmd_after)
            if m is not None and m.has("missing_reason")
        ]
        if len(reasons) < 2 and None in (self.bmd_before, self.bmd_after):
            reasons.append("not recorded")
        return " and ".join(dict.fromkeys(reasons))

    @property
    def other_treatments(self) -> list[Row]:
        return [t for t in self.treatments if t["drug"] != self.article.study_drug]

    @property
    def sites_in_table(self) -> list[Row]:
        return [s for s in self.sites if s["listed_in_table_i"]]

    @property
    def sites_in_narrative(self) -> list[Row]:
        return [s for s in self.sites if not s["listed_in_table_i"]]

    @property
    def outcome_words(self) -> str:
        return words_for(self.article.outcome_field, self.row["calcinosis_outcome"], "state")

    @property
    def bmd_direction(self) -> str:
        before, after = self.bmd_before["bmd_g_cm2"], self.bmd_after["bmd_g_cm2"]
        return "rose" if after > before else "fell" if after < before else "stayed"


def _treatment_order(row: Row) -> tuple:
    """Chronological; drugs without a start month (named only in a narrative) come last."""
    return (row["start_month"] is None, row["start_month"] or "", row["treatment_id"])


def group_adverse_events(events: list[Row]) -> list[list[Row]]:
    """Events after the same course, managed the same way and recurring alike, in one sentence."""
    groups: dict[tuple, list[Row]] = {}
    for event in events:
        key = (event["pamidronate_course"], event["managed_with"], event["recurred"])
        groups.setdefault(key, []).append(event)
    return list(groups.values())


def article_patients(dataset: Dataset, patients: Sequence[Patient]) -> list[ArticlePatient]:
    """The article's view of each of the package's patients, in the same order."""
    article = ArticleRecords(dataset)
    return [ArticlePatient(p.row, p.records, article) for p in patients]
