"""Calcinosis sites, labs, bone density, adverse events and findings of the drawn patients."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casereport.synthetic.draws import (
    booleans,
    decimals_in,
    distinct_choices,
    format_number,
    integers_between,
)

from .spec import (
    ADVERSE_EVENT_COUNT_WEIGHTS,
    BMD_GAIN,
    BMD_INTERCEPT,
    BMD_PER_YEAR,
    BMD_RANGE,
    BMD_SD,
    DEFAULT_LOG_MEAN,
    FEATURE_TIMING,
    FINDING_COUNT_WEIGHTS,
    MAX_LAB_VALUE,
    MIN_LOG_RATIO_SD,
    MIN_LOG_SD,
    SHARE_EVENTS_AFTER_FIRST_COURSE,
    SHARE_EVENTS_RECURRED,
    SITES_RANGE,
    SOURCE,
    Z_SCORE_GAIN,
    Z_SCORE_PRE,
    Z_SCORE_RANGE,
    CohortSpec,
)

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
