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
from ..errors import ActorStopped, AlreadyExists, ApiError, MailboxFull
from ._client import Client

__all__ = ["EventRecorder", "EventSink", "EventType", "RecordEvent", "event_name", "unix_nanos"]

EventType = Literal["Normal", "Warning"]

_log = get_logger("kube_actors.events")

#: Repeats within this window are folded into one Event (the correlator's default).
_AGGREGATION_WINDOW = dt.timedelta(minutes=10)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@attrs.frozen(kw_only=True)
class RecordEvent:
    """Message to the sink: one occurrence."""

    involved_object: ObjectReference
    type: EventType
    reason: str
    message: str
    component: str
    host: str = ""


def unix_nanos(when: dt.datetime) -> int:
    """``when`` in nanoseconds since the epoch, exactly (Go's ``UnixNano``)."""
    return (when - _EPOCH) // dt.timedelta(microseconds=1) * 1000


def event_name(object_name: str, when: dt.datetime) -> str:
    """An Event's name as client-go makes it: the object's name, then the time in hex
    nanoseconds, so that the store lists an object's Events in the order they were made."""
    return f"{object_name}.{unix_nanos(when):x}"


class EventSink(Actor):
    """Writes recorded events through the apiserver, folding repeats into counts."""

    component = "events"

    def __init__(self, client: Client) -> None:
        self.client = client
        self._recent: dict[tuple[Any, ...], tuple[str, str, dt.datetime]] = {}
        self._pruned_at: dt.datetime | None = None
        self._last_stamp = 0

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
        event = Event(
            metadata=ObjectMeta(name=self._name_for(ref.name), namespace=namespace),
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
        try:
            created = await self.client.create(event)
        except AlreadyExists:
            # The instant is taken: another sink's, or an earlier run's on a virtual clock
            # that started again at the same time over the same store. A random tail after
            # it keeps the name unique and the order by time.
            tail = f"{self.random.getrandbits(32):08x}"
            meta = attrs.evolve(event.metadata, name=f"{event.metadata.name}{tail}")
            created = await self.client.create(attrs.evolve(event, metadata=meta))
        self._recent[key] = (namespace, created.metadata.name, now)

    def _name_for(self, name: str) -> str:
        """As client-go names an Event: the object's name, then the creation time in hex
        nanoseconds, so that the store lists an object's Events in the order they were made
        (kubectl describe keeps that order among Events of the same second). Kept strictly
        increasing, since virtual time makes many Events at one instant."""
        stamp = max(unix_nanos(wall_clock()), self._last_stamp + 1)
        self._last_stamp = stamp
        return f"{name}.{stamp:x}"

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
