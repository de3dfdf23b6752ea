"""Streaming CSV records out of spreadsheet exports, whatever their encoding and delimiter.

The file is read one physical line at a time (never all at once). The encoding is UTF-8
(with or without a byte-order mark) or Windows-1252; ``auto`` tries UTF-8 on the first
64 KiB and falls back to Windows-1252. A later line that is not valid in the chosen encoding
makes only its own record fail. The delimiter (comma or semicolon) is sniffed from the
header line, outside quotes.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Literal

from core.errors import InvalidInputError

Encoding = Literal["auto", "utf-8", "cp1252"]
Delimiter = Literal["auto", ",", ";"]

SNIFF_BYTES = 64 * 1024
_BOM = codecs.BOM_UTF8


class ImportFileError(InvalidInputError):
    """The file as a whole cannot be imported (empty, unreadable header, bad columns)."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})
        self.message = message

    def __str__(self) -> str:
        return self.message


def detect_encoding(head: bytes, requested: Encoding) -> str:
    """``utf-8`` or ``cp1252`` for the first bytes of a file."""
    if requested != "auto":
        return requested
    if head.startswith(_BOM):
        return "utf-8"
    try:
        # An incremental decoder tolerates a multi-byte character cut at the chunk's end.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def sniff_delimiter(header_line: str, requested: Delimiter) -> str:
    """The delimiter used by the header line: the most frequent of ``,`` and ``;`` unquoted."""
    if requested != "auto":
        return requested
    counts = {",": 0, ";": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    return ";" if counts[";"] > counts[","] else ","


@dataclass
class Record:
    """One CSV record: the line it starts on, its cells, and a problem reading it."""

    line: int
    cells: list[str]
    problem: str | None = None


@dataclass
class CsvReader:
    """Reads records from a binary stream, counting bytes for progress."""

    stream: BinaryIO
    encoding: Encoding = "auto"
    delimiter: Delimiter = "auto"
    bytes_read: int = 0
    chosen_encoding: str = ""
    chosen_delimiter: str = ""
    _bad_lines: set[int] = field(default_factory=set)
    _line_number: int = 0

    def _raw_lines(self, head: bytes) -> Iterator[bytes]:
        """The file's lines (split on ``\\n`` only, like ``readline``): ``head`` first."""
        *complete, carry = head.split(b"\n")
        for line in complete:
            yield line + b"\n"
        if carry:
            yield carry + self.stream.readline()
        yield from iter(self.stream.readline, b"")

    def _physical_lines(self, head: bytes) -> Iterator[str]:
        """Decoded lines with their line endings; undecodable lines are marked bad."""
        for raw in self._raw_lines(head):
            self.bytes_read += len(raw)
            self._line_number += 1
            line = raw[len(_BOM) :] if self._line_number == 1 and raw.startswith(_BOM) else raw
            try:
                yield line.decode(self.chosen_encoding)
            except UnicodeDecodeError:
                self._bad_lines.add(self._line_number)
                yield line.decode(self.chosen_encoding, errors="replace")

    def open(self) -> list[str]:
        """Detect encoding and delimiter; returns the header cells."""
        head = self.stream.read(SNIFF_BYTES)
        if not head.strip():
            raise ImportFileError("the file is empty: the first line must name the columns")
        self.chosen_encoding = detect_encoding(head, self.encoding)
        first_line = head.split(b"\n", 1)[0].removeprefix(_BOM)
        self.chosen_delimiter = sniff_delimiter(
            first_line.decode(self.chosen_encoding, errors="replace"), self.delimiter
        )
        self._reader = csv.reader(
            self._physical_lines(head), delimiter=self.chosen_delimiter, strict=True
        )
        header = next(self.records(), None)
        if header is None or header.problem:
            problem = header.problem if header else "no header"
            raise ImportFileError(f"line 1 (the header) cannot be read: {problem}")
        return header.cells

    def _encoding_problem(self) -> str:
        if self.chosen_encoding == "utf-8":
            # Auto-detection only sees the first 64 KiB; an all-ASCII start looks like UTF-8.
            return "not valid utf-8 text (if the file is Windows-1252, import it as cp1252)"
        return f"not valid {self.chosen_encoding} text"

    def records(self) -> Iterator[Record]:
        """Every record after the header, with the line it starts on."""
        while True:
            start = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Record(start, [], f"not valid CSV: {exc}")
                continue
            # Only lines not yet consumed are pending, so this set stays tiny.
            bad = [n for n in self._bad_lines if n <= self._reader.line_num]
            self._bad_lines.difference_update(bad)
            if bad:
                yield Record(start, cells, self._encoding_problem())
                continue
            yield Record(start, cells)
