"""``Registry``: plugin factories by name, so profiles can name the plugins they run.

The in-tree plugins are registered by ``kube_actors.scheduler.plugins.in_tree_registry()``; a
user adds their own with ``registry.register("MyPlugin", MyPlugin.new)`` (or passes
``out_of_tree`` to the scheduler's settings) and enables it in a profile.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ._interfaces import PluginFactory

__all__ = ["Registry"]


class Registry(Mapping[str, PluginFactory]):
    """A mapping of plugin name to factory; ``merge`` adds another registry's entries."""

    def __init__(self, factories: Mapping[str, PluginFactory] | None = None) -> None:
        self._factories: dict[str, PluginFactory] = dict(factories or {})

    def register(self, name: str, factory: PluginFactory) -> None:
        if name in self._factories:
            raise ValueError(f"a plugin named {name!r} is already registered")
        self._factories[name] = factory

    def merge(self, other: Mapping[str, PluginFactory]) -> Registry:
        merged = Registry(self._factories)
        for name, factory in other.items():
            merged.register(name, factory)
        return merged

    def __getitem__(self, name: str) -> PluginFactory:
        return self._factories[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)
