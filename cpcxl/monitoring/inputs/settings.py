"""The settings file's tables ([plan], [history], [compliance]) read into checked values.

No file access here: the command line reads the TOML and passes its tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cpcxl.common.errors import InputError, Location
from cpcxl.common.fields import Rate, Whole

from ..models import CARRY_FORWARD_MONTHS, ComplianceScheme, PlanSettings
from ..schemes import CPC306, compliance_scheme, stages_from_dict

#: The margin the monitoring plan keeps for contingencies (CPC 305 A7, P10), as a fraction of
#: the hours needed: 0% to 50%, a local choice (more than half again is a second plan).
CONTINGENCY = Rate(
    0, 0.5, "more than half again is a second plan, not a margin", what="the contingency margin"
)


def read_plan_settings(data: Mapping[str, Any], *, file: str | None = None) -> PlanSettings:
    """The monitoring plan's settings from the [plan] table of a settings file."""
    where = Location(file=file, field="[plan]")
    values = dict(data)
    if "contingency" in values:
        try:
            values["contingency"] = CONTINGENCY.parse(values["contingency"])
        except InputError as exc:
            raise InputError(
                f"[plan] contingency: {exc.message}", location=where, valid=exc.valid
            ) from None
    try:
        return PlanSettings(**values)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputError(
            f"the [plan] settings are not valid ({problems})", location=where
        ) from None


# --- the settings file's [history] table --------------------------------------------------

#: How many rounds a summary's trajectory shows: the last 4, a local choice (two years of
#: six-monthly rounds, as the summary's table and chart fit on A4); from 2 (a trend needs
#: two) to 12 (more no longer reads on one chart).
ROUNDS_SHOWN = Whole(2, 12, reason="a trend needs two rounds; more than 12 no longer reads")
DEFAULT_ROUNDS_SHOWN = 4
#: The oldest a carried-forward rating may be, in months, when the settings override the
#: framework's own (1 to 120: ten years is no longer a rating of the service as it is).
CARRY_FORWARD = Whole(1, 120, reason="a rating ten years old is no rating of the service now")


@dataclass(frozen=True)
class HistorySettings:
    """How a batch with a history shows and checks it (the [history] table)."""

    rounds_shown: int = DEFAULT_ROUNDS_SHOWN
    #: None: each framework's own limit (24 months by default)
    carry_forward_months: int | None = None

    def limit_for(self, framework_limit: int = CARRY_FORWARD_MONTHS) -> int:
        return self.carry_forward_months or framework_limit


def read_history_settings(data: Mapping[str, Any], *, file: str | None = None) -> HistorySettings:
    """The [history] table: ``rounds_shown`` and ``carry_forward_months``."""
    where = Location(file=file, field="[history]")
    known = {"rounds_shown": ROUNDS_SHOWN, "carry_forward_months": CARRY_FORWARD}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise InputError(
            f"unknown [history] settings {', '.join(unknown)}",
            location=where,
            valid=", ".join(known),
        )
    values: dict[str, int] = {}
    for key, kind in known.items():
        if key in data:
            try:
                values[key] = int(kind.parse(data[key]))
            except InputError as exc:
                raise InputError(
                    f"[history] {key}: {exc.message}", location=where, valid=exc.valid
                ) from None
    return HistorySettings(**values)


def read_compliance_settings(
    data: Mapping[str, Any], *, file: str | None = None
) -> ComplianceScheme:
    """The [compliance] table: ``scheme`` (a registered scheme's name) or ``stages`` (an
    organisation's own, least to most serious, the first being no action); CPC306 when
    neither is given."""
    where = Location(file=file, field="[compliance]")
    unknown = sorted(set(data) - {"scheme", "stages", "name", "description", "source"})
    if unknown:
        raise InputError(
            f"unknown [compliance] settings {', '.join(unknown)}",
            location=where,
            valid="scheme, or stages (with name, description, source)",
        )
    if "stages" in data:
        own = {k: v for k, v in data.items() if k != "scheme"}
        own.setdefault("name", "local")
        return stages_from_dict(own, where)
    if "scheme" in data:
        try:
            return compliance_scheme(str(data["scheme"]))
        except InputError as exc:
            raise InputError(exc.message, location=where, valid=exc.valid) from None
    return CPC306
