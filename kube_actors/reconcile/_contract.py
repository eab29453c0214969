"""The controller contract, as controller-runtime's ``pkg/reconcile`` states it.

A controller is a ``Reconciler``: given the ``Request`` naming one object, it reads the state
it needs, makes the world match the object's spec, and returns a ``Result``::

    class KeepLabel:
        async def reconcile(self, request: Request) -> Result:
            ns = await client.get(Namespace, request.name)
            ...
            return Result()

What the runner does with the outcome:

========================================  =================================================
outcome                                   what happens to the request
========================================  =================================================
``Result()``                              forgotten: its back-off is reset, no requeue
``Result(requeue_after=30)``              queued again in 30 s; its back-off is reset
``Result(requeue=True)``                  queued again after its rate-limited back-off
raises ``TerminalError``                  logged as an error, forgotten, never retried
raises any other ``Exception``            logged, queued again after its back-off
========================================  =================================================

A request carries only the object's name, never the object or the event: reconcile reads
the current state (from an informer's cache, usually) and so is level-based, idempotent, and
unaffected by events it missed or saw twice.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

import attrs

from kube_actors.errors import KubeActorsError

__all__ = ["Reconciler", "Request", "Result", "TerminalError"]


class Request(NamedTuple):
    """The object to reconcile: ``namespace`` (empty for cluster-scoped kinds) and ``name``.

    A named tuple, because the work queue hashes and compares requests on its hot path.
    """

    namespace: str
    name: str

    @classmethod
    def for_object(cls, obj: Any) -> Request:
        """The request naming ``obj`` (any kind with ``metadata``)."""
        meta = obj.metadata
        return cls(meta.namespace, meta.name)

    def __str__(self) -> str:
        """``namespace/name``, or ``name`` for a cluster-scoped object."""
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


@attrs.frozen(kw_only=True)
class Result:
    """What reconcile asks of the runner: nothing (the default), a requeue after a delay in
    seconds, or a rate-limited requeue. ``requeue_after`` wins when both are set."""

    requeue: bool = False
    requeue_after: float | None = attrs.field(default=None)

    @requeue_after.validator
    def _check_delay(self, _: attrs.Attribute[float | None], value: float | None) -> None:
        if value is not None and value < 0:
            raise ValueError(f"requeue_after must not be negative, got {value}")


class Reconciler(Protocol):
    """Anything with ``async def reconcile(request) -> Result``."""

    async def reconcile(self, request: Request) -> Result:
        """Make the world match the object named by ``request``."""
        ...


class TerminalError(KubeActorsError):
    """Raise it from ``reconcile`` for a failure that retrying cannot fix (an invalid spec):
    the runner logs it and does not requeue. Chain the cause with ``raise ... from``."""
