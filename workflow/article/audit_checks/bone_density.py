"""Checks of the bone density (bone_density.csv, one row per patient and timepoint `pre`/`post`
of the study drug) and of its categories (bmd_categories.csv, z-score intervals)."""

from __future__ import annotations

import pandas as pd

from casereport.audit import (
    NOT_CHECKABLE,
    Claim,
    Finding,
    IndexedDataset,
    NotCheckable,
    Row,
    all_or_discrepant,
    cell,
    check,
    counted,
    join_words,
    numeric_finding,
    recorded,
    unique,
)
from casereport.clinical import patient_ids
from casereport.dataset import is_missing as missing

from ..bmd import bmd_category as category_of_z


def bone_density_pair(dataset: IndexedDataset, patient_id: int) -> tuple[Row, Row]:
    # (patient_id, timepoint) is the key of bone_density.csv: one row per timepoint.
    rows = {row["timepoint"]: row for row in dataset.patient_rows("bone_density", patient_id)}
    if not {"pre", "post"} <= set(rows):
        raise NotCheckable(f"patient {patient_id} lacks a bone density before or after pamidronate")
    # A measurement recorded as missing (casereport.missing) is lacking too.
    if any(missing(rows[p][c]) for p in ("pre", "post") for c in ("bmd_g_cm2", "z_score")):
        raise NotCheckable(f"patient {patient_id}'s bone density is recorded as missing")
    return rows["pre"], rows["post"]


@check("bmd_improved_all", expected=True)
def bmd_improved_all(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Bone density (g/cm² and z-score) rose in every patient, and they number as published."""
    improved, exceptions, cells, lacking = [], [], [], []
    for patient_id in patient_ids(dataset):
        try:
            pre, post = bone_density_pair(dataset, patient_id)
        except NotCheckable as reason:
            lacking.append(str(reason))
            continue
        cells += [
            cell(dataset, "bone_density", r, c)
            for r in (pre, post)
            for c in ("bmd_g_cm2", "z_score")
        ]
        rose = post["bmd_g_cm2"] > pre["bmd_g_cm2"] and post["z_score"] > pre["z_score"]
        (improved if rose else exceptions).append(f"patient {patient_id}")
    if lacking or not improved + exceptions:
        raise NotCheckable("the claim is about every patient; " + ("; ".join(lacking) or "none"))
    how = (
        f"BMD and z-score rose in {len(improved)} of "
        f"{counted(len(improved) + len(exceptions), 'patient')}"
    )
    if exceptions:
        how += f" (not in {join_words(exceptions)})"
    derivation = "patients whose BMD and z-score after pamidronate both exceed those before"
    finding = numeric_finding(claim, float(len(improved)), how, cells, derivation)
    return all_or_discrepant(finding, exceptions)


def interval_words(row: pd.Series) -> str:
    """A category's z-score interval: 'z > −1', '−2 < z ≤ −1', 'z ≤ −2'."""
    lower = (
        ""
        if missing(row["z_lower"])
        else (f"{recorded(row['z_lower'])} {'≤' if row['z_lower_inclusive'] else '<'} ")
    )
    upper = (
        ""
        if missing(row["z_upper"])
        else (f" {'≤' if row['z_upper_inclusive'] else '<'} {recorded(row['z_upper'])}")
    )
    if lower and not upper:  # read "z > -1" rather than "-1 < z"
        return f"z {'≥' if row['z_lower_inclusive'] else '>'} {recorded(row['z_lower'])}"
    return f"{lower}z{upper}"


def bmd_category(categories: pd.DataFrame, z: float) -> pd.Series:
    """The row of bmd_categories.csv whose z-score interval holds z
    (casereport.clinical.bmd_category)."""
    try:
        name = category_of_z(z, categories)
    except ValueError:
        raise NotCheckable(f"no bone density category holds the z-score {recorded(z)}") from None
    return categories[categories["category"] == name].iloc[0]


@check("bmd_category", patient="required")
def bmd_category_before_after(dataset: IndexedDataset, claim: Claim) -> Finding:
    """Rebuilt and shown, but not checkable: the paper defines the categories and never says
    which one a patient was in, so there is no statement to test."""
    pre, post = bone_density_pair(dataset, claim.patient_id)
    categories = dataset["bmd_categories"]
    before, after = (bmd_category(categories, float(r["z_score"])) for r in (pre, post))
    cells = [cell(dataset, "bone_density", r, "z_score") for r in (pre, post)]
    cells += [
        cell(dataset, "bmd_categories", r, c)
        for r in (before, after)
        for c in ("z_lower", "z_upper")
    ]
    explanation = (
        "The paper defines the categories but never places a patient in one. Here the z-score "
        f"{recorded(pre['z_score'])} before is '{before['category']}' ({interval_words(before)}) "
        f"and {recorded(post['z_score'])} after is '{after['category']}' ({interval_words(after)})."
    )
    rebuilt = f"{before['category']} → {after['category']}"
    return Finding(rebuilt, NOT_CHECKABLE, explanation, unique(cells))
