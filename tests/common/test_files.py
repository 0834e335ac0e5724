from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cpcxl.common import files
from cpcxl.common.errors import InputError
from cpcxl.common.files import (
    atomic_path,
    check_workbook_file,
    csv_safe,
    describe_size,
    write_csv_atomically,
)


def test_atomic_path_leaves_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "summary.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("killed part way")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.xlsx"]


def test_atomic_path_replaces_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.csv"
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_a_stop_that_lands_as_the_temp_file_is_made_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SIGTERM during the system call that makes the file is raised (as SystemExit, see
    # monitoring's _stop_cleanly) at the next line of Python: here, as the call returns. A
    # batch stopped so once in a few hundred runs left a temp file while tempfile.mkstemp
    # made it; a rerun removed it, but a clean stop must leave nothing.
    real_open = os.open

    def stopped_as_it_returns(path: Any, flags: int, mode: int = 0o777) -> int:
        fd = real_open(path, flags, mode)
        os.close(fd)
        raise SystemExit(143)

    monkeypatch.setattr(os, "open", stopped_as_it_returns)
    with pytest.raises(SystemExit), atomic_path(tmp_path / "P-0001.xlsx"):
        pytest.fail("the block must not run")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


def test_atomic_path_never_removes_another_writers_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Temp names are random (eight hex digits); one that exists already is another's.
    names = iter(["0000dead", "0000beef"])
    monkeypatch.setattr(files.secrets, "token_hex", lambda n: next(names))
    theirs = tmp_path / ".a.0000dead.csv"
    theirs.write_text("theirs")
    with pytest.raises(RuntimeError), atomic_path(tmp_path / "a.csv") as tmp:
        assert tmp.name == ".a.0000beef.csv"
        raise RuntimeError("failed part way")
    assert [p.name for p in tmp_path.iterdir()] == [theirs.name]
    assert theirs.read_text() == "theirs"


def test_csv_cells_that_look_like_formulas_are_made_inert(tmp_path: Path) -> None:
    assert csv_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert csv_safe("-1+1") == "'-1+1"
    assert csv_safe("Plain") == "Plain" and csv_safe(-1) == -1
    path = write_csv_atomically(tmp_path / "e.csv", ["file", "message"], [["a.xlsx", "@SUM(1)"]])
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["file,message", "a.xlsx,'@SUM(1)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"hello, not a workbook", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
    ],
)
def test_files_that_are_not_workbooks_are_named(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "return.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as caught:
        check_workbook_file(path)
    assert str(caught.value).startswith("return.xlsx: ")


def test_size_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 5_000_000)
    # 5,000,000 bytes is 4.77 MB as Windows counts (1 MB = 1,048,576 bytes).
    with pytest.raises(InputError, match=r"unpacks to 4\.8 MB, over the 1 MB limit"):
        check_workbook_file(path, max_unpacked_bytes=1024 * 1024)
    with pytest.raises(InputError, match=r"over the 1,000 bytes limit"):
        check_workbook_file(path, max_bytes=1000)


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 bytes"),
        (1023, "1,023 bytes"),
        (1024, "1 KB"),
        (40 * 1024 + 500, "40 KB"),  # 40.49 KB
        (1024 * 1024, "1 MB"),
        (20 * 1024 * 1024, "20 MB"),
        (int(1.5 * 1024 * 1024), "1.5 MB"),
        (200 * 1024 * 1024, "200 MB"),
    ],
)
def test_sizes_read_as_windows_shows_them(size: int, text: str) -> None:
    assert describe_size(size) == text
