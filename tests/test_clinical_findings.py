"""findings.csv in the report (casereport.clinical_findings, the case summaries, the Clinical
findings section, the CARE table) and the calcinosis response figure (the article extension's
figures/calcinosis.py). No snakemake: the report is rendered in-process from edited copies of
data/raw."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from support.project import ROOT, make_validated_dir
from support.report import build_report_dir, parse_html

from casereport.clinical_findings import (
    finding_words,
    findings_by_patient,
    kind_words,
    timing_words,
)
from casereport.dataset import load_dataset, read_datapackage
from casereport.figures import build_figure

RAW = ROOT / "data" / "raw"


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def project_with(tmp_path: Path, edit) -> Path:
    """A copy of data/raw under tmp_path/project, edited by `edit(raw_dir)`."""
    project = tmp_path / "project"
    shutil.copytree(RAW, project / "data/raw")
    edit(project / "data/raw")
    return project


def section_text(parsed, section: str) -> str:
    return " ".join(" ".join(t.split()) for t, _, s in parsed.text_runs if s == section)


def dataset_of(raw_dir: Path, tmp_path: Path):
    validated = make_validated_dir(raw_dir, tmp_path / "validated")
    return load_dataset(validated, raw_dir / "datapackage.yaml")


# --- words ------------------------------------------------------------------------------------


def test_every_kind_and_timing_the_dictionary_allows_has_words():
    (resource,) = [
        r
        for r in read_datapackage(RAW / "datapackage.yaml")["resources"]
        if r["name"] == "findings"
    ]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert set(fields["kind"]["constraints"]["enum"]) == set(fields["kind"]["enumLabels"])
    assert set(fields["timing"]["constraints"]["enum"]) == set(fields["timing"]["enumLabels"])


def test_kinds_and_timings_are_worded_by_the_dictionary_with_the_study_drug(tmp_path):
    dataset = dataset_of(RAW, tmp_path)
    fields = dataset.tables["findings"].fields
    drug = dataset["publication"]["study_drug"].iloc[0]
    assert kind_words(dataset, "outcome") == fields["kind"]["enumLabels"]["outcome"]["label"]
    assert timing_words(dataset, "during") == f"while receiving {drug}"
    worded = [timing_words(dataset, timing) for timing in fields["timing"]["enumLabels"]]
    assert not any("{drug}" in words for words in worded)


def test_a_finding_reported_absent_reads_no_and_a_result_follows_in_brackets():
    row = {"finding": "new calcinosis", "present": False, "result": None}
    assert finding_words(row) == "no new calcinosis"
    row = {"finding": "pain", "present": False, "result": "resolved"}
    assert finding_words(row) == "no pain (resolved)"
    assert finding_words({"finding": "fever", "present": True, "result": None}) == "fever"


def test_each_row_is_grouped_once_under_its_patient_in_the_dictionarys_order_of_kinds(tmp_path):
    dataset = dataset_of(RAW, tmp_path)
    _, rows = read_rows(RAW / "findings.csv")

    class Stub:
        def __init__(self, pid):
            self.id = pid

    pids = sorted({int(r["patient_id"]) for r in rows})
    grouped = findings_by_patient(dataset, [Stub(pid) for pid in [*pids, max(pids) + 1]])
    ids = [r["finding_id"] for f in grouped for r in f.rows]
    assert sorted(ids) == sorted(int(r["finding_id"]) for r in rows)
    order = list(dataset.tables["findings"].fields["kind"]["constraints"]["enum"])
    for patient_findings in grouped[:-1]:
        kinds = [g.kind for g in patient_findings.groups]
        assert kinds == sorted(kinds, key=order.index)
    assert grouped[-1].groups == []


# --- the report -------------------------------------------------------------------------------


def drop_patient_findings(raw_dir: Path, patient_id: str) -> None:
    columns, rows = read_rows(raw_dir / "findings.csv")
    write_rows(
        raw_dir / "findings.csv", columns, [r for r in rows if r["patient_id"] != patient_id]
    )


@pytest.mark.slow
def test_a_patient_without_findings_is_named_and_nothing_is_said_of_them(tmp_path):
    _, rows = read_rows(RAW / "findings.csv")
    dropped = rows[-1]["patient_id"]
    project = project_with(tmp_path, lambda raw: drop_patient_findings(raw, dropped))
    parsed = parse_html(build_report_dir(tmp_path / "out", project=project).html)
    findings = section_text(parsed, "findings")
    assert f"No finding is recorded for Patient {dropped} ." in findings
    others = {r["finding"] for r in rows if r["patient_id"] != dropped}
    only_dropped = {r["finding"] for r in rows if r["patient_id"] == dropped} - others
    assert only_dropped and not any(f in findings for f in only_dropped)
    summaries = section_text(parsed, "patients")
    assert (
        summaries.count("No clinical finding (symptom, sign, investigation or other outcome)") == 1
    )


@pytest.mark.slow
def test_data_without_findings_say_so_and_the_care_table_marks_the_section_empty(tmp_path):
    def empty(raw: Path) -> None:
        columns, _ = read_rows(raw / "findings.csv")
        write_rows(raw / "findings.csv", columns, [])

    project = project_with(tmp_path, empty)
    parsed = parse_html(build_report_dir(tmp_path / "out", project=project).html)
    assert "The data record no clinical finding" in section_text(parsed, "findings")
    care = section_text(parsed, "care")
    assert "Clinical findings (empty for these data)" in care
    assert "gives no other findings of examination" not in care


# --- the calcinosis figure ---------------------------------------------------------------------


def caption_of(dataset) -> str:
    _, model = build_figure("calcinosis", dataset)
    return "".join(part if isinstance(part, str) else f"[{part.id}]" for part in model.caption)


@pytest.mark.slow
def test_the_figure_draws_every_patients_onset_courses_and_outcome(tmp_path):
    dataset = dataset_of(RAW, tmp_path)
    _, model = build_figure("calcinosis", dataset)
    _, patients = read_rows(RAW / "patients.csv")
    for p in patients:
        pid = p["patient_id"]
        assert f"patients.{pid}.calcinosis_onset_min_years" in model.number_ids
        assert f"derived.patients.{pid}.first_treatment_month" in model.number_ids
        assert f"patients.{pid}.pamidronate_courses" in model.number_ids
        if p["follow_up_after_pamidronate_years"]:
            assert f"patients.{pid}.follow_up_after_pamidronate_years" in model.number_ids


def test_a_patient_without_a_dated_course_is_named_in_the_caption(tmp_path):
    _, patients = read_rows(RAW / "patients.csv")
    pid = patients[-1]["patient_id"]

    def no_study_drug(raw: Path) -> None:
        columns, rows = read_rows(raw / "treatments.csv")
        kept = [r for r in rows if not (r["patient_id"] == pid and r["drug"] == "pamidronate")]
        write_rows(raw / "treatments.csv", columns, kept)

    project = project_with(tmp_path, no_study_drug)
    caption = caption_of(dataset_of(project / "data/raw", tmp_path))
    assert (
        f"For Patient [patients.{pid}.patient_id], neither pamidronate nor the outcome is drawn"
        in caption
    )
