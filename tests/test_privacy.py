"""The privacy check (issue 10, item 5): likely patient identifiers in text cells are errors
naming file, line and column; what the article prints is allowed by a reviewed list."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.project import ROOT
from support.validation import (
    DATAPACKAGE,
    copy_raw_data,
    first_row,
    raw_file,
    set_cell,
)

from casereport import cli
from casereport.privacy import DEFAULT_ALLOWLIST, PATTERNS, flags, read_allowlist
from casereport.validation.checker import check_tables

EXAMPLE = "Juan Garcia, NHC 12345678, born 2001-03-04"


@pytest.fixture
def project(tmp_path, monkeypatch):
    return copy_raw_data(tmp_path, monkeypatch)


def privacy_findings(allowlist: str | None = None):
    results = check_tables(DATAPACKAGE, privacy_allowlist=allowlist)
    return [f for r in results.values() for f in r.findings if f.rule.startswith("privacy")]


@pytest.mark.slow
def test_the_issue_example_in_a_source_cell_is_flagged_at_its_cell(project):
    row = first_row("labs")
    set_cell("labs", row["_line"], "source", EXAMPLE)
    found = privacy_findings()
    assert {(f.file, f.line, f.column) for f in found} == {
        (raw_file("labs"), row["_line"], "source")
    }
    assert {f.rule for f in found} >= {
        "privacy-name",
        "privacy-record",
        "privacy-birth-date",
        "privacy-digits",
    }
    assert all("allow" in f.message for f in found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("seen by patient Xoan Vilas in clinic", "name"),
        ("Xoan Vilas Ferreiro, a 9-year-old girl", "name"),
        ("reported by Sra. Vilas", "name"),
        ("Maria Lopez", "name"),
        ("DOB 04/03/2001", "birth-date"),
        ("nacida el 4 de marzo de 2001", "birth-date"),
        ("admitted 12/05/2008", "date"),
        ("MRN: 884-211", "record"),
        ("historia clínica 4455", "record"),
        ("card 00123456", "digits"),
        ("mother: ana.perez@example.org", "email"),
        ("call +34 961 97 30 00", "phone"),
        ("call 961 97 30 00", "phone"),
        ("lives at 46026 Valencia", "postcode"),
        ("London SW1A 1AA", "postcode"),
    ],
)
def test_each_kind_of_identifier_is_flagged(text, kind):
    assert kind in {found[0] for found in flags(text)}, flags(text)


@pytest.mark.parametrize(
    "text",
    [
        "Table II",
        "Results; Table I",
        "Introduction; Discussion",
        "study period 2001-09 to 2009-12",
        "1 mg/kg/day for 3 days every 3 months",
        "Clin Exp Rheumatol 2010; 28: 407-11",
        "Hospital Universitario Infantil la Fe",
        "up to 40% of children",
    ],
)
def test_ordinary_text_is_not_flagged(text):
    assert flags(text) == []


@pytest.mark.slow
def test_the_real_data_has_no_flag_with_or_without_the_allowlist(project):
    assert privacy_findings() == []
    assert privacy_findings(str(ROOT / DEFAULT_ALLOWLIST)) == []


@pytest.mark.slow
def test_the_allowlist_allows_a_reviewed_text_and_every_entry_has_a_reason(project, tmp_path):
    row = first_row("labs")
    set_cell("labs", row["_line"], "source", "Table II; courtesy of Maria Lopez")
    assert [f.rule for f in privacy_findings()] == ["privacy-name"]
    allowlist = tmp_path / "allow.csv"
    allowlist.write_text(
        "file,column,text,reason\nlabs.csv,source,Maria Lopez,the article thanks her by name\n",
        encoding="utf-8",
    )
    assert privacy_findings(str(allowlist)) == []
    allowlist.write_text("file,column,text,reason\nlabs.csv,source,Maria Lopez,\n", "utf-8")
    assert "privacy-allowlist" in {f.rule for f in privacy_findings(str(allowlist))}
    entries, problems = read_allowlist(ROOT / DEFAULT_ALLOWLIST)
    assert entries and problems == [] and all(len(e.reason) > 20 for e in entries)


def test_the_command_exits_1_naming_file_line_and_column(project, capsys):
    row = first_row("adverse_events")
    set_cell("adverse_events", row["_line"], "managed_with", EXAMPLE)
    code = cli.main(["privacy", "--allowlist", str(ROOT / DEFAULT_ALLOWLIST)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{raw_file('adverse_events')}:{row['_line']}: column 'managed_with':" in err
    assert "NHC 12345678" in err and "Traceback" not in err


def test_the_command_passes_the_real_data(capsys):
    assert (
        cli.main(
            [
                "privacy",
                "--data-dir",
                str(ROOT / "data/raw"),
                "--allowlist",
                str(ROOT / DEFAULT_ALLOWLIST),
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.startswith("OK:")


def test_every_pattern_kind_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Privacy check") :]
    for kind in {pattern.kind for pattern in PATTERNS}:
        assert f"`privacy-{kind}`" in section, kind
    assert "does not catch" in section and "scripts/pre-commit" in section


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_pre_commit_hook_refuses_a_staged_identifier(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "data", repo / "data")
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "PYTHONPATH": str(ROOT / "src"),
        "HOME": str(tmp_path),
    }

    def git(*args):
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)

    git("init", "-q")
    git("add", "data")
    hook = [str(ROOT / "scripts" / "pre-commit")]
    clean = subprocess.run(hook, cwd=repo, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    labs = repo / "data/raw/labs.csv"
    lines = labs.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + f',"{EXAMPLE}"'
    labs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    git("add", "data/raw/labs.csv")
    dirty = subprocess.run(hook, cwd=repo, env=env, capture_output=True, text=True)
    assert dirty.returncode == 1
    assert "data/raw/labs.csv:2: column 'source':" in dirty.stderr
