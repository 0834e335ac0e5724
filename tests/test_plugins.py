"""The plugin system: registration, listings, name clashes, and reaching Excel's module."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

import cpcxl
from cpcxl.plugins import (
    PluginConflict,
    Registry,
    Scheme,
    make_plugin_manager,
    plugin_manager,
    refresh,
)


class SamplePlugin:
    """A third-party plugin as a council's own team might write it."""

    @staticmethod
    @cpcxl.hookimpl
    def register_functions():
        def cpc_test_double(value):
            """Doubles a number (a test plugin's function)."""
            return value * 2

        return [cpc_test_double]

    @staticmethod
    @cpcxl.hookimpl
    def register_schemes():
        return [Scheme(kind="risk-matrix", name="test-3x3", description="A test matrix")]


class ClashingPlugin:
    @staticmethod
    @cpcxl.hookimpl
    def register_functions():
        def CPC_TEST_DOUBLE(value):
            """Also doubles."""
            return value + value

        return [CPC_TEST_DOUBLE]


@pytest.fixture
def sample_plugin() -> Iterator[None]:
    pm = plugin_manager()
    pm.register(SamplePlugin, name="sample")
    try:
        refresh()
        yield
    finally:
        pm.unregister(name="sample")
        refresh()
        importlib.reload(importlib.import_module("cpcxl.xl.udfs"))


def test_a_registered_plugin_function_reaches_excels_module(sample_plugin: None) -> None:
    udfs = importlib.reload(importlib.import_module("cpcxl.xl.udfs"))
    assert "cpc_test_double" in udfs.__all__
    assert udfs.cpc_test_double(21) == 42
    # The docstring is what Excel shows, so it must survive the wrapping.
    assert udfs.cpc_test_double.__doc__ == "Doubles a number (a test plugin's function)."


def test_worksheet_function_errors_become_readable_cell_text(sample_plugin: None) -> None:
    udfs = importlib.reload(importlib.import_module("cpcxl.xl.udfs"))
    # The test plugin's function multiplies its argument by 2, so a blank raises TypeError:
    # the cell says which argument it was given, never the exception's own text.
    result = udfs.cpc_test_double(None)
    assert result == (
        "#VALUE! TEST_DOUBLE could not be worked out from these arguments (value: blank); "
        "check each is as its help describes"
    )
    assert "TypeError" not in result and "NoneType" not in result


def test_registry_attributes_everything_to_its_plugin(sample_plugin: None) -> None:
    from cpcxl.plugins import registry

    reg = registry()
    assert reg.functions["cpc_test_double"].plugin == "sample"
    assert reg.by_plugin("sample") == {
        "functions": ["cpc_test_double"],
        "scripts": [],
        "workbooks": [],
        "schemes": ["risk-matrix:test-3x3"],
        "demos": [],
    }
    assert reg.scheme("risk-matrix", "TEST-3x3").description == "A test matrix"


def test_unknown_scheme_lists_the_known_ones(sample_plugin: None) -> None:
    from cpcxl.plugins import registry

    with pytest.raises(
        ValueError, match=r"'nope' is not a known risk-matrix scheme; valid: .*test-3x3"
    ):
        registry().scheme("risk-matrix", "nope")


def test_the_same_function_name_from_two_plugins_names_both() -> None:
    pm = make_plugin_manager(load_entry_points=False)
    pm.register(SamplePlugin, name="sample")
    pm.register(ClashingPlugin, name="clashing")
    with pytest.raises(PluginConflict) as caught:
        Registry.from_manager(pm)
    message = str(caught.value)
    assert "'sample'" in message and "'clashing'" in message
    assert "cpc_test_double" in message.lower()


def test_the_same_scheme_name_from_two_plugins_names_both() -> None:
    class Other:
        @staticmethod
        @cpcxl.hookimpl
        def register_schemes():
            return [Scheme(kind="risk-matrix", name="Test-3x3")]

    pm = make_plugin_manager(load_entry_points=False)
    pm.register(SamplePlugin, name="sample")
    pm.register(Other, name="other")
    with pytest.raises(
        PluginConflict, match=r"risk-matrix scheme 'risk-matrix:Test-3x3'.*'sample'.*'other'"
    ):
        Registry.from_manager(pm)


def test_built_in_capabilities_load_through_the_entry_points() -> None:
    from importlib.metadata import entry_points

    declared = {ep.name for ep in entry_points(group="cpcxl")}
    loaded = {name for name, _ in make_plugin_manager().list_name_plugin()}
    assert declared, "no built-in capability is registered under the 'cpcxl' entry points"
    assert declared <= loaded


def test_every_worksheet_function_has_an_excel_ready_docstring() -> None:
    from cpcxl.plugins import registry

    for name, registered in registry().functions.items():
        doc = (registered.item.__doc__ or "").strip()
        assert doc, f"{name} has no docstring for Excel to show"
        assert len(doc) <= 255, f"{name}'s docstring is {len(doc)} characters; Excel shows 255"
        assert name.lower().startswith("cpc_"), f"{name} should keep the cpc_ prefix"
