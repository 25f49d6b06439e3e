"""The workflow as Snakemake users expect it: lint-clean and formatted, configured by one validated
file, a log and a benchmark for every job, a pinned conda environment for every rule, Snakemake's
own report, and a picture of the rules in the README that is kept current."""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from support.project import ROOT, copy_project, run_snakemake

RULE_FILES = sorted((ROOT / "workflow/rules").glob("*.smk"))
WORKFLOW_FILES = [ROOT / "Snakefile", *RULE_FILES]
ENV_FILES = sorted((ROOT / "workflow/envs").glob("*.yaml"))
RULEGRAPH = "docs/rulegraph.svg"
REFRESH_RULEGRAPH = f"snakemake --cores 1 --force {RULEGRAPH}"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def rules() -> dict[str, str]:
    """Rule name -> the text of its definition, from the rule files (formatted by snakefmt)."""
    found = {}
    for path in WORKFLOW_FILES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^rule (\w+):\n((?:    .*\n|\n)*)", text, re.M):
            found[match.group(1)] = match.group(2)
    return found


def directive(body: str, name: str) -> str | None:
    """The first line of a directive's value in a rule's text (None when the rule has none)."""
    match = re.search(rf"^    {name}:\n        (.*)$", body, re.M)
    return match.group(1).strip() if match else None


def does_work(body: str) -> bool:
    return any(directive(body, name) for name in ("script", "shell", "run"))


# --- Checkers ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_snakemake_lint_reports_nothing(tmp_path):
    result = run_snakemake(copy_project(tmp_path / "project"), "--lint")
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Lints for" not in output, output


@pytest.mark.slow
def test_snakefmt_leaves_the_workflow_unchanged():
    result = run(
        sys.executable, "-m", "snakefmt", "--check", "--diff", "Snakefile", "workflow/rules"
    )
    assert result.returncode == 0, f"run `snakefmt Snakefile workflow/rules`:\n{result.stdout}"


@pytest.mark.slow
@pytest.mark.parametrize("command", [["check"], ["format", "--check", "--diff"]])
def test_ruff_passes(command):
    result = run(
        sys.executable,
        "-m",
        "ruff",
        *command,
        "src",
        "tests",
        "workflow/scripts",
        "workflow/article",
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- Configuration -------------------------------------------------------------------------------


def test_rule_files_hard_code_no_path_that_config_yaml_sets():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    # validation_rules, report_context and extension name the project's own code
    # (workflow/article/), not a data or output path.
    code = {"validation_rules", "report_context", "extension"}
    paths = [v for k, v in config.items() if isinstance(v, str) and k not in code]
    top_dirs = {Path(value).parts[0] for value in paths}
    alternatives = "|".join(map(re.escape, sorted(top_dirs)))
    literal = re.compile(rf"""["']((?:{alternatives})/[^"']*)["']""")
    for path in WORKFLOW_FILES:
        found = literal.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.relative_to(ROOT)}: {found} should come from config/config.yaml"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("results_dir=", "results_dir"),
        ("colour=red", "colour"),
        ("data_dir=../../etc", "data_dir"),
        ("results_dir=data/raw", "results_dir"),
        ("logs_dir=/tmp/logs", "logs_dir"),
        ("validation_rules=workflow/article/missing.py", "validation_rules"),
    ],
)
def test_a_bad_config_stops_with_one_line_naming_the_key(tmp_path, override, key):
    result = run_snakemake(copy_project(tmp_path / "project"), "--dry-run", "--config", override)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("config error:")]
    assert len(errors) == 1 and key in errors[0], result.stderr


# --- Every rule: log, benchmark, software environment ---------------------------------------------


def test_every_rule_that_runs_something_has_a_log_and_a_benchmark():
    working = {name: body for name, body in rules().items() if does_work(body)}
    assert {"validate_table", "table", "figure", "report_pdf"} <= set(working)
    for name, body in working.items():
        benchmark = directive(body, "benchmark")
        assert directive(body, "log"), f"rule {name} has no log"
        assert benchmark and benchmark.startswith('f"{BENCHMARKS}/'), f"rule {name}: {benchmark}"


def test_every_rule_that_runs_a_program_has_a_conda_environment():
    """`run:` rules run inside Snakemake itself and need none."""
    used = set()
    for name, body in rules().items():
        if directive(body, "script") or directive(body, "shell"):
            env = directive(body, "conda")
            assert env, f"rule {name} has no conda environment"
            used.add((ROOT / "workflow/rules" / env.strip('"')).resolve())
    assert used == {path.resolve() for path in ENV_FILES}, "an environment file is unused"


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *sum(project["optional-dependencies"].values(), [])]
    return dict(_split_pin(r) for r in requirements)


def _split_pin(requirement: str) -> tuple[str, str | None]:
    """`pandas==3.1.1` (pip), `python=3.11` (conda) -> (name, version); `pango` -> (name, None)."""
    match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(?:==?\s*(\S+))?", requirement.strip())
    return canonicalize_name(match.group(1)), match.group(2)


