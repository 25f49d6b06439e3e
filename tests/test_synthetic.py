"""The article's synthetic cohort (workflow/article/synthetic, imported as casereport_project.
synthetic; casereport cohort): deterministic, complete, in the raw data's format, and valid."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from casereport.synthetic.template import read_raw_table, write_csv
from casereport_project.synthetic import write_cohort

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
PATIENT_TABLES = [
    "patients",
    "treatments",
    "calcinosis_sites",
    "labs",
    "bone_density",
    "adverse_events",
]
COPIED_FILES = [
    "analytes.csv",
    "bmd_categories.csv",
    "protocol.csv",
    "background_facts.csv",
    "references.csv",
    "authors.csv",
    "datapackage.yaml",
]
SMALL = 25
MEDIUM = 400  # enough patients to reach the rarer branches of every draw


def cohort(tmp_path_factory, name: str, n_patients: int, seed: int = 0) -> Path:
    out_dir = tmp_path_factory.mktemp(name)
    write_cohort(out_dir, n_patients, seed=seed, template_dir=RAW)
    return out_dir


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return cohort(tmp_path_factory, "small", SMALL)


@pytest.fixture(scope="module")
def medium(tmp_path_factory) -> Path:
    return cohort(tmp_path_factory, "medium", MEDIUM, seed=7)


def table(directory: Path, name: str) -> pd.DataFrame:
    """A CSV with empty cells as NA and every other cell as text."""
    return pd.read_csv(directory / f"{name}.csv", dtype=str, keep_default_na=False).replace(
        "", pd.NA
    )


def numbers(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series).astype("Float64")


def file_bytes(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


# --- Determinism ----------------------------------------------------------------------------


@pytest.mark.slow
def test_same_seed_and_size_give_identical_bytes(tmp_path):
    write_cohort(tmp_path / "a", SMALL, seed=3, template_dir=RAW)
    write_cohort(tmp_path / "b", SMALL, seed=3, template_dir=RAW)
    assert file_bytes(tmp_path / "a") == file_bytes(tmp_path / "b")


@pytest.mark.slow
def test_different_seeds_give_different_patients(tmp_path):
    write_cohort(tmp_path / "a", SMALL, seed=1, template_dir=RAW)
    write_cohort(tmp_path / "b", SMALL, seed=2, template_dir=RAW)
    for name in PATIENT_TABLES[:5]:  # a small cohort may have no adverse events under both seeds
        a = (tmp_path / "a" / f"{name}.csv").read_bytes()
        b = (tmp_path / "b" / f"{name}.csv").read_bytes()
        assert a != b, name


@pytest.mark.slow
def test_command_line_writes_the_same_files(small, tmp_path):
    out_dir = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, "-m", "casereport.cli", "cohort", str(out_dir), "--patients", str(SMALL)]
        + ["--seed", "0", "--template-dir", str(RAW)],
        cwd=ROOT,  # the project's folder: its config names the extension that draws the cohort
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert file_bytes(out_dir) == file_bytes(small)


class Named(list):
    """A stand-in for Snakemake's named lists (input, output, params)."""

    def __init__(self, items=(), **named):
        super().__init__(items)
        self.__dict__.update(named)

    def get(self, name, default=None):
        return self.__dict__.get(name, default)


@pytest.mark.slow
def test_the_workflow_script_activates_the_extension_and_writes_the_same_files(small, tmp_path):
    """workflow/scripts/make_cohort.py with a stand-in for Snakemake's `snakemake` object."""
    datapackage = str(tmp_path / "script" / "datapackage.yaml")
    smk = type("Smk", (), {})()
    smk.config = {"extension": str(ROOT / "workflow" / "article")}
    smk.input = Named([str(RAW / "datapackage.yaml")], template=str(RAW / "datapackage.yaml"))
    smk.output = Named([datapackage], datapackage=datapackage)
    smk.params = Named(patients=SMALL, seed=0)
    script = ROOT / "workflow" / "scripts" / "make_cohort.py"
    exec(compile(script.read_text(encoding="utf-8"), str(script), "exec"), {"snakemake": smk})
    assert file_bytes(tmp_path / "script") == file_bytes(small)


# --- Format ---------------------------------------------------------------------------------


def test_every_raw_file_is_written_with_the_same_columns(small):
    for raw_csv in sorted(RAW.glob("*.csv")):
        written = small / raw_csv.name
        assert written.is_file(), raw_csv.name
        raw_header = raw_csv.read_text(encoding="utf-8").splitlines()[0]
        assert written.read_text(encoding="utf-8").splitlines()[0] == raw_header, raw_csv.name


def test_reference_tables_and_data_dictionary_are_copied_unchanged(small):
    for name in COPIED_FILES:
        assert (small / name).read_bytes() == (RAW / name).read_bytes(), name


