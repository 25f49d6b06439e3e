"""The project's extension (casereport.project_extension): a package in the project that declares
the report's tables and figures and builds what the package has no builder of."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.project import ARTICLE_EXTENSION, ROOT

from casereport import project_extension, stages
from casereport.codedeps import project_code
from casereport.project_extension import ProjectExtensionError


def test_the_article_declares_its_tables_figures_and_audit_tables():
    # conftest activated workflow/article, as the Snakefile and every job's script do.
    assert project_extension.active() is not None
    assert list(stages.TABLES) == list(project_extension.active().TABLES)
    assert list(stages.FIGURES) == list(project_extension.active().FIGURES)
    assert set(project_extension.active().AUDIT) <= set(stages.AUDIT)


def test_activating_the_same_folder_again_is_a_no_op():
    assert project_extension.activate(ARTICLE_EXTENSION) is project_extension.active()


def test_a_second_extension_in_one_interpreter_is_refused(tmp_path):
    (tmp_path / "__init__.py").write_text("TABLES = {}\n", encoding="utf-8")
    with pytest.raises(ProjectExtensionError, match="already active"):
        project_extension.activate(tmp_path)


def test_a_folder_without_init_is_one_line(tmp_path):
    with pytest.raises(ProjectExtensionError) as error:
        project_extension.activate(tmp_path / "article")
    assert "__init__.py" in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    "declared",
    [{"TABLES": ["table1"]}, {"FIGURES": {"f": "patients"}}, {"AUDIT": "patients"}],
    ids=["tables-a-list", "figure-reads-a-string", "audit-a-string"],
)
def test_a_malformed_declaration_is_refused(declared):
    with pytest.raises(ProjectExtensionError, match="must map names"):
        project_extension._declarations(SimpleNamespace(**declared), "workflow/article")


def test_no_extension_activates_nothing():
    assert project_extension.activate(None) is None
    assert project_code(None, "figures") == []


def test_a_stage_runs_the_extension_modules_its_part_imports_and_no_other(tmp_path):
    # The files a job lists as inputs (codedeps.project_code): editing the article's figures
    # reruns the figure jobs, not the audit.
    (tmp_path / "sub").mkdir()
    files = {
        "__init__.py": "TABLES = {}\n",
        "figures.py": "from .shared import X\nfrom . import sub\n",
        "shared.py": "X = 1\n",
        "sub/__init__.py": "from ..helpers import Y\n",
        "helpers.py": "Y = 2\n",
        "audit_checks.py": "from casereport_project.shared import X\n",
        "numbers.py": "Z = 3\n",
    }
    for name, code in files.items():
        (tmp_path / name).write_text(code, encoding="utf-8")

    def ran(part):
        return sorted(
            Path(f).relative_to(tmp_path).as_posix()
            for f in project_code(tmp_path, part)
            if Path(f).is_relative_to(tmp_path)
        )

    assert ran("figures") == [
        "__init__.py",
        "figures.py",
        "helpers.py",
        "shared.py",
        "sub/__init__.py",
    ]
    assert ran("audit_checks") == ["__init__.py", "audit_checks.py", "shared.py"]
    assert ran("tables") == ["__init__.py"]  # the extension has no tables module


def run_python(code: str, cwd) -> subprocess.CompletedProcess:
    env_path = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
        timeout=60,
    )


def test_an_extension_adds_a_table_and_its_builder(tmp_path):
    extension = tmp_path / "myreport"
    extension.mkdir()
    (extension / "__init__.py").write_text(
        'TABLES = {"doses": ("treatments",)}\nFIGURES = {}\nAUDIT = ("patients",)\n',
        encoding="utf-8",
    )
    # Its modules import each other relatively: the package is casereport_project.
    (extension / "shared.py").write_text("HEADER = 'Dose'\n", encoding="utf-8")
    (extension / "tables.py").write_text(
        "from .shared import HEADER\n"
        "BUILDERS = {'doses': lambda dataset, first_patients: HEADER}\n",
        encoding="utf-8",
    )
    result = run_python(
        """
        from casereport import project_extension, stages
        from casereport.tables import build_table
        project_extension.activate("myreport")
        print(stages.TABLES, stages.AUDIT)
        print(build_table("doses", None))
        print(project_extension.part("figures"))
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "{'doses': ('treatments',)} ['patients']",
        "Dose",
        "None",
    ]


def test_a_broken_module_of_the_extension_is_one_line(tmp_path):
    extension = tmp_path / "myreport"
    extension.mkdir()
    (extension / "__init__.py").write_text("TABLES = {}\n", encoding="utf-8")
    (extension / "numbers.py").write_text("import no_such_module\n", encoding="utf-8")
    result = run_python(
        """
        from casereport import project_extension
        project_extension.activate("myreport")
        try:
            project_extension.part("numbers")
        except project_extension.ProjectExtensionError as error:
            print(error)
        """,
        tmp_path,
    )
    assert result.stdout.strip() == (
        "myreport/numbers.py: the extension's module numbers cannot be loaded:"
        " ModuleNotFoundError: No module named 'no_such_module'"
    )
