"""Which source files of the package a job runs: the module it calls and everything it imports.

Snakemake reruns a `script:` job when the script changes, not when a module it imports does. The
rules list these files as inputs, so that editing, say, the audit's checks reruns the audit and the
report, and nothing else. The imports are read with `ast` (no module is imported): the Snakefile
loads this on every run, no-op runs included, and must stay quick and light.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

PACKAGE = "casereport"
PACKAGE_DIR = Path(__file__).parent

# `from casereport.x import a, b` (on one line or in parentheses) and `import casereport.x`,
# indented too: an import inside a function is a dependency as well.
FROM_IMPORT = re.compile(
    rf"^[ \t]*from[ \t]+({PACKAGE}(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M
)
PLAIN_IMPORT = re.compile(rf"^[ \t]*import[ \t]+({PACKAGE}(?:\.\w+)*)", re.M)
NAME = re.compile(r"\w+")


def module_file(module: str) -> Path | None:
    """The file of a `casereport...` module (a module or a package's __init__), if it exists."""
    parts = module.split(".")[1:]
    if not parts:  # the package itself
        return PACKAGE_DIR / "__init__.py"
    relative = Path(*parts)
    for candidate in (PACKAGE_DIR / f"{relative}.py", PACKAGE_DIR / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def direct_imports(path: Path) -> frozenset[str]:
    """The package's modules that the file at `path` imports (`from casereport.x import y` may
    name a module y too)."""
    code = path.read_text(encoding="utf-8")
    imported = set(PLAIN_IMPORT.findall(code))
    for module, names in FROM_IMPORT.findall(code):
        imported.add(module)
        # A name may be a module (`from casereport import stages`); module_file() skips the rest.
        # Comments after the names add words, never a wrong file: only existing modules count.
        imported.update(f"{module}.{name}" for name in NAME.findall(names))
    return frozenset(imported)


def package_code(*modules: str) -> list[str]:
    """Sorted paths of the files of `modules` and of every package module they import, in turn."""
    seen: set[Path] = set()
    pending = list(modules)
    while pending:
        path = module_file(pending.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        pending.extend(direct_imports(path))
        # Importing casereport.a.b runs casereport/a/__init__.py as well.
        if path.name != "__init__.py" and path.parent != PACKAGE_DIR:
            seen.add(path.parent / "__init__.py")
    init = PACKAGE_DIR / "__init__.py"
    if init.is_file():
        seen.add(init)
    return sorted(str(path) for path in seen)


def _extension_file(folder: Path, parts: list[str]) -> Path | None:
    if not parts:
        return None
    relative = Path(*parts)
    for candidate in (folder / f"{relative}.py", folder / relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _extension_imports(folder: Path, path: Path) -> list[list[str]]:
    """The extension modules a file of the extension may import, as parts relative to the folder:
    `from .x import a` (relative to the file's package, `..` going up), `from . import x`, and
    `from casereport_project.x import a`; for each, the module and module.name (a may be a
    module)."""
    package = list(path.parent.relative_to(folder).parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module.split(".") if node.module else []
        if node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            parts = base + module
        elif module and module[0] == EXTENSION_PACKAGE:
            parts = module[1:]
        else:
            continue
        found.append(parts)
        found.extend(parts + [alias.name] for alias in node.names)
    return found


# The name a project's extension is imported as (casereport.project_extension.MODULE).
EXTENSION_PACKAGE = "casereport_project"


def project_code(directory: str | Path | None, *parts: str) -> list[str]:
    """Sorted paths of the files a job runs of a project's extension folder: its __init__.py,
    the modules `parts` (e.g. "figures"), the extension modules they import in turn, and the
    package modules those import (package_code). Empty without an extension. An edit to the
    article's figures thus reruns the figure jobs, not the audit."""
    if not directory:
        return []
    folder = Path(directory)
    seen: set[Path] = set()
    package_modules: set[str] = set()
    pending = [folder / "__init__.py"]
    pending += [found for part in parts if (found := _extension_file(folder, part.split(".")))]
    while pending:
        path = pending.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        # Importing a module of a subpackage runs the subpackage's __init__.py first.
        if path.parent != folder:
            pending.append(path.parent / "__init__.py")
        package_modules.update(direct_imports(path))
        for imported in _extension_imports(folder, path):
            found = _extension_file(folder, imported)
            if found is not None:
                pending.append(found)
    files = {path.as_posix() for path in seen}
    if package_modules:
        files.update(package_code(*sorted(package_modules)))
    return sorted(files)
