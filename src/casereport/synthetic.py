"""A seeded, deterministic synthetic cohort in exactly the format of the raw data (data/raw/).

`write_cohort(out_dir, n_patients, seed)` writes a complete raw data directory: the patient-level
tables are drawn for patients 1..N, the reference tables (analytes, protocol, references, ...) are
copied from the template directory, and datapackage.yaml is copied unchanged, so the workflow and
its validation run on the result exactly as on the real data. Same seed and size give byte-identical
files.

Everything the cohort borrows from the paper is read from the template rather than typed here: the
female-to-male ratio and mean age at onset (background_facts.csv), the pamidronate protocol
(protocol.csv), the drug, site and adverse-event vocabularies (treatments.csv, calcinosis_sites.csv,
adverse_events.csv), the analytes and their units (analytes.csv), the spread of the lab values
(labs.csv), the enums (datapackage.yaml) and the study period (publication.csv).

Timeline model (months are counted as year * 12 + month - 1):
  * every patient is "written up" at the time of writing (publication.csv), so the disease
    duration is the whole years from diagnosis to that month and age_in_narrative = age at
    diagnosis + duration;
  * calcinosis starts within the first duration - 1 years, pamidronate starts after it and at least
    a year before the time of writing (the post-treatment labs and DXA are one year after
    the first course);
  * prednisone starts at diagnosis; the other drugs start between diagnosis and the study's end.

Command line: python -m casereport.synthetic OUT_DIR --patients N --seed S [--template-dir DIR]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

# Tables drawn per patient; every other resource of the data package is copied from the template.
PATIENT_TABLES = (
    "patients",
    "treatments",
    "calcinosis_sites",
    "labs",
    "bone_density",
    "adverse_events",
    "findings",
)
SOURCE = "Synthetic cohort"
DATAPACKAGE = "datapackage.yaml"

# The data dictionary allows ages up to 18; the brief asks for diagnoses between 2 and 15.
AGE_AT_DIAGNOSIS_RANGE = (2, 15)
AGE_SD_YEARS = 3.0
MAX_AGE_YEARS = 18
MAX_GAP_CALCINOSIS_TO_PAMIDRONATE_MONTHS = 24
PAMIDRONATE_COURSES_RANGE = (4, 16)  # the paper's patients had 10-11 when assessed
SHARE_PAMIDRONATE_ONGOING = 0.6
SHARE_SCHEDULE_RELAXED = 0.5  # of ongoing patients: "then every 6 months" after an end month
OUTCOME_WEIGHTS = {"cleared": 0.2, "decreased": 0.5, "unchanged": 0.2, "increased": 0.1}
SHARE_WITH_ORIGIN = 0.1
PREDNISONE_MONTHS_RANGE = (6, 48)
SHARE_PREDNISONE_ONGOING = 0.2
OTHER_DRUGS_RANGE = (1, 3)
SHARE_OTHER_DRUG_ONGOING = 0.5
SITES_RANGE = (1, 3)
ADVERSE_EVENT_COUNT_WEIGHTS = (0.75, 0.15, 0.10)  # P(0, 1, 2 events); the paper: 1 of 3 had 2
SHARE_EVENTS_AFTER_FIRST_COURSE = 0.6
SHARE_EVENTS_RECURRED = 0.1
# Symptoms and signs of the disease per patient: P(0, 1, 2, 3); a patient may have none recorded.
FINDING_COUNT_WEIGHTS = (0.2, 0.3, 0.3, 0.2)
FEATURE_KINDS = ("symptom", "sign")  # the kinds drawn; no investigation or outcome is invented
FEATURE_TIMING = "history"
# Lab values are log-normal around the template's values; with three patients the spread is
# noisy, so it is never allowed below these floors.
MIN_LOG_SD = 0.3
MIN_LOG_RATIO_SD = 0.2
DEFAULT_LOG_MEAN = 3.0  # for an analyte the template has no values for
MAX_LAB_VALUE = 100000
# Lumbar spine BMD grows with age in children; these give 0.5-0.9 g/cm² between 6 and 15 years.
BMD_INTERCEPT = 0.30
BMD_PER_YEAR = 0.035
BMD_SD = 0.07
BMD_RANGE = (0.3, 1.2)
BMD_GAIN = (0.15, 0.08)  # relative gain after a year of pamidronate: mean, sd
Z_SCORE_PRE = (-0.7, 0.9)
Z_SCORE_GAIN = (0.6, 0.4)
Z_SCORE_RANGE = (-3.0, 2.0)


# --- Reading the template -------------------------------------------------------------------


def read_raw_table(path: Path) -> pd.DataFrame:
    """A raw CSV as text: every cell a string, empty cells as ''. Keeps the text exactly."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write text columns in the raw data's dialect: UTF-8, LF, header, minimal quoting."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


