"""What a cell of a round may hold: the rates, scores, ratios, years and judgements.

One rule for rates and shares: a rate is a fraction, as Excel stores a cell formatted as a
percentage (24% is 0.24). Each rate field says the range it is plausible in and why; a value
outside it is refused with what it was read as and what was probably meant ("24 is 2,400%;
type 24% (or 0.24)"). Nothing here reinterprets a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cpcxl.common import formats
from cpcxl.common.errors import InputError
from cpcxl.common.fields import (
    MONEY_LIMIT,
    CellType,
    FinancialYear,
    Listed,
    Money,
    Number,
    Rate,
    Text,
    Whole,
)
from cpcxl.common.values import describe, is_excel_error

from .. import engine

#: The scoring scale every criterion is scored on (a descriptor for each score).
SCALE = (0, 5)

# --- what a cell may hold -------------------------------------------------------------------

#: Optimism bias added to costs (worksheet functions): the Green Book supplementary guidance
#: gives upper bounds from 24% (standard buildings) to 200% (equipment and development).
OPTIMISM_BIAS = Rate(
    0,
    2.0,
    "the Green Book supplementary guidance's upper bounds reach 200%",
    what="optimism bias",
)
#: How far a proposal's plans bring the optimism bias down: 0% leaves it at the guidance's
#: upper bound, 100% brings it to the lower bound (issue 13 case 5).
MITIGATION = Rate(
    0,
    1,
    "from none (the guidance's upper bound) to full (its lower bound)",
    what="optimism bias mitigation",
    number_format=formats.PERCENT,
)
#: A criterion's weight: its share of the whole, so at most 100% (the weights total 100%).
WEIGHT = Rate(
    0,
    1,
    "a criterion's share of the whole; the weights total 100%",
    what="a weight",
    number_format=formats.PERCENT,
)
#: The accept and reject scores: a weighted score as a share of the scale, 0% (its bottom)
#: to 100% (its top).
SCORE_SHARE = Rate(
    0,
    1,
    "a share of the scoring scale, from its bottom to its top",
    what="a score threshold",
    number_format=formats.PERCENT,
)
SCORE = Number(what="a score", low=SCALE[0], high=SCALE[1], reason="the scoring scale")
#: Benefit-cost ratio thresholds: a local limit of 10, above the Department for Transport's
#: highest value-for-money category ('very high', from 4).
RATIO = Number(
    what="a benefit-cost ratio",
    low=0,
    high=10,
    reason="a local limit, above DfT's 'very high' value for money (from 4)",
)
#: Years from year 0 (this year); 300 is a local limit beyond the life of any proposal (the
#: Green Book's declining rates run in bands to year 300 and on).
YEAR = Whole(0, 300, what="a year from year 0", reason="a local limit: year 0 is this year")
#: Proposals in one round: at most 1,000, a local limit beyond any round (a council's or an
#: ICB's rounds have tens), so the portfolio and the feedback stay a few seconds' work.
MAX_PROPOSALS = 1000
PLACES = Whole(
    0, 1000, what="a number of places", reason="a local limit, beyond any round's proposals"
)
BUDGET = Money(0, MONEY_LIMIT, what="a budget in £")
NAME = Text(what="a criterion's name")


#: Contingency on a proposal's costs for the cash view: 0% to 50%, a local limit (a
#: contingency above half the cost says the estimate itself needs more work).
CONTINGENCY = Rate(
    0,
    0.5,
    "a local limit: above half the cost, the estimate itself needs more work",
    what="contingency",
    number_format=formats.PERCENT,
)
#: The tornado's change on each cost and benefit line: 1% to 100% (issue 17's 20% by
#: default, a local choice); a line cannot fall by more than all of it.
TORNADO_CHANGE = Rate(
    0.01,
    1,
    "a change of 1% to 100% of a line (it cannot fall by more than all of it)",
    what="the tornado's change",
    number_format=formats.PERCENT,
)
#: How far apart members' scores may be before a criterion is flagged for moderation: 0 to
#: 5 points, the width of the 0-5 scale.
SPREAD = Number(
    what="a spread of scores in points", low=0, high=SCALE[1], reason="the 0-5 scoring scale"
)
#: A financial year of the round (year 0, a price base year, a deflator's year): 1990/91 to
#: 2100/01, the toolkit's range.
FINANCIAL_YEAR = FinancialYear()
#: A GDP deflator index: above 0, to 10,000 (a local limit: the Treasury's series, 1955-56
#: to date, runs from about 4 to 114 on its 2024-25 = 100 base).
INDEX = Number(
    what="a deflator index",
    low=0.001,
    high=10_000,
    reason="a local limit: the Treasury series runs from about 4 to 114 (2024-25 = 100)",
)
MEMBER = Text(what="a panel member's name")

#: A criterion's name from the Criteria sheet (a drop-down over the CriterionNames range).
CRITERION = Listed(Text(what="a criterion from the Criteria sheet"), "CriterionNames")

#: Saaty's scale of pairwise judgements runs from 1/9 to 9; typed thirds (0.33 for 1/3) are
#: allowed for, as the engine allows for them in reciprocals.
SAATY_LOW, SAATY_HIGH = 1 / 9, 9.0


@dataclass(frozen=True)
class Judgement(CellType):
    """A pairwise judgement on Saaty's scale: a number, or a fraction typed as text ('1/3')."""

    what: str = "a judgement"

    def parse(self, value: Any) -> float:
        if is_excel_error(value):
            raise InputError(f"the cell holds the error {value.strip()}", valid=self.valid)
        part = Number(what=self.what)
        if isinstance(value, str) and "/" in value:
            top, _, bottom = value.partition("/")
            try:
                number = part.parse(top) / part.parse(bottom)
            except (InputError, ZeroDivisionError):
                raise self.refuse(value) from None
        else:
            try:
                number = part.parse(value)
            except InputError:
                raise self.refuse(value) from None
        margin = 1 + engine.RECIPROCAL_TOLERANCE
        if not SAATY_LOW / margin <= number <= SAATY_HIGH:
            raise InputError(f"{describe(value)} is outside Saaty's scale", valid=self.valid)
        return number

    @property
    def valid(self) -> str:
        return "a judgement from 1/9 to 9, such as 3 or 1/3"


JUDGEMENT = Judgement()
