"""The bundled sample register and the demo that scores it."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from cpcxl.plugins import registry
from cpcxl.risk.sample import sample_register


def test_the_demo_writes_a_scored_sample_register(tmp_path: Path) -> None:
    demo = registry().demos["risk"].item
    written = demo.run(tmp_path)
    assert [p.name for p in written] == ["risk_register_sample.xlsx"]
    wb = load_workbook(written[0])
    owners = {wb["Register"][f"E{r}"].value for r in range(6, 66)}
    assert len(owners) >= 8 and all(o and o[0].isupper() for o in owners)
    summary = wb["Summary"]
    # 60 risks, 3 of them closed.
    assert summary["A2"].value.startswith("57 open risks of 60")


def test_the_sample_reads_as_an_import_with_its_one_deliberate_slip() -> None:
    imported = sample_register()
    assert len(imported.risks) == 60 and imported.header_rows == (1, 1)
    assert [str(p) for p in imported.problems] == [
        "sample_register.csv, cell H35, field 'Residual likelihood': 'Likley' is not a "
        "likelihood; did you mean 'Likely'?; valid: 1 to 5, or Rare, Unlikely, Possible, "
        "Likely, Almost certain"
    ]
    assert imported.own_categories == {"Information governance": 2}
    # CR001 as the CSV gives it: chance 0.41 (a fraction), £42,000 to £707,000.
    first = imported.risks[0]
    assert (first["risk_id"], first["probability"], first["minimum"], first["maximum"]) == (
        "CR001",
        0.41,
        42000.0,
        707000.0,
    )
    assert first["inherent_likelihood"] == "Almost certain" and first["previous_score"] == 5
