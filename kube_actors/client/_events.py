"""Recording Events: what components tell people about the objects they act on.

Components call ``EventRecorder.event(obj, "Normal", "Scheduled", "...")``, which returns at
once: the event goes by ``tell_nowait`` to the ``EventSink`` actor, which writes it through
the apiserver. As in client-go, recording is best-effort and never blocks the component: if
the sink's mailbox is full the event is dropped (and logged). The sink aggregates repeats as
Kubernetes' event correlator does: the same reason and message about the same object within
ten minutes bumps ``count`` and ``lastTimestamp`` of one Event instead of writing another.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from .._log import get_logger
from ..actors import Actor, ActorRef, wall_clock
from ..api import Event, EventSource, ObjectMeta, ObjectReference
from ..errors import ActorStopped, ApiError, MailboxFull
from ._client import Client

__all__ = ["EventRecorder", "EventSink", "EventType", "RecordEvent"]

EventType = Literal["Normal", "Warning"]

_log = get_logger("kube_actors.events")

#: Repeats within this window are folded into one Event (the correlator's default).
_AGGREGATION_WINDOW = dt.timedelta(minutes=10)


@attrs.frozen(kw_only=True)
class RecordEvent:
    """Message to the sink: one occurrence."""

    involved_object: ObjectReference
    type: EventType
    reason: str
    message: str
    component: str
    host: str = ""


class EventSink(Actor):
    """Writes recorded events through the apiserver, folding repeats into counts."""

    component = "events"

    def __init__(self, client: Client) -> None:
        self.client = client
        self._recent: dict[tuple[Any, ...], tuple[str, str, dt.datetime]] = {}
        self._pruned_at: dt.datetime | None = None

    async def receive(self, message: object) -> object:
        if isinstance(message, RecordEvent):
            try:
                await self._write(message)
            except ApiError as error:
                self.log.warning("event_dropped", reason=message.reason, error=str(error))
        return None

    async def _write(self, record: RecordEvent) -> None:
        ref = record.involved_object
        now = wall_clock().replace(microsecond=0)
        key = (
            ref.uid or ref.name,
            ref.kind,
            record.type,
            record.reason,
            record.message,
            record.component,
            record.host,
        )
        self._forget_old(now)
        seen = self._recent.get(key)
        if seen is not None and now - seen[2] < _AGGREGATION_WINDOW:
            namespace, name, _ = seen
            try:
                current = await self.client.get(Event, name, namespace=namespace)
                await self.client.update(
                    attrs.evolve(current, count=current.count + 1, last_timestamp=now)
                )
                self._recent[key] = (namespace, name, now)
                return
            except ApiError:
                pass  # gone meanwhile: write a new one
        namespace = ref.namespace or "default"
        suffix = "".join(self.random.choice("0123456789abcdef") for _ in range(16))
        event = Event(
            metadata=ObjectMeta(name=f"{ref.name}.{suffix}", namespace=namespace),
            involved_object=ref,
            reason=record.reason,
            message=record.message,
            type=record.type,
            source=EventSource(component=record.component, host=record.host),
            first_timestamp=now,
            last_timestamp=now,
            count=1,
            reporting_component=record.component,
            reporting_instance=record.host,
        )
        created = await self.client.create(event)
        self._recent[key] = (namespace, created.metadata.name, now)

    def _forget_old(self, now: dt.datetime) -> None:
        """Drop the repeats no longer folded (older than the window), once per window:
        otherwise every object ever reported on would stay here for good."""
        if self._pruned_at is not None and now - self._pruned_at < _AGGREGATION_WINDOW:
            return
        self._pruned_at = now
        self._recent = {
            key: seen for key, seen in self._recent.items() if now - seen[2] < _AGGREGATION_WINDOW
        }


class EventRecorder:
    """A component's handle for recording events; cheap to copy and to call."""

    __slots__ = ("component", "host", "sink")

    def __init__(self, sink: ActorRef, component: str, host: str = "") -> None:
        self.sink = sink
        self.component = component
        self.host = host

    def event(self, obj: Any, type: EventType, reason: str, message: str) -> None:
        """Record that ``reason`` happened to ``obj``; never blocks, never raises."""
        meta = obj.metadata
        reference = ObjectReference(
            api_version=obj.api_version,
            kind=obj.kind,
            namespace=meta.namespace,
            name=meta.name,
            uid=meta.uid,
            resource_version=meta.resource_version,
        )
        record = RecordEvent(
            involved_object=reference,
            type=type,
            reason=reason,
            message=message,
            component=self.component,
            host=self.host,
        )
        try:
            self.sink.tell_nowait(record)
        except (MailboxFull, ActorStopped):
            _log.warning("event_dropped", component=self.component, reason=reason)
