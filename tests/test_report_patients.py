"""The patient view model: the package's general Patient (casereport.render.patients) and this
article's view of a patient (workflow/article/patients.py), which its report-context file gives
the report (`report_patients`, casereport.render.extension)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from support.project import DATAPACKAGE, REPORT_CONTEXT, ROOT

from casereport.dataset import load_dataset, read_datapackage
from casereport.render import Patient, TableRows, primary_keys
from casereport.render.extension import (
    ReportContextError,
    load_project_context,
    project_patients,
)
from casereport.render.patients import build_patients
from casereport.render.rows import Row
from casereport.words import study_drug
from casereport_project.patients import ArticlePatient, article_patients

# The article's subject, drug and measurements: words the package's render code must not hold.
ARTICLE_WORDS = re.compile(r"calcinosis|pamidronate|bmd|bone|dermatomyositis", re.IGNORECASE)


def test_the_package_render_code_and_templates_hold_no_article_words():
    package = ROOT / "src" / "casereport"
    files = [*(package / "render").glob("*.py"), *(package / "templates").glob("*.j2")]
    assert len(files) > 10
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not ARTICLE_WORDS.search(line), f"{path.relative_to(ROOT)}:{number}: {line}"


def test_the_article_macros_are_the_project_s():
    macros = (ROOT / "src" / "casereport" / "templates" / "macros.html.j2").read_text("utf-8")
    article = ROOT / "workflow" / "report" / "templates" / "article_macros.html.j2"
    for name in ("months", "z_range", "outcome_sentence", "bmd_sentence"):
        assert f"macro {name}(" not in macros, name
        assert f"macro {name}(" in article.read_text("utf-8"), name


def test_the_package_s_patient_has_none_of_the_article_s_properties():
    for name in ("pamidronate", "bmd_before", "sites_in_table", "outcome_words", "bone_density"):
        assert not hasattr(Patient, name), name
        assert hasattr(ArticlePatient, name), name


def patient(patient_id: int) -> Patient:
    return Patient(Row("patients", (patient_id,), {"patient_id": patient_id}), records=None)


@dataclass(frozen=True)
class Subclassed(Patient):
    note: str = ""


def test_the_project_s_views_replace_the_patients_one_for_one():
    patients = [patient(1), patient(2)]
    views = [Subclassed(p.row, p.records, "x") for p in patients]
    assert project_patients(patients, views, "c.py") == views


@pytest.mark.parametrize(
    "views",
    [
        [],  # one missing
        [patient(2), patient(1)],  # another order
        [patient(1), patient(2), patient(3)],  # one more
        [patient(1), {"id": 2}],  # not a Patient
    ],
)
def test_views_that_are_not_one_patient_per_patient_in_order_are_refused(views):
    with pytest.raises(ReportContextError, match="c.py: report_patients must return one Patient"):
        project_patients([patient(1), patient(2)], views, "c.py")


def test_report_patients_is_optional_and_must_be_a_function(tmp_path):
    plain = tmp_path / "plain.py"
    plain.write_text("def report_context(*args):\n    return {}\n", encoding="utf-8")
    assert load_project_context(plain).report_patients is None
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "def report_context(*args):\n    return {}\nreport_patients = []\n", encoding="utf-8"
    )
    with pytest.raises(ReportContextError, match="`report_patients` is not a function"):
        load_project_context(wrong)


def test_the_article_gives_its_view_of_each_patient():
    assert callable(load_project_context(REPORT_CONTEXT).report_patients)


@pytest.fixture(scope="module")
def article_view(validated):
    dataset = load_dataset(validated, DATAPACKAGE)
    rows = TableRows(dataset, primary_keys(read_datapackage(DATAPACKAGE)))
    patients = build_patients(dataset, rows)
    return dataset, patients, article_patients(dataset, patients)


@pytest.mark.slow
def test_the_article_view_reads_the_same_rows_as_the_package_s_patient(article_view):
    dataset, patients, views = article_view
    assert [v.id for v in views] == [p.id for p in patients]
    drug = study_drug(dataset)
    for general, view in zip(patients, views, strict=True):
        assert view.row == general.row
        assert view.adverse_events == general.adverse_events
        # The same treatments, the article's in order of their start month.
        assert sorted(t.key for t in view.treatments) == sorted(t.key for t in general.treatments)
        months = [t["start_month"] for t in view.treatments if t["start_month"] is not None]
        assert months == sorted(months)
        both = view.pamidronate + view.other_treatments
        assert sorted(t.key for t in both) == sorted(t.key for t in view.treatments)
        assert all(t["drug"] == drug for t in view.pamidronate)
        assert view.sites == general.rows("calcinosis_sites")
        assert len(view.sites_in_table) + len(view.sites_in_narrative) == len(view.sites)
        grouped = [e for group in view.adverse_event_groups for e in group]
        assert sorted(e.key for e in grouped) == sorted(e.key for e in general.adverse_events)
    assert any(v.pamidronate for v in views) and any(v.has_bmd_pair for v in views)
