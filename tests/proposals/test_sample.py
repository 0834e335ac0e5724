"""The bundled sample round and the demo."""

from __future__ import annotations

from pathlib import Path

from cpcxl.plugins import registry
from cpcxl.proposals.sample import DEMO, PROPOSALS, run_demo


def test_the_demo_is_registered_under_its_name() -> None:
    assert registry().demos["proposals"].item is DEMO


def test_the_demo_evaluates_a_dozen_proposals(tmp_path: Path) -> None:
    written = run_demo(tmp_path)
    names = [p.name for p in written]
    assert names[:2] == ["adult_social_care_round.xlsx", "adult_social_care_round_evaluated.xlsx"]
    assert len([n for n in names if n.startswith("feedback_")]) == len(PROPOSALS) == 12
