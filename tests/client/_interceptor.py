"""An actor between a client and the real apiserver that can end and hold back watches.

It forwards every message to the apiserver and answers with its reply. ``EndWatches`` closes
the streams it handed out, so their readers see a clean end (as when an apiserver restarts).
While the ``gate`` event is clear, a ``Watch`` waits for it to be set before it is forwarded.
"""

from __future__ import annotations

import asyncio
from typing import Any

import attrs

from kube_actors.actors import Actor, ActorRef
from kube_actors.api import Watch, WatchStream


@attrs.frozen
class EndWatches:
    pass


class Interceptor(Actor):
    component = "interceptor"

    def __init__(self, apiserver: ActorRef, gate: asyncio.Event) -> None:
        self.apiserver = apiserver
        self.gate = gate
        self.streams: list[WatchStream] = []

    async def receive(self, message: Any) -> Any:
        match message:
            case EndWatches():
                for stream in self.streams:
                    stream.close()
                self.streams.clear()
            case Watch():
                await self.gate.wait()
                opened: WatchStream = await self.apiserver.ask(message)
                self.streams.append(opened)
                return opened
            case _:
                return await self.apiserver.ask(message)
        return None
