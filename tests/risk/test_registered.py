"""What the risk capability registers: the names other code (macros, the add-in) relies on."""

from __future__ import annotations

import click

import cpcxl.risk
from cpcxl.cli import _commands_by_plugin
from cpcxl.plugins import registry


def registered() -> dict[str, list[str]]:
    provided = registry().by_plugin("risk")
    group = click.Group()
    cpcxl.risk.register_commands(cli=group)
    provided["commands"] = sorted(f"risk {c}" for c in group.commands["risk"].commands)  # type: ignore[attr-defined]
    return provided


def test_the_registered_names_are_those_other_code_relies_on() -> None:
    assert registered() == {
        "functions": [
            "cpc_risk_score",
            "cpc_risk_rating",
            "cpc_risk_heatmap",
            "cpc_risk_exposure",
            "cpc_risk_nearest_correlation",
        ],
        "scripts": ["score_register"],
        "workbooks": ["risk_register"],
        "schemes": ["risk-matrix:nhs-5x5"],
        "demos": ["risk"],
        "commands": ["risk import", "risk matrix", "risk score"],
    }
    assert _commands_by_plugin()["risk"] == ["risk"]
