"""The README's quick start, .ci/run and the GitHub Actions template run the same commands."""

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def quick_start_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_is_exactly_two_lines_install_and_rebuild_then_install_and_test():
    lines = quick_start_lines()
    assert len(lines) == 2
    assert "pip install" in lines[0] and "snakemake" in lines[0]
    assert "pip install" in lines[1] and "pytest" in lines[1]


def test_ci_run_reads_the_same_two_lines():
    # .ci/run extracts the lines with awk; run just that extraction and compare.
    script = (ROOT / ".ci/run").read_text(encoding="utf-8")
    awk_program = re.search(r"awk '(.*?)' README.md", script, re.S).group(1)
    extracted = subprocess.run(
        ["awk", awk_program, "README.md"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert extracted == quick_start_lines()


def test_github_workflow_is_valid_and_runs_the_quick_start_lines():
    workflow = yaml.safe_load((ROOT / ".github/workflows/rebuild.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["rebuild"]["steps"]
    run_commands = [step["run"].strip() for step in steps if "run" in step]
    for line in quick_start_lines():
        assert line in run_commands, f"{line!r} is not a step of the GitHub workflow"
    uses = [step["uses"] for step in steps if "uses" in step]
    for action in uses:
        assert re.fullmatch(r"actions/[a-z-]+@v\d+", action), action
    assert any(action.startswith("actions/upload-artifact@") for action in uses)
    # PyYAML reads the key `on` as True (YAML 1.1); accept either spelling.
    triggers = workflow.get("on", workflow.get(True))
    assert "data/**" in triggers["pull_request"]["paths"]
