"""An actor that rebuilds one thing from informers' caches, with bursts of events folded.

kube-proxy rebuilds its service table and the ingress controller its routes the same way:
each runs its own informers; any event of the informers that matter schedules one rebuild,
sent to itself as a timer message (so a burst of events costs one rebuild and the mailbox
never floods); and nothing is rebuilt before every informer has listed, so that a table never
says that everything is gone because it has not been read yet.
"""

from __future__ import annotations

from typing import Any

import attrs

from kube_actors.actors import Actor
from kube_actors.client import EventHandlerFuncs, SharedInformer

__all__ = ["FoldedRebuild"]


@attrs.frozen
class _Rebuild:
    """Rebuild from the caches."""


class FoldedRebuild(Actor):
    """Subclasses set ``informers`` (all run and must list first) and ``triggers`` (those
    whose events ask for a rebuild) before ``on_start``, and write ``rebuild``."""

    informers: tuple[SharedInformer[Any], ...] = ()
    triggers: tuple[SharedInformer[Any], ...] = ()
    _pending: bool = False

    async def rebuild(self) -> None:
        raise NotImplementedError

    async def on_start(self) -> None:
        for informer in self.triggers:
            informer.add_event_handler(
                EventHandlerFuncs(
                    on_add=self.changed,
                    on_update=lambda old, new: self.changed(new),
                    on_delete=self.changed,
                )
            )
        for each in self.informers:
            self.start_soon(each.run, name=f"{self.name}:{each.kind.__name__.lower()}")
        self.start_soon(self._first_rebuild, name=f"{self.name}:first-sync")

    async def _first_rebuild(self) -> None:
        for informer in self.informers:
            await informer.wait_synced()
        self.changed(None)

    def changed(self, _: Any) -> None:
        """Ask for one rebuild (folded with any already asked for)."""
        if not self._pending:
            self._pending = True
            self.send_after(0, _Rebuild())

    async def receive(self, message: Any) -> Any:
        if isinstance(message, _Rebuild):
            self._pending = False
            if all(informer.has_synced for informer in self.informers):
                await self.rebuild()
        return None
