"""Bundled sample data: a council commissioning team's register of 60 risks with its actions,
incidents and objectives (a joint arrangement with an invented integrated care board), the
demo that scores it, and the three risks the Score register button's worked example is built
from."""

from __future__ import annotations

import csv
import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console

from cpcxl.common.errors import InputErrors
from cpcxl.common.inputs import Cells, TableSpec, read_table
from cpcxl.common.tables import ROW
from cpcxl.plugins import Demo

from .. import engine, inputs, workbook
from ..models import AppetiteLevel, CorrelationSettings, RiskAppetite, RiskRow
from ..schemes import NHS_5X5

console = Console(highlight=False)

SAMPLE_FILE = "sample_register.csv"
ACTIONS_FILE = "sample_actions.csv"
INCIDENTS_FILE = "sample_incidents.csv"
#: The council's objectives its risks threaten (invented).
OBJECTIVES = (
    {"ref": "CO1", "objective": "Keep vulnerable residents safe", "lead": "Director of Adults"},
    {"ref": "CO2", "objective": "Balance the budget over the medium term", "lead": "S151 Officer"},
    {"ref": "CO3", "objective": "A sustainable local care market", "lead": "Head of Commissioning"},
    {"ref": "CO4", "objective": "Services residents can trust", "lead": "Chief Executive"},
)
#: The partner in the joint arrangement (invented) and its appetite for the shared risks.
PARTNER = "North Shire Integrated Care Board"
PARTNER_APPETITE = {
    "Financial loss": AppetiteLevel.MINIMAL,
    "Risks to people": AppetiteLevel.CAUTIOUS,
    "Harm to vulnerable adults or children": AppetiteLevel.AVERSE,
}
#: Risks of one kind move together: market pressures drive the financial ones, one legal
#: challenge invites another (a local judgement, for the demo).
CORRELATION = CorrelationSettings(within_category={"Financial loss": 0.5, "Legal action": 0.3})
#: The demo's review date, fixed so that its output is the same on any day.
DEMO_AS_OF = dt.date(2026, 7, 1)


def sample_rows(name: str = SAMPLE_FILE) -> list[list[str]]:
    """A bundled sample table (by default the register of 60 risks), as cells."""
    text = resources.files(__package__).joinpath(name).read_text("utf-8")
    return list(csv.reader(text.splitlines()))


def _records(name: str, spec: TableSpec) -> list[dict[str, Any]]:
    """A bundled table read as its table is (headers by their field names)."""
    errors = InputErrors()
    rows = sample_rows(name)
    header = [spec.header_of(field) for field in rows[0]]
    table = read_table(spec, Cells([header, *rows[1:]]), errors, file=name)
    if table is None or errors:
        raise errors
    return [{k: v for k, v in r.items() if k != ROW} for r in table.records()]


def sample_register() -> inputs.Imported:
    """The sample read as ``cpcxl risk import`` reads a register: headers matched loosely, every
    value by the register's own types (one misspelt rating is left in, to be reported)."""
    return inputs.import_register({"": sample_rows()}, file=SAMPLE_FILE, matrix=NHS_5X5)


def run_demo(out_dir: Path) -> list[Path]:
    """Score the sample register and write it as a filled-in workbook under ``out_dir``."""
    imported = sample_register()
    base = engine.default_appetite(NHS_5X5)
    appetite = RiskAppetite(
        levels=base.levels,
        categories={**base.categories, "Information governance": AppetiteLevel.MINIMAL},
        partners={PARTNER: {str(k): v for k, v in PARTNER_APPETITE.items()}},
    )
    target = workbook.build_register_workbook(
        Path(out_dir) / "risk_register_sample.xlsx",
        imported.risks,
        matrix=NHS_5X5,
        appetite=appetite,
        as_of=DEMO_AS_OF,
        actions=_records(ACTIONS_FILE, inputs.ACTIONS_SPEC),
        incidents=_records(INCIDENTS_FILE, inputs.INCIDENTS_SPEC),
        objectives=OBJECTIVES,
        correlation=CORRELATION,
    )
    register = imported.register
    scored = engine.score_register(register.risks, NHS_5X5, appetite, as_of=DEMO_AS_OF)
    live = engine.open_risks(scored)
    console.print(
        f"{len(scored)} risks, {len(live)} open; residual bands: "
        + ", ".join(
            f"{r.Band} {r.Residual}" for r in engine.band_counts(scored, NHS_5X5).itertuples()
        )
        + f"; problems to check: {len(register.problems)}",
        markup=False,
    )
    for problem in register.problems:
        console.print(f"  check: {problem}", markup=False)
    return [target]


DEMO = Demo("risk", "Risk register: a sample register of 60 risks, scored", run_demo)


# --- the Score register button's worked example ---------------------------------------------------

# Three risks scored by hand on the NPSA matrix, reviewed as of 01/06/2026:
# R1 Financial loss (Cautious: up to 9): inherent Likely × Major = 4 × 4 = 16; residual 3 × 4 =
#    12 > 9 above appetite; target 2 × 4 = 8 < 12 above target; review due 01/05/2026 overdue;
#    12 below the 16 at last review: Reduced.
# R2 Harm to vulnerable adults or children (Averse: up to 3): inherent 4 × 5 = 20 with no
#    controls (20 >= 8, the High band); residual 20 > 3; 20 above the 15 at last review.
# R3 Reputation: residual likelihood 'likley' is misspelt: the row says what to fix, its
#    inherent 2 × 2 = 4 (Moderate) stands as its current score.
# Heat map: rows are likelihood 5 (row 6) down to 1 (row 10), columns impact 1 (B) to 5 (F);
# the residual grid starts 8 rows lower (row 14). Summary: band counts from row 6 (Low).
EXAMPLE_AS_OF = dt.date(2026, 6, 1)
EXAMPLE_RISKS = (
    RiskRow(
        risk_id="R1",
        title="Home care provider fails financially",
        category="Financial loss",
        owner="Head of Commissioning",
        inherent_likelihood="Likely",
        inherent_impact="Major",
        controls="Monthly review of provider accounts",
        residual_likelihood=3,
        residual_impact=4,
        target_likelihood=2,
        target_impact=4,
        next_review=dt.date(2026, 5, 1),
        previous_score=16,
    ),
    RiskRow(
        risk_id="R2",
        title="Safeguarding referrals wait too long",
        category="Harm to vulnerable adults or children",
        owner="Safeguarding Lead",
        inherent_likelihood=4,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=5,
        next_review=dt.date(2026, 9, 1),
        previous_score=15,
    ),
    RiskRow(
        risk_id="R3",
        title="Press coverage of a contract dispute",
        category="Reputation",
        owner="Communications Manager",
        inherent_likelihood=2,
        inherent_impact="Minor",
        controls="Media protocol",
        residual_likelihood="likley",
        residual_impact=2,
    ),
)


#: R1 is above its target (12 > 8), so it has an open action (due after the review date):
#: neither "no open action" nor "action overdue" is raised for it.
EXAMPLE_ACTIONS = (
    {
        "risk_id": "R1",
        "action": "Agree a contingency plan with the two other home care providers",
        "owner": "Head of Commissioning",
        "due": dt.date(2026, 9, 30),
        "status": "In progress",
        "target_score": 8,
    },
)


def example_workbook(folder: Path) -> Path:
    """The three example risks (and R1's action) in a packaged register, as of 01/06/2026."""
    return workbook.build_register_workbook(
        folder / "register.xlsx", EXAMPLE_RISKS, as_of=EXAMPLE_AS_OF, actions=EXAMPLE_ACTIONS
    )
