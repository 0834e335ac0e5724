"""The bundled sample returns and the demonstration."""

from __future__ import annotations

from pathlib import Path

from cpcxl.monitoring.sample import DEMO, run_demo


def test_the_demo_is_registered_under_its_name() -> None:
    assert DEMO.name == "monitoring" and DEMO.run is run_demo


def test_the_demo_writes_40_summaries_and_the_overview(tmp_path: Path) -> None:
    written = run_demo(tmp_path)
    names = {p.name for p in written}
    assert len([n for n in names if n.startswith("P-")]) == 40
    assert {"portfolio.xlsx", "errors.csv"} <= names
    assert len(list((tmp_path / "returns").glob("*.xlsx"))) == 40
