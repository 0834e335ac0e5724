from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cpcxl.common.errors import InputError
from cpcxl.common.files import atomic_path, check_workbook_file, csv_safe, write_csv_atomically


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
    with pytest.raises(InputError, match="unpacks to 5 MB, over the 1 MB limit"):
        check_workbook_file(path, max_unpacked_bytes=1_000_000)
    with pytest.raises(InputError, match=r"over the 0.0 MB limit"):
        check_workbook_file(path, max_bytes=1000)
