"""Recording Events: what components tell people about the objects they act on.

Components call ``EventRecorder.event(obj, "Normal", "Scheduled", "...")``, which returns at
once: the event goes by ``tell_nowait`` to the ``EventSink`` actor, which writes it through
the apiserver. As in client-go, recording is best-effort and never blocks the component: if
the sink's mailbox is full the event is dropped (and logged). The sink aggregates repeats as
Kubernetes' event correlator does: the same reason and message about the same object within
ten minutes bumps ``count`` and ``lastTimestamp`` of one Event instead of writing another.
Like the correlator's cache, the sink remembers the last ``SERIES_REMEMBERED`` (4,096) series
it wrote, least recently used first out: a repeat of a series forgotten meanwhile is written
as a new Event, and a busy cluster's sink holds no more than that.

The sink writes with ``WRITERS`` concurrent writers. One writer, each write a round trip
through the apiserver's mailbox behind every other component's requests, wrote a few hundred
Events a second while a busy cluster records thousands (a Pod's Scheduled, Pulled, Created,
Started): the mailbox filled and a Pod's first Events were lost. The writers share the
apiserver as fairly as any other clients, and the Events of one series (one object, reason
and message) are written by one writer in order, so folding stays exact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import OrderedDict, deque
from typing import Any, Literal

import attrs

from .._log import get_logger
from ..actors import Actor, ActorRef, wall_clock
from ..api import Event, EventSource, ObjectMeta, ObjectReference
from ..errors import ActorStopped, AlreadyExists, ApiError, MailboxFull
from ._client import Client

__all__ = [
    "EventRecorder",
    "EventSink",
    "EventType",
    "RecordEvent",
    "SERIES_REMEMBERED",
    "event_name",
    "unix_nanos",
]

EventType = Literal["Normal", "Warning"]

_log = get_logger("kube_actors.events")

#: Repeats within this window are folded into one Event (the correlator's default).
_AGGREGATION_WINDOW = dt.timedelta(minutes=10)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

#: Series the sink remembers for folding, least recently used forgotten first: client-go's
#: correlator keeps an LRU cache of ``maxLruCacheEntries`` (4,096) events.
SERIES_REMEMBERED = 4096

#: Events the sink writes at once. The apiserver serves its mailbox in order, so each
#: client gets a share of it by how many requests it has waiting: a Pod brings four or five
#: Events for its one create, so the sink needs several times the concurrency of the busiest
#: creators (16 in the scale benchmark) to keep up with them.
WRITERS = 128
#: Events taken from the mailbox and waiting for a writer: beyond it the sink stops taking
#: mail, its mailbox fills and recorders drop (client-go's broadcaster queues 1,000).
_QUEUED = 1000

_SeriesKey = tuple[str, str, str, str, str, str, str]


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
        #: Series written, least recently used first: (namespace, name, last written).
        self._recent: OrderedDict[_SeriesKey, tuple[str, str, dt.datetime]] = OrderedDict()
        self._last_stamp = 0
        self._queue: asyncio.Queue[RecordEvent] = asyncio.Queue(_QUEUED)
        #: Series being written, each with the repeats that came meanwhile, in order.
        self._writing: dict[_SeriesKey, deque[RecordEvent]] = {}

    async def on_start(self) -> None:
        for i in range(WRITERS):
            self.start_soon(self._writer, name=f"{self.name}:writer-{i}")

    async def receive(self, message: object) -> object:
        if isinstance(message, RecordEvent):
            await self._queue.put(message)
        return None

    async def _writer(self) -> None:
        while True:
            record = await self._queue.get()
            key = _series(record)
            waiting = self._writing.get(key)
            if waiting is not None:
                waiting.append(record)  # its series' writer writes it after the one in hand
                continue
            waiting = self._writing[key] = deque([record])
            try:
                while waiting:
                    await self._write_or_log(waiting[0], key)
                    waiting.popleft()
            finally:
                del self._writing[key]

    async def _write_or_log(self, record: RecordEvent, key: _SeriesKey) -> None:
        try:
            await self._write(record, key)
        except ApiError as error:
            self.log.warning("event_dropped", reason=record.reason, error=str(error))

    async def _write(self, record: RecordEvent, key: _SeriesKey) -> None:
        ref = record.involved_object
        instant = wall_clock()
        now = instant.replace(microsecond=0)
        seen = self._recent.get(key)
        if seen is not None and now - seen[2] < _AGGREGATION_WINDOW:
            namespace, name, _ = seen
            try:
                current = await self.client.get(Event, name, namespace=namespace)
                await self.client.update(
                    attrs.evolve(current, count=current.count + 1, last_timestamp=now)
                )
                self._remember(key, (namespace, name, now))
                return
            except ApiError:
                pass  # gone meanwhile: write a new one
        namespace = ref.namespace or "default"
        event = Event(
            metadata=ObjectMeta(name=self._name_for(ref.name, instant), namespace=namespace),
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
        self._remember(key, (namespace, created.metadata.name, now))

    def _remember(self, key: _SeriesKey, written: tuple[str, str, dt.datetime]) -> None:
        """Note the series' last write as the most recently used, forgetting the least
        recently used beyond ``SERIES_REMEMBERED``."""
        recent = self._recent
        recent[key] = written
        recent.move_to_end(key)
        if len(recent) > SERIES_REMEMBERED:
            recent.popitem(last=False)

    def _name_for(self, name: str, instant: dt.datetime) -> str:
        """As client-go names an Event: the object's name, then the creation ``instant`` in
        hex nanoseconds, so that the store lists an object's Events in the order they were
        made (kubectl describe keeps that order among Events of the same second). Kept
        strictly increasing, since virtual time makes many Events at one instant."""
        stamp = unix_nanos(instant)
        if stamp <= self._last_stamp:
            stamp = self._last_stamp + 1
        self._last_stamp = stamp
        return f"{name}.{stamp:x}"


def _series(record: RecordEvent) -> _SeriesKey:
    """What makes two records the same Event (the correlator's aggregation key)."""
    ref = record.involved_object
    return (
        ref.uid or ref.name,
        ref.kind,
        record.type,
        record.reason,
        record.message,
        record.component,
        record.host,
    )


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
