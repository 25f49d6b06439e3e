"""The ledger's CSV: written line by line without the csv module where no quoting is needed, and
still exactly what csv.writer writes."""

from __future__ import annotations

import csv
import io

import pytest

from casereport.ledger import COLUMNS, Ledger, Number, csv_line


def written_by_csv_module(rows: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "fields",
    [
        ["labs.1.ESR.pre.value", "12", "12", "mm/h", "data/raw/labs.csv", "7", "value", ""],
        ["derived.x", "10,000", "10000", "", "f.csv", "2;3", "a", "from start to end, both"],
        ["a", 'the "pre" value', "b"],
        ["a", "two\nlines", "b"],
        ["", "", ""],
        [""],
        ["only"],
        ["a", 1, 2.5, None],
        [" padded ", "tab\there", "semi;colon", "ünïcode –"],
    ],
)
def test_csv_line_is_what_csv_writer_writes(fields):
    assert csv_line(fields) == written_by_csv_module([fields])


def test_a_carriage_return_is_quoted_and_reads_back():
    # csv.writer with a "\n" terminator leaves a lone CR unquoted, and readers end the row there.
    fields = ["a", "carriage\rreturn", "b"]
    line = csv_line(fields)
    assert line == 'a,"carriage\rreturn",b\n'
    assert next(csv.reader(io.StringIO(line, newline=""))) == fields


def number(number_id: str, **changes: str) -> Number:
    fields = {c: f"{c} of {number_id}" for c in COLUMNS if c != "id"}
    return Number(id=number_id, **{**fields, **changes})


def test_write_csv_is_what_csv_writer_writes(tmp_path):
    ledger = Ledger(
        [
            number("a.1.x", display="10,000", derivation='the "after" value, minus before'),
            number("a.2.x", source_line="2;3;4"),
            number("b.1.y", unit=""),
        ]
    )
    extra = {"a.2.x": {"sections": "table2;figure-labs"}, "b.1.y": {"more": "x,y"}}
    path = tmp_path / "ledger.csv"
    ledger.write_csv(path, extra=extra)
    expected = [[*COLUMNS, "more", "sections"]]
    for n in ledger:
        more = extra.get(n.id, {})
        expected.append(
            [getattr(n, c) for c in COLUMNS] + [more.get("more", ""), more.get("sections", "")]
        )
    assert path.read_text(encoding="utf-8") == written_by_csv_module(expected)

    ledger.write_csv(path)
    assert list(Ledger.read_csv(path)) == list(ledger)


def test_read_csv_gives_back_what_write_csv_wrote_with_extra_columns(tmp_path):
    ledger = Ledger([number("a.1.x"), number("b.2.y", derivation=""), number("c, quoted")])
    path = tmp_path / "numbers.csv"
    ledger.write_csv(path, extra={"a.1.x": {"sections": "results"}})
    assert list(Ledger.read_csv(path)) == list(ledger)


def test_read_csv_takes_columns_in_any_order(tmp_path):
    path = tmp_path / "reordered.csv"
    reordered = list(reversed(COLUMNS))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=reordered)
        writer.writeheader()
        writer.writerow({c: getattr(number("a.1.x"), c) for c in COLUMNS})
    assert list(Ledger.read_csv(path)) == [number("a.1.x")]


def test_read_csv_refuses_an_id_defined_twice(tmp_path):
    path = tmp_path / "twice.csv"
    Ledger([number("a.1.x")]).write_csv(path)
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines(keepends=True)
    path.write_text("".join(lines + lines[1:]), encoding="utf-8")
    with pytest.raises(ValueError, match="'a.1.x' is defined twice"):
        Ledger.read_csv(path)