@dataclass(frozen=True)
class Template:
    directory: Path
    datapackage: dict
    tables: dict[str, pd.DataFrame]  # resource name -> raw text

    def resource(self, name: str) -> dict:
        return next(r for r in self.datapackage["resources"] if r["name"] == name)

    def enum(self, resource: str, field: str) -> list[str]:
        fields = {f["name"]: f for f in self.resource(resource)["schema"]["fields"]}
        return list(fields[field]["constraints"]["enum"])


def read_template(template_dir: Path | str) -> Template:
    directory = Path(template_dir)
    with open(directory / DATAPACKAGE, encoding="utf-8") as handle:
        # The C loader when PyYAML has it: the pure-Python one takes a quarter of a second here.
        package = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    tables = {r["name"]: read_raw_table(directory / r["path"]) for r in package["resources"]}
    return Template(directory, package, tables)


def lookup(table: pd.DataFrame, key_column: str, key: str, column: str = "value") -> str:
    """One cell of a reference table, by its key; fails loudly when the key is missing."""
    match = table.loc[table[key_column] == key, column]
    if match.empty:
        raise KeyError(f"no row with {key_column} = {key!r} in the template")
    return match.iloc[0]


def month_index(yearmonth: str) -> int:
    year, month = yearmonth.split("-")
    return int(year) * 12 + int(month) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


# --- What the cohort is drawn from ----------------------------------------------------------


@dataclass(frozen=True)
class Pamidronate:
    """The pamidronate exposure as protocol.csv and the template's pamidronate rows describe it."""

    drug: str
    drug_label: str
    route: str
    dose: str  # text, exactly as protocol.csv writes it
    dose_unit: str
    course_days: str
    interval_months: int
    later_interval_months: int
    follow_up_months: int  # first course -> post-treatment labs and DXA


@dataclass(frozen=True)
class CohortSpec:
    study_start: int  # month index
    study_end: int
    female_share: float
    mean_age_at_onset: float
    outcomes: list[str]
    origins: list[str]
    pamidronate: Pamidronate
    prednisone_profiles: pd.DataFrame  # template prednisone rows (dose columns as text)
    other_drug_profiles: pd.DataFrame  # distinct non-prednisone, non-pamidronate exposures
    sites: pd.DataFrame  # distinct (site, region)
    sides: list[str]
    analytes: pd.DataFrame  # analytes.csv
    lab_template: pd.DataFrame  # labs.csv
    bmd_site: str
    events: pd.DataFrame  # distinct (event, managed_with)
    features: pd.DataFrame  # distinct (kind, finding) of the template's symptoms and signs


# Columns that describe how a drug is given (as opposed to when and to whom).
PROFILE_COLUMNS = [
    "drug",
    "drug_label",
    "dose",
    "dose_upper",
    "dose_unit",
    "route",
    "course_days",
    "interval_months",
    "schedule_note",
]


