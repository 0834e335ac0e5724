"""The built-in frameworks, an organisation's own from TOML, and finding one by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from cpcxl.common.errors import InputError
from cpcxl.monitoring import engine
from cpcxl.monitoring.sample import example_return
from cpcxl.monitoring.schemes import framework_resolver, load_framework_toml
from cpcxl.monitoring.workbook import BatchOptions, run_batch, write_return
from cpcxl.plugins import registry


def test_both_built_in_frameworks_are_registered_schemes() -> None:
    reg = registry()
    assert reg.scheme("monitoring-framework", "CQC").domain_names() == [
        "Safe", "Effective", "Caring", "Responsive", "Well-led"
    ]  # fmt: skip
    council = reg.scheme("monitoring-framework", "council")
    assert council.labels == ["Poor", "Requires improvement", "Good", "Excellent"]
    assert council.domain_names() == [
        "Involvement and information",
        "Personalised care and support",
        "Safeguarding and safety",
        "Suitability of staffing",
        "Quality of management",
    ]


TOML = """
name = "northshire"
description = "Northshire's contract standards"

[[bands]]
label = "Unsatisfactory"
min_percent = 0
[[bands]]
label = "Adequate"
min_percent = 50
[[bands]]
label = "Good"
min_percent = 70
[[bands]]
label = "Very good"
min_percent = 90

[[domains]]
name = "Outcomes"
statements = ["People achieve their goals", "People feel safer"]

[[domains]]
name = "Safeguarding"
statements = [{ text = "Concerns are reported the same day", safeguarding = true }]

[overall]
breach_caps_at = "Adequate"
limiting_rules = [{ name = "safeguarding scored 1", caps_at = "Unsatisfactory" }]
"""


def test_an_organisations_own_framework_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "northshire.toml"
    path.write_text(TOML, encoding="utf-8")
    framework = load_framework_toml(path)
    assert framework.labels == ["Unsatisfactory", "Adequate", "Good", "Very good"]
    assert engine.rating(69.5, framework) == "Good"  # 69.5 -> 70
    ret = example_return()
    ret.details.framework = "northshire"
    ret.scores = [
        ret.scores[0].model_copy(update={"domain": "Outcomes", "score": 4}),
        ret.scores[1].model_copy(update={"domain": "Outcomes", "score": 4}),
        ret.scores[2].model_copy(
            update={"domain": "Safeguarding", "score": 1, "safeguarding": True}
        ),
    ]
    ret.previous = []
    returns = tmp_path / "returns"
    returns.mkdir()
    write_return(returns / "r.xlsx", ret)
    report = run_batch(
        returns, tmp_path / "out", BatchOptions(frameworks={"northshire": framework})
    )
    assert report.ok, report.errors
    overview = load_workbook(tmp_path / "out" / "portfolio.xlsx")["Full overview"]
    header = [c.value for c in overview[5]]
    row = dict(zip(header, [c.value for c in overview[6]], strict=True))
    # Outcomes 8/8 = 100% Very good; Safeguarding 1/4 = 25% Unsatisfactory -> one worst band
    # gives the second band (Adequate); the safeguarding statement scored 1 caps it lower.
    assert row["Overall rating"] == "Unsatisfactory"
    assert "safeguarding scored 1" in row["Why"]


def test_a_bad_framework_file_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "x"\n[[domains]]\nname = "A"\n[[domains]]\nname = "a"\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="domain names must be different"):
        load_framework_toml(path)


def test_an_unknown_framework_name_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"'iso9001' is not a known monitoring framework.*cqc"):
        framework_resolver({})("iso9001")
