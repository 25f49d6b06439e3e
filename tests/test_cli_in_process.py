"""`casereport`'s usage errors in-process: exit code 2, one line on stderr, no traceback (the unit
twin of tests/test_calm_failure.py, which runs the same command lines in a subprocess)."""

from __future__ import annotations

import pytest
from support.cli import UNUSABLE_ARGUMENTS, arguments_id

from casereport.cli import main


def exit_code(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as stop:  # argparse stops on a usage error
        return stop.code


@pytest.mark.parametrize("args", UNUSABLE_ARGUMENTS, ids=arguments_id)
def test_an_unusable_argument_exits_2_in_one_line(tmp_path, monkeypatch, capsys, args):
    monkeypatch.chdir(tmp_path)
    code = exit_code(args)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "error:" in err and "Traceback" not in err
