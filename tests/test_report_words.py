"""Property-style tests of the report's words over many generated datasets (issue 9, item 6).

Each dataset is a synthetic cohort (casereport_project.synthetic) with random knobs: missing
values with their reasons, patients without the study drug, patients without bone density, other
bone density sites, other values of `sex`. Each is validated and rendered in-process
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

from casereport_project.synthetic import Variations, write_cohort

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
        improved = bmd_improved(complete, measured)
        assert bmd_share_words(len(improved), len(measured)) in summary, summary
    if unmeasured and measured and not large:
        tail = summary.split("measured before and after", 1)[1].split(".", 1)[0]
        assert mentioned_patients(tail) == unmeasured

    assert mentioned_patients(text) <= ids

    sites = set(density["site"])
    if "lumbar spine" not in sites:
        assert "lumbar spine" not in text
    for site in sites:
        assert site in rendered.sections["methods"]

    treated = read(data, "treatments")
    drug = read(data, "publication").loc[0, "study_drug"]
    with_drug = {int(p) for p in treated.loc[treated["drug"] == drug, "patient_id"]}
    check_timepoint_words(text, ids - with_drug, with_drug, large)
    if not large:
        check_lab_counts(data, rendered.sections["outcomes"], ids)
        for pid in ids - with_drug:
            summary_of = case_summary(rendered.sections["patients"], pid)
            assert f"did not receive {drug}" in summary_of
            assert "had received" not in summary_of
            assert f"before and after {drug}" not in summary_of


def sentences_with(text: str, words: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.:])\s+(?=[A-Z])", text) if words in s]


def check_timepoint_words(text: str, untreated: set[int], treated: set[int], large: bool) -> None:
    """The words "before the first course" date the timepoints by a course: said only when
    someone was treated, and then with the patients who were not (who have no first course)
    named."""
    dated = sentences_with(text, "before the first course")
    if not treated:
        assert dated == [], dated
        return
    assert dated, "the methods and Table II's sentence date the timepoints"
    for sentence in dated:
        if not untreated:
            assert "who did not receive" not in sentence, sentence
            continue
        clause = sentence.split("; for ", 1)[1]
        assert "who did not receive" in clause, sentence
        assert "tied to no course" in clause, sentence
        if not large:
            assert mentioned_patients(clause.split(", who did not", 1)[0]) == untreated, sentence


def bmd_improved(complete: pd.DataFrame, measured: set[int]) -> set[int]:
    """The measured patients whose BMD is higher at the second timepoint than at the first."""
    improved = set()
    for pid in measured:
        rows = complete[complete["patient_id"] == str(pid)]
        before, after = (float(v) for v in rows["bmd_g_cm2"].iloc[:2])  # rows in time order
        if after > before:
            improved.add(pid)
    return improved


def bmd_share_words(
    count: int, total: int, verb: str = "rose", negated: str = "did not rise"
) -> str:
    """The words the report must use for 'count of total patients' (written out here, not by
    the code under test, so that a wrong form fails)."""
    if count == total:
        return {1: f"{verb} in the only patient", 2: f"{verb} in both patients"}.get(
            total, f"{verb} in all {total} patients"
        )
    if count == 0:
        return {1: f"{negated} in the only patient", 2: f"{verb} in neither patient"}.get(
            total, f"{verb} in none of the {total} patients"
        )
    return f"{verb} in {count} of the {total} patients"


def check_lab_counts(data: Path, outcomes: str, ids: set[int]) -> None:
    """Each marker's line says how many patients have both values, of all patients, and how many
    of them fell, rose or did not change."""
    labs = read(data, "labs")
    labs = labs[labs["value"] != ""]
    for analyte in read(data, "analytes")["analyte"]:
        rows = labs[labs["analyte"] == analyte]
        changes = []
        for _, pair in rows.groupby("patient_id"):
            at = dict(zip(pair["timepoint"], pair["value"].astype(float), strict=True))
            if {"pre", "post"} <= set(at):
                changes.append(at["post"] - at["pre"])
        measured = bmd_share_words(
            len(changes), len(ids), "measured before and after", "not measured before and after"
        )
        shown = analyte[:1].upper() + analyte[1:]
        line = outcomes.split(f" {shown} (", 1)[1].split(". ", 1)[0]
        assert measured in line.split(":", 1)[0], (analyte, line)
        for word, count in (
            ("fell", sum(c < 0 for c in changes)),
            ("rose", sum(c > 0 for c in changes)),
            ("did not change", sum(c == 0 for c in changes)),
        ):
            if count:
                assert f"{word} in {count} (Patient" in line, (analyte, word, line)
            else:
                assert f"{word} in " not in line, (analyte, word, line)


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


# What the article says and the authors concluded belongs to the article's data only.
ARTICLE_ONLY = (
    "The authors describe",
    "Conclusion of the authors",
    "What the authors concluded",
    "according to the article",
    "The article reports",
    "The article quotes",
    "the facts and numbers are the article's",
    # Methods the article states and the data do not record (issue 13).
    "Bohan and Peter",
    "gathered retrospectively",
    "parents gave written informed consent",
    "compassionate use",
    "Glorieux and colleagues",
    "Spanish reference values",
    # The CARE checklist's rows about the article (data/care_checklist.csv, applies_to).
    "the authors' conclusion",
    "the article states that the parents",
)


def test_the_articles_words_are_not_said_of_other_data(tmp_path):
    """A synthetic cohort is not the article's (publication.csv names another title): nothing of
    the article's reasons or conclusions is attributed to it, and the study drug is the data's."""
    data = tmp_path / "data"
    write_cohort(data, 6, 4, RAW, Variations(missing_share=0.3, untreated_share=0.3))
    publication = read(data, "publication")
    publication.loc[0, "study_drug"] = "zoledronate"
    # Words of the data that name the drug too, as another study's would.
    publication.loc[0, "title"] = "Zoledronate for calcinosis: a synthetic cohort"
    publication.loc[0, "keywords"] = "calcinosis; zoledronate"
    publication.to_csv(data / "publication.csv", index=False)
    # The treatments name the study drug too (its courses must have its rows: the article's rule
    # study_drug_courses_have_a_row).
    treatments = read(data, "treatments")
    treatments.loc[treatments["drug"] == "pamidronate", "drug"] = "zoledronate"
    treatments.to_csv(data / "treatments.csv", index=False)
    rendered = validate_and_render(data, tmp_path / "out")
    assert rendered.findings == [], rendered.findings[:5]
    for words in ARTICLE_ONLY:
        assert words not in rendered.text, words
    for section in ("title", "summary", "background"):
        assert "pamidronate" not in rendered.sections[section].lower(), section
        assert "zoledronate" in rendered.sections[section].lower(), section
    assert "The data describe 6 children" in rendered.sections["summary"]
    care = rendered.sections["care"]
    discussion = care.split("Discussion", 1)[1].split("Patient perspective", 1)[0]
    assert "Not reported" in discussion, discussion


def test_the_articles_own_data_keep_the_authors_words(tmp_path):
    """The same sentences are there for the article's own data, so the test above can fail."""
    rendered = validate_and_render(RAW, tmp_path / "out")
    assert rendered.findings == []
    for words in ARTICLE_ONLY:
        assert words in rendered.text, words
    assert "rose in all 3 patients" in rendered.sections["summary"]


