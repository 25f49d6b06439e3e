"""`casereport validate`: check every raw table at once, outside Snakemake.

Prints every error to stderr and exits 1 if there is any; prints a one-line summary and exits 0
otherwise. Registered in casereport/cli.py.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from casereport.arguments import file_to_write
from casereport.validation.report import (
    Finding,
    count_by_file_and_rule,
    print_findings,
    report_document,
    write_json,
)

CONFIG = "config/config.yaml"


def configured_rules(root: Path | str = ".") -> str | None:
    """The project's own rules file, as config/config.yaml names it (None: general rules only)."""
    path = Path(root) / CONFIG
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as handle:
        config = yaml.safe_load(handle) or {}
    return config.get("validation_rules") if isinstance(config, dict) else None


def add_validate_parser(subparsers) -> None:
    """Add `validate`; it sets `func(args) -> exit code`."""
    parser = subparsers.add_parser(
        "validate",
        help="check the raw data against the data dictionary and the cross-field rules",
        description="Check every raw table against the data dictionary (datapackage.yaml) and "
        "the cross-field rules, and print every error at once.",
    )
    parser.add_argument(
        "--data-dir", default="data/raw", help="folder of the raw data (default: %(default)s)"
    )
    parser.add_argument(
        "--datapackage",
        default="datapackage.yaml",
        help="the data dictionary, relative to --data-dir (default: %(default)s)",
    )
    parser.add_argument(
        "--rules",
        help="the project's own validation rules, run after the general ones (default: the file "
        f"{CONFIG}'s key validation_rules names, if any)",
    )
    parser.add_argument(
        "--report", type=file_to_write, help="also write the findings as JSON to this file"
    )
    parser.add_argument(
        "--privacy-allowlist",
        default="data/privacy_allowlist.csv",
        help="reviewed list of identifier-like text the article prints, for the privacy check "
        "(default: %(default)s; ignored when it does not exist)",
    )
    parser.set_defaults(func=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    # Imported here so that `casereport --help` and other commands do not load pandas.
    from casereport.validation.checker import check_tables
    from casereport.validation.deps import DatapackageError
    from casereport.validation.registry import ExtensionError

    datapackage = (Path(args.data_dir) / args.datapackage).as_posix()
    try:
        allowlist = args.privacy_allowlist
        if allowlist == "data/privacy_allowlist.csv" and not Path(allowlist).exists():
            allowlist = None  # the default, outside a project checkout: check with no allow-list
        extension = args.rules or configured_rules()
        results = check_tables(datapackage, privacy_allowlist=allowlist, extension=extension)
    except DatapackageError as error:
        results = {}
        findings = [Finding(datapackage, None, None, None, "datapackage", str(error))]
        counts = count_by_file_and_rule(findings)
    except ExtensionError as error:
        results = {}
        findings = [Finding(str(extension), None, None, None, "validation-rules", str(error))]
        counts = count_by_file_and_rule(findings)
    else:
        findings = [finding for result in results.values() for finding in result.findings]
        counts = sum((result.counts for result in results.values()), Counter())
    if args.report:
        write_json(args.report, report_document(findings, len(results), counts))
    if findings:
        print_findings(findings, closing="the raw data is not valid.", counts=counts)
        return 1
    rows = sum(result.rows for result in results.values())
    print(
        f"OK: {len(results)} tables, {rows} rows, no errors against {datapackage} "
        "and the cross-field rules"
    )
    return 0