def pamidronate_from_template(template: Template) -> Pamidronate:
    protocol = template.tables["protocol"]
    treatments = template.tables["treatments"]
    row = treatments[treatments["drug"] == "pamidronate"].iloc[0]
    interval = int(lookup(protocol, "parameter", "pamidronate_interval"))
    later = pd.to_numeric(treatments["later_interval_months"], errors="coerce").dropna()
    return Pamidronate(
        drug=row["drug"],
        drug_label=row["drug_label"],
        route=row["route"],
        dose=lookup(protocol, "parameter", "pamidronate_dose"),
        dose_unit=lookup(protocol, "parameter", "pamidronate_dose", "unit"),
        course_days=lookup(protocol, "parameter", "pamidronate_course_days"),
        interval_months=interval,
        # The paper relaxed to "every 6 months"; with no such row, take twice the interval.
        later_interval_months=int(later.mode().min()) if len(later) else 2 * interval,
        follow_up_months=round(12 * float(lookup(protocol, "parameter", "follow_up_years"))),
    )


def spec_from_template(template: Template) -> CohortSpec:
    tables = template.tables
    publication = tables["publication"].iloc[0]
    facts = tables["background_facts"]
    ratio = float(lookup(facts, "fact_id", "jdm_female_to_male_ratio"))
    treatments = tables["treatments"]
    other = treatments[~treatments["drug"].isin(["prednisone", "pamidronate"])]
    sites = tables["calcinosis_sites"]
    events = tables["adverse_events"]
    patients = tables["patients"]
    return CohortSpec(
        study_start=month_index(publication["study_period_start"]),
        # Patients are written up at the time of writing: no date of theirs is later.
        study_end=month_index(publication["time_of_writing"]),
        female_share=ratio / (1 + ratio),
        mean_age_at_onset=float(lookup(facts, "fact_id", "jdm_mean_age_at_onset")),
        outcomes=template.enum("patients", "calcinosis_outcome"),
        origins=sorted(set(patients["origin"]) - {""}),
        pamidronate=pamidronate_from_template(template),
        prednisone_profiles=treatments.loc[
            treatments["drug"] == "prednisone", PROFILE_COLUMNS
        ].drop_duplicates(ignore_index=True),
        other_drug_profiles=other[PROFILE_COLUMNS]
        .drop_duplicates()
        .sort_values(["drug", "drug_label", "route"], kind="stable", ignore_index=True),
        sites=sites[["site", "region"]].drop_duplicates(ignore_index=True),
        sides=template.enum("calcinosis_sites", "side"),
        analytes=tables["analytes"],
        lab_template=tables["labs"],
        bmd_site=tables["bone_density"]["site"].iloc[0],
        events=events[["event", "managed_with"]].drop_duplicates("event", ignore_index=True),
        features=features_from_template(template),
    )


def features_from_template(template: Template) -> pd.DataFrame:
    """The template's symptoms and signs, once each, in file order (none without findings.csv)."""
    findings = template.tables.get("findings")
    if findings is None:
        return pd.DataFrame(columns=["kind", "finding"])
    features = findings[findings["kind"].isin(FEATURE_KINDS)]
    return features[["kind", "finding"]].drop_duplicates("finding", ignore_index=True)


# --- Small vectorised draws -----------------------------------------------------------------


def integers_between(rng: np.random.Generator, low, high, size: int | None = None) -> np.ndarray:
    """Uniform integers in [low, high], both inclusive: one per element of the arrays given, or
    `size` draws when both bounds are scalars."""
    low = np.asarray(low, dtype=np.int64)
    high = np.asarray(high, dtype=np.int64)
    shape = np.broadcast_shapes(low.shape, high.shape, () if size is None else (size,))
    return low + np.floor(rng.random(shape) * (high - low + 1)).astype(np.int64)


def distinct_choices(rng: np.random.Generator, n_rows: int, n_options: int, k: int) -> np.ndarray:
    """For each row, k distinct option indices in random order (an n_rows x k array)."""
    return np.argsort(rng.random((n_rows, n_options)), axis=1)[:, :k]


