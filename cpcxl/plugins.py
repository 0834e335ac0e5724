"""The plugin manager and the registry of everything the plugins provide.

Built-in capabilities and third-party plugins are loaded the same way: from the ``cpcxl``
entry-point group. Names must be unique across plugins, because Excel has no namespaces in
the desktop runtime; a clash is an error that names both plugins.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pluggy

from . import hookspecs
from .common.errors import CpcxlError, InputError
from .hookspecs import Demo, Scheme, WorkbookTemplate

T = TypeVar("T")

# The hooks' own types are defined in hookspecs (the contract) and used from here.
__all__ = [
    "ENTRY_POINT_GROUP",
    "HOOKS",
    "Demo",
    "PluginConflict",
    "Registered",
    "Registry",
    "Scheme",
    "UnknownHook",
    "WorkbookTemplate",
    "check_hooks",
    "make_plugin_manager",
    "plugin_manager",
    "refresh",
    "registry",
]

ENTRY_POINT_GROUP = "cpcxl"


@dataclass(frozen=True)
class Registered(Generic[T]):
    item: T
    plugin: str


class PluginConflict(CpcxlError):
    """Two plugins registered the same name."""


class UnknownHook(CpcxlError):
    """A plugin implements a hook that is not part of the contract (a misspelt name)."""


#: The hooks a plugin may implement, as ``cpcxl.hookspecs`` defines them.
HOOKS = tuple(name for name in dir(hookspecs) if name.startswith("register_"))


def make_plugin_manager(*, load_entry_points: bool = True) -> pluggy.PluginManager:
    pm = pluggy.PluginManager("cpcxl")
    pm.add_hookspecs(hookspecs)
    if load_entry_points:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    check_hooks(pm)
    return pm


def check_hooks(pm: pluggy.PluginManager) -> None:
    """Every hook implementation answers a hook of the contract; a misspelt one is an error
    naming the plugin and the hooks there are (pluggy's ``check_pending``)."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        unknown = [
            f"{impl.plugin_name!r} implements {name!r}"
            for name in dir(pm.hook)
            if not name.startswith("_")
            for impl in getattr(pm.hook, name).get_hookimpls()
            if not getattr(pm.hook, name).has_spec()
        ]
        detail = "; ".join(unknown) or str(exc)
        raise UnknownHook(
            f"{detail}, which is not a cpcxl hook; the hooks are {', '.join(HOOKS)}"
        ) from None


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process's plugin manager, loaded once from the installed entry points."""
    return make_plugin_manager()


@dataclass
class Registry:
    """Everything the registered plugins provide, keyed by name."""

    functions: dict[str, Registered[Callable[..., Any]]] = field(default_factory=dict)
    scripts: dict[str, Registered[Callable[..., None]]] = field(default_factory=dict)
    workbooks: dict[str, Registered[WorkbookTemplate]] = field(default_factory=dict)
    schemes: dict[tuple[str, str], Registered[Scheme]] = field(default_factory=dict)
    demos: dict[str, Registered[Demo]] = field(default_factory=dict)
    plugins: list[str] = field(default_factory=list)

    @classmethod
    def from_manager(cls, pm: pluggy.PluginManager) -> Registry:
        check_hooks(pm)  # plugins registered after loading are checked too
        registry = cls()
        registry.plugins = [name for name, _ in pm.list_name_plugin()]
        for plugin, items in _results(pm, "register_functions"):
            for fn in items:
                _add(registry.functions, fn.__name__, fn, plugin, "worksheet function", fold=True)
        for plugin, items in _results(pm, "register_scripts"):
            for fn in items:
                _add(registry.scripts, fn.__name__, fn, plugin, "button script", fold=True)
        for plugin, items in _results(pm, "register_workbooks"):
            for template in items:
                _add(registry.workbooks, template.name, template, plugin, "workbook")
        for plugin, items in _results(pm, "register_schemes"):
            for scheme in items:
                key = (scheme.kind, scheme.name)
                _add(registry.schemes, key, scheme, plugin, f"{scheme.kind} scheme", fold=True)
        for plugin, items in _results(pm, "register_demos"):
            for demo in items:
                _add(registry.demos, demo.name, demo, plugin, "demo")
        return registry

    def scheme(self, kind: str, name: str) -> Scheme:
        """The scheme of this kind and name; an unknown name lists the known ones."""
        wanted = (kind, str(name).strip().lower())
        for (k, n), registered in self.schemes.items():
            if (k, n.lower()) == wanted:
                return registered.item
        raise InputError(
            f"{name!r} is not a known {kind} scheme",
            valid=", ".join(n for k, n in self.schemes if k == kind) or "none registered",
        )

    def schemes_of(self, kind: str) -> list[Scheme]:
        return [r.item for (k, _), r in self.schemes.items() if k == kind]

    def by_plugin(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin provides, by sort, for ``cpcxl plugins``."""
        return {
            "functions": [n for n, r in self.functions.items() if r.plugin == plugin],
            "scripts": [n for n, r in self.scripts.items() if r.plugin == plugin],
            "workbooks": [n for n, r in self.workbooks.items() if r.plugin == plugin],
            "schemes": [f"{k}:{n}" for (k, n), r in self.schemes.items() if r.plugin == plugin],
            "demos": [n for n, r in self.demos.items() if r.plugin == plugin],
        }


def _results(pm: pluggy.PluginManager, hook_name: str) -> Iterator[tuple[str, list[Any]]]:
    """Each plugin's own answer to a hook, so every name can be traced to its plugin."""
    hook = getattr(pm.hook, hook_name)
    for impl in hook.get_hookimpls():  # in registration order, as listings should read
        result = impl.function()
        if result:
            yield impl.plugin_name, list(result)


def _add(
    table: dict[Any, Registered[Any]],
    key: Any,
    item: Any,
    plugin: str,
    sort: str,
    fold: bool = False,
) -> None:
    def folded(k: Any) -> Any:
        if not fold:
            return k
        return tuple(p.lower() for p in k) if isinstance(k, tuple) else str(k).lower()

    for existing_key, existing in table.items():
        if folded(existing_key) == folded(key):
            shown = ":".join(key) if isinstance(key, tuple) else key
            raise PluginConflict(
                f"{sort} {shown!r} is registered by both plugin {existing.plugin!r} and plugin "
                f"{plugin!r}; rename one (names are compared ignoring case, as Excel does)"
            )
    table[key] = Registered(item, plugin)


@functools.cache
def registry() -> Registry:
    """The registry of the process's plugin manager, built once."""
    return Registry.from_manager(plugin_manager())


def refresh() -> Registry:
    """Rebuild the registry after plugins were registered or unregistered at run time."""
    registry.cache_clear()
    return registry()