def untreat(data: Path, pid: str) -> None:
    """Make one patient of a cohort one who never received the study drug, as the dictionary
    allows: no course, no row of the drug (casereport.synthetic's untreated patients)."""
    drug = read(data, "publication").loc[0, "study_drug"]
    patients = read(data, "patients")
    row = patients["patient_id"] == pid
    patients.loc[row, ["pamidronate_courses", "pamidronate_ongoing"]] = ["0", "false"]
    patients.loc[row, "follow_up_after_pamidronate_years"] = ""
    patients.to_csv(data / "patients.csv", index=False)
    treatments = read(data, "treatments")
    kept = ~((treatments["patient_id"] == pid) & (treatments["drug"] == drug))
    treatments[kept].to_csv(data / "treatments.csv", index=False)
    findings = read(data, "findings")
    during = (findings["patient_id"] == pid) & findings["timing"].isin(["during", "after"])
    findings[~during].to_csv(data / "findings.csv", index=False)


def test_table_two_says_what_before_means_for_an_untreated_patient(tmp_path):
    """Issue 13: one patient of four did not receive the drug and so has no first course; the
    sentences that date Table II's and the DXA's timepoints by the first course name that
    patient and say the timepoints are tied to no course for them."""
    data = tmp_path / "data"
    write_cohort(data, 4, 5, RAW, Variations())
    with_events = set(read(data, "adverse_events")["patient_id"])
    pid = next(p for p in read(data, "patients")["patient_id"] if p not in with_events)
    untreat(data, pid)
    density = read(data, "bone_density")  # and no bone density: the case summary says when not
    density[density["patient_id"] != pid].to_csv(data / "bone_density.csv", index=False)
    rendered = validate_and_render(data, tmp_path / "out")
    assert rendered.findings == [], rendered.findings[:5]
    drug = read(data, "publication").loc[0, "study_drug"]
    assert (
        f"Bone mineral density at the data's two timepoints: none for Patient {pid}"
        in case_summary(rendered.sections["patients"], int(pid))
    )
    clause = (
        f"; for Patient {pid}, who did not receive {drug}, "
        "the data's two timepoints are tied to no course"
    )
    (table_two,) = sentences_with(rendered.sections["outcomes"], "Table II gives")
    assert f"before the first course of {drug} and" in table_two
    assert f"later{clause}, and Figure" in table_two, table_two
    methods = rendered.sections["methods"]
    assert f"after it{clause}:" in methods
    assert f"later{clause}. It was also" in methods
    assert f"children, some of them given {drug}." in rendered.sections["summary"]
    check_words(data, rendered, large=False)