def format_number(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round and write as the raw data does: shortest form, no trailing zeros, never '-0'."""
    rounded = np.round(np.asarray(values, dtype=float), decimals) + 0.0  # + 0.0 turns -0.0 to 0.0
    if decimals == 0:
        return rounded.astype(np.int64).astype(str)
    return rounded.astype(str)


def format_months(months: np.ndarray, present: np.ndarray | None = None) -> np.ndarray:
    """Month indices as YYYY-MM text; '' where `present` is False."""
    months = np.asarray(months, dtype=np.int64)
    if len(months) == 0:
        return np.array([], dtype=str)
    # Format each distinct month once (a study spans ~100 months; a cohort has ~40,000 dates).
    low, high = int(months.min()), int(months.max())
    labels = np.array([month_text(m) for m in range(low, high + 1)])
    text = labels[months - low]
    if present is None:
        return text
    return np.where(present, text, "")


def booleans(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false")


def decimals_in(texts: pd.Series) -> int:
    """Most digits after the decimal point among numbers written as text."""
    return int(texts.str.partition(".")[2].str.len().max()) if len(texts) else 0


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


# --- Calcinosis sites, labs, bone density, adverse events -----------------------------------


def draw_calcinosis_sites(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec, columns: list[str]
) -> pd.DataFrame:
    n = len(timelines)
    most = min(SITES_RANGE[1], len(spec.sites))
    count = integers_between(rng, min(SITES_RANGE[0], most), most, size=n)
    chosen = distinct_choices(rng, n, len(spec.sites), most)
    keep = np.arange(most)[None, :] < count[:, None]
    patient_id = np.repeat(timelines["patient_id"].to_numpy(), most).reshape(n, most)[keep]
    sites = spec.sites.iloc[chosen[keep]].reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "site_id": np.arange(1, len(sites) + 1).astype(str),
            "patient_id": patient_id.astype(str),
            "side": rng.choice(np.array(spec.sides), size=len(sites)),
            "site": sites["site"],
            "region": sites["region"],
            "listed_in_table_i": "true",
            "source": SOURCE,
        }
    )
    return rows[columns]


@dataclass(frozen=True)
class LabDistribution:
    """log1p(value) before pamidronate ~ Normal(mean, sd); log1p(post) - log1p(pre) likewise."""

    log_mean: float
    log_sd: float
    log_ratio_mean: float
    log_ratio_sd: float
    decimals: int


def lab_distribution(lab_template: pd.DataFrame, analyte: str) -> LabDistribution:
    rows = lab_template[(lab_template["analyte"] == analyte) & (lab_template["value"] != "")]
    wide = rows.pivot(index="patient_id", columns="timepoint", values="value").astype(float)
    if not {"pre", "post"} <= set(wide.columns) or wide.empty:
        return LabDistribution(DEFAULT_LOG_MEAN, MIN_LOG_SD, 0.0, MIN_LOG_RATIO_SD, 0)
    pre = np.log1p(wide["pre"].to_numpy())
    ratio = np.log1p(wide["post"].to_numpy()) - pre
    return LabDistribution(
        log_mean=float(pre.mean()),
        log_sd=max(float(pre.std()), MIN_LOG_SD),
        log_ratio_mean=float(ratio.mean()),
        log_ratio_sd=max(float(ratio.std()), MIN_LOG_RATIO_SD),
        decimals=decimals_in(rows["value"]),
    )


def draw_labs(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec, columns: list[str]
) -> pd.DataFrame:
    """Every analyte of analytes.csv, pre then post, for every patient (Table II's layout)."""
    n = len(timelines)
    analytes = spec.analytes
    values = np.empty((n, len(analytes), 2), dtype=object)
    for position, analyte in enumerate(analytes["analyte"]):
        law = lab_distribution(spec.lab_template, analyte)
        log_pre = rng.normal(law.log_mean, law.log_sd, n)
        log_post = log_pre + rng.normal(law.log_ratio_mean, law.log_ratio_sd, n)
        for timepoint, logs in enumerate((log_pre, log_post)):
            value = np.clip(np.expm1(logs), 0.0, MAX_LAB_VALUE)
            values[:, position, timepoint] = format_number(value, law.decimals)
    rows = pd.DataFrame(
        {
            "patient_id": np.repeat(timelines["patient_id"].to_numpy(), 2 * len(analytes)).astype(
                str
            ),
            "analyte": np.tile(np.repeat(analytes["analyte"].to_numpy(), 2), n),
            "timepoint": np.tile(["pre", "post"], n * len(analytes)),
            "value": values.reshape(-1),
            "unit": np.tile(np.repeat(analytes["unit"].to_numpy(), 2), n),
            "missing_reason": "",
            "source": SOURCE,
        }
    )
    return rows[columns]


def draw_bone_density(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec, columns: list[str]
) -> pd.DataFrame:
    n = len(timelines)
    age_at_start = (
        timelines["age_at_diagnosis"]
        + (timelines["pamidronate_start"] - timelines["diagnosis"]) / 12
    )
    bmd_pre = np.clip(
        rng.normal(BMD_INTERCEPT + BMD_PER_YEAR * age_at_start.to_numpy(), BMD_SD), *BMD_RANGE
    )
    bmd_post = np.clip(bmd_pre * (1 + rng.normal(*BMD_GAIN, n)), *BMD_RANGE)
    z_pre = np.clip(rng.normal(*Z_SCORE_PRE, n), *Z_SCORE_RANGE)
    z_post = np.clip(z_pre + rng.normal(*Z_SCORE_GAIN, n), *Z_SCORE_RANGE)
    rows = pd.DataFrame(
        {
            "patient_id": np.repeat(timelines["patient_id"].to_numpy(), 2).astype(str),
            "timepoint": np.tile(["pre", "post"], n),
            "bmd_g_cm2": format_number(np.column_stack([bmd_pre, bmd_post]).reshape(-1), 3),
            "z_score": format_number(np.column_stack([z_pre, z_post]).reshape(-1), 2),
            "site": spec.bmd_site,
            "missing_reason": "",
            "source": SOURCE,
        }
    )
    return rows[columns]


def draw_adverse_events(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec, columns: list[str]
) -> pd.DataFrame:
    """A few patients have one or two distinct events, after one course (as in the paper)."""
    n = len(timelines)
    events = spec.events
    weights = np.array(ADVERSE_EVENT_COUNT_WEIGHTS[: len(events) + 1])
    count = rng.choice(len(weights), size=n, p=weights / weights.sum())
    # The validator rejects a table with a header and no rows, so a cohort whose patients drew no
    # event at all still reports one (drawn unconditionally to keep the stream the same).
    fallback_patient = rng.integers(n)
    if count.sum() == 0 and len(events):
        count[fallback_patient] = 1
    courses = timelines["courses"].to_numpy()
    course = np.where(
        rng.random(n) < SHARE_EVENTS_AFTER_FIRST_COURSE, 1, integers_between(rng, 1, courses)
    )
    first_event = integers_between(rng, 0, max(len(events) - 1, 0), size=n)
    recurred = rng.random(n) < SHARE_EVENTS_RECURRED
    patient_row = np.repeat(np.arange(n), count)
    nth = np.arange(len(patient_row)) - np.repeat(np.cumsum(count) - count, count)
    event_index = (first_event[patient_row] + nth) % max(len(events), 1)
    chosen = events.iloc[event_index].reset_index(drop=True)
    rows = pd.DataFrame(
        {
            "event_id": np.arange(1, len(patient_row) + 1).astype(str),
            "patient_id": timelines["patient_id"].to_numpy()[patient_row].astype(str),
            "event": chosen["event"],
            "pamidronate_course": course[patient_row].astype(str),
            "managed_with": chosen["managed_with"],
            "recurred": booleans(recurred[patient_row]),
            "source": SOURCE,
        }
    )
    return rows[columns]


def draw_findings(
    rng: np.random.Generator, timelines: pd.DataFrame, spec: CohortSpec, columns: list[str]
) -> pd.DataFrame:
    """Up to three of the template's symptoms and signs per patient, in the disease history;
    some patients have none. Investigations and outcomes are not invented."""
    n, features = len(timelines), spec.features
    weights = np.array(FINDING_COUNT_WEIGHTS[: len(features) + 1])
    count = rng.choice(len(weights), size=n, p=weights / weights.sum())
    first = integers_between(rng, 0, max(len(features) - 1, 0), size=n)
    patient_row = np.repeat(np.arange(n), count)
    nth = np.arange(len(patient_row)) - np.repeat(np.cumsum(count) - count, count)
    chosen = features.iloc[(first[patient_row] + nth) % max(len(features), 1)]
    rows = pd.DataFrame(
        {
            "finding_id": np.arange(1, len(patient_row) + 1).astype(str),
            "patient_id": timelines["patient_id"].to_numpy()[patient_row].astype(str),
            "kind": chosen["kind"].to_numpy(),
            "finding": chosen["finding"].to_numpy(),
            "present": "true",
            "result": "",
            "timing": FEATURE_TIMING,
            "source": SOURCE,
        }
    )
    return rows[columns]


# --- The cohort -----------------------------------------------------------------------------


def synthetic_publication(template: Template, n_patients: int, seed: int) -> pd.DataFrame:
    """publication.csv with a title that says the data are synthetic; the rest unchanged."""
    publication = template.tables["publication"].copy()
    title = publication.loc[0, "title"]
    publication.loc[0, "title"] = (
        f"Synthetic cohort of {n_patients} patient{'' if n_patients == 1 else 's'} "
        f"(seed {seed}): {title}"
    )
    return publication


def generate_cohort(
    n_patients: int, seed: int = 0, template_dir: Path | str = "data/raw"
) -> dict[str, pd.DataFrame]:
    """The patient-level tables and publication.csv, as text frames, by resource name."""
    return cohort_tables(read_template(template_dir), n_patients, seed)


def cohort_tables(template: Template, n_patients: int, seed: int) -> dict[str, pd.DataFrame]:
    """Draw the cohort from an already read template (see generate_cohort)."""
    if n_patients < 1:
        raise ValueError("a cohort needs at least one patient")
    spec = spec_from_template(template)
    # One independent stream per table, so changing how one table is drawn leaves the others.
    generators = np.random.default_rng(seed).spawn(len(PATIENT_TABLES))
    streams = dict(zip(PATIENT_TABLES, generators, strict=True))
    columns = {name: list(template.tables[name].columns) for name in PATIENT_TABLES}
    timelines = draw_timelines(streams["patients"], n_patients, spec)
    patients = draw_patients(streams["patients"], timelines, spec)
    draws = {
        "treatments": draw_treatments,
        "calcinosis_sites": draw_calcinosis_sites,
        "labs": draw_labs,
        "bone_density": draw_bone_density,
        "adverse_events": draw_adverse_events,
        "findings": draw_findings,
    }
    tables = {"patients": patients[columns["patients"]]}
    for name, draw in draws.items():
        tables[name] = draw(streams[name], timelines, spec, columns[name])
    tables["publication"] = synthetic_publication(template, n_patients, seed)
    return tables


# --- Variations: data unlike the paper's, for tests that look for false sentences ------------


@dataclass(frozen=True)
class Variations:
    """Knobs that make a cohort differ from the paper in the ways the report must word right.

    Applied after the cohort is drawn, from a stream of their own: with every knob at its default
    the files are exactly those of the plain cohort."""

    missing_share: float = 0.0  # share of lab values and BMD rows recorded as missing
    untreated_share: float = 0.0  # share of patients (without adverse events) never given the drug
    no_bone_density_share: float = 0.0  # share of patients with no bone density row at all
    extra_sites: tuple[str, ...] = ()  # bone density sites besides the template's
    extra_sexes: tuple[str, ...] = ()  # values of `sex` besides the template's
    extra_sex_share: float = 0.3  # share of patients given one of extra_sexes

    @property
    def active(self) -> bool:
        return bool(
            self.missing_share
            or self.untreated_share
            or self.no_bone_density_share
            or self.extra_sites
            or self.extra_sexes
        )


VARIATION_STREAM = 9  # the variations' random stream: seed and this, apart from the cohort's


def _field(package: dict, resource: str, name: str) -> dict:
    fields = next(r for r in package["resources"] if r["name"] == resource)["schema"]["fields"]
    return next(f for f in fields if f["name"] == name)


def _allow(package: dict, resource: str, name: str, value: str, words: dict[str, str]) -> None:
    """Add an allowed value, with its words, to a field of the data dictionary."""
    field = _field(package, resource, name)
    enum = field.setdefault("constraints", {}).setdefault("enum", [])
    if value not in enum:
        enum.append(value)
        field.setdefault("enumLabels", {})[value] = words


def neutral_sex_words(value: str) -> dict[str, str]:
    """Words for a sex value the paper does not have: neutral, and naming the value."""
    return {
        "label": f"child recorded as {value}",
        "plural": f"children recorded as {value}",
        "noun": f"a child recorded as {value}",
        "pronoun": "the child",
        "possessive": "the child's",
    }


def apply_variations(
    tables: dict[str, pd.DataFrame], package: dict, variations: Variations, seed: int
) -> None:
    """Change the drawn tables (text frames) and the data dictionary in place."""
    rng = np.random.default_rng([seed, VARIATION_STREAM])
    patients = tables["patients"]
    ids = patients["patient_id"].tolist()
    for value in variations.extra_sexes:
        _allow(package, "patients", "sex", value, neutral_sex_words(value))
    if variations.extra_sexes:
        chosen = rng.random(len(ids)) < variations.extra_sex_share
        picks = rng.integers(len(variations.extra_sexes), size=len(ids))
        patients.loc[chosen, "sex"] = [variations.extra_sexes[i] for i in picks[chosen]]
    drug = tables["publication"].loc[0, "study_drug"]
    with_events = set(tables["adverse_events"]["patient_id"])
    candidates = [pid for pid in ids if pid not in with_events]
    untreated = {pid for pid in candidates if rng.random() < variations.untreated_share}
    if untreated:
        is_untreated = patients["patient_id"].isin(untreated)
        patients.loc[is_untreated, "pamidronate_courses"] = "0"
        patients.loc[is_untreated, "pamidronate_ongoing"] = "false"
        patients.loc[is_untreated, "follow_up_after_pamidronate_years"] = ""
        treatments = tables["treatments"]
        dropped = treatments["patient_id"].isin(untreated) & (treatments["drug"] == drug)
        tables["treatments"] = treatments[~dropped].reset_index(drop=True)
    density = tables["bone_density"]
    sites = [density["site"].iloc[0], *variations.extra_sites] if len(density) else []
    for site in variations.extra_sites:
        _allow(package, "bone_density", "site", site, {"label": site})
    if variations.extra_sites and len(density):
        site_of = dict(zip(ids, rng.integers(len(sites), size=len(ids)), strict=True))
        density["site"] = [sites[site_of[pid]] for pid in density["patient_id"]]
    without = {pid for pid in ids if rng.random() < variations.no_bone_density_share}
    lacking = density["patient_id"].isin(without)
    if lacking.all():
        # The dictionary wants bone_density rows: a series measured in nobody records why.
        density.loc[lacking, ["bmd_g_cm2", "z_score"]] = ""
        density.loc[lacking, "missing_reason"] = "not measured"
    else:
        density = density[~lacking].reset_index(drop=True)
    reasons = list(_field(package, "labs", "missing_reason")["constraints"]["enum"])
    for name, columns in (("labs", ["value"]), ("bone_density", ["bmd_g_cm2", "z_score"])):
        frame = density if name == "bone_density" else tables[name]
        missing = rng.random(len(frame)) < variations.missing_share
        picks = rng.integers(len(reasons), size=len(frame))
        for column in columns:
            frame.loc[missing, column] = ""
        frame.loc[missing, "missing_reason"] = [reasons[i] for i in picks[missing]]
        tables[name] = frame


def readme_text(n_patients: int, seed: int) -> str:
    # No paths in here: the same seed and size give the same bytes wherever the command is run.
    return (
        "# Synthetic cohort\n\n"
        f"Synthetic data: {n_patients} invented patients, drawn with seed {seed} by "
        "`casereport.synthetic`. No row describes a real patient.\n\n"
        "Same files, columns and data dictionary (datapackage.yaml) as the raw data it is "
        "modelled on (data/raw/ by default). The patient-level tables are drawn; the reference "
        "tables are copied unchanged, and publication.csv's title says the cohort is synthetic.\n\n"
        "Rebuild it with:\n\n"
        f"    python -m casereport.synthetic OUT_DIR --patients {n_patients} --seed {seed}\n"
    )


def write_cohort(
    out_dir: Path | str,
    n_patients: int,
    seed: int = 0,
    template_dir: Path | str = "data/raw",
    variations: Variations = Variations(),
) -> Path:
    """Write a complete synthetic raw data directory; returns its datapackage.yaml. With
    `variations`, the data differ from the paper's as they say, and the dictionary written
    allows any new value they use (with its words)."""
    out_dir = Path(out_dir)
    template_dir = Path(template_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    template = read_template(template_dir)
    tables = cohort_tables(template, n_patients, seed)
    if variations.active:
        package = copy.deepcopy(template.datapackage)
        apply_variations(tables, package, variations, seed)
        with open(out_dir / DATAPACKAGE, "w", encoding="utf-8") as handle:
            yaml.safe_dump(package, handle, allow_unicode=True, sort_keys=False)
    for resource in template.datapackage["resources"]:
        target = out_dir / resource["path"]
        if resource["name"] in tables:
            write_csv(tables[resource["name"]], target)
        else:
            shutil.copyfile(template_dir / resource["path"], target)
    if not variations.active:
        shutil.copyfile(template_dir / DATAPACKAGE, out_dir / DATAPACKAGE)
    (out_dir / "README.md").write_text(readme_text(n_patients, seed), encoding="utf-8")
    return out_dir / DATAPACKAGE


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m casereport.synthetic",
        description="Write a synthetic raw data directory in the format of data/raw/.",
    )
    parser.add_argument("out_dir", type=Path, help="directory to write (created if missing)")
    parser.add_argument("--patients", type=int, required=True, help="number of patients")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random draws")
    parser.add_argument("--template-dir", type=Path, default=Path("data/raw"))
    knobs = parser.add_argument_group("variations (data unlike the paper's)")
    knobs.add_argument("--missing-share", type=float, default=0.0, help="lab/BMD values missing")
    knobs.add_argument(
        "--untreated-share", type=float, default=0.0, help="patients not given the drug"
    )
    knobs.add_argument("--no-bone-density-share", type=float, default=0.0)
    knobs.add_argument("--extra-site", action="append", default=[], help="another BMD site")
    knobs.add_argument("--extra-sex", action="append", default=[], help="another value of sex")
    args = parser.parse_args(argv)
    if args.patients < 1:
        parser.error("--patients must be at least 1")
    variations = Variations(
        missing_share=args.missing_share,
        untreated_share=args.untreated_share,
        no_bone_density_share=args.no_bone_density_share,
        extra_sites=tuple(args.extra_site),
        extra_sexes=tuple(args.extra_sex),
    )
    datapackage = write_cohort(
        args.out_dir, args.patients, args.seed, args.template_dir, variations
    )
    print(f"wrote {args.patients} synthetic patients (seed {args.seed}) to {datapackage.parent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
