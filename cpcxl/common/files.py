"""Files in and out: inputs opened defensively and never changed; outputs written atomically."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import secrets
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CpcxlError, InputError, Location

#: Default ceiling on an input workbook's size; a return is kilobytes, so 20 MB is generous.
MAX_INPUT_BYTES = 20 * 1024 * 1024
#: Ceiling on what a workbook may unpack to, against zip bombs.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"

#: Random temporary names tried before giving up (each of 2**32 names; a local choice).
_TEMP_ATTEMPTS = 100


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it only if the block succeeds.

    A reader never sees a half-written file: the rename is atomic on one file system.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    try:
        for _ in range(_TEMP_ATTEMPTS):
            # Named before it is made: a stop (SIGTERM, raised as SystemExit) that lands as
            # the file is made, which tempfile.mkstemp would lose inside itself, still has
            # the ``finally`` below remove it.
            tmp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}{target.suffix}")
            try:
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                break
            except FileExistsError:
                tmp = None  # another writer's: never removed here
        else:
            raise FileExistsError(f"no free temporary name beside {target}")
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


#: The exit status of a command that kept an existing output instead of replacing it.
KEPT_EXIT = 3


class OutputRefused(CpcxlError):
    """A command was asked to write where it must not: over its own input, or an .xlsm."""


def same_file(a: Path, b: Path) -> bool:
    """True if two paths name one file (through links, and case on case-blind systems)."""
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return os.path.normcase(a.resolve()) == os.path.normcase(b.resolve())


@dataclass
class Outputs:
    """The rule every command that writes files follows.

    An output is never one of the command's inputs, and never an ``.xlsm`` (cpcxl writes
    ``.xlsx`` and would lose a workbook's macros); an output that exists already (a person
    may have edited it) is kept unless ``overwrite``, and the command says so and exits
    with :data:`KEPT_EXIT`.
    """

    overwrite: bool = False
    inputs: tuple[Path, ...] = ()
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)

    def check(self, target: Path) -> None:
        """Raise :class:`OutputRefused` if ``target`` may never be written."""
        for source in self.inputs:
            if same_file(target, source):
                raise OutputRefused(
                    f"the output {target} is the input {source}; cpcxl never writes over its input",
                )
        if target.suffix.lower() == ".xlsm":
            raise OutputRefused(
                f"{target} is a macro-enabled workbook; cpcxl writes .xlsx files and would "
                "lose its macros: name an .xlsx output"
            )

    def may_write(self, target: Path) -> bool:
        """True if ``target`` may be written now; False (and noted) if it exists and is kept."""
        self.check(target)
        if target.exists() and not self.overwrite:
            self.kept.append(target)
            return False
        return True

    def wrote(self, path: Path) -> Path:
        self.written.append(path)
        return path

    def kept_message(self) -> str:
        """What to tell the user about the outputs kept, or '' if none."""
        if not self.kept:
            return ""
        listed = "\n".join(f"  {p}" for p in self.kept)
        return (
            f"kept {len(self.kept)} existing file{'s' if len(self.kept) != 1 else ''} a person "
            f"may have edited (--overwrite replaces them):\n{listed}"
        )


def write_bytes_atomically(target: str | os.PathLike[str], data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv_atomically(
    target: str | os.PathLike[str], header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[csv_safe(v) for v in row] for row in rows])
    return write_bytes_atomically(target, buffer.getvalue().encode("utf-8-sig"))


def sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def describe_size(n: int) -> str:
    """A size as Windows shows it (1 KB = 1,024 bytes): '512 bytes', '40 KB', '20 MB', '1.5 MB'."""
    if n < 1024:
        return f"{n:,} bytes"
    if n < 1024 * 1024:
        return f"{round(n / 1024):,} KB"
    return f"{n / (1024 * 1024):,.1f}".removesuffix(".0") + " MB"


def check_workbook_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_INPUT_BYTES,
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES,
) -> Path:
    """Check a file is a readable .xlsx before any parser sees it; say plainly what is wrong."""
    path = Path(path)
    where = Location(file=path.name)
    if not path.is_file():
        raise InputError("file not found", location=where)
    size = path.stat().st_size
    if size == 0:
        raise InputError("the file is empty", location=where, valid="an .xlsx workbook")
    if size > max_bytes:
        raise InputError(
            f"the file is {describe_size(size)}, over the {describe_size(max_bytes)} limit",
            location=where,
        )
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(_OLE_MAGIC):
        raise InputError(
            "the file is password-protected (encrypted) or an old .xls workbook",
            location=where,
            valid="an unprotected .xlsx workbook: remove the password and save as .xlsx",
        )
    if not head.startswith(_ZIP_MAGIC):
        raise InputError(
            "the file is not an Excel workbook", location=where, valid="an .xlsx workbook"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise InputError(
            "the workbook is damaged (not a valid zip archive)", location=where
        ) from None
    if unpacked > max_unpacked_bytes:
        raise InputError(
            f"the workbook unpacks to {describe_size(unpacked)}, over the "
            f"{describe_size(max_unpacked_bytes)} limit (a zip bomb or an unusually large file)",
            location=where,
        )
    if "xl/workbook.xml" not in names:
        raise InputError(
            "the archive is not an Excel workbook", location=where, valid="an .xlsx workbook"
        )
    return path
