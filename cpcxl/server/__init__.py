"""``cpcxl serve``: the Office add-in, served by xlwings Server with every plugin's functions.

This package registers the command through the plugin hook, as any plugin would; importing it
is cheap (xlwings Server is imported only when the command runs).
"""

from __future__ import annotations

import click

from cpcxl import hookimpl


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import serve

    cli.add_command(serve)
