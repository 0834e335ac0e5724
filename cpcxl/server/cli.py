"""``cpcxl serve``: run the Office add-in's server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from cpcxl.common.commands import console, out_dir_option, overwrite_option

from .settings import ServerRefused, ServerSettings, check_bind, check_licence


def require_server_extra() -> None:
    """Say in one line how to install what ``cpcxl serve`` needs, if it is missing."""
    import importlib.util

    missing = [m for m in ("xlwings_server", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise ServerRefused(
            "cpcxl serve needs the server extra, which is not installed",
            valid='python -m pip install "cpcxl[server]" (or a built wheel with "[server]")',
        )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--max-body-mb",
    type=float,
    default=None,
    help="Largest request accepted, in MB (default 10, or CPCXL_SERVER_MAX_BODY_BYTES).",
)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="The add-in folder (default: the addin/ folder shipped with cpcxl).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (one per core suits calculation-heavy use).",
)
@click.option("--log-level", default="info", show_default=True)
def serve(
    host: str,
    port: int,
    max_body_mb: float | None,
    project_dir: Path | None,
    workers: int,
    log_level: str,
) -> None:
    """Serve the Office add-in (xlwings Server) with every plugin's functions and buttons.

    Writes nothing: prints how many functions and buttons it serves and the manifest's
    address, then the server's log. Listens on this machine only unless sign-in
    (XLWINGS_AUTH_PROVIDERS) is configured; in production put it behind a reverse proxy
    that terminates TLS (see addin/README.md).

    Example: XLWINGS_LICENSE_KEY=noncommercial cpcxl serve --port 8000
    """
    require_server_extra()
    import uvicorn

    from .app import create_app

    check_licence()
    settings = ServerSettings.from_environment(
        host=host,
        port=port,
        project_dir=project_dir,
        max_body_bytes=int(max_body_mb * 1024 * 1024) if max_body_mb else None,
    )
    served = create_app(settings)
    check_bind(settings.host, served.settings.auth_providers)
    console.print(
        f"cpcxl add-in: {len(served.functions)} functions, {len(served.scripts)} buttons; "
        f"manifest at http://{settings.host}:{settings.port}/manifest.xml",
        markup=False,
    )
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": log_level,
        # The reverse proxy on this machine tells us the original scheme (https).
        "proxy_headers": True,
        "forwarded_allow_ips": "127.0.0.1",
    }
    if workers == 1:
        uvicorn.run(served.app, **options)
        return
    # Worker processes build their own application from the same settings.
    os.environ["CPCXL_ADDIN_DIR"] = str(settings.addin_dir())
    os.environ["CPCXL_SERVER_MAX_BODY_BYTES"] = str(settings.max_body_bytes)
    uvicorn.run("cpcxl.server.asgi:app", workers=workers, **options)


@click.command()
@out_dir_option("Folder for the VBA module.", default=Path("macros"))
@click.option("--check", is_flag=True, help="Compare with the module in --out instead.")
@overwrite_option
def macros(out_dir: Path, check: bool, overwrite: bool) -> None:
    """Write the desktop add-in's VBA module: one procedure per button (local and server).

    A module in --out that differs from the one the installed plugins make (a person may
    have added to it) is kept unless --overwrite is given; the command then exits with 3.

    Example: cpcxl macros --out my-macros
    """
    import sys

    from cpcxl.common.commands import errors_console, report_written
    from cpcxl.common.files import Outputs, atomic_path
    from cpcxl.plugins import registry
    from cpcxl.xl.macros import FILENAME, vba_module

    text = vba_module(registry())
    target = out_dir / FILENAME
    if check:
        if not target.exists() or target.read_bytes() != text.encode():
            errors_console.print(
                f"error: {target} differs from the installed plugins' buttons; run `cpcxl macros`",
                markup=False,
            )
            sys.exit(1)
        console.print(f"up to date {target}", markup=False)
        return
    if target.exists() and target.read_bytes() == text.encode():
        console.print(f"up to date {target}", markup=False)
        return
    outputs = Outputs(overwrite=overwrite)
    if outputs.may_write(target):
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_bytes(text.encode())
        outputs.wrote(target)
    report_written(outputs)
