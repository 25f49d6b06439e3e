"""The report's ledger is read, not computed: `report_ledger` joins the ledgers the catalog and
audit jobs wrote and the table jobs' summary statistics, in that order, each number once."""

from __future__ import annotations

import pytest

from casereport.ledger import Ledger, Number
from casereport.model import TableModel
from casereport.render.report import report_ledger
from casereport.tables import ReportTable


def number(number_id: str) -> Number:
    return Number(number_id, "1", "1", "", "data/raw/patients.csv", "2", "patient_id")


def write(path, ids: list[str]):
    Ledger(number(i) for i in ids).write_csv(path)
    return path


@pytest.fixture
def ledgers(tmp_path):
    return [
        write(tmp_path / "catalog.csv", ["patients.1.age", "derived.patient_count"]),
        write(tmp_path / "audit.csv", ["audit.patients_count.rebuilt"]),
        write(tmp_path / "summaries.csv", ["summary.adverse_events.patients.count"]),
    ]


def summarised_table(*ids: str) -> ReportTable:
    model = TableModel("t", "T", (), (), ())
    return ReportTable(model, excerpt=model, numbers=tuple(number(i) for i in ids))


def test_a_large_series_reads_every_ledger_and_the_tables_statistics_in_order(ledgers):
    tables = {"table1": summarised_table("summary.patients.age.median")}
    ids = [n.id for n in report_ledger(ledgers, tables, large_series=True)]
    assert ids == [
        "patients.1.age",
        "derived.patient_count",
        "audit.patients_count.rebuilt",
        "summary.adverse_events.patients.count",
        "summary.patients.age.median",
    ]


def test_a_smaller_series_leaves_out_the_whole_series_summaries(ledgers):
    tables = {"table1": ReportTable(TableModel("t", "T", (), (), ()))}
    ids = [n.id for n in report_ledger(ledgers, tables, large_series=False)]
    assert ids == ["patients.1.age", "derived.patient_count", "audit.patients_count.rebuilt"]


def test_a_number_written_by_two_jobs_stops_the_report(ledgers, tmp_path):
    ledgers[1] = write(tmp_path / "audit.csv", ["derived.patient_count"])
    with pytest.raises(ValueError, match="derived.patient_count"):
        report_ledger(ledgers, {}, large_series=False)
