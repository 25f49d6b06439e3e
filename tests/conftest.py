"""Shared fixtures, and the rule that keeps the unit tier build-free.

Tiers (README, Tests): `pytest -m "not slow"` runs the unit tier, no snakemake and no report
build; `pytest` runs everything. A test is slow when it is marked so (by hand when it is merely
costly, over about 0.3 s on a busy 2-core machine), or when it uses one of
BUILD_FIXTURES (directly or through another fixture): `pytest_collection_modifyitems` marks it,
so a new test that asks for a build is in the slow tier without anyone remembering to say so.
The helpers that build (support.report.build_report_dir, support.inprocess.validate_and_render)
and any subprocess that starts snakemake fail inside a test that is not slow (support.tier).

Fixtures:
`validated_dir`: the raw data as the validate stage would publish it (raw columns plus
`source_line`) in the test's own tmp_path, for tests that edit it.
`validated`: the same, once per session, read-only.
`built_project`: one real `snakemake` build of a copy of the project, shared by the end-to-end
tests (and by the pytest-xdist workers, README, Tests).
`paper_report`, `paper_parsed`, `paper_numbers`: the paper's report.html (no PDF) rendered
in-process once per session (per worker), parsed, and its results/numbers.csv; read-only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import tier
from support.project import (
    ARTICLE_EXTENSION,
    BUILD_OUTPUT,
    RAW,
    copy_project,
    made_once_per_run,
    make_validated_dir,
    run_snakemake,
)
from support.report import BuiltReport, build_report_dir, parse_html, read_numbers_csv

from casereport import project_extension

# Fixtures that build (snakemake, an in-process report, a browser); a test using any is slow.
BUILD_FIXTURES = frozenset({"built_project", "paper_report", "browser"})


tier.guard_subprocesses()
# The tests run in one interpreter, as the workflow's jobs do: this article's extension declares
# the report's tables and figures (casereport.stages) and builds its own, before any test module
# is collected (several parametrize over stages.TABLES).
project_extension.activate(ARTICLE_EXTENSION)


# The longest tests, run first in this order. pytest-xdist (pyproject.toml: two workers, a test
# file's tests on one worker) hands files out in the order their first test comes, so the
# tutorial's part 1, the longest test, starts at once on one worker while the other works
# through the rest (README, Tests). Each entry is the start of a node id.
RUN_FIRST = (
    "tests/test_tutorial.py::test_every_command_of_part_1_prints_what_the_tutorial_says",
    "tests/test_tutorial_own_case.py::",
    "tests/test_benchmark_script.py::test_quick_run_writes_results",
)


def _run_first_rank(item) -> int:
    ranks = (rank for rank, start in enumerate(RUN_FIRST) if item.nodeid.startswith(start))
    return next(ranks, len(RUN_FIRST))


@pytest.hookimpl(tryfirst=True)  # before `-m "not slow"` deselects
def pytest_collection_modifyitems(items):
    for item in items:
        if BUILD_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_run_first_rank)  # stable: the rest keep their order


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    tier.enter(item.nodeid, slow=item.get_closest_marker("slow") is not None)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    tier.leave()


@pytest.fixture
def validated_dir(tmp_path) -> Path:
    return make_validated_dir(RAW, tmp_path / "validated")


@pytest.fixture(scope="session")
def validated(tmp_path_factory) -> Path:
    return make_validated_dir(RAW, tmp_path_factory.mktemp("validated") / "validated")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory) -> Path:
    """A copy of the project after one cold `snakemake` build, shared by the slow tests (and by
    the pytest-xdist workers: made once per run, support.project.made_once_per_run)."""
    with made_once_per_run(tmp_path_factory, "build") as (directory, to_make):
        project = directory / "project"
        if to_make:
            copy_project(project)
            result = run_snakemake(project)
            assert result.returncode == 0, f"snakemake failed:\n{result.stderr[-5000:]}"
            # What the build printed, beside the project (test_quiet_build reads it).
            output = result.stdout + result.stderr
            (project.parent / BUILD_OUTPUT).write_text(output, encoding="utf-8")
    return project


@pytest.fixture(scope="session")
def paper_report(tmp_path_factory) -> BuiltReport:
    """The paper's report.html and numbers.csv, rendered in-process once (tests must not edit)."""
    return build_report_dir(tmp_path_factory.mktemp("paper-report"))


@pytest.fixture(scope="session")
def paper_parsed(paper_report):
    return parse_html(paper_report.html)


@pytest.fixture(scope="session")
def paper_numbers(paper_report) -> dict[str, dict[str, str]]:
    return read_numbers_csv(paper_report.numbers_csv)
