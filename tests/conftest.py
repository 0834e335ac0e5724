"""Shared fixtures: LibreOffice for recalculating built workbooks, and golden comparisons."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# xlwings' remote engine (used to run button scripts on a JSON workbook) is a PRO part;
# its non-commercial licence key is how tests run it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# Wide enough that rich never wraps a name in the CLI output the tests read.
os.environ.setdefault("COLUMNS", "250")

from cpcxl.common import soffice as lo
from cpcxl.common.workbook import contents_differences, read_sheets, workbook_contents
from cpcxl.plugins import registry

ROOT = Path(__file__).resolve().parents[1]
WORKBOOKS = ROOT / "workbooks"


@pytest.fixture(scope="session")
def soffice() -> str:
    """LibreOffice's soffice; with CPCXL_REQUIRE_SOFFICE=1 (as in CI) its absence fails."""
    found = lo.find_soffice()
    if found is None:
        if os.environ.get("CPCXL_REQUIRE_SOFFICE") == "1":
            pytest.fail("CPCXL_REQUIRE_SOFFICE=1 but LibreOffice (soffice) is not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


@pytest.fixture
def recalculated(soffice: str, tmp_path: Path) -> Callable[[Path], dict[str, list[list[Any]]]]:
    """Open a workbook in LibreOffice, recalculate, and return every sheet's values."""

    def run(path: Path) -> dict[str, list[list[Any]]]:
        return read_sheets(lo.recalculate(path, tmp_path / f"recalculated-{path.name}"))

    return run


@pytest.fixture
def build_and_compare(tmp_path: Path) -> Callable[[str], Path]:
    """Build a registered workbook afresh and assert it matches the committed copy."""

    def run(name: str) -> Path:
        template = registry().workbooks[name].item
        built = template.build(tmp_path / template.filename)
        committed = WORKBOOKS / template.filename
        assert committed.exists(), f"{committed} is not committed; run `make workbooks`"
        differences = contents_differences(workbook_contents(committed), workbook_contents(built))
        assert not differences, "run `make workbooks` to update:\n" + "\n".join(differences)
        return built

    return run
