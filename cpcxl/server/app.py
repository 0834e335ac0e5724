"""Build the Office add-in's server: the real xlwings Server application, pointed at cpcxl.

xlwings Server reads its settings and imports ``custom_functions`` and ``custom_scripts``
from its project folder (``XLWINGS_PROJECT_DIR``) when its modules are first imported, so the
folder must be chosen before that, and one process serves one project.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .guard import ASGIApp, Guard, content_security_policy
from .offload import SecondLoop
from .settings import ServerRefused, ServerSettings, check_sign_in

#: Served in front of xlwings' custom-functions code: error cells as Excel error values.
ERROR_VALUES_SCRIPT = Path(__file__).with_name("custom_functions_errors.js")


@dataclass(frozen=True)
class Served:
    """The ASGI application to run, and the parts tests and the command look at."""

    app: ASGIApp
    fastapi: Any  # xlwings Server's FastAPI application (for FastAPI's TestClient)
    settings: Any  # xlwings Server's settings, as it read them
    functions: dict[str, Any]
    scripts: dict[str, Any]


def create_app(settings: ServerSettings | None = None) -> Served:
    """xlwings Server with cpcxl's functions and buttons, behind cpcxl's request guard."""
    settings = settings or ServerSettings.from_environment()
    project_dir = settings.addin_dir().resolve()
    already = sys.modules.get("xlwings_server.config")
    if already is not None and Path(already.PROJECT_DIR).resolve() != project_dir:
        raise ServerRefused(
            f"xlwings Server was already loaded for {already.PROJECT_DIR} in this process",
            valid=f"a fresh process for {project_dir}",
        )
    os.environ["XLWINGS_PROJECT_DIR"] = str(project_dir)
    _not_pyodide()
    # Its settings module must be imported first: it switches xlwings to its server runtime.
    from xlwings_server import config

    check_sign_in(
        config.settings.auth_providers,
        config.settings.auth_entraid_client_id,
        config.settings.auth_entraid_tenant_id,
        project_dir,
    )
    import xlwings_server
    from xlwings_server import main
    from xlwings_server.routers import xlwings as xlwings_router
    from xlwings_server.security_headers import resolve_security_headers
    from xlwings_server.templates import templates

    from cpcxl.plugins import registry
    from cpcxl.xl.scripts import button_name

    functions = {
        name: obj
        for name, obj in vars(xlwings_router.custom_functions).items()
        if hasattr(obj, "__xlfunc__")
    }
    scripts = {
        name: obj
        for name, obj in vars(xlwings_router.custom_scripts).items()
        if hasattr(obj, "__xlscript__")
    }
    reg = registry()
    # The task pane lists one button per registered script, grouped by plugin.
    buttons: dict[str, list[dict[str, str]]] = {}
    for name in scripts:
        registered = reg.scripts.get(name)
        plugin = registered.plugin if registered else "other"
        doc = (registered.item.__doc__ or "").strip().split("\n")[0] if registered else ""
        buttons.setdefault(plugin, []).append(
            {"script": name, "label": button_name(name), "help": doc}
        )
    templates.env.globals["cpcxl_buttons"] = buttons
    s = config.settings
    package = Path(xlwings_server.__file__).parent
    static = f"{s.app_path}{s.static_url_path}"
    roots = {static: [project_dir / "static", package / "static"]}
    if s.enable_wasm:
        for folder in ("wasm", "custom_functions", "custom_scripts"):
            roots[static.replace("static", folder)] = [project_dir / folder, package / folder]
    app = Guard(
        main.main_app,
        max_body_bytes=settings.max_body_bytes,
        functions=functions,
        scripts=scripts,
        app_path=s.app_path,
        static_roots=roots,
        authenticate=_authenticate if s.auth_providers else None,
        security_headers=(
            resolve_security_headers(
                excel_online=s.enable_excel_online, cdn_officejs=s.cdn_officejs
            )
            if s.add_security_headers
            else {}
        ),
        content_security=content_security_policy(
            cdn_officejs=s.cdn_officejs, excel_online=s.enable_excel_online
        ),
        before_functions_code=ERROR_VALUES_SCRIPT.read_bytes() + b"\n",
        second_loop=SecondLoop() if settings.large_body_bytes else None,
        large_body_bytes=settings.large_body_bytes,
    )
    return Served(app, main.app, config.settings, functions, scripts)


async def _authenticate(token: str, provider: str | None) -> tuple[int, str] | None:
    """xlwings Server's own check of a token, run before the body is read."""
    from fastapi import HTTPException
    from xlwings_server.dependencies import authenticate

    try:
        await authenticate(token, provider)
    except HTTPException as exc:
        return exc.status_code, str(exc.detail)
    return None


def _not_pyodide() -> None:
    """Make xlwings' per-value checks for Pyodide's JsNull free on a server.

    xlwings 0.37's ``utils.is_jsnull`` (every cell of a range argument) and
    ``pro.udfs_officejs.js_to_none`` (every argument) try ``from pyodide.ffi import JsNull``;
    outside Pyodide each failed import searches sys.path again (about 0.1 ms: 2 s for a
    10,000-row, two-column call, and a tenth of a scalar call). Outside Pyodide no value is
    a JsNull, so the answers are always False and the value itself.
    """
    if sys.platform == "emscripten":
        return
    import xlwings.utils
    from xlwings.pro import udfs_officejs

    xlwings.utils.is_jsnull = _never_jsnull
    udfs_officejs.js_to_none = _as_it_is


def _never_jsnull(value: object) -> bool:
    return False


def _as_it_is(value: object) -> object:
    return value
