"""Risk matrices: the built-in NPSA 5×5, registered as a scheme, and looking one up by name.

An organisation's own matrix comes from a TOML file or from the Matrix and Appetite sheets of
its register (both read in ``inputs``); either way it is checked the same way as a built-in
one (scores 1..n, every possible score in exactly one band).
"""

from __future__ import annotations

from cpcxl.common.errors import InputError
from cpcxl.common.values import is_blank

from .models import MATRIX_KIND, AppetiteLevel, Band, Level, RiskMatrix

#: National Patient Safety Agency, "Risk matrix for risk managers" (2008): the 5×5 matrix the
#: NHS uses. Descriptions abridge its likelihood and consequence tables.
NHS_5X5 = RiskMatrix(
    name="nhs-5x5",
    description="NPSA 5×5 risk matrix: likelihood × consequence, bands Low, Moderate, High, "
    "Extreme",
    source="National Patient Safety Agency, A risk matrix for risk managers (2008)",
    likelihood=(
        # fewer_than: the NPSA's time frames (not expected for years; at least annually,
        # monthly, weekly, daily): each level implies fewer a year than the next one's start.
        Level(
            score=1,
            label="Rare",
            description="Not expected to happen for years; <0.1%",
            aliases=("remote", "very unlikely", "improbable"),
            fewer_than=1,
        ),
        Level(
            score=2,
            label="Unlikely",
            description="Do not expect it, but it may happen; 0.1-1%",
            fewer_than=12,
        ),
        Level(
            score=3,
            label="Possible",
            description="Might happen occasionally; 1-10%",
            fewer_than=52,
        ),
        Level(
            score=4,
            label="Likely",
            description="Will probably happen, but not persistently; 10-50%",
            aliases=("probable",),
            fewer_than=365,
        ),
        Level(
            score=5,
            label="Almost certain",
            description="Will undoubtedly happen, possibly frequently; >50%",
            aliases=("certain", "very likely", "highly likely"),
        ),
    ),
    impact=(
        Level(
            score=1,
            label="Negligible",
            description="Minimal harm; small loss, claim remote",
            aliases=("insignificant",),
        ),
        Level(
            score=2,
            label="Minor",
            description="Minor harm; 0.1-0.25% of budget, claim under £10,000",
        ),
        Level(
            score=3,
            label="Moderate",
            description="Harm needing professional care; "
            "0.25-0.5% of budget, claims £10,000-£100,000",
        ),
        Level(
            score=4,
            label="Major",
            description="Long-term harm; 0.5-1% of budget, claims £100,000-£1m",
            aliases=("serious", "significant"),
        ),
        Level(
            score=5,
            label="Catastrophic",
            description="Death or non-delivery of a key "
            "objective; over 1% of budget, claims over £1m",
            aliases=("severe", "critical"),
        ),
    ),
    bands=(
        # The traffic-light fills of cpcxl.common.styles, written out so that scoring never
        # needs the workbook library that module loads.
        Band(name="Low", low=1, high=3, colour="C6EFCE"),
        Band(name="Moderate", low=4, high=6, colour="FFEB9C"),
        Band(name="High", low=8, high=12, colour="F8CBAD"),
        Band(name="Extreme", low=15, high=25, colour="FFC7CE"),
    ),
    # cpcxl's defaults on the NPSA bands (the Orange Book names the levels, not the scores):
    # Averse tolerates Low only, Minimal up to Moderate, Cautious the lower High scores (8, 9),
    # Open all of High, Eager the lower Extreme scores (15, 16).
    appetite={
        AppetiteLevel.AVERSE: 3,
        AppetiteLevel.MINIMAL: 6,
        AppetiteLevel.CAUTIOUS: 9,
        AppetiteLevel.OPEN: 12,
        AppetiteLevel.EAGER: 16,
    },
    high_from=8,
)

BUILT_IN: tuple[RiskMatrix, ...] = (NHS_5X5,)
DEFAULT_MATRIX = NHS_5X5.name


def matrix_named(name: str | None) -> RiskMatrix:
    """A registered matrix by name (any plugin's); blank means the default, nhs-5x5."""
    from cpcxl.plugins import registry

    if name is None or is_blank(name):
        name = DEFAULT_MATRIX
    scheme = registry().scheme(MATRIX_KIND, str(name))
    if not isinstance(scheme, RiskMatrix):
        raise InputError(f"scheme {name!r} is registered as a risk matrix but defines no scales")
    return scheme
