"""Write the bad-return corpus (and two good returns) beside this file.

Run from the repository root: ``python tests/data/monitoring/make_corpus.py``. The files are
committed; this script is how they were made, so they can be made again.

The committed files were made before issue 11 gave the Return sheet its Details table and
renamed "Tolerance (%)" to "Tolerance"; they are kept as they are, so the batch tests show
that returns in that older layout still read.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

from cpcxl.monitoring.models import ProviderDetails
from cpcxl.monitoring.sample import example_return, sample_return
from cpcxl.monitoring.workbook import write_return

HERE = Path(__file__).resolve().parent


def good(name: str, index: int) -> Path:
    return write_return(HERE / name, sample_return(index, seed=7))


def edited(name: str, index: int, edits: dict[str, dict[str, object]]) -> Path:
    """A good return with some cells changed ({sheet: {cell: value}}); text stays text."""
    path = good(name, index)
    wb = load_workbook(path)
    for sheet, cells in edits.items():
        for cell, value in cells.items():
            wb[sheet][cell].value = value
            if isinstance(value, str):
                wb[sheet][cell].data_type = "s"
    wb.save(path)
    return path


def main() -> None:
    for old in HERE.glob("*.xls*"):
        old.unlink()
    good("good_1.xlsx", 0)
    good("good_2.xlsx", 1)
    (HERE / "not_a_workbook.xlsx").write_text("Provider ID,Score\nP-1,3\n", encoding="utf-8")
    (HERE / "empty.xlsx").write_bytes(b"")
    wb = Workbook()
    wb.active.title = "Risk register"
    wb.active.append(["Risk", "Likelihood", "Impact"])
    wb.active.append(["Provider failure", 3, 4])
    wb.save(HERE / "other_template.xlsx")
    path = good("missing_sheets.xlsx", 2)
    wb = load_workbook(path)
    del wb["Scores"], wb["KPIs"]
    wb.save(path)
    edited("renamed_headers.xlsx", 3, {"Scores": {"A3": "Section", "D3": "Mark"}})
    edited("text_in_scores.xlsx", 4, {"Scores": {"D4": "three", "D6": "good"}})
    edited("scores_out_of_range.xlsx", 5, {"Scores": {"D4": 5, "D5": 0, "D7": 2.5}})
    edited(
        "impossible_dates.xlsx",
        6,
        {"Return": {"B13": "31/02/2026"}, "Actions": {"E4": "2026-13-01"}},
    )
    # An encrypted .xlsx is an OLE compound file, not a zip; the magic number is what tells.
    rng = random.Random(1)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(4088))
    (HERE / "password_protected.xlsx").write_bytes(ole)
    big = sample_return(8, seed=7)
    letters = "abcdefghijklmnopqrstuvwxyz "
    big.scores = [
        s.model_copy(update={"evidence": "".join(rng.choice(letters) for _ in range(20000))})
        for s in big.scores
    ]
    write_return(HERE / "oversized.xlsx", big)  # over the tests' 150 kB limit
    _xml_bomb(good("xml_bomb.xlsx", 9))
    _zip_bomb(HERE / "zip_bomb.xlsx")
    formula = '=HYPERLINK("http://example.invalid","click")'
    text_fields = {
        "Return": {c: formula for c in ("B5", "B7", "B8", "B15")},
        "Participants": {"A4": "=cmd|' /C calc'!A0", "B4": "+SUM(1,2)"},
        "Scores": {"E4": "=1+1", "G4": "@SUM(A1)", "B4": "-2+3"},
        "KPIs": {"A4": "=EVIL()", "F4": "=1", "G4": "=2"},
        "Issues": {"A4": "=3", "G4": "=4"},
        "Actions": {"A4": "=5"},
    }
    _ensure_rows("formula_text.xlsx", 10, text_fields)
    edited("formula_provider_id.xlsx", 11, {"Return": {"B4": "=P-0012"}})
    dup = sample_return(12, seed=7)
    write_return(HERE / "duplicate_a.xlsx", dup)
    write_return(
        HERE / "duplicate_b.xlsx",
        dup.model_copy(
            update={"details": dup.details.model_copy(update={"provider_name": "Copy"})}
        ),
    )
    edited("missing_provider_id.xlsx", 13, {"Return": {"B4": None}})
    edited("bad_choices.xlsx", 14, {"Return": {"B6": "Charity"}, "Scores": {"F4": "Hearsay"}})
    edited("unknown_domain.xlsx", 15, {"Scores": {"A5": "Safety"}})
    edited("unknown_framework.xlsx", 16, {"Return": {"B10": "iso9001"}})
    edited("kpi_text.xlsx", 17, {"KPIs": {"B4": "high", "E5": 1.5}})
    _requirement_without_due()
    edited(
        "period_reversed.xlsx",
        19,
        {"Return": {"B11": dt.date(2026, 5, 1), "B12": dt.date(2026, 1, 1)}},
    )
    edited("negative_contract_value.xlsx", 20, {"Return": {"B9": -5000}})
    edited("excel_errors.xlsx", 21, {"Scores": {"D4": "#REF!"}, "Return": {"B5": "#N/A"}})
    data = (HERE / "good_1.xlsx").read_bytes()
    (HERE / "damaged_zip.xlsx").write_bytes(data[: len(data) // 2])
    edited("bad_previous_rating.xlsx", 22, {"Return": {"B18": "Brilliant"}})


def _ensure_rows(name: str, index: int, edits: dict[str, dict[str, object]]) -> None:
    ret = sample_return(index, seed=7)
    # every table needs a first row to hold the formula-like text
    ret.participants = ret.participants or example_return().participants
    ret.kpis = ret.kpis or example_return().kpis
    ret.issues = ret.issues or example_return().issues
    ret.actions = ret.actions or example_return().actions
    write_return(HERE / name, ret)
    wb = load_workbook(HERE / name)
    for sheet, cells in edits.items():
        for cell, value in cells.items():
            wb[sheet][cell].value = value
            wb[sheet][cell].data_type = "s"
    wb.save(HERE / name)


def _requirement_without_due() -> None:
    ret = example_return()
    details = ProviderDetails(**{**ret.details.model_dump(), "provider_id": "P-0919"})
    ret = ret.model_copy(update={"details": details})
    write_return(HERE / "requirement_without_due.xlsx", ret)
    wb = load_workbook(HERE / "requirement_without_due.xlsx")
    wb["Actions"]["E4"].value = None
    wb["Actions"]["D4"].value = None
    wb.save(HERE / "requirement_without_due.xlsx")


def _xml_bomb(path: Path) -> None:
    """Replace the Return sheet's XML with a billion-laughs document."""
    lol = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol0 "lol">' + lol + "]>"
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    _replace_member(path, "xl/worksheets/sheet2.xml", bomb.encode())


def _zip_bomb(path: Path) -> None:
    """A workbook whose one extra member unpacks to 300 MB of zeros."""
    shutil.copyfile(HERE / "good_1.xlsx", path)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z,
        z.open("xl/media/padding.bin", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1 << 20)
        for _ in range(300):
            member.write(block)


def _replace_member(path: Path, member: str, data: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, data if info.filename == member else src.read(info.filename))
    path.write_bytes(buffer.getvalue())


if __name__ == "__main__":
    main()
