"""Writing drawn tables as a complete raw data directory, in the template's format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from casereport.synthetic.template import DATAPACKAGE, Template, write_csv


def write_data_directory(
    out_dir: Path | str,
    template: Template,
    tables: dict[str, pd.DataFrame],
    readme: str,
    datapackage: dict | None = None,
) -> Path:
    """Write `tables` (text frames, by resource name) where the template's data package puts
    them, copy every other resource of the template unchanged, and write the data package and a
    README.md saying what the data are; returns the datapackage.yaml written.

    The data package is the template's, copied byte for byte, unless `datapackage` gives one
    changed from it (e.g. an enum that allows a new value), which is written as YAML."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if datapackage is not None:
        with open(out_dir / DATAPACKAGE, "w", encoding="utf-8") as handle:
            yaml.safe_dump(datapackage, handle, allow_unicode=True, sort_keys=False)
    for resource in template.datapackage["resources"]:
        target = out_dir / resource["path"]
        if resource["name"] in tables:
            write_csv(tables[resource["name"]], target)
        else:
            shutil.copyfile(template.directory / resource["path"], target)
    if datapackage is None:
        shutil.copyfile(template.directory / DATAPACKAGE, out_dir / DATAPACKAGE)
    (out_dir / "README.md").write_text(readme, encoding="utf-8")
    return out_dir / DATAPACKAGE
