"""``Profile``: which plugins one ``schedulerName`` runs, with which weights and arguments.

Kubernetes' ``KubeSchedulerProfile`` with ``multiPoint`` plugins: a plugin enabled in a
profile takes part at every extension point it implements. A profile starts from Kubernetes'
default plugins (``DEFAULT_PLUGINS``, in Kubernetes' order and with its score weights),
removes the ``disabled`` ones (``"*"`` removes them all), then adds the ``enabled`` ones (an
enabled default plugin only changes its weight)::

    Profile(scheduler_name="bin-packing",
            plugin_args={"NodeResourcesFit": NodeResourcesFitArgs(strategy="MostAllocated")})
    Profile(scheduler_name="gpu", enabled=[PluginRef("PreferGpuNodes", weight=5)])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from kube_actors.api import FrozenDict

__all__ = ["DEFAULT_PLUGINS", "DEFAULT_SCHEDULER_NAME", "PluginRef", "Profile"]

DEFAULT_SCHEDULER_NAME = "default-scheduler"


@attrs.frozen
class PluginRef:
    """A plugin by name, with its Score weight (None: its default, or 1)."""

    name: str
    weight: int | None = None


#: Kubernetes' default plugins (apis/config/v1/default_plugins.go), in its order.
DEFAULT_PLUGINS: tuple[PluginRef, ...] = (
    PluginRef("PrioritySort"),
    PluginRef("NodeUnschedulable"),
    PluginRef("NodeName"),
    PluginRef("TaintToleration", 3),
    PluginRef("NodeAffinity", 2),
    PluginRef("NodePorts"),
    PluginRef("NodeResourcesFit", 1),
    PluginRef("VolumeBinding"),
    PluginRef("PodTopologySpread", 2),
    PluginRef("InterPodAffinity", 2),
    PluginRef("DefaultPreemption"),
    PluginRef("NodeResourcesBalancedAllocation", 1),
    PluginRef("ImageLocality", 1),
    PluginRef("DefaultBinder"),
)


def _refs(value: Iterable[PluginRef | str]) -> tuple[PluginRef, ...]:
    return tuple(PluginRef(v) if isinstance(v, str) else v for v in value)


def _names(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _args(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return FrozenDict(value)


@attrs.frozen(kw_only=True)
class Profile:
    scheduler_name: str = DEFAULT_SCHEDULER_NAME
    enabled: tuple[PluginRef, ...] = attrs.field(default=(), converter=_refs)
    disabled: tuple[str, ...] = attrs.field(default=(), converter=_names)
    #: Arguments by plugin name (e.g. ``NodeResourcesFitArgs``); None means the defaults.
    plugin_args: Mapping[str, Any] = attrs.field(default=FrozenDict(), converter=_args)

    def plugins(self) -> tuple[PluginRef, ...]:
        """The plugins this profile runs, in order, each with its weight resolved."""
        everything = "*" in self.disabled
        chosen = [p for p in DEFAULT_PLUGINS if not everything and p.name not in self.disabled]
        names = [p.name for p in chosen]
        for ref in self.enabled:
            if ref.name in names:
                i = names.index(ref.name)
                if ref.weight is not None:
                    chosen[i] = ref
            else:
                chosen.append(ref)
                names.append(ref.name)
        return tuple(PluginRef(p.name, 1 if p.weight is None else p.weight) for p in chosen)
