"""The plugin contract itself: every hook documented, exercised, and misspellings refused.

As datasette's own tests do: a hook that is not in docs/plugins.md, or that no test plugin
implements, fails here; so does a registered function, button, workbook or demo that its
capability's guide never names.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import cpcxl
from cpcxl import hookspecs
from cpcxl.common.excel_names import desktop_formula_name
from cpcxl.plugins import (
    HOOKS,
    Demo,
    Registry,
    Scheme,
    UnknownHook,
    WorkbookTemplate,
    make_plugin_manager,
    registry,
)
from cpcxl.testing import check_function_examples
from cpcxl.xl.scripts import button_name

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "plugins.md").read_text()


def test_the_contract_has_the_six_hooks() -> None:
    assert set(HOOKS) == {
        "register_functions",
        "register_scripts",
        "register_workbooks",
        "register_schemes",
        "register_commands",
        "register_demos",
    }


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented_in_the_plugin_guide(hook: str) -> None:
    assert f"### {hook}\n" in GUIDE, f"docs/plugins.md has no section for {hook}"
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    # what it returns, when it is called, and an example
    assert "Called" in doc and "Example::" in doc and "@cpcxl.hookimpl" in doc, hook


class EveryHook:
    """A plugin that implements every hook, so each is exercised end to end."""

    @staticmethod
    @cpcxl.hookimpl
    def register_functions():
        def cpc_test_triple(value):
            """Triples a number (a test plugin's function)."""
            return value * 3

        return [cpc_test_triple]

    @staticmethod
    @cpcxl.hookimpl
    def register_scripts():
        def test_button(book):
            """Does nothing."""

        return [test_button]

    @staticmethod
    @cpcxl.hookimpl
    def register_workbooks():
        return [WorkbookTemplate("test_book", "test_book.xlsx", "A test book", lambda p: p)]

    @staticmethod
    @cpcxl.hookimpl
    def register_schemes():
        return [Scheme(kind="test-kind", name="test-scheme")]

    @staticmethod
    @cpcxl.hookimpl
    def register_commands(cli):
        import click

        @cli.command("test-hello")
        def hello() -> None:
            click.echo("hello from a plugin")

    @staticmethod
    @cpcxl.hookimpl
    def register_demos():
        return [Demo("test-demo", "A test demo", lambda out: [])]


def test_every_hook_is_exercised_by_a_plugin_that_implements_it() -> None:
    implemented = {n for n in HOOKS if hasattr(EveryHook, n)}
    assert implemented == set(HOOKS)
    pm = make_plugin_manager(load_entry_points=False)
    pm.register(EveryHook, name="every")
    reg = Registry.from_manager(pm)
    assert reg.by_plugin("every") == {
        "functions": ["cpc_test_triple"],
        "scripts": ["test_button"],
        "workbooks": ["test_book"],
        "schemes": ["test-kind:test-scheme"],
        "demos": ["test-demo"],
    }
    assert reg.functions["cpc_test_triple"].item(4) == 12
    import click

    cli = click.Group("cpcxl")
    pm.hook.register_commands(cli=cli)
    result = CliRunner().invoke(cli, ["test-hello"])
    assert result.exit_code == 0 and result.output == "hello from a plugin\n"


def test_a_misspelt_hook_is_an_error_naming_the_plugin_and_the_hooks() -> None:
    class Misspelt:
        @staticmethod
        @cpcxl.hookimpl
        def register_function():  # the 's' is missing
            return []

    pm = make_plugin_manager(load_entry_points=False)
    pm.register(Misspelt, name="misspelt")
    with pytest.raises(UnknownHook) as caught:
        Registry.from_manager(pm)
    assert str(caught.value) == (
        "'misspelt' implements 'register_function', which is not a cpcxl hook; the hooks are "
        "register_commands, register_demos, register_functions, register_schemes, "
        "register_scripts, register_workbooks"
    )


def test_the_plugin_guides_example_works_as_printed() -> None:
    code = re.search(r"```python\n(# my_council_cpcxl/__init__.py\n.*?)```", GUIDE, re.S)
    assert code, "docs/plugins.md lost its example plugin"
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "docs/plugins.md", "exec"), namespace)
    check_function_examples(namespace["cpc_add_vat"])  # type: ignore[arg-type]


def _guide(plugin: str) -> str:
    path = ROOT / "docs" / f"{plugin}.md"
    assert path.exists(), f"plugin {plugin!r} has no guide docs/{plugin}.md"
    return path.read_text()


ITEMS = [
    (sort, plugin, name)
    for plugin in registry().plugins
    for sort, names in registry().by_plugin(plugin).items()
    if sort != "schemes"
    for name in names
]


@pytest.mark.parametrize(("sort", "plugin", "name"), ITEMS)
def test_every_registered_item_is_named_in_its_capabilitys_guide(
    sort: str, plugin: str, name: str
) -> None:
    text = _guide(plugin)
    if sort == "functions":
        wanted = [desktop_formula_name(name), name]
    elif sort == "scripts":
        wanted = [button_name(name), name]
    elif sort == "workbooks":
        wanted = [registry().workbooks[name].item.filename]
    else:
        wanted = [f"cpcxl demo {name}"]
    assert any(w in text for w in wanted), f"docs/{plugin}.md never names {sort[:-1]} {wanted[0]}"


@pytest.mark.parametrize("name", sorted(registry().functions))
def test_every_worksheet_function_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert desktop_formula_name(name) in readme, f"README.md does not list {name.upper()}"
