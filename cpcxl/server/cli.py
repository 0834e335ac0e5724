"""``cpcxl serve``: run the Office add-in's server."""

from __future__ import annotations

from pathlib import Path

import click

from .settings import ServerSettings, check_bind, check_licence


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
@click.option("--log-level", default="info", show_default=True)
def serve(
    host: str, port: int, max_body_mb: float | None, project_dir: Path | None, log_level: str
) -> None:
    """Serve the Office add-in (xlwings Server) with every plugin's functions and buttons.

    Listens on this machine only unless sign-in (XLWINGS_AUTH_PROVIDERS) is configured; in
    production put it behind a reverse proxy that terminates TLS (see addin/README.md).
    """
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
    click.echo(
        f"cpcxl add-in: {len(served.functions)} functions, {len(served.scripts)} buttons; "
        f"manifest at http://{settings.host}:{settings.port}/manifest.xml"
    )
    uvicorn.run(
        served.app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        # The reverse proxy on this machine tells us the original scheme (https).
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
