"""Snakemake profiles: the default one keeps going; the SLURM one is complete and loads.

sbatch is not needed: a dry run with `--profile profiles/slurm` loads the SLURM executor plugin,
parses and checks its settings (an unknown or badly typed `slurm-*` option fails the run, see the
last test), evaluates every job's resources, and submits nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.project import ROOT, copy_project

PROFILES = ROOT / "profiles"
SLURM = PROFILES / "slurm" / "config.yaml"
# Values for the profile's $VARS, as a user would export them.
SLURM_ENV = {"CASEREPORT_SLURM_PARTITION": "testpartition", "CASEREPORT_SLURM_ACCOUNT": "testlab"}


def _profile(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _rule_names() -> set[str]:
    texts = [ROOT / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
    pattern = re.compile(r"^(?:rule|checkpoint) (\w+):", re.MULTILINE)
    return {name for path in texts for name in pattern.findall(path.read_text(encoding="utf-8"))}


def _dry_run(project: Path, profile: str, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--profile", profile, "--dry-run", *options],
        cwd=project,
        env={**os.environ, **SLURM_ENV},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _job_resources(dry_run_output: str, rule: str) -> str:
    """The `resources:` line of the first job of a rule in a dry run's job listing."""
    block = re.search(rf"^(?:local)?rule {rule}:\n((?:[ \t].*\n)+)", dry_run_output, re.M)
    assert block, f"no job of rule {rule} in the dry run"
    return re.search(r"^\s+resources: (.*)$", block[1], re.M)[1]


def test_default_profile_keeps_going():
    # One run must report the validation errors of every raw file, not stop at the first.
    assert _profile(PROFILES / "default" / "config.yaml")["keep-going"] is True


def test_slurm_profile_submits_through_the_slurm_plugin():
    profile = _profile(SLURM)
    assert profile["executor"] == "slurm"
    assert isinstance(profile["jobs"], int) and profile["jobs"] > 0
    assert profile["latency-wait"] >= 30  # shared file systems show outputs late
    assert profile["retries"] >= 1
    resources = profile["default-resources"]
    assert {"slurm_partition", "slurm_account", "runtime", "mem_mb"} <= set(resources)
    # Site-specific values come from the environment, never typed into the repository.
    assert resources["slurm_partition"].startswith("$")
    assert resources["slurm_account"].startswith("$")


def test_slurm_profile_names_only_rules_that_exist():
    profile = _profile(SLURM)
    named = set(profile.get("set-resources", {})) | set(profile.get("groups", {}))
    assert named, "the profile sets no per-rule resources"
    assert named <= _rule_names(), f"unknown rules: {named - _rule_names()}"


@pytest.fixture(scope="module")
def slurm_dry_run(tmp_path_factory) -> str:
    project = copy_project(tmp_path_factory.mktemp("slurm") / "project")
    result = _dry_run(project, "profiles/slurm")
    assert result.returncode == 0, result.stderr[-5000:]
    return result.stdout + result.stderr


@pytest.mark.slow
def test_slurm_dry_run_loads_the_profile_and_the_workflow_profile(slurm_dry_run):
    assert re.search(r"Using profiles? profiles/slurm", slurm_dry_run)
    assert "workflow specific profile profiles/default" in slurm_dry_run
    assert "This was a dry-run" in slurm_dry_run


@pytest.fixture(scope="module")
def slurm_job_listing(tmp_path_factory) -> str:
    """The dry run's listing of every job with its resources. Snakemake prints a rule's
    `message:` instead of that listing, so the copy's rules lose their messages."""
    project = copy_project(tmp_path_factory.mktemp("slurm-jobs") / "project")
    for rules in [project / "Snakefile", *(project / "workflow" / "rules").glob("*.smk")]:
        text = rules.read_text(encoding="utf-8")
        rules.write_text(re.sub(r"\n    message:\n        .*", "", text), encoding="utf-8")
    result = _dry_run(project, "profiles/slurm")
    assert result.returncode == 0, result.stderr[-5000:]
    return result.stdout + result.stderr


@pytest.mark.slow
def test_slurm_dry_run_gives_jobs_their_resources(slurm_job_listing):
    profile = _profile(SLURM)
    for rule, wanted in profile["set-resources"].items():
        resources = _job_resources(slurm_job_listing, rule)
        for name, value in wanted.items():
            assert f"{name}={value}" in resources, (rule, resources)
    validation = _job_resources(slurm_job_listing, "validate_table")
    assert "slurm_partition=testpartition" in validation  # $VARS expanded
    assert "slurm_account=testlab" in validation


@pytest.mark.slow
def test_slurm_dry_run_groups_the_copy_jobs(slurm_dry_run):
    for group in set(_profile(SLURM).get("groups", {}).values()):
        assert f"Group job {group}" in slurm_dry_run


@pytest.mark.slow
def test_a_bad_slurm_setting_fails_the_dry_run(tmp_path):
    """The dry run really checks the plugin's settings: a mistyped value is refused."""
    project = copy_project(tmp_path / "project")
    broken = project / "profiles" / "broken"
    broken.mkdir()
    text = SLURM.read_text(encoding="utf-8")
    (broken / "config.yaml").write_text(
        text + "\nslurm-init-seconds-before-status-checks: soon\n", encoding="utf-8"
    )
    result = _dry_run(project, "profiles/broken")
    assert result.returncode != 0
    assert "slurm-init-seconds-before-status-checks" in result.stderr
