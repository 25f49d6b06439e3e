"""Which tier the running test is in, so that a build helper called from a unit test fails loudly.

tests/conftest.py marks a test `slow` when it uses a build fixture and tells this module, before
each test's setup, whether the test is slow. A helper that runs snakemake or renders a report
calls `require_slow`: in a test not marked slow it fails with what to do, so a new test cannot
quietly put a build into the unit tier (`pytest -m "not slow"`). Outside pytest nothing is checked.
"""

from __future__ import annotations

import re

_unit_test: str | None = None  # node id of the running test when it is not marked slow


def enter(nodeid: str, slow: bool) -> None:
    global _unit_test
    _unit_test = None if slow else nodeid


def leave() -> None:
    global _unit_test
    _unit_test = None


def require_slow(what: str) -> None:
    if _unit_test is not None:
        raise AssertionError(
            f"{_unit_test} {what} but is not marked slow: use a build fixture from "
            "tests/conftest.py or mark the test @pytest.mark.slow (README, Tests)"
        )


def runs_snakemake(command) -> bool:
    """Whether a subprocess command (a list, or a string for a shell) starts snakemake: the
    `snakemake` program (by name or path) or `python -m snakemake`; a script that is merely called
    snakemake and run by Python (a stand-in in tests/test_calm_failure.py) is not."""
    if isinstance(command, str):
        return re.search(r"(^|[\s;&|(/])snakemake(\s|$)|-m\s+snakemake\b", command) is not None
    words = [str(word) for word in command]
    program = words[0].rsplit("/", 1)[-1] if words else ""
    module = any(a == "-m" and b == "snakemake" for a, b in zip(words, words[1:], strict=False))
    return program == "snakemake" or module


def guard_subprocesses() -> None:
    """Make every subprocess that starts snakemake call `require_slow` first (test process only)."""
    import subprocess

    original = subprocess.Popen.__init__

    def checked_init(self, args, *rest, **options):
        if runs_snakemake(args):
            require_slow("runs snakemake")
        original(self, args, *rest, **options)

    subprocess.Popen.__init__ = checked_init
