"""Captions that date their two time points by the study drug, when a patient did not receive it
(issue 13): the data's pre and post are tied to no course for that patient, and the captions of
Tables II and III and of the laboratory and bone density figures say so. Built in-process from a
small synthetic cohort: no snakemake, no report, no drawing beyond the two figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from support.project import DATAPACKAGE, RAW, make_validated_dir

from casereport.clinical import untreated_patient_ids
from casereport.dataset import load_dataset
from casereport.figures import build_figure
from casereport.ledger import cell_id
from casereport.model import Text
from casereport.tables import UNDATED_TIMEPOINTS, summary_table, table2
from casereport_project.synthetic import Variations, write_cohort
from casereport_project.tables import table3

COHORT = 4


def read(data: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(data / f"{name}.csv", dtype=str, keep_default_na=False)


def untreat(data: Path, pids: list[str]) -> None:
    """Make these patients ones who never received the study drug, as the dictionary allows."""
    drug = read(data, "publication").loc[0, "study_drug"]
    patients = read(data, "patients")
    chosen = patients["patient_id"].isin(pids)
    patients.loc[chosen, ["pamidronate_courses", "pamidronate_ongoing"]] = ["0", "false"]
    patients.loc[chosen, "follow_up_after_pamidronate_years"] = ""
    patients.to_csv(data / "patients.csv", index=False)
    treatments = read(data, "treatments")
    kept = ~(treatments["patient_id"].isin(pids) & (treatments["drug"] == drug))
    treatments[kept].to_csv(data / "treatments.csv", index=False)
    events = read(data, "adverse_events")
    events[~events["patient_id"].isin(pids)].to_csv(data / "adverse_events.csv", index=False)


def cohort(tmp_path: Path, untreated: list[str]):
    data = tmp_path / "data"
    write_cohort(data, COHORT, 3, RAW, Variations())
    untreat(data, untreated)
    validated = make_validated_dir(data, tmp_path / "validated")
    return load_dataset(validated, data / "datapackage.yaml"), read(data, "publication")


def words(parts: Text) -> str:
    """A caption as a string, each Ref as <its id>."""
    return "".join(p if isinstance(p, str) else f"<{p.id}>" for p in parts)


def patient(pid: int) -> str:
    return f"<{cell_id('patients', pid, 'patient_id')}>"


def captions(dataset) -> dict[str, str]:
    found = {
        "table2": words(table2(dataset).caption),
        "table3": words(table3(dataset).caption),
        "table2 summary": words(summary_table("table2", dataset)[0].caption),
        "table3 summary": words(summary_table("table3", dataset)[0].caption),
    }
    for name in ("labs", "bone_density"):
        found[name] = words(build_figure(name, dataset, 20)[1].caption)
    return found


def test_the_paper_has_everyone_treated(tmp_path):
    """The paper's patients all received the drug: its captions get no note."""
    validated = make_validated_dir(RAW, tmp_path / "validated")
    dataset = load_dataset(validated, DATAPACKAGE)
    assert untreated_patient_ids(dataset) == []
    assert all("did not receive" not in caption for caption in captions(dataset).values())


def test_an_untreated_patient_is_named_in_every_caption_dated_by_the_drug(tmp_path):
    dataset, publication = cohort(tmp_path, ["2"])
    drug = publication.loc[0, "study_drug"]
    assert untreated_patient_ids(dataset) == [2]
    note = (
        f" Patient {patient(2)} did not receive {drug}: for this patient the two time points are "
        "tied to no course."
    )
    for name, caption in captions(dataset).items():
        assert f"before {drug}" in caption or "before and after" in caption, name
        assert caption.endswith(note), (name, caption)


def test_two_untreated_patients_are_listed_once(tmp_path):
    dataset, publication = cohort(tmp_path, ["1", "3"])
    drug = publication.loc[0, "study_drug"]
    note = f" Patients {patient(1)} and {patient(3)} did not receive {drug}: for them"
    for name, caption in captions(dataset).items():
        assert note in caption, (name, caption)


def test_when_nobody_was_treated_no_caption_dates_by_the_drug(tmp_path):
    dataset, publication = cohort(tmp_path, [str(p) for p in range(1, COHORT + 1)])
    drug = publication.loc[0, "study_drug"]
    for name, caption in captions(dataset).items():
        assert UNDATED_TIMEPOINTS in caption, (name, caption)
        assert f"before {drug}" not in caption and "after its start" not in caption, name
        assert f"No patient received {drug}" in caption, name
