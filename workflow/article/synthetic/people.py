"""Patients, their timelines and their treatments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casereport.synthetic.draws import booleans, distinct_choices, format_months, integers_between

from .spec import (
    AGE_AT_DIAGNOSIS_RANGE,
    AGE_SD_YEARS,
    MAX_AGE_YEARS,
    MAX_GAP_CALCINOSIS_TO_PAMIDRONATE_MONTHS,
    OTHER_DRUGS_RANGE,
    OUTCOME_WEIGHTS,
    PAMIDRONATE_COURSES_RANGE,
    PREDNISONE_MONTHS_RANGE,
    SHARE_OTHER_DRUG_ONGOING,
    SHARE_PAMIDRONATE_ONGOING,
    SHARE_PREDNISONE_ONGOING,
    SHARE_SCHEDULE_RELAXED,
    SHARE_WITH_ORIGIN,
    SOURCE,
    CohortSpec,
)

# --- Patients and their timelines -----------------------------------------------------------


def draw_timelines(rng: np.random.Generator, n: int, spec: CohortSpec) -> pd.DataFrame:
    """Per patient: ages, months of diagnosis and pamidronate, courses. Indexed 0..n-1."""
    span = spec.study_end - spec.study_start
    longest = span // 12
    # Calcinosis within the first years, then pamidronate with its whole follow-up before the
    # write-up: the follow-up (in whole years) plus one year at least.
    follow_up_years = -(-spec.pamidronate.follow_up_months // 12)
    shortest = follow_up_years + 1
    low_age, high_age = AGE_AT_DIAGNOSIS_RANGE
    if shortest > min(longest, MAX_AGE_YEARS - high_age):
        raise ValueError(
            f"a disease duration of {shortest} years fits neither the study period "
            f"({span + 1} months) nor the ages (diagnosis up to {high_age}, "
            f"at most {MAX_AGE_YEARS})"
        )
    age = np.clip(np.rint(rng.normal(spec.mean_age_at_onset, AGE_SD_YEARS, n)), low_age, high_age)
    age = age.astype(np.int64)
    duration = integers_between(rng, shortest, np.minimum(MAX_AGE_YEARS - age, longest))
    # Written up in the study's last month, so the months before it decide the whole years.
    spare = np.minimum(11, span - 12 * duration)
    diagnosis = spec.study_end - 12 * duration - integers_between(rng, 0, spare)
    onset_max = integers_between(rng, 0, duration - follow_up_years)
    one_time = rng.random(n) < 0.5  # the paper gives one time for two of its three patients
    onset_min = np.where(one_time, onset_max, integers_between(rng, 0, onset_max))
    earliest_start = diagnosis + 12 * onset_max
    latest_start = spec.study_end - spec.pamidronate.follow_up_months
    pamidronate_start = earliest_start + integers_between(
        rng, 0, np.minimum(latest_start - earliest_start, MAX_GAP_CALCINOSIS_TO_PAMIDRONATE_MONTHS)
    )
    interval = spec.pamidronate.interval_months
    courses_that_fit = (spec.study_end - pamidronate_start) // interval + 1
    low_courses, high_courses = PAMIDRONATE_COURSES_RANGE
    courses = integers_between(
        rng, np.minimum(low_courses, courses_that_fit), np.minimum(high_courses, courses_that_fit)
    )
    ongoing = rng.random(n) < SHARE_PAMIDRONATE_ONGOING
    relaxed = ongoing & (rng.random(n) < SHARE_SCHEDULE_RELAXED)
    return pd.DataFrame(
        {
            "patient_id": np.arange(1, n + 1),
            "age_at_diagnosis": age,
            "duration": duration,
            "diagnosis": diagnosis,
            "onset_min": onset_min,
            "onset_max": onset_max,
            "pamidronate_start": pamidronate_start,
            "courses": courses,
            "ongoing": ongoing,
            # A stopped schedule, or one relaxed to a longer interval, ends after the last course.
            "has_end": ~ongoing | relaxed,
            "pamidronate_end": pamidronate_start + (courses - 1) * interval,
        }
    )


def draw_patients(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec
) -> pd.DataFrame:
    n = len(timelines)
    sex = np.where(rng.random(n) < spec.female_share, "female", "male")
    weights = np.array([OUTCOME_WEIGHTS.get(o, 0.0) for o in spec.outcomes])
    weights = weights / weights.sum() if weights.sum() > 0 else None
    outcome = rng.choice(np.array(spec.outcomes), size=n, p=weights)
    has_origin = rng.random(n) < SHARE_WITH_ORIGIN if spec.origins else np.zeros(n, dtype=bool)
    origin = np.where(has_origin, rng.choice(np.array(spec.origins or [""]), size=n), "")
    follow_up = (spec.study_end - timelines["pamidronate_end"]) // 12
    return pd.DataFrame(
        {
            "patient_id": timelines["patient_id"].astype(str),
            "sex": sex,
            "age_at_diagnosis_years": timelines["age_at_diagnosis"].astype(str),
            "disease_duration_years": timelines["duration"].astype(str),
            "age_in_narrative_years": (
                timelines["age_at_diagnosis"] + timelines["duration"]
            ).astype(str),
            "origin": origin,
            "calcinosis_onset_min_years": timelines["onset_min"].astype(str),
            "calcinosis_onset_max_years": timelines["onset_max"].astype(str),
            "calcinosis_outcome": outcome,
            "pamidronate_courses": timelines["courses"].astype(str),
            "pamidronate_ongoing": booleans(timelines["ongoing"]),
            # Follow-up after pamidronate only exists once it has stopped.
            "follow_up_after_pamidronate_years": np.where(
                timelines["ongoing"], "", follow_up.astype(str)
            ),
            "source": SOURCE,
        }
    )


# --- Treatments -----------------------------------------------------------------------------


def exposure_rows(
    profiles: pd.DataFrame,
    patient_id: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    has_end: np.ndarray,
    rank: int,
) -> pd.DataFrame:
    """Treatment rows from drug profiles (one per row) and their dates.

    `rank` orders the kinds of exposure within a patient: prednisone, other drugs, pamidronate,
    the order in which Table I lists them.
    """
    rows = profiles.reset_index(drop=True).copy()
    rows.insert(0, "patient_id", patient_id)
    rows["start"] = start
    rows["start_month"] = format_months(start)
    rows["end_month"] = format_months(np.where(has_end, end, start), has_end)
    # An exposure without an end month is still being given (curation_log.md, entry 9).
    rows["ongoing"] = booleans(~has_end)
    rows["later_interval_months"] = ""
    rows["rank"] = rank
    return rows


def prednisone_rows(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec
) -> pd.DataFrame:
    n = len(timelines)
    profiles = spec.prednisone_profiles
    chosen = profiles.iloc[integers_between(rng, 0, len(profiles) - 1, size=n)]
    start = timelines["diagnosis"].to_numpy()
    months = integers_between(rng, *PREDNISONE_MONTHS_RANGE, size=n)
    end = np.minimum(start + months, spec.study_end)
    has_end = rng.random(n) >= SHARE_PREDNISONE_ONGOING
    return exposure_rows(chosen, timelines["patient_id"].to_numpy(), start, end, has_end, rank=0)


def other_drug_rows(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec
) -> pd.DataFrame:
    """Each patient gets 1-3 distinct drugs from the template's other exposures."""
    n = len(timelines)
    profiles = spec.other_drug_profiles
    drugs = profiles["drug"].unique()
    most = min(OTHER_DRUGS_RANGE[1], len(drugs))
    count = integers_between(rng, min(OTHER_DRUGS_RANGE[0], most), most, size=n)
    chosen_drugs = distinct_choices(rng, n, len(drugs), most)
    keep = np.arange(most)[None, :] < count[:, None]
    patient_row = np.repeat(np.arange(n), most).reshape(n, most)[keep]
    drug_index = chosen_drugs[keep]
    # A drug the template gives in several ways (MTX oral or s.c.) takes one of them at random.
    first_profile = np.searchsorted(profiles["drug"].to_numpy(), drugs)
    profiles_per_drug = np.bincount(np.searchsorted(drugs, profiles["drug"]), minlength=len(drugs))
    profile_index = first_profile[drug_index] + integers_between(
        rng, 0, profiles_per_drug[drug_index] - 1
    )
    diagnosis = timelines["diagnosis"].to_numpy()[patient_row]
    start = diagnosis + integers_between(rng, 0, spec.study_end - diagnosis)
    end = start + integers_between(rng, 0, spec.study_end - start)
    has_end = rng.random(len(start)) >= SHARE_OTHER_DRUG_ONGOING
    patient_id = timelines["patient_id"].to_numpy()[patient_row]
    return exposure_rows(profiles.iloc[profile_index], patient_id, start, end, has_end, rank=1)


