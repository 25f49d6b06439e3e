"""Which source files of the package a job runs: the module it calls and everything it imports.

Snakemake reruns a `script:` job when the script changes, not when a module it imports does. The
rules list these files as inputs, so that editing, say, the audit's checks reruns the audit and the
report, and nothing else. The imports are read with `ast` (no module is imported): the Snakefile
loads this on every run, no-op runs included, and must stay quick and light.
"""

from __future__ import annotations

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
