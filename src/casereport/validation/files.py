"""Layer 1: the file itself. Bytes, text encoding, CSV records, header.

Everything here runs before any cell is looked at, so that a file that is not what the data
dictionary describes fails with one clear sentence (the file is empty, line 4 is Latin-1, the last
line is cut off, column 'unit' is missing) rather than with a cascade of cell errors.

Conventions the rest of the project relies on:
* a UTF-8 byte-order mark is accepted and dropped; Windows (CRLF) line endings are accepted;
* one record per line: a quoted cell may not span lines, so a row's line number is the same
  whether a person counts lines in an editor or a program counts CSV records
  (casereport.trace counts records; `source_line` in the validated copies counts lines);
* a row whose number of cells differs from the header's is reported and left out of the cell
  checks (its cells cannot be matched to columns).

Stdlib only.
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from casereport.validation.report import Finding

UTF8_BOM = b"\xef\xbb\xbf"
# Other Unicode encodings, by their byte-order mark (UTF-32 first: its little-endian mark starts
# with UTF-16's).
OTHER_BOMS = [
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
]


@dataclass(frozen=True)
class ParsedFile:
    """A raw CSV file read as text: its header and the rows that can be matched to it."""

    header: list[str] | None  # None when the file could not be read as CSV at all
    rows: list[list[str]] = field(default_factory=list)  # rows with as many cells as the header
    lines: list[int] = field(default_factory=list)  # line of each row in the file (header = 1)
    findings: list[Finding] = field(default_factory=list)
    has_control_characters: bool = False  # somewhere in the text; schema.py says which cells


# Control characters (C0, DEL, C1) other than tab and the line endings: invisible in an editor and
# in the report, they can hide text or break the PDF. CR and LF inside a cell are reported as
# line-break-in-cell.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_csv_file(path: str, folder: str | None = None) -> ParsedFile:
    """Read a raw CSV file, reporting what stops it being read as UTF-8 CSV with one header.

    `folder`: the data folder the file must be a regular file inside of (checked before the
    file is opened: a FIFO would block the read, a link could point at any file on the machine).
    """
    if folder is not None and (problem := not_a_raw_file(path, folder)):
        return _unreadable(path, "not-a-regular-file", problem)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return _unreadable(path, "missing-file", "the file does not exist")
    except OSError as error:
        return _unreadable(path, "unreadable-file", f"the file cannot be read ({error.strerror})")
    if not data:
        return _unreadable(
            path, "empty-file", "the file is empty (0 bytes); it needs a header line and data rows"
        )
    data = data.removeprefix(UTF8_BOM)
    if encoding := other_unicode_encoding(data):
        return _unreadable(
            path,
            "encoding",
            f"the file is {encoding}, not UTF-8; save it as UTF-8 (in a spreadsheet: "
            "'CSV UTF-8'; in an editor: encoding UTF-8)",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ParsedFile(header=None, findings=encoding_findings(path, data))
    return parse_csv_text(path, text)


def not_a_raw_file(path: str, folder: str) -> str | None:
    """Why `path` is not a regular file inside `folder` (None when it is, or does not exist)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None  # reported as missing-file
    except OSError as error:
        return f"the file cannot be examined ({error.strerror})"
    if stat.S_ISLNK(mode):
        return (
            "the file is a symbolic link; a raw file must be a regular file inside "
            f"{Path(folder).as_posix()} (copy the file there instead of linking to it)"
        )
    if not stat.S_ISREG(mode):
        kind = (
            "a folder"
            if stat.S_ISDIR(mode)
            else "a FIFO"
            if stat.S_ISFIFO(mode)
            else ("a device or socket")
        )
        return f"the path is {kind}, not a regular file; a raw file must be a regular file"
    if not Path(path).resolve().is_relative_to(Path(folder).resolve()):
        return f"the file is outside {Path(folder).as_posix()} (through a linked folder)"
    return None


