"""The test tiers stay honest: no test module imports another test module or conftest, and the
guard that keeps snakemake out of the unit tier recognises the ways a test starts it."""

from __future__ import annotations

import ast
import sys

import pytest
from support.project import ROOT
from support.tier import runs_snakemake

TESTS = ROOT / "tests"


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_module_imports_another_test_module_or_conftest():
    test_modules = {path.stem for path in TESTS.glob("test_*.py")} | {"conftest"}
    offenders = {
        path.name: sorted(imported_modules(path) & test_modules)
        for path in sorted(TESTS.glob("test_*.py")) + sorted(TESTS.glob("support/*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.parametrize(
    "command",
    [
        ["snakemake", "--cores", "2"],
        ["/usr/local/bin/snakemake", "--dry-run"],
        [sys.executable, "-m", "snakemake", "--cores", "2"],
        "cd project && snakemake --cores 1",
        "python -m snakemake -n",
    ],
)
def test_every_way_of_starting_snakemake_is_recognised(command):
    assert runs_snakemake(command)


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "/tmp/bin/snakemake"],  # a stand-in script run by Python
        ["git", "status"],
        [sys.executable, "-m", "casereport.cli", "validate"],
        "echo snakemake-executor-plugin-slurm",
    ],
)
def test_other_commands_are_not_taken_for_snakemake(command):
    assert not runs_snakemake(command)