def _env_pins(env_file: Path) -> dict[str, str | None]:
    """Package -> pinned version (None if unpinned), conda and pip sections together."""
    dependencies = yaml.safe_load(env_file.read_text(encoding="utf-8"))["dependencies"]
    entries = []
    for entry in dependencies:
        entries += entry["pip"] if isinstance(entry, dict) else [entry]
    return dict(_split_pin(entry) for entry in entries)


@pytest.mark.parametrize("env_file", ENV_FILES, ids=lambda path: path.name)
def test_conda_environments_pin_the_versions_of_pyproject(env_file):
    pyproject = _pyproject_pins()
    requires_python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"
    ]
    for package, version in _env_pins(env_file).items():
        if package == "python":
            assert version and requires_python == f">={version}", (version, requires_python)
        elif version is not None:
            assert package in pyproject, f"{env_file.name} pins {package}, pyproject.toml does not"
            assert version == pyproject[package], (
                f"{env_file.name} pins {package}=={version}, pyproject.toml {pyproject[package]}"
            )


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Absolute names of the modules a Python file imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package
                base = (package or "").rsplit(".", node.level - 1)[0]
                names.add(f"{base}.{node.module}" if node.module else base)
            else:
                names.add(node.module)
    return names


def _third_party_imports(script: Path) -> set[str]:
    """Top-level names of the non-standard modules that a script and every casereport module it
    reaches import (read from the source, not imported: what happens to be installed here and
    imported on the side, optional accelerators for example, does not count)."""
    seen, todo, found = set(), sorted(_imports(script)), set()
    while todo:
        name = todo.pop()
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or name in seen:
            continue
        seen.add(name)
        if top != "casereport":
            found.add(top)
            continue
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue  # `from casereport.x import name`: `name` is not a module
        package = name if spec.submodule_search_locations else name.rpartition(".")[0]
        todo += sorted(_imports(Path(spec.origin), package))
        todo += [name.rpartition(".")[0]] if "." in name else []  # parent packages run too
    return found


def _with_dependencies(packages: set[str]) -> set[str]:
    """The distributions and everything they require (as their metadata says), transitively,
    extras included (weasyprint requires fonttools[woff])."""
    seen, todo = set(), [Requirement(name) for name in packages]
    while todo:
        requirement = todo.pop()
        key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            requires = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:  # python, pip, pango: not Python packages
            continue
        for text in requires:
            needed = Requirement(text)
            wanted = [{"extra": extra} for extra in ["", *requirement.extras]]
            if needed.marker is None or any(needed.marker.evaluate(env) for env in wanted):
                todo.append(needed)
    return {name for name, _ in seen}


@pytest.mark.slow
def test_each_rule_environment_provides_what_its_code_imports():
    """Conda is not needed for this: every third-party module that a rule's script, and the
    casereport modules it uses, import must come from a package pinned in the rule's environment
    or required by one (casereport itself comes from src/ through PYTHONPATH)."""
    owners = importlib.metadata.packages_distributions()
    for name, body in rules().items():
        script, env = directive(body, "script"), directive(body, "conda")
        if not script:
            continue
        provided = _with_dependencies(set(_env_pins(ROOT / "workflow/rules" / env.strip('"'))))
        for module in _third_party_imports(ROOT / "workflow/rules" / script.strip('"')):
            distributions = {canonicalize_name(d) for d in owners.get(module, [module])}
            assert distributions & provided, f"rule {name} imports {module}, not in {env}"


# --- Snakemake's report ---------------------------------------------------------------------------


@pytest.mark.slow
def test_snakemake_report_shows_the_tables_figures_and_checks(built_project, tmp_path):
    project = copy_project(tmp_path / "project")
    for directory in ["results", "report", ".snakemake"]:
        shutil.copytree(built_project / directory, project / directory, dirs_exist_ok=True)
    report = tmp_path / "snakemake-report.html"
    result = run_snakemake(project, "--report", str(report))
    assert result.returncode == 0, result.stderr[-3000:]
    html = report.read_text(encoding="utf-8")
    for shown in ["table1.csv", "table2.csv", "table3.csv", "labs.svg", "timeline.svg"]:
        assert shown in html, shown
    for shown in ["audit.csv", "changes.csv", "report.pdf", "pamidronate"]:
        assert shown in html, shown


# --- The rule graph in the README ---------------------------------------------------------------


def test_readme_shows_the_rule_graph():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The workflow's rules", 1)[1].split("\n## ", 1)[0]
    assert f"]({RULEGRAPH})" in section
    assert REFRESH_RULEGRAPH in section


@pytest.mark.slow
def test_the_committed_rule_graph_is_current(tmp_path):
    project = copy_project(tmp_path / "project")
    result = run_snakemake(project, "--force", RULEGRAPH)
    assert result.returncode == 0, result.stderr[-3000:]
    drawn = (project / RULEGRAPH).read_text(encoding="utf-8")
    assert "<svg" in drawn and ">validate_table</text>" in drawn and ">report_pdf</text>" in drawn
    committed = ROOT / RULEGRAPH
    current = committed.is_file() and committed.read_text(encoding="utf-8") == drawn
    assert current, f"{RULEGRAPH} is out of date: refresh it with `{REFRESH_RULEGRAPH}`, commit it"
