"""The Excel runtimes' commands: ``cpcxl serve`` (the Office add-in, served by xlwings
Server) and ``cpcxl macros`` (the desktop add-in's VBA).

Registered through the plugin hook, as any plugin's commands are; importing this package is
cheap (xlwings Server is imported only when ``serve`` runs).
"""

from __future__ import annotations

import click

from cpcxl import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import macros, serve

    cli.add_command(serve)
    cli.add_command(macros)
