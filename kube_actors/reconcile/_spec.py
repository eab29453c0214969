"""``ControllerSpec``: what a controller reconciles, what it watches, and how, as data.

controller-runtime's builder (``For(...).Owns(...).Watches(...)``) as one frozen value::

    ControllerSpec(
        for_=Deployment,                      # reconcile Deployments; enqueue each one changed
        owns=[ReplicaSet],                    # and the Deployment that controls a changed RS
        watches=[(Node, nodes_to_requests)],  # and what a function maps a changed Node to
        reconciler=DeploymentReconciler(client),
        workers=2,
    )

Each entry of ``watches`` pairs a kind with a map function (``obj -> Iterable[Request]``) or
any ``EventHandler``. ``Controller`` runs a spec; ``Cluster.add_controller`` takes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from kube_actors.api import kind_info

from ._contract import Reconciler, Request
from ._handlers import (
    EnqueueRequestForObject,
    EnqueueRequestForOwner,
    EnqueueRequestsFromMapFunc,
    EventHandler,
    MapFunc,
)
from ._ratelimit import RateLimiter, default_controller_rate_limiter

__all__ = ["ControllerSpec", "WatchSource"]

#: One entry of ``ControllerSpec.watches``: a kind and what its events enqueue.
WatchSource = tuple[type[Any], MapFunc | EventHandler]


def _default_name(spec: ControllerSpec) -> str:
    return kind_info(spec.for_).kind.lower()


def _as_handler(handler: MapFunc | EventHandler) -> EventHandler:
    if callable(handler) and not hasattr(handler, "on_add"):
        return EnqueueRequestsFromMapFunc(handler)
    return handler  # type: ignore[return-value]


def _tuple_of_kinds(kinds: Iterable[type[Any]]) -> tuple[type[Any], ...]:
    return tuple(kinds)


def _tuple_of_sources(sources: Iterable[WatchSource]) -> tuple[WatchSource, ...]:
    return tuple((kind, handler) for kind, handler in sources)


@attrs.frozen(kw_only=True)
class ControllerSpec:
    """A controller, declared: see the module docstring."""

    #: The kind reconciled: requests name objects of this kind.
    for_: type[Any]
    reconciler: Reconciler
    #: What a change of a ``for_`` object enqueues: the request naming it, unless a handler
    #: is given (controller-runtime's ``For`` with predicates: most changes of the kind
    #: need no reconcile).
    for_events: EventHandler | None = None
    #: Kinds whose objects this controller creates and controls (``ownerReferences`` with
    #: ``controller: true`` pointing at a ``for_`` object).
    owns: Sequence[type[Any]] = attrs.field(default=(), converter=_tuple_of_kinds)
    watches: Sequence[WatchSource] = attrs.field(default=(), converter=_tuple_of_sources)
    #: Reconciles run at once (never two for the same request).
    workers: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    #: Names the controller in logs and its actor (default: the kind, lowercased).
    name: str = attrs.field(default=attrs.Factory(_default_name, takes_self=True))
    #: Builds the work queue's rate limiter (client-go's default controller limiter).
    rate_limiter: Callable[[], RateLimiter[Request]] = default_controller_rate_limiter

    def sources(self) -> list[tuple[type[Any], EventHandler]]:
        """Every watched kind with its handler: ``for_``, then ``owns``, then ``watches``."""
        own = self.for_events if self.for_events is not None else EnqueueRequestForObject()
        sources: list[tuple[type[Any], EventHandler]] = [(self.for_, own)]
        sources.extend((kind, EnqueueRequestForOwner(self.for_)) for kind in self.owns)
        sources.extend((kind, _as_handler(handler)) for kind, handler in self.watches)
        return sources
