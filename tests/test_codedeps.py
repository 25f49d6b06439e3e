"""casereport.codedeps: the package files each stage runs, listed as inputs of its jobs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.project import ROOT

from casereport.codedeps import PACKAGE_DIR, direct_imports, package_code

# The modules the workflow's scripts call (workflow/scripts/*.py).
STAGE_MODULES = [
    "casereport.validation.job",
    "casereport.tables",
    "casereport.catalog",
    "casereport.figures",
    "casereport.audit",
    "casereport.sources",
    "casereport.render",
    "casereport.pdf",
    "casereport.changes",
]


def loaded_package_files(module: str) -> set[str]:
    """The package's files Python actually loads when importing `module` (a fresh interpreter)."""
    probe = (
        f"import json, sys, {module}\n"
        "print(json.dumps(sorted(m.__file__ for name, m in sys.modules.items()\n"
        "    if name.split('.')[0] == 'casereport' and getattr(m, '__file__', None))))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(output))


@pytest.mark.slow
@pytest.mark.parametrize("module", STAGE_MODULES)
def test_every_file_a_stage_loads_is_an_input_of_its_jobs(module):
    listed = set(package_code(module))
    assert loaded_package_files(module) <= listed


def test_a_stage_does_not_list_what_it_does_not_import():
    audit_code = {path.split("/casereport/", 1)[-1] for path in package_code("casereport.audit")}
    assert {"audit/__init__.py", "audit/checks_courses.py", "clinical.py"} <= audit_code
    assert not any(path.startswith(("figures", "render")) for path in audit_code)


def test_imports_in_parentheses_inside_functions_and_of_modules_are_read(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "import os\n"
        "from casereport.ledger import (\n    Ledger,\n    Number,\n)\n"
        "from casereport import stages  # a module imported by name\n"
        "def later():\n    import casereport.sources\n",
        encoding="utf-8",
    )
    imported = direct_imports(source)
    assert {"casereport.ledger", "casereport.stages", "casereport.sources"} <= imported
    assert not any(name.startswith("os") for name in imported)


def test_paths_are_files_of_the_package_in_a_stable_order():
    code = package_code("casereport.render")
    assert code == sorted(code)
    assert all(path.startswith(str(PACKAGE_DIR)) and path.endswith(".py") for path in code)
