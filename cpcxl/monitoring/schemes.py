"""The built-in monitoring frameworks, and an organisation's own from TOML or a sheet.

``cqc`` (the default) follows CQC's single assessment framework: five key questions, its 34
quality statements, scores 1-4 and its published rating thresholds (25-38% Inadequate,
39-62% Requires improvement, 63-87% Good, 88-100% Outstanding: CQC, "How we reach a
rating", 2023-2024); the overall rating follows CQC's rating principles ("How we aggregate
ratings using the rating principles", page last updated 12 May 2022).

``council`` has the domains and ratings of PAMMS (the Provider Assessment and Market
Management Solution that ADASS regions and their councils use for contracted care): five
domains rated Poor, Requires improvement, Good or Excellent. Its statements are cpcxl's own
summary of each domain, not PAMMS's question set, and its thresholds and aggregation are
CQC's (PAMMS weights its own questions inside its system, which is not published).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cpcxl.common.errors import InputError, Location

from .models import (
    FRAMEWORK_KIND,
    STAGES_KIND,
    Band,
    ComplianceScheme,
    ComplianceStage,
    Domain,
    MonitoringFramework,
    OverallRules,
    Statement,
)

CQC_BANDS = (
    Band(label="Inadequate", min_percent=0),
    Band(label="Requires improvement", min_percent=39),
    Band(label="Good", min_percent=63),
    Band(label="Outstanding", min_percent=88),
)

_SAFEGUARDING = "Safeguarding"

_CQC_STATEMENTS = {
    "Safe": [
        "Learning culture",
        "Safe systems, pathways and transitions",
        _SAFEGUARDING,
        "Involving people to manage risks",
        "Safe environments",
        "Safe and effective staffing",
        "Infection prevention and control",
        "Medicines optimisation",
    ],
    "Effective": [
        "Assessing needs",
        "Delivering evidence-based care and treatment",
        "How staff, teams and services work together",
        "Supporting people to live healthier lives",
        "Monitoring and improving outcomes",
        "Consent to care and treatment",
    ],
    "Caring": [
        "Kindness, compassion and dignity",
        "Treating people as individuals",
        "Independence, choice and control",
        "Responding to people's immediate needs",
        "Workforce wellbeing and enablement",
    ],
    "Responsive": [
        "Person-centred care",
        "Care provision, integration and continuity",
        "Providing information",
        "Listening to and involving people",
        "Equity in access",
        "Equity in experiences and outcomes",
        "Planning for the future",
    ],
    "Well-led": [
        "Shared direction and culture",
        "Capable, compassionate and inclusive leaders",
        "Freedom to speak up",
        "Workforce equality, diversity and inclusion",
        "Governance, management and sustainability",
        "Partnerships and communities",
        "Learning, improvement and innovation",
        "Environmental sustainability - sustainable development",
    ],
}

CQC = MonitoringFramework(
    name="cqc",
    description="CQC's five key questions and 34 quality statements (the default)",
    source=(
        "CQC single assessment framework: quality statements, scores 1-4 and rating "
        "thresholds (CQC, 'How we reach a rating', 2023-2024); overall rating by CQC's rating "
        "principles ('How we aggregate ratings using the rating principles', 12 May 2022)"
    ),
    domains=tuple(
        Domain(
            name=domain,
            statements=tuple(Statement(text=s, safeguarding=s == _SAFEGUARDING) for s in items),
        )
        for domain, items in _CQC_STATEMENTS.items()
    ),
    bands=CQC_BANDS,
)

_COUNCIL_STATEMENTS: dict[str, list[tuple[str, bool]]] = {
    "Involvement and information": [
        ("People are involved in planning and reviewing their care", False),
        ("People get information in a way they can understand", False),
        ("People's views and complaints shape how the service runs", False),
    ],
    "Personalised care and support": [
        ("Care plans reflect each person's needs, wishes and outcomes", False),
        ("Care is delivered at the agreed times and for the agreed length", False),
        ("People are supported to stay healthy and independent", False),
    ],
    "Safeguarding and safety": [
        ("People are protected from abuse, neglect and discrimination", True),
        ("Safeguarding concerns are recognised, reported and acted on", True),
        ("Risks to people are assessed and managed", False),
        ("Medicines are managed safely", False),
    ],
    "Suitability of staffing": [
        ("There are enough staff with the right skills", False),
        ("Staff are recruited safely with the required checks", False),
        ("Staff receive induction, training and supervision", False),
    ],
    "Quality of management": [
        ("The service has a registered manager and clear leadership", False),
        ("Quality assurance finds and acts on shortfalls", False),
        ("Records are accurate, up to date and kept securely", False),
    ],
}

COUNCIL = MonitoringFramework(
    name="council",
    description="Council provider assessment: five areas rated Poor to Excellent",
    source=(
        "PAMMS-style domains and ratings (the Provider Assessment and Market Management "
        "Solution of ADASS regions and their councils, e.g. ADASS East of England); the "
        "statements are cpcxl's own, and the thresholds and aggregation are CQC's"
    ),
    domains=tuple(
        Domain(
            name=area,
            statements=tuple(Statement(text=t, safeguarding=s) for t, s in items),
        )
        for area, items in _COUNCIL_STATEMENTS.items()
    ),
    bands=(
        Band(label="Poor", min_percent=0),
        Band(label="Requires improvement", min_percent=39),
        Band(label="Good", min_percent=63),
        Band(label="Excellent", min_percent=88),
    ),
    overall=OverallRules(),
)

BUILT_IN = (CQC, COUNCIL)

# --- the stages of compliance action (CPC 306 C) --------------------------------------------

#: The default stages of securing compliance, least to most serious. The names are the
#: issue's (CPC 306 C3-C4: "serve the correctly prepared notice, in line with contract or
#: organisational procedures"); which stage must come before which is a local choice that
#: follows the usual council procedure: a concern raised informally, a notice to put it
#: right by a date, a default notice if it is not, and termination only after a default
#: (Salford City Council's defaults process: concern, default notice, then termination
#: considered). A suspension of new placements (an "embargo") may be the first step when
#: people are at risk, as councils' serious-concerns procedures allow (e.g. the Local
#: Government and Social Care Ombudsman, decision 18 011 599, 12 August 2019, City of
#: Bradford: an embargo on new care packages, not at fault). Replace it with your own
#: through ``register_schemes`` (kind ``compliance-stages``) or the settings file.
CPC306 = ComplianceScheme(
    name="cpc306",
    description="Informal concern, improvement notice, default notice, suspension of new "
    "placements, termination notice (the default)",
    source="CPC 306 C (secure compliance through contractual procedures); the order and "
    "which step each needs first are a local choice (see docs/monitoring.md)",
    stages=(
        ComplianceStage(name="None", deadline=False, description="no compliance action"),
        ComplianceStage(
            name="Informal concern",
            deadline=False,
            description="the concern raised with the provider, with a date to respond",
        ),
        ComplianceStage(
            name="Improvement notice",
            description="a written notice of what must improve, and by when",
        ),
        ComplianceStage(
            name="Default notice",
            after="Improvement notice",
            description="the contract's formal notice of default, after an improvement "
            "notice was not met",
        ),
        ComplianceStage(
            name="Suspension of new placements",
            deadline=False,
            description="no new placements until the concern is resolved (may be immediate "
            "when people are at risk)",
        ),
        ComplianceStage(
            name="Termination notice",
            after="Default notice",
            description="notice to end the contract, only after a default notice",
        ),
    ),
)
BUILT_IN_STAGES = (CPC306,)
#: Everything this capability registers through ``register_schemes``.
SCHEMES = (*BUILT_IN, *BUILT_IN_STAGES)


def framework_from_dict(data: Mapping[str, Any], where: Location) -> MonitoringFramework:
    """A framework from its TOML (or sheet) form; a problem says what and where."""
    data = dict(data)
    data.setdefault("bands", [b.model_dump() for b in CQC_BANDS])
    domains = []
    for domain in data.get("domains", []):
        domain = dict(domain)
        domain["statements"] = [
            {"text": s} if isinstance(s, str) else s for s in domain.get("statements", [])
        ]
        domains.append(domain)
    data["domains"] = domains
    try:
        return MonitoringFramework(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'framework'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(f"the framework is not valid ({problems})", location=where) from None


def load_framework_toml(path: str | os.PathLike[str]) -> MonitoringFramework:
    """An organisation's own framework from a TOML file (see docs/monitoring.md)."""
    path = Path(path)
    where = Location(file=path.name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"the framework file could not be read ({exc})", location=where) from None
    return framework_from_dict(data.get("framework", data), where)


