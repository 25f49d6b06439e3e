"""Property-style tests of the report's words over many generated datasets (issue 9, item 6).

Each dataset is a synthetic cohort (casereport.synthetic) with random knobs: missing values with
their reasons, patients without the study drug, patients without bone density, other bone
density sites, other values of `sex`. Each is validated and rendered in-process
(tests/support/inprocess.py: no snakemake, no SVG/PNG/PDF), and the text is checked for:

- no crash, and no validation finding, for any dataset the generator writes (the dictionary it
  writes allows every value it uses);
- every "N of the M patients ..." has the right M (the patients measured, the series) and N <= M;
- every patient the text names is a patient of the data;
- a patient without the study drug is never said to have received courses of it;
- nobody without a bone density pair is counted as measured, and each of them is named;
- no site is named that the data do not measure ("lumbar spine" only when measured there);
- no "1 months", "1 courses", "1 patients" ...

DATASETS datasets of 1 to 12 patients (the per-patient report) and LARGE_DATASETS above the
large-series threshold: 20 tests in about 70 s here (2 shared cores), 1 to 6 s a dataset.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.inprocess import validate_and_render
from support.project import RAW

from casereport.synthetic import Variations, write_cohort

# They render whole reports (in-process): slow by the project's convention.
pytestmark = pytest.mark.slow

DATASETS = 16
LARGE_DATASETS = 2
SITES = ("total hip", "distal forearm")
NOT_PROSE = ("references", "audit", "appendix")
SEXES = ("unknown", "intersex")

PLURAL_AFTER_ONE = re.compile(
    r"(?<![\d.,])1 (months|courses|patients|years|days|children|reactions|sessions|girls|boys)\b"
)
N_OF_M = re.compile(r"\b(\d+) of the (\d+) (patients|children)( measured)?")
PATIENT_LIST = re.compile(r"\bPatients? ((?:\d+)(?:(?:, | and | to )\d+)*)")


def knobs(seed: int) -> tuple[int, Variations]:
    """A random size and set of knobs, from the seed."""
    rng = np.random.default_rng([seed, 2026])
    patients = int(rng.integers(1, 13))
    return patients, Variations(
        missing_share=float(rng.choice([0.0, 0.1, 0.4])),
        untreated_share=float(rng.choice([0.0, 0.3, 1.0])),
        no_bone_density_share=float(rng.choice([0.0, 0.3, 1.0])),
        extra_sites=tuple(s for s in SITES if rng.random() < 0.4),
        extra_sexes=tuple(s for s in SEXES if rng.random() < 0.4),
    )


def generated(tmp: Path, seed: int, patients: int, variations: Variations):
    data = tmp / "data"
    write_cohort(data, patients, seed, RAW, variations)
    return data, validate_and_render(data, tmp / "out")


def read(data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False)


def mentioned_patients(words: str) -> set[int]:
    found = set()
    for match in PATIENT_LIST.finditer(words):
        parts = re.split(r", | and ", match.group(1))
        for part in parts:
            if " to " in part:
                first, last = part.split(" to ")
                found |= {int(first), int(last)}
            else:
                found.add(int(part))
    return found


def check_words(data: Path, rendered, large: bool) -> None:
    assert rendered.findings == [], rendered.findings[:5]
    patients = read(data, "patients")
    ids = {int(p) for p in patients["patient_id"]}
    density = read(data, "bone_density")
    complete = density[(density["bmd_g_cm2"] != "") & (density["z_score"] != "")]
    pairs = complete.groupby("patient_id")["timepoint"].nunique()
    measured = {int(p) for p, n in pairs.items() if n == 2}
    unmeasured = ids - measured
    # The report's own prose: not the reference list, the audit of the paper's claims (about
    # the paper's cohort, issue 9 item 3) nor the appendix (a table of numbers and units).
    text = "\n".join(
        words for section, words in rendered.sections.items() if section not in NOT_PROSE
    )

    assert not PLURAL_AFTER_ONE.search(text), PLURAL_AFTER_ONE.search(text).group(0)

    for n, m, _, qualifier in N_OF_M.findall(text):
        assert int(n) <= int(m)
        assert int(m) in ({len(measured)} if qualifier else {len(ids), len(measured)}), (n, m)
    summary = rendered.sections["summary"]
    if measured:
        assert f"of the {len(measured)} patient" in summary
    if unmeasured and measured and not large:
        tail = summary.split("measured before and after", 1)[1].split(".", 1)[0]
        assert mentioned_patients(tail) == unmeasured

    assert mentioned_patients(text) <= ids

    sites = set(density["site"])
    if "lumbar spine" not in sites:
        assert "lumbar spine" not in text
    for site in sites:
        assert site in rendered.sections["methods"]

    if not large:
        treated = read(data, "treatments")
        drug = read(data, "publication").loc[0, "study_drug"]
        with_drug = {int(p) for p in treated.loc[treated["drug"] == drug, "patient_id"]}
        for pid in ids - with_drug:
            summary_of = case_summary(rendered.sections["patients"], pid)
            assert f"did not receive {drug}" in summary_of
            assert "had received" not in summary_of


def case_summary(section: str, pid: int) -> str:
    """The text of one patient's case summary (the next 'Patient N ' heading ends it)."""
    pieces = re.split(r"(?=Patient \d+ (?:A |An ))", section)
    return next(p for p in pieces if p.startswith(f"Patient {pid} "))


@pytest.mark.parametrize("seed", range(DATASETS))
def test_every_sentence_fits_a_generated_dataset(tmp_path, seed):
    patients, variations = knobs(seed)
    data, rendered = generated(tmp_path, seed, patients, variations)
    check_words(data, rendered, large=False)


@pytest.mark.parametrize("seed", range(100, 100 + LARGE_DATASETS))
def test_every_sentence_fits_a_generated_large_series(tmp_path, seed):
    _, variations = knobs(seed)
    data, rendered = generated(tmp_path, seed, 25, variations)
    check_words(data, rendered, large=True)


def test_a_patient_without_bone_density_is_named_with_the_reason(tmp_path):
    """The issue's case: every patient lacks bone density but one (or all do)."""
    variations = Variations(no_bone_density_share=0.5, missing_share=0.0)
    data, rendered = generated(tmp_path, 7, 6, variations)
    check_words(data, rendered, large=False)
    density = read(data, "bone_density")
    lacking = {p for p in range(1, 7)} - {int(p) for p in density["patient_id"]}
    assert lacking, "the seed should leave someone out"
    outcomes = rendered.sections["outcomes"]
    for pid in lacking:
        assert f"Patient {pid} (not recorded)" in outcomes


def test_an_allowed_value_without_words_is_a_validation_error(tmp_path):
    data = tmp_path / "data"
    write_cohort(data, 3, 1, RAW, Variations(extra_sexes=("unknown",), extra_sex_share=1.0))
    package = (data / "datapackage.yaml").read_text(encoding="utf-8")
    import yaml

    package = yaml.safe_load(package)
    patients = next(r for r in package["resources"] if r["name"] == "patients")
    sex = next(f for f in patients["schema"]["fields"] if f["name"] == "sex")
    del sex["enumLabels"]["unknown"]
    (data / "datapackage.yaml").write_text(yaml.safe_dump(package), encoding="utf-8")
    rendered = validate_and_render(data, tmp_path / "out")
    messages = [f.message for f in rendered.findings]
    assert (
        "resource 'patients', field 'sex': allowed value 'unknown' has no words in enumLabels"
        in (messages)
    )
