"""The audit reads each patient's rows from one grouping of the tables (`audit.IndexedDataset`), not
from a filter of the whole table per patient (which made it quadratic in the number of patients).
The grouped rows must be the rows such a filter selects, in the same order, and ties between rows
must be broken as before: the first row of Table I wins.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from support.project import ROOT, make_validated_dir

from casereport import audit
from casereport.dataset import SOURCE_LINE, Dataset, Table, load_dataset
from casereport_project.audit_checks import bone_density_pair
from casereport_project.synthetic import write_cohort

CLAIMS = ROOT / "data" / "claims.csv"


def lines(rows) -> list[int]:
    """The raw lines of some rows (a frame, or rows as the audit reads them)."""
    if isinstance(rows, pd.DataFrame):
        return [int(line) for line in rows[SOURCE_LINE]]
    return [int(row[SOURCE_LINE]) for row in rows]


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Dataset:
    """A small synthetic cohort, plus a treatments row that names no patient."""
    root = tmp_path_factory.mktemp("audit-index")
    datapackage = write_cohort(root / "raw", n_patients=30, seed=3, template_dir=ROOT / "data/raw")
    treatments = root / "raw" / "treatments.csv"
    with open(treatments, encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    orphan = {"treatment_id": "9999", "drug": "pamidronate", "start_month": "2001-01"}
    with open(treatments, "a", encoding="utf-8") as handle:
        handle.write(",".join(orphan.get(column, "") for column in header) + "\n")
    validated = make_validated_dir(root / "raw", root / "validated")
    return load_dataset(validated, datapackage, list(audit.AUDIT_TABLES))


@pytest.mark.slow
def test_each_patients_rows_are_those_a_filter_of_the_table_selects(cohort):
    indexed = audit.index_dataset(cohort)
    treatments, density = cohort["treatments"], cohort["bone_density"]
    routes = treatments.dropna(subset=["drug", "route"])
    specs = set(treatments["drug"].dropna()) | {
        f"{drug}/{route}" for drug, route in zip(routes["drug"], routes["route"], strict=True)
    }
    absent = max(audit.patient_ids(indexed)) + 1
    for patient_id in [*audit.patient_ids(indexed), absent]:
        own = treatments[(treatments["patient_id"] == patient_id).fillna(False)]
        listed = own[own["listed_in_table_i"].fillna(False)]
        assert lines(audit.patient_treatments(indexed, patient_id, table_i_only=False)) == lines(
            own
        )
        assert lines(audit.patient_treatments(indexed, patient_id, table_i_only=True)) == lines(
            listed
        )
        for spec in sorted(specs):
            drug, _, route = spec.partition("/")
            selected = own["drug"] == drug
            if route:
                selected &= own["route"] == route
            expected = own[selected.fillna(False)]
            if expected.empty:
                with pytest.raises(audit.NotCheckable, match=f"for patient {patient_id}"):
                    audit.drug_rows(indexed, patient_id, spec)
            else:
                assert lines(audit.drug_rows(indexed, patient_id, spec)) == lines(expected)
        timepoints = density[density["patient_id"] == patient_id].set_index("timepoint")
        if patient_id == absent:
            with pytest.raises(audit.NotCheckable):
                bone_density_pair(indexed, patient_id)
        else:
            pre, post = bone_density_pair(indexed, patient_id)
            assert [pre[SOURCE_LINE], post[SOURCE_LINE]] == list(
                timepoints.loc[["pre", "post"], SOURCE_LINE]
            )
    # A row without a patient belongs to none, and the audit still runs.
    assert 9999 not in {
        int(r["treatment_id"]) for rows in indexed.treatments.values() for r in rows
    }
    assert len(audit.run_audit(cohort, audit.read_claims(CLAIMS))) == len(audit.read_claims(CLAIMS))


def test_rows_read_as_plain_values_are_those_pandas_gives_row_by_row(cohort):
    """The audit reads rows through casereport.dataset.rows: the values pandas gives row by row,
    except that an empty cell is None rather than pd.NA."""
    for table in ("patients", "treatments", "bone_density", "adverse_events"):
        frame = cohort[table]
        for row, (_, series) in zip(audit.table_rows(frame), frame.iterrows(), strict=True):
            assert list(row) == list(series.index)
            for column, value in row.items():
                assert audit.missing(value) == audit.missing(series[column]), (table, column)
                if audit.missing(value):
                    assert value is None, (table, column)
                else:
                    assert type(value) is type(series[column]), (table, column)
                    assert value == series[column], (table, column)


def test_cells_of_a_table_and_of_its_rows_agree(cohort):
    frame = cohort["treatments"].head(7)
    columns = ("start_month", "end_month")
    expected = [
        audit.cell(cohort, "treatments", r, c) for _, r in frame.iterrows() for c in columns
    ]
    assert audit.cells_of(cohort, "treatments", frame, columns) == expected
    assert audit.cells_of(cohort, "treatments", audit.table_rows(frame), columns) == expected


def tiny_dataset(treatments: list[dict], **others: pd.DataFrame) -> audit.IndexedDataset:
    """One patient, the given treatments rows (line numbers from 2, in order), and any other
    tables. No table only this article has: the package's audit must not need one."""
    frames = {
        **others,
        "patients": pd.DataFrame({"patient_id": [1], SOURCE_LINE: [2]}),
        "treatments": pd.DataFrame(
            [
                {"patient_id": 1, "route": pd.NA, "listed_in_table_i": True, **row}
                | {SOURCE_LINE: line}
                for line, row in enumerate(treatments, start=2)
            ]
        ).astype({"route": "string", "end_month": "string"}),
    }
    tables = {name: Table(name, f"raw/{name}.csv", frame, {}) for name, frame in frames.items()}
    return audit.index_dataset(Dataset(tables))