def render_nobody_treated(tmp_path: Path, variations: Variations):
    """A three-patient cohort in which no patient received the study drug (and none has an
    adverse event of a course), rendered: (data folder, rendered report, the study drug)."""
    data = tmp_path / "data"
    write_cohort(data, 3, 5, RAW, variations)
    events = read(data, "adverse_events")
    events[events["patient_id"] == ""].to_csv(data / "adverse_events.csv", index=False)
    for pid in read(data, "patients")["patient_id"]:
        untreat(data, pid)
    rendered = validate_and_render(data, tmp_path / "out")
    assert rendered.findings == [], rendered.findings[:5]
    return data, rendered, read(data, "publication").loc[0, "study_drug"]


def test_no_course_dates_the_timepoints_when_nobody_was_treated(tmp_path):
    """When no patient received the drug, no sentence dates a measurement by its first course."""
    data, rendered, drug = render_nobody_treated(tmp_path, Variations())
    untreated = (
        f"at the data's two timepoints (no patient received {drug}, so no course dates them)"
    )
    assert f"disease activity {untreated}, and Figure" in rendered.sections["outcomes"]
    methods = rendered.sections["methods"]
    assert f"measured {untreated}:" in methods
    assert f"none of them received {drug}." in methods
    assert f"No patient received {drug}; the protocol the data record gives it" in methods
    assert f"{drug} was given" not in methods.lower()
    assert f"children none of whom was given {drug}" in rendered.sections["summary"]
    check_words(data, rendered, large=False)


def test_no_bone_density_pair_is_not_dated_by_a_drug_nobody_received(tmp_path):
    """Nobody treated and nobody measured twice: the bone density sentence speaks of the data's
    timepoints, not of 'before and after' a drug no patient received."""
    _, rendered, drug = render_nobody_treated(tmp_path, Variations(no_bone_density_share=1.0))
    said = "No patient has a bone mineral density measurement recorded at both of the data's"
    assert said in rendered.text
    assert f"recorded both before and after {drug}" not in rendered.text
