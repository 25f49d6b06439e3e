"""Figures written for the real data or an enlarged copy of it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import yaml

from casereport import stages
from casereport.dataset import load_dataset
from casereport.figures import write_figure
from support.project import RAW, make_validated_dir

EXTENSIONS = ("svg", "png", "json")


def write_enlarged_series(tmp_path: Path, extra_patients: int) -> Path:
    """A copy of the raw data with `extra_patients` more patients, each a copy of an existing
    patient (cycling through them) under a new id, with new row ids in the tables that have them.
    Returns the validated copy of it; the raw copy is at tmp_path / 'raw'."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    package = yaml.safe_load((raw / "datapackage.yaml").read_text(encoding="utf-8"))
    with open(raw / "patients.csv", encoding="utf-8", newline="") as handle:
        existing = [int(row["patient_id"]) for row in csv.DictReader(handle)]
    copies = [(existing[k % len(existing)], max(existing) + 1 + k) for k in range(extra_patients)]
    for resource in package["resources"]:
        path = raw / resource["path"]
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            columns, table = list(reader.fieldnames or []), list(reader)
        if "patient_id" not in columns:
            continue
        key = resource["schema"].get("primaryKey", [])
        row_id = key[0] if len(key) == 1 and key[0] != "patient_id" else None
        next_id = max(int(row[row_id]) for row in table) + 1 if row_id else 0
        for source, new in copies:
            for row in [r for r in table if r["patient_id"] == str(source)]:
                table.append({**row, "patient_id": str(new)})
                if row_id:
                    table[-1][row_id] = str(next_id)
                    next_id += 1
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(table)
    return make_validated_dir(raw, tmp_path / "validated")


def build_all(validated: Path, datapackage: Path, out_dir: Path, **options) -> dict:
    """Write every figure; figure -> its caption model."""
    out_dir.mkdir(parents=True, exist_ok=True)
    models = {}
    for name, names in stages.FIGURES.items():
        dataset = load_dataset(validated, datapackage, list(names))
        paths = [out_dir / f"{name}.{ext}" for ext in EXTENSIONS]
        models[name] = write_figure(name, dataset, *paths, **options)
    return models
