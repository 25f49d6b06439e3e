"""Variations: data unlike the paper's, for tests that look for false sentences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

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


NO_VARIATIONS = Variations()  # the cohort as drawn