def test_of_equal_months_the_first_row_of_table_i_dates_the_event():
    dataset = tiny_dataset(
        [
            {"drug": "prednisone", "start_month": "2001-05", "end_month": "2003-01"},
            {"drug": "methotrexate", "start_month": "2001-03", "end_month": "2003-01"},
            {"drug": "tacrolimus", "start_month": "2001-03", "end_month": pd.NA},
            {"drug": "pamidronate", "start_month": "2002-01", "end_month": "2004-01"},
            {"drug": "pamidronate", "start_month": "2002-01", "end_month": "2004-01"},
            {
                "drug": "cyclosporine",
                "start_month": "2000-01",
                "end_month": "2000-06",
                "listed_in_table_i": False,
            },
        ]
    )
    # The start of therapy counts every treatment; the diagnosis only those listed in Table I.
    therapy = audit.event(dataset, 1, "therapy")
    assert therapy.cells == ("raw/treatments.csv:7:start_month",)
    diagnosis = audit.event(dataset, 1, "diagnosis")
    assert diagnosis.month == audit.month_index("2001-03")
    assert diagnosis.detail == "first Table I treatment: methotrexate"
    assert diagnosis.cells == ("raw/treatments.csv:3:start_month",)
    assert audit.event(dataset, 1, "pamidronate.start").cells == (
        "raw/treatments.csv:5:start_month",
    )
    assert audit.event(dataset, 1, "pamidronate.end").cells == ("raw/treatments.csv:5:end_month",)
    with pytest.raises(audit.NotCheckable, match="still given") as still:
        audit.event(dataset, 1, "tacrolimus.end")
    assert still.value.cells == ("raw/treatments.csv:4:end_month",)


@pytest.mark.slow
def test_a_claim_is_audited_alike_from_a_dataset_or_its_grouping(tmp_path):
    dataset = load_dataset(
        make_validated_dir(ROOT / "data" / "raw", Path(tmp_path) / "validated"),
        ROOT / "data" / "raw" / "datapackage.yaml",
        list(audit.AUDIT_TABLES),
    )
    indexed = audit.index_dataset(dataset)
    assert audit.index_dataset(indexed) is indexed
    for claim in audit.parse_claims(audit.read_claims(CLAIMS)):
        assert audit.audit_claim(dataset, claim) == audit.audit_claim(indexed, claim)


def test_any_per_patient_table_is_grouped_by_patient_in_file_order_when_first_asked_for():
    measurements = pd.DataFrame(
        {"patient_id": [2, 1, pd.NA, 1], "value": [5, 6, 7, 8], SOURCE_LINE: [2, 3, 4, 5]}
    ).astype({"patient_id": "Int64"})
    dataset = tiny_dataset(
        [{"drug": "prednisone", "start_month": "2001-05", "end_month": "2003-01"}],
        measurements=measurements,
    )
    assert dataset.grouped == {}  # nothing grouped before a check asks
    assert lines(dataset.patient_rows("measurements", 1)) == [3, 5]
    assert lines(dataset.patient_rows("measurements", 2)) == [2]
    assert dataset.patient_rows("measurements", 3) == []
    assert set(dataset.grouped) == {"measurements"}
    assert dataset.patient_rows("treatments", 1) is dataset.treatments[1]