def test_files_are_utf8_with_lf_line_ends(small):
    for path in small.glob("*.csv"):
        content = path.read_bytes()
        content.decode("utf-8")
        assert b"\r" not in content, path.name
        assert content.endswith(b"\n"), path.name


def test_csv_writer_reproduces_every_raw_file_byte_for_byte(tmp_path):
    """The writer's dialect is the raw data's: reading and rewriting a raw file changes nothing."""
    for raw_csv in sorted(RAW.glob("*.csv")):
        write_csv(read_raw_table(raw_csv), tmp_path / raw_csv.name)
        assert (tmp_path / raw_csv.name).read_bytes() == raw_csv.read_bytes(), raw_csv.name


def test_readme_says_synthetic_seed_and_size(small):
    readme = (small / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    assert f"{SMALL} invented patients" in readme
    assert "seed 0" in readme


def test_publication_title_says_synthetic_and_the_rest_is_kept(small):
    written, raw = table(small, "publication"), table(RAW, "publication")
    assert written.loc[0, "title"].startswith(f"Synthetic cohort of {SMALL:,} patients")

    others = [column for column in raw.columns if column != "title"]
    pd.testing.assert_frame_equal(written[others], raw[others])


# --- Sizes ----------------------------------------------------------------------------------


def test_a_cohort_of_ten_thousand_passes_the_privacy_check_of_its_title():
    """A bare 10000 in the title read as a Spanish postcode and the cohort failed validation."""
    from casereport.privacy import flags
    from casereport.synthetic.template import read_template
    from casereport_project.synthetic.cohort import synthetic_publication

    template = read_template(ROOT / "data" / "raw")
    title = synthetic_publication(template, 10_000, 12_345).loc[0, "title"]
    assert "10,000 patients" in title and "seed 12,345" in title
    assert flags(title) == []


def test_patients_are_numbered_one_to_n(small):
    assert table(small, "patients")["patient_id"].tolist() == [str(i) for i in range(1, SMALL + 1)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "id_column"),
    [
        ("treatments", "treatment_id"),
        ("calcinosis_sites", "site_id"),
        ("adverse_events", "event_id"),
    ],
)
def test_surrogate_ids_run_from_one_in_patient_order(medium, name, id_column):
    rows = table(medium, name)
    assert rows[id_column].tolist() == [str(i) for i in range(1, len(rows) + 1)]
    assert pd.to_numeric(rows["patient_id"]).is_monotonic_increasing


def test_every_analyte_is_measured_pre_and_post_for_every_patient(small):
    labs, analytes = table(small, "labs"), table(RAW, "analytes")
    assert len(labs) == SMALL * len(analytes) * 2
    expected = {
        (str(p), a, t)
        for p in range(1, SMALL + 1)
        for a in analytes["analyte"]
        for t in ("pre", "post")
    }
    assert set(labs[["patient_id", "analyte", "timepoint"]].itertuples(index=False)) == expected


def test_bone_density_pre_and_post_for_every_patient(small):
    density = table(small, "bone_density")
    assert len(density) == 2 * SMALL
    assert set(density["site"]) == set(table(RAW, "bone_density")["site"])


def test_each_patient_has_one_pamidronate_row_on_the_protocol_and_prednisone(medium):
    treatments, protocol = table(medium, "treatments"), table(RAW, "protocol")
    parameter = protocol.set_index("parameter")["value"]
    pamidronate = treatments[treatments["drug"] == "pamidronate"]
    assert sorted(pd.to_numeric(pamidronate["patient_id"])) == list(range(1, MEDIUM + 1))
    assert set(pamidronate["course_days"]) == {parameter["pamidronate_course_days"]}
    assert set(pamidronate["interval_months"]) == {parameter["pamidronate_interval"]}
    assert set(pamidronate["dose"]) == {parameter["pamidronate_dose"]}
    prednisone = treatments[treatments["drug"] == "prednisone"]
    assert prednisone["patient_id"].nunique() == MEDIUM
    assert treatments.groupby("patient_id")["drug"].nunique().min() >= 3  # plus other drugs


def test_vocabularies_come_from_the_real_data(medium):
    real_treatments, treatments = table(RAW, "treatments"), table(medium, "treatments")
    for column in ["drug", "drug_label", "dose", "dose_upper", "dose_unit", "route"]:
        assert set(treatments[column].dropna()) <= set(real_treatments[column].dropna()), column
    real_sites = table(RAW, "calcinosis_sites")
    sites = table(medium, "calcinosis_sites")
    assert set(sites["site"]) <= set(real_sites["site"])
    site_region = dict(zip(real_sites["site"], real_sites["region"], strict=True))
    assert (sites["site"].map(site_region) == sites["region"]).all()
    events = table(medium, "adverse_events")
    assert set(events["event"]) <= set(table(RAW, "adverse_events")["event"])