def framework_resolver(
    extra: Mapping[str, MonitoringFramework],
) -> Callable[[str], MonitoringFramework]:
    """A framework by name: ``extra`` (an organisation's own, from --framework files), the
    built-in ones, then any a plugin registers; an unknown name lists the known ones."""
    known = {f.name.lower(): f for f in BUILT_IN}
    known.update({k.lower(): v for k, v in extra.items()})

    def resolve(name: str) -> MonitoringFramework:
        found = known.get(name.strip().lower())
        if found is not None:
            return found
        try:
            from cpcxl.plugins import registry

            return registry().scheme(FRAMEWORK_KIND, name)  # type: ignore[return-value]
        except InputError:
            raise InputError(
                f"{name!r} is not a known monitoring framework",
                valid=", ".join(sorted(known)) + " (or pass --framework FILE.toml)",
            ) from None

    return resolve


def stages_from_dict(data: Mapping[str, Any], where: Location) -> ComplianceScheme:
    """A compliance scheme from its TOML form ([compliance] of the settings file)."""
    data = dict(data)
    data["stages"] = [{"name": s} if isinstance(s, str) else s for s in data.get("stages", [])]
    try:
        return ComplianceScheme(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'scheme'}: {e['msg']}" for e in exc.errors()
        )
        raise InputError(
            f"the compliance stages are not valid ({problems})", location=where
        ) from None


def compliance_scheme(name: str = CPC306.name) -> ComplianceScheme:
    """A compliance scheme by name: the built-in one, or one a plugin registers."""
    if name.strip().lower() == CPC306.name:
        return CPC306
    from cpcxl.plugins import registry

    found = registry().scheme(STAGES_KIND, name)
    if not isinstance(found, ComplianceScheme):
        raise InputError(
            f"the scheme {name!r} a plugin registers is not a ComplianceScheme",
            valid="a cpcxl.monitoring.models.ComplianceScheme",
        )
    return found
