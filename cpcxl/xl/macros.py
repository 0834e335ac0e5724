"""The VBA module for the desktop xlwings add-in: one procedure per button, two ways to run.

``<Name>`` runs the button script with Python on the officer's PC (``RunPython``);
``<Name>OnServer`` sends the workbook to a cpcxl server (``RunRemotePython``), for PCs with
no Python. Written from the plugin registry by ``cpcxl macros``, so it never names a script
that does not exist.
"""

from __future__ import annotations

import re

from cpcxl.plugins import Registry
from cpcxl.xl.scripts import button_name

MODULE_NAME = "cpcxl"
FILENAME = "cpcxl.bas"
#: The xlwings.conf key holding the server's address for the OnServer procedures.
SERVER_SETTING = "CPCXL_SERVER"
DEFAULT_SERVER = "http://127.0.0.1:8000"

_RUN_PYTHON = re.compile(r"""RunPython\s+"import cpcxl\.xl\.scripts as s; s\.run\('(\w+)'\)\"""")
_RUN_REMOTE = re.compile(
    r"""RunRemotePython\s+CpcxlServer\(\)\s*&\s*"/xlwings/custom-scripts-call/(\w+)\""""
)
_PROCEDURE = re.compile(
    r"^(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(\s*\)(.*?)^End Sub", re.MULTILINE | re.DOTALL
)


def procedure_name(script_name: str) -> str:
    """'score_register' -> 'ScoreRegister', the macro a button is assigned to."""
    return "".join(part.capitalize() for part in script_name.split("_"))


def describe_button(script_name: str, doc: str | None) -> str:
    """'Score register: what it does', from the script's docstring's first line."""
    label = button_name(script_name)
    first = (doc or "").strip().splitlines()[0] if (doc or "").strip() else ""
    if first.lower().startswith(label.lower()):
        first = first[len(label) :].lstrip(" :-")
    return f"{label}: {first}" if first else label


def vba_module(reg: Registry) -> str:
    """The whole .bas file for every registered button script, grouped by plugin."""
    lines = [
        f'Attribute VB_Name = "{MODULE_NAME}"',
        "' cpcxl buttons for the desktop xlwings add-in. Written by `cpcxl macros` from the",
        "' installed plugins; regenerate rather than edit. Each button has two procedures:",
        "'   Name          runs the button with Python on this PC (RunPython), which needs",
        "'                 cpcxl installed and the xlwings add-in (see docs/excel.md)",
        "'   NameOnServer  sends the workbook to the cpcxl server (RunRemotePython); its address",
        f"'                 is the {SERVER_SETTING} setting (xlwings.conf sheet or file)",
        "' Needs a reference to the xlwings add-in: VBA editor > Tools > References > xlwings.",
        "Option Explicit",
        "",
        "Private Function CpcxlServer() As String",
        f'    CpcxlServer = GetConfig("{SERVER_SETTING}", "{DEFAULT_SERVER}")',
        "End Function",
    ]
    by_plugin: dict[str, list[str]] = {}
    for name, registered in reg.scripts.items():
        by_plugin.setdefault(registered.plugin, []).append(name)
    for plugin, names in by_plugin.items():
        lines += ["", f"' ---- {plugin} ----"]
        for name in names:
            procedure = procedure_name(name)
            lines += [
                "",
                f"' {describe_button(name, reg.scripts[name].item.__doc__)}",
                f"Public Sub {procedure}()",
                f"    RunPython \"import cpcxl.xl.scripts as s; s.run('{name}')\"",
                "End Sub",
                "",
                f"Public Sub {procedure}OnServer()",
                f'    RunRemotePython CpcxlServer() & "/xlwings/custom-scripts-call/{name}"',
                "End Sub",
            ]
    # VBA files are conventionally CRLF; Excel's Import File reads either.
    return "\r\n".join(lines) + "\r\n"


def procedures(source: str) -> dict[str, list[tuple[str, str]]]:
    """Each Sub in a .bas file with the scripts it runs: {Sub: [("local"|"server", script)]}."""
    found: dict[str, list[tuple[str, str]]] = {}
    for match in _PROCEDURE.finditer(source.replace("\r\n", "\n")):
        body = match.group(2)
        calls = [("local", s) for s in _RUN_PYTHON.findall(body)]
        calls += [("server", s) for s in _RUN_REMOTE.findall(body)]
        found[match.group(1)] = calls
    return found