# --- Validity -------------------------------------------------------------------------------


@pytest.mark.slow
def test_frictionless_validation_passes(small):
    from frictionless import Package

    report = Package(str(small / "datapackage.yaml")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def cross_field_violations(directory: Path) -> list[str]:
    """The cross-field rules a Table Schema cannot express; one message per broken rule."""
    patients = table(directory, "patients").set_index("patient_id")
    treatments = table(directory, "treatments")
    labs, events = table(directory, "labs"), table(directory, "adverse_events")
    analytes = table(directory, "analytes").set_index("analyte")
    publication = table(directory, "publication").iloc[0]
    ages = patients[
        [
            "age_at_diagnosis_years",
            "disease_duration_years",
            "age_in_narrative_years",
            "calcinosis_onset_min_years",
            "calcinosis_onset_max_years",
            "pamidronate_courses",
        ]
    ].apply(numbers)
    start, end = treatments["start_month"], treatments["end_month"]
    months = pd.concat([start, end]).dropna()
    dose, dose_upper = numbers(treatments["dose"]), numbers(treatments["dose_upper"])
    courses = events["patient_id"].map(ages["pamidronate_courses"])
    pamidronate = treatments[treatments["drug"] == "pamidronate"].set_index("patient_id")
    rules = {
        "end_month before start_month": (end < start).fillna(False).any(),
        "age_in_narrative - age_at_diagnosis != disease_duration": (
            ages["age_in_narrative_years"] - ages["age_at_diagnosis_years"]
            != ages["disease_duration_years"]
        ).any(),
        "calcinosis onset min > max": (
            ages["calcinosis_onset_min_years"] > ages["calcinosis_onset_max_years"]
        ).any(),
        "calcinosis onset after the disease duration": (
            ages["calcinosis_onset_max_years"] > ages["disease_duration_years"]
        ).any(),
        "lab unit is not the analyte's unit": (
            labs["unit"] != labs["analyte"].map(analytes["unit"])
        ).any(),
        "adverse event after the patient's last course": (
            numbers(events["pamidronate_course"]) > courses
        ).any(),
        "month outside the study period": (
            (months < publication["study_period_start"])
            | (months > publication["study_period_end"])
        ).any(),
        "dose_upper below dose": (dose_upper < dose).fillna(False).any(),
        "later_interval_months without end_month": (
            treatments["later_interval_months"].notna() & end.isna()
        ).any(),
        "pamidronate_ongoing differs from the pamidronate row": (
            patients["pamidronate_ongoing"] != pamidronate["ongoing"].reindex(patients.index)
        ).any(),
        "follow-up after pamidronate while it is ongoing": (
            (patients["pamidronate_ongoing"] == "true")
            & patients["follow_up_after_pamidronate_years"].notna()
        ).any(),
    }
    return [rule for rule, broken in rules.items() if broken]


def test_cross_field_checks_accept_the_real_data():
    """The checks below read the raw format correctly: the curated data pass them."""
    assert cross_field_violations(RAW) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "column", "row_has", "value", "rule"),
    [
        ("patients", "age_in_narrative_years", ("sex", "female"), "30", "disease_duration"),
        ("patients", "calcinosis_onset_min_years", ("sex", "male"), "17", "onset min > max"),
        ("treatments", "end_month", ("drug", "prednisone"), "2001-09", "before start_month"),
        ("treatments", "start_month", ("drug", "pamidronate"), "1999-01", "study period"),
        ("treatments", "later_interval_months", ("end_month", ""), "6", "without end_month"),
        ("treatments", "dose_upper", ("dose", "1"), "0.5", "dose_upper below dose"),
        ("labs", "unit", ("analyte", "ESR"), "IU/L", "analyte's unit"),
        ("adverse_events", "pamidronate_course", ("event", "fever"), "99", "last course"),
    ],
)
def test_cross_field_checks_catch_a_broken_cell(
    medium, tmp_path, name, column, row_has, value, rule
):
    """The checks are not vacuous: one broken cell in a valid cohort is reported."""
    broken = tmp_path / "broken"
    shutil.copytree(medium, broken)
    rows = read_raw_table(broken / f"{name}.csv")
    first = rows.index[rows[row_has[0]] == row_has[1]][0]
    rows.loc[first, column] = value
    write_csv(rows, broken / f"{name}.csv")
    assert any(rule in message for message in cross_field_violations(broken))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_field_rules_hold(tmp_path, seed):
    write_cohort(tmp_path, MEDIUM, seed=seed, template_dir=RAW)
    assert cross_field_violations(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("n_patients", [1, 2, 3])
def test_tiny_cohorts_have_rows_in_every_table_and_hold_the_rules(tmp_path, n_patients):
    """The validator rejects header-only tables, so even one patient has an adverse event."""
    for seed in range(5):
        out_dir = tmp_path / f"seed{seed}"
        write_cohort(out_dir, n_patients, seed=seed, template_dir=RAW)
        for name in PATIENT_TABLES:
            assert len(table(out_dir, name)) > 0, (seed, name)
        assert cross_field_violations(out_dir) == [], seed


def test_values_stay_in_plausible_ranges(medium):
    patients = table(medium, "patients")
    assert numbers(patients["age_at_diagnosis_years"]).between(2, 15).all()
    assert numbers(patients["age_in_narrative_years"]).le(18).all()
    assert numbers(table(medium, "labs")["value"]).ge(0).all()
    density = table(medium, "bone_density")
    assert numbers(density["bmd_g_cm2"]).between(0.3, 1.2).all()
    assert numbers(density["z_score"]).between(-3, 2).all()


def months_between(start: pd.Series, end: pd.Series) -> pd.Series:
    def index(yearmonth: pd.Series) -> pd.Series:
        parts = yearmonth.str.split("-", expand=True).astype(int)
        return parts[0] * 12 + parts[1]

    return index(end) - index(start)


def test_every_patient_gets_draws_of_their_own(medium):
    """No quantity is drawn once and shared by the whole cohort."""
    treatments = table(medium, "treatments").dropna(subset=["end_month"])
    for drug in ["prednisone", "pamidronate"]:
        rows = treatments[treatments["drug"] == drug]
        assert months_between(rows["start_month"], rows["end_month"]).nunique() > 3, drug
    patients = table(medium, "patients")
    for column in patients.columns.drop(["patient_id", "origin", "source"]):
        assert patients[column].nunique() > 1, column
    assert table(medium, "labs").groupby(["analyte", "timepoint"])["value"].nunique().min() > 3
    assert table(medium, "bone_density")["z_score"].nunique() > 3


@pytest.mark.slow
@pytest.mark.parametrize("n_patients", [SMALL, 2_000])
def test_project_validation_checks_accept_the_cohort(tmp_path, n_patients):
    """All three layers of casereport.validation, called as its command and jobs call them."""
    if importlib.util.find_spec("casereport.validation.checker") is None:
        pytest.skip("the project validator (casereport.validation.checker) does not exist yet")
    from casereport.validation.checker import check_tables
    from casereport.validation.report import format_finding

    write_cohort(tmp_path, n_patients, seed=5, template_dir=RAW)
    article_rules = ROOT / "workflow" / "article" / "validation_rules.py"
    results = check_tables(str(tmp_path / "datapackage.yaml"), extension=str(article_rules))
    findings = [format_finding(f) for result in results.values() for f in result.findings]
    assert findings == [], "\n".join(findings[:20])


@pytest.mark.slow
def test_project_validator_accepts_the_cohort(small, tmp_path):
    if importlib.util.find_spec("casereport.validation") is None:
        pytest.skip("the project validator (casereport.validation) does not exist yet")
    if importlib.util.find_spec("casereport.cli") is None or shutil.which("casereport") is None:
        pytest.skip("the `casereport validate` command line does not exist yet")
    # Run from a scratch directory so whatever the validator writes stays out of the project.
    result = subprocess.run(
        ["casereport", "validate", "--data-dir", str(small)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


# --- Scale ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_ten_thousand_patients_in_well_under_ten_seconds(tmp_path):
    # CPU time of this process, not wall time: a busy machine (parallel test runs, a build) must
    # not fail the test. Single-threaded work, so the two agree on an idle machine (about 1 s).
    started = time.process_time()
    write_cohort(tmp_path, 10_000, seed=0, template_dir=RAW)
    elapsed = time.process_time() - started
    assert elapsed < 10, f"{elapsed:.1f} s"
    patients = table(tmp_path, "patients")
    assert len(patients) == 10_000
    # Girls outnumber boys by the ratio background_facts.csv gives (2.7:1 -> 73% girls).
    facts = table(RAW, "background_facts").set_index("fact_id")
    ratio = float(facts.loc["jdm_female_to_male_ratio", "value"])
    assert (patients["sex"] == "female").mean() == pytest.approx(ratio / (1 + ratio), abs=0.02)


def test_findings_are_drawn_symptoms_and_signs_never_the_papers_patients(medium):
    """findings.csv describes the synthetic patients: the template's symptoms and signs only
    (no invented investigation or outcome), and some patients have none."""
    findings = table(medium, "findings")
    template = table(RAW, "findings")
    features = template[template["kind"].isin(["symptom", "sign"])]
    assert set(zip(findings["kind"], findings["finding"], strict=True)) <= set(
        zip(features["kind"], features["finding"], strict=True)
    )
    assert set(findings["source"]) == {"Synthetic cohort"}
    patients = set(table(medium, "patients")["patient_id"])
    assert set(findings["patient_id"]) < patients  # a proper subset: someone has no findings
