"""What the cohort is drawn from: the model's parameters and what the template gives."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from casereport.synthetic.template import Template, lookup, month_index

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
SOURCE = "Synthetic cohort"  # the `source` column of every drawn row

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
