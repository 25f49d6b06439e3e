"""Command lines `casereport` must refuse with exit code 2 and one line of error, no traceback."""

UNUSABLE_ARGUMENTS = [
    ["trace", "--numbers", "/dev/null", "0.475"],
    ["trace", "--numbers", "missing.csv", "0.475"],
    ["trace", "--catalog", ".", "0.475"],
    ["trace", "--root", "missing", "0.475"],
    ["trace"],
    ["accept-numbers", "--lock", "/dev/null"],
    ["accept-numbers", "--lock", "."],
    ["accept-numbers", "--numbers", "/dev/null"],
    ["check-numbers", "--root", "/dev/null"],
    ["validate", "--report", "."],
    ["validate", "--no-such-option"],
    ["no-such-command"],
    [],
]


def arguments_id(args: list[str]) -> str:
    return " ".join(args) or "nothing"