def pamidronate_rows(timelines: pd.DataFrame, spec: CohortSpec) -> pd.DataFrame:
    n = len(timelines)
    drug = spec.pamidronate
    profile = pd.DataFrame(
        {
            "drug": drug.drug,
            "drug_label": drug.drug_label,
            "dose": drug.dose,
            "dose_upper": "",
            "dose_unit": drug.dose_unit,
            "route": drug.route,
            "course_days": drug.course_days,
            "interval_months": str(drug.interval_months),
            "schedule_note": "",
        },
        index=range(n),
    )
    has_end = timelines["has_end"].to_numpy()
    ongoing = timelines["ongoing"].to_numpy()
    rows = exposure_rows(
        profile,
        timelines["patient_id"].to_numpy(),
        timelines["pamidronate_start"].to_numpy(),
        timelines["pamidronate_end"].to_numpy(),
        has_end,
        rank=2,
    )
    # Ongoing with an end month: the schedule was relaxed rather than stopped (entry 10).
    rows["ongoing"] = booleans(ongoing)
    rows["later_interval_months"] = np.where(ongoing & has_end, str(drug.later_interval_months), "")
    return rows


def draw_treatments(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec, columns: list[str]
) -> pd.DataFrame:
    rows = pd.concat(
        [
            prednisone_rows(rng, timelines, spec),
            other_drug_rows(rng, timelines, spec),
            pamidronate_rows(timelines, spec),
        ],
        ignore_index=True,
    )
    rows = rows.sort_values(["patient_id", "rank", "start"], kind="stable", ignore_index=True)
    rows["treatment_id"] = np.arange(1, len(rows) + 1)
    rows["patient_id"] = rows["patient_id"].astype(str)
    rows["treatment_id"] = rows["treatment_id"].astype(str)
    rows["listed_in_table_i"] = "true"
    rows["source"] = SOURCE
    return rows[columns]
