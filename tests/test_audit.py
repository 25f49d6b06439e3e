"""The reproduction audit: the paper's claims (data/claims.csv) checked against the raw data.

Expected values are never typed here: they are read from the claims file (the paper's side) or from
the raw cells an audit row says it used (the data's side).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from support.audit import (
    CLAIMS,
    append_rows,
    audit_of,
    claim_row,
    copy_raw,
    edit_cell,
    load,
    month_words,
    months_between,
    raw_rows,
    raw_value,
    row_of,
    source_cells,
)
from support.project import PAPER, PAPER_MISSING, RAW, ROOT, make_validated_dir

from casereport import audit
from casereport.dataset import SOURCE_LINE
from casereport.ledger import Ledger

CLAIMS_DOC = ROOT / "data" / "claims.md"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    # Module-scoped twin of conftest's `validated_dir`: one load shared by the read-only tests.
    return load(make_validated_dir(RAW, tmp_path_factory.mktemp("audit") / "validated"))


@pytest.fixture(scope="module")
def results(dataset):
    return audit.run_audit(dataset, audit.read_claims(CLAIMS))


# --- the audit on the real data -----------------------------------------------------------------


@pytest.mark.slow
def test_every_claim_is_audited_in_file_order_with_a_status(results):
    claims = audit.read_claims(CLAIMS)
    assert list(results["claim_id"]) == list(claims["claim_id"])
    assert list(results.columns) == audit.AUDIT_COLUMNS
    assert set(results["status"]) <= set(audit.STATUSES)
    for _, result in results.iterrows():
        assert result["explanation"], result["claim_id"]
        if result["status"] != audit.NOT_CHECKABLE:
            assert result["rebuilt"] and result["sources"], result["claim_id"]


def test_every_source_is_a_real_raw_cell(results):
    for _, result in results.iterrows():
        for path, line, column in source_cells(result):
            header, rows = raw_rows(Path(path))
            assert column in header, (result["claim_id"], path, column)
            assert 2 <= line <= len(rows) + 1, (result["claim_id"], path, line)


def test_a_consistent_timing_claim_rebuilds_the_published_months(results):
    claim_id = "p1_methotrexate_after_pamidronate"
    result = row_of(results, claim_id)
    assert result["status"] == audit.CONSISTENT
    (start_file, start_line, start_column), (end_file, end_line, end_column) = source_cells(result)
    months = months_between(
        raw_value(start_file, start_line, start_column), raw_value(end_file, end_line, end_column)
    )
    assert float(result["rebuilt_value"]) == months == float(claim_row(claim_id)["expected"])


def test_a_discrepant_claim_says_what_disagrees_with_what(results):
    claim_id = "p1_duration_before_pamidronate"
    result = row_of(results, claim_id)
    claim = claim_row(claim_id)
    assert result["status"] == audit.DISCREPANT
    diagnosis, pamidronate = (raw_value(*cell) for cell in source_cells(result))
    rebuilt_years = months_between(diagnosis, pamidronate) / 12
    assert float(result["rebuilt_value"]) == pytest.approx(rebuilt_years)
    assert not audit.MATCH_RULES[claim["match"]](rebuilt_years, float(claim["expected"]))
    # The explanation gives both sides in plain words: the paper's value and the dates used.
    for words in (claim["published"], month_words(diagnosis), month_words(pamidronate)):
        assert words in result["explanation"]
    assert str(months_between(diagnosis, pamidronate)) in result["explanation"]


def test_course_count_follows_the_documented_counting_rule(results):
    result = row_of(results, "p1_pamidronate_courses")
    values = {column: raw_value(path, line, column) for path, line, column in source_cells(result)}
    span = months_between(values["start_month"], values["end_month"])
    inclusive_count = span // int(values["interval_months"]) + 1
    assert float(result["rebuilt_value"]) == inclusive_count
    published = int(claim_row("p1_pamidronate_courses")["expected"])
    interval = int(values["interval_months"])
    # Dates known to the month: the published count is possible when its average interval over
    # the span still rounds to the stated interval (data/claims.md).
    average = span / (published - 1)
    if inclusive_count == published:
        assert result["status"] == audit.CONSISTENT
    elif interval - 0.5 <= average < interval:
        assert result["status"] == audit.POSSIBLY_DISCREPANT
        assert (
            f"{span}/{published - 1} = {audit.format_number(average)} months"
            in (result["explanation"])
        )
    else:
        assert result["status"] == audit.DISCREPANT


def test_claims_the_data_cannot_settle_are_not_checkable(results, dataset):
    phosphorus = row_of(results, "phosphorus_calcium_unchanged")
    assert phosphorus["status"] == audit.NOT_CHECKABLE
    assert phosphorus["rebuilt"] == ""
    for analyte in dataset["analytes"]["analyte"]:  # it says which analytes the data do have
        assert analyte in phosphorus["explanation"]
    category = row_of(results, "p1_bone_density_category")
    assert category["status"] == audit.NOT_CHECKABLE
    assert set(category["rebuilt"].split(" → ")) <= set(dataset["bmd_categories"]["category"])


def ledger_cells(number) -> set[tuple[str, int, str]]:
    """The cells a ledger Number points at, read as casereport.trace reads them: every column on
    every line; one file, or one file per line."""
    files, lines = number.source_file.split(";"), number.lines
    files = files * len(lines) if len(files) == 1 else files
    columns = number.source_column.split(";")
    return {
        (file, line, column) for file, line in zip(files, lines, strict=True) for column in columns
    }


def test_numeric_rebuilt_values_go_to_the_ledger_with_their_cells(results, dataset):
    numbers = audit.audit_numbers(dataset, results)
    ledger = Ledger(numbers)  # ids are unique
    numeric = results[results["rebuilt_value"] != ""]
    assert [n.id for n in ledger] == [f"audit.{c}.rebuilt" for c in numeric["claim_id"]]
    for number, (_, result) in zip(ledger, numeric.iterrows(), strict=True):
        assert number.value == result["rebuilt_value"] and number.derivation
        used = set(source_cells(result))
        # Every cell the Number points at was used, and every cell used is either pointed at or
        # named in the derivation.
        assert ledger_cells(number) <= used, number.id
        for path, line, column in used - ledger_cells(number):
            assert f"{path}:{line}:{column}" in number.derivation, number.id


def test_the_audit_job_writes_its_rebuilt_values_to_its_ledger_file(results, dataset, tmp_path):
    path = tmp_path / "audit_ledger.csv"
    audit.write_audit_ledger(dataset, results, path)
    assert list(Ledger.read_csv(path)) == audit.audit_numbers(dataset, results)
    assert len(Ledger.read_csv(path)) > 0  # the paper's claims have numeric rebuilt values


def test_output_is_deterministic(dataset, tmp_path):
    paths = [tmp_path / "first.csv", tmp_path / "second.csv"]
    for path in paths:
        audit.write_audit_csv(audit.run_audit(dataset, audit.read_claims(CLAIMS)), path)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    pd.testing.assert_frame_equal(
        audit.read_audit_csv(paths[0]),
        audit.run_audit(dataset, audit.read_claims(CLAIMS)),
        check_dtype=False,
    )


# --- the audit follows the raw data -------------------------------------------------------------


@pytest.mark.slow
def test_editing_one_raw_cell_turns_a_consistent_claim_discrepant(tmp_path, results):
    claim_id = "p1_hydroxychloroquine_after_pamidronate"
    before = row_of(results, claim_id)
    assert before["status"] == audit.CONSISTENT
    # The drug's start month: the `to` cell of the claim, the last cell the audit row lists.
    path, line, column = source_cells(before)[-1]
    raw = copy_raw(tmp_path)
    target = raw / Path(path).name
    shifted = audit.month_index(raw_value(path, line, column)) + 1
    edit_cell(target, line, column, f"{shifted // 12}-{shifted % 12 + 1:02d}")

    after = audit_of(raw, tmp_path)
    assert row_of(after, claim_id)["status"] == audit.DISCREPANT
    # Only claims that read the edited cell may change.
    edited = f"{target.as_posix()}:{line}:{column}"
    changed = after[after["status"].to_numpy() != results["status"].to_numpy()]
    for _, result in changed.iterrows():
        assert edited in result["sources"].split(audit.SOURCES_SEPARATOR), result["claim_id"]


def test_a_claim_naming_a_missing_patient_is_not_checkable(dataset):
    claims = audit.read_claims(CLAIMS)
    absent = max(int(p) for p in dataset["patients"]["patient_id"]) + 1
    patient_claims = claims[claims["patient_id"] != ""].copy()
    patient_claims["patient_id"] = str(absent)
    results = audit.run_audit(dataset, patient_claims)
    assert set(results["status"]) == {audit.NOT_CHECKABLE}
    for explanation in results["explanation"]:
        assert f"patient {absent} is not in" in explanation.lower()


@pytest.mark.slow
def test_a_five_patient_series_is_audited_without_crashing(tmp_path, results):
    original = results
    raw = copy_raw(tmp_path)
    header, patients = raw_rows(raw / "patients.csv")
    ids = [int(row[header.index("patient_id")]) for row in patients]
    like, full, bare = ids[-1], max(ids) + 1, max(ids) + 2
    # One more patient copied from the last one (with treatments and bone density), and one with
    # a patients.csv row only.
    for name in ("patients", "treatments", "bone_density"):
        columns, rows = raw_rows(raw / f"{name}.csv")
        position = columns.index("patient_id")
        copies = [list(r) for r in rows if int(r[position]) == like]
        for copy in copies:
            copy[position] = str(full)
        if name == "treatments":  # keep the row-number primary key unique
            next_id = max(int(r[0]) for r in rows) + 1
            for offset, copy in enumerate(copies):
                copy[0] = str(next_id + offset)
        if name == "patients":
            bare_row = list(copies[0])
            bare_row[position] = str(bare)
            copies.append(bare_row)
        append_rows(raw / f"{name}.csv", copies)

    results = audit_of(raw, tmp_path)
    patient_count = row_of(results, "patients_count")
    assert patient_count["status"] == audit.DISCREPANT
    assert float(patient_count["rebuilt_value"]) == len(ids) + 2
    mean = row_of(results, "mean_duration_from_dates")
    assert mean["status"] == audit.NOT_CHECKABLE and f"patient {bare}" in mean["explanation"]
    density = row_of(results, "bone_density_improved_all")
    assert density["status"] == audit.NOT_CHECKABLE and f"patient {bare}" in density["explanation"]
    # Claims about the paper's own patients are unaffected.
    about_patients = (audit.read_claims(CLAIMS)["patient_id"] != "").to_numpy()
    assert list(results["status"][about_patients]) == list(original["status"][about_patients])


# --- claims.csv itself --------------------------------------------------------------------------


def write_claims(tmp_path: Path, edit) -> Path:
    claims = audit.read_claims(CLAIMS).drop(columns=[SOURCE_LINE])
    edit(claims)
    path = tmp_path / "claims.csv"
    claims.to_csv(path, index=False, lineterminator="\n")
    return path


def test_an_unknown_check_is_an_error_naming_the_claims_line(tmp_path, dataset):
    position = 3

    def rename(claims):
        claims.loc[position, "check"] = "no_such_check"

    path = write_claims(tmp_path, rename)
    with pytest.raises(audit.ClaimsError) as error:
        audit.run_audit(dataset, audit.read_claims(path))
    message = str(error.value)
    assert f"{path.as_posix()}:{position + 2}:" in message
    assert "unknown check 'no_such_check'" in message
    # One line, listing the known checks: the package's and this article's own (its extension).
    assert "\n" not in message
    known = message.partition("(known checks: ")[2].rstrip(")").split(", ")
    assert {"patient_count", "calcinosis_outcome", "bmd_category"} <= set(known)
    assert known == sorted(known)


def test_a_claim_lacking_an_argument_is_an_error_naming_the_claims_line(tmp_path, dataset):
    position = int(audit.read_claims(CLAIMS).query("check == 'months_between'").index[0])

    def drop_arguments(claims):
        claims.loc[position, "arguments"] = ""

    path = write_claims(tmp_path, drop_arguments)
    with pytest.raises(audit.ClaimsError, match=rf":{position + 2}: .*missing argument from="):
        audit.run_audit(dataset, audit.read_claims(path))


def test_a_misspelt_event_is_an_error_naming_the_claims_line(tmp_path, dataset):
    position = int(audit.read_claims(CLAIMS).query("check == 'months_between'").index[0])

    def misspell(claims):
        claims.loc[position, "arguments"] = "from=diagnosis; to=pamidronate.begin"

    path = write_claims(tmp_path, misspell)
    with pytest.raises(audit.ClaimsError, match=rf":{position + 2}: .*'pamidronate.begin'"):
        audit.run_audit(dataset, audit.read_claims(path))


NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
} | {"a": 1, "an": 1}


def test_expected_numbers_are_the_ones_the_published_text_states():
    """`expected` restates `published` as a number; the two must not drift apart."""
    for _, claim in audit.read_claims(CLAIMS).iterrows():
        if not claim["expected"]:
            continue
        words = re.findall(r"[a-z]+|\d+(?:\.\d+)?", claim["published"].lower())
        stated = {float(w) for w in words if w[0].isdigit()} | {
            float(NUMBER_WORDS[w]) for w in words if w in NUMBER_WORDS
        }
        assert float(claim["expected"]) in stated, claim["claim_id"]


def test_claims_are_well_formed():
    claims = audit.read_claims(CLAIMS)
    parsed = audit.parse_claims(claims)  # raises on any malformed row
    assert len(parsed) == len(claims)
    assert all(re.fullmatch(r"[a-z0-9_]+", c.claim_id) for c in parsed)


@pytest.mark.skipif(not PAPER.exists(), reason=PAPER_MISSING)
def test_statements_are_in_our_own_words():
    paper = " ".join(PAPER.read_text(encoding="utf-8").lower().split())
    for _, claim in audit.read_claims(CLAIMS).iterrows():
        statement = " ".join(claim["statement"].lower().split()).rstrip(".")
        assert statement not in paper, claim["claim_id"]


def test_claims_doc_describes_every_column_and_check():
    audit.registry.register_project_checks()  # this article's own checks, too
    doc = CLAIMS_DOC.read_text(encoding="utf-8")
    assert "calcinosis_outcome" in audit.CHECKS
    for name in [*audit.CLAIM_COLUMNS, *audit.CHECKS]:
        assert f"`{name}`" in doc, name


def test_the_package_s_checks_name_no_article():
    """casereport.audit is the general core: what only this article's claims need (its disease,
    its study drug, bone density) is checked by its extension, workflow/article/audit_checks."""
    package = ROOT / "src" / "casereport" / "audit"
    words = re.compile(r"calcinosis|pamidronate|bmd|bone|dermatomyositis", re.IGNORECASE)
    found = [
        f"{path.name}:{number}: {line.strip()}"
        for path in sorted(package.glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if words.search(line)
    ]
    assert not found, found


def test_adverse_reactions_to_a_drug_without_a_course_column_are_not_checkable(dataset):
    claims = audit.read_claims(CLAIMS)
    row = claims[claims["check"] == "adverse_reactions"].iloc[[0]].copy()
    row["arguments"] = "drug=tacrolimus; course=1"
    (claim,) = audit.parse_claims(row)
    finding = audit.audit_claim(dataset, claim)
    assert finding.status == audit.NOT_CHECKABLE
    assert "has no column tacrolimus_course" in finding.explanation
