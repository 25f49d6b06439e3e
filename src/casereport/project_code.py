"""Loading a project's own Python file by path (config keys `validation_rules`, `report_context`,
`extension`).

A project adds to the package through files it names in config/config.yaml, not through an
installed module; both kinds are loaded here, with one error line naming the file when it is not
Python or fails as it loads.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from types import ModuleType


def load_project_file(
    path: str | os.PathLike,
    module_name: str,
    shown: str,
    what: str,
    key: str,
    error: type[Exception],
    package_dir: str | os.PathLike | None = None,
) -> ModuleType:
    """The module of the project's file at `path`, registered as `module_name`. A file that is not
    Python, or raises as it loads, raises `error` with one line: '<shown>: <what> cannot be loaded:
    <exception>' (`shown`: the file as the config names it; `what`: e.g. 'the validation rules';
    `key`: the config key naming the file). With `package_dir`, the file is a package's
    `__init__.py` and the package's other modules import as `module_name.<module>`."""
    locations = [str(package_dir)] if package_dir is not None else None
    spec = importlib.util.spec_from_file_location(
        module_name, path, submodule_search_locations=locations
    )
    if spec is None or spec.loader is None:
        raise error(f"{shown}: not a Python file ({key})")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # as an import would: dataclasses and pickling look it up
    try:
        spec.loader.exec_module(module)
    except Exception as failure:  # the project's code: say which file failed, and how
        del sys.modules[module_name]
        raise error(
            f"{shown}: {what} cannot be loaded: {type(failure).__name__}: {failure}"
        ) from None
    return module