def parse_csv_text(path: str, text: str) -> ParsedFile:
    """Split decoded text into header and rows, keeping each row's line number."""
    # Lines end at LF, CRLF or CR, as csv sees them; newline="" keeps the endings for csv.
    physical_lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(physical_lines, strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    findings: list[Finding] = []
    records_after_header = 0
    last_line = 0

    def as_written(first: int, last: int) -> str:
        return "".join(physical_lines[first - 1 : last]).rstrip("\r\n")

    try:
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if last_line > line:
                findings.append(_line_break_in_cell(path, line, last_line, cells, header))
            if not any(cells):
                record = as_written(line, last_line)
                if header is None:
                    message = "the first line is blank; it must be the header"
                    findings.append(Finding(path, line, None, record, "blank-row", message))
                    return ParsedFile(None, findings=findings)
                findings.append(Finding(path, line, None, record, "blank-row", "the line is blank"))
                continue
            if header is None:
                header = cells
                continue
            records_after_header += 1
            if len(cells) != len(header):
                cut_off = last_line == len(physical_lines) and not text.endswith(("\n", "\r"))
                record = as_written(line, last_line)
                findings.append(_wrong_cell_count(path, line, record, cells, header, cut_off))
                continue
            rows.append(cells)
            lines.append(line)
    except csv.Error as error:
        # The rest of the file cannot be trusted: treat it as unreadable, not as a shorter table.
        line = reader.line_num
        message = f"not valid CSV ({error}); a cell with a double quote must be quoted whole"
        findings.append(Finding(path, line, None, as_written(line, line), "csv-syntax", message))
        return ParsedFile(None, findings=findings)
    if header is None:
        return _unreadable(path, "empty-file", "the file has no header line")
    if records_after_header == 0:
        findings.append(
            Finding(
                path, None, None, None, "no-data-rows", "the file has a header but no data rows"
            )
        )
    has_control = CONTROL_CHARACTERS.search(text) is not None
    return ParsedFile(header, rows, lines, findings, has_control)


def check_header(path: str, header: list[str], field_names: list[str]) -> list[Finding]:
    """The header must name the data dictionary's fields, each once, in the dictionary's order."""
    findings = []
    for name, count in Counter(header).items():
        if count > 1:
            findings.append(
                Finding(
                    path, 1, name, name, "duplicate-column", f"the header names it {count} times"
                )
            )
    for name in field_names:
        if name not in header:
            findings.append(
                Finding(
                    path,
                    1,
                    name,
                    None,
                    "missing-column",
                    "the header has no such column; the data dictionary requires it",
                )
            )
    for name in header:
        if name not in field_names:
            close = difflib.get_close_matches(name, field_names, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            findings.append(
                Finding(
                    path,
                    1,
                    name,
                    name,
                    "unknown-column",
                    f"the data dictionary has no column {name!r}{hint}",
                )
            )
    if not findings and header != field_names:
        findings.append(
            Finding(
                path,
                1,
                None,
                ",".join(header),
                "column-order",
                "the columns are not in the data dictionary's order: "
                f"expected {', '.join(field_names)}",
            )
        )
    return findings


def other_unicode_encoding(data: bytes) -> str | None:
    """The name of the UTF-16 or UTF-32 encoding the bytes are in, if they start with its
    byte-order mark or, without one, look like it (ASCII text with a zero byte beside each
    character; UTF-8 text has no zero bytes)."""
    for bom, name in OTHER_BOMS:
        if data.startswith(bom):
            return f"{name}, by its byte-order mark {bom.hex(' ').upper()}"
    start = data[:4096]
    if len(start) >= 8 and start.count(0) * 3 >= len(start):
        width = 4 if start.count(b"\x00\x00\x00") * 4 >= len(start) // 2 else 2
        return f"UTF-{width * 8} without a byte-order mark (it is full of zero bytes)"
    return None


def encoding_findings(path: str, data: bytes) -> list[Finding]:
    """One finding per line that is not UTF-8, naming the first bad byte and its column."""
    raw_lines = data.split(b"\n")  # "\n" never occurs inside a multi-byte UTF-8 character
    header = _cells(raw_lines[0].decode("utf-8", "backslashreplace").rstrip("\r"))
    findings = []
    for number, raw in enumerate(raw_lines, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start]
            index = len(_cells(raw[: error.start].decode("utf-8", "backslashreplace") + "x")) - 1
            cells = _cells(raw.decode("utf-8", "backslashreplace").rstrip("\r"))
            column = header[index] if number > 1 and index < len(header) else None
            value = cells[index] if index < len(cells) else None
            legacy = bytes([byte]).decode("cp1252", errors="ignore")
            hint = f", which is {legacy!r} in Windows-1252/Latin-1" if legacy.isprintable() else ""
            findings.append(
                Finding(
                    path,
                    number,
                    column,
                    value,
                    "encoding",
                    f"line {number} is not valid UTF-8 (byte 0x{byte:02x}{hint}); "
                    "save the file as UTF-8",
                )
            )
    return findings


def _cells(line: str) -> list[str]:
    """The cells of one line of CSV, leniently (only used to point at a bad byte's column)."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return line.split(",")


def _unreadable(path: str, rule: str, message: str) -> ParsedFile:
    return ParsedFile(header=None, findings=[Finding(path, None, None, None, rule, message)])


def _line_break_in_cell(
    path: str, first: int, last: int, cells: list[str], header: list[str] | None
) -> Finding:
    index = next(i for i, cell in enumerate(cells) if "\n" in cell or "\r" in cell)
    column = header[index] if header and index < len(header) else None
    return Finding(
        path,
        first,
        column,
        cells[index],
        "line-break-in-cell",
        f"a quoted cell spans lines {first}-{last}; keep every row on one line "
        "(line numbers must mean the same to people and programs)",
    )


def _wrong_cell_count(
    path: str,
    line: int,
    record_text: str,
    cells: list[str],
    header: list[str],
    cut_off: bool,
) -> Finding:
    if len(cells) > len(header):
        return Finding(
            path,
            line,
            None,
            record_text,
            "extra-cells",
            f"the row has {len(cells)} cells but the header has {len(header)} "
            "(a value with a comma needs double quotes)",
        )
    missing = ", ".join(header[len(cells) :])
    hint = (
        "; it is the last line and the file does not end with a newline: was it cut off?"
        if cut_off
        else ""
    )
    return Finding(
        path,
        line,
        None,
        record_text,
        "missing-cells",
        f"the row has {len(cells)} cells but the header has {len(header)} "
        f"(missing: {missing}){hint}",
    )
