"""How cpcxl's worksheet functions are named in each Excel runtime.

The Python name keeps the ``cpc_`` prefix, and the desktop add-in shows it as it is
(``CPC_RISK_SCORE``: desktop Excel has no namespaces); the Office add-in registers the same
function under the manifest namespace ``CPC`` without the repeated prefix (``CPC.RISK_SCORE``).
"""

from __future__ import annotations

#: The prefix every worksheet function's Python name starts with.
PREFIX = "cpc_"
#: The namespace the Office add-in registers the functions under (``CPC.RISK_SCORE``).
NAMESPACE = "CPC"


def excel_name(python_name: str) -> str:
    """The name Excel shows inside the CPC namespace: 'cpc_risk_score' -> 'RISK_SCORE'."""
    name = python_name[len(PREFIX) :] if python_name.lower().startswith(PREFIX) else python_name
    return name.upper()


def office_formula_name(python_name: str) -> str:
    """What an officer types with the Office add-in: 'cpc_risk_score' -> 'CPC.RISK_SCORE'."""
    return f"{NAMESPACE}.{excel_name(python_name)}"


def desktop_formula_name(python_name: str) -> str:
    """What an officer types with the desktop add-in: 'cpc_risk_score' -> 'CPC_RISK_SCORE'."""
    return python_name.upper()
