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

The sink writes with ``WRITERS`` concurrent writers, each taking every record waiting (up
to ``_PER_REQUEST``) and creating their Events in one message (``Client.create_each``), in
which each Event is still a create of its own: admitted, validated, versioned and watched
as alone. One writer, one Event a round trip through the apiserver's mailbox behind every
other component's requests, wrote a few hundred Events a second while a busy cluster records
thousands (a Pod's Scheduled, Pulled, Created, Started): the mailbox filled and a Pod's first
Events were lost. The Events of one series (one object, reason and message) are written by
one writer in order, so folding stays exact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import OrderedDict, deque
from collections.abc import Sequence
from typing import Any, Final, Literal

import attrs

from .._log import get_logger
from ..actors import Actor, ActorRef, Mail, wall_clock
from ..api import Event, EventSource, ObjectMeta, ObjectReference, evolver, quick_new
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

#: Requests the sink has in flight at once: a writer takes every record waiting, so a few
#: keep up with any rate, each request carrying what came while the others were on their way.
WRITERS = 8
#: Events one request creates at most (the apiserver's mailbox batch, ``actors.BATCH``).
_PER_REQUEST = 256
#: Records taken from the mailbox and waiting for a writer: beyond it the sink stops taking
#: mail, its mailbox fills and recorders drop (client-go's broadcaster queues 1,000).
_QUEUED = 1000

_SeriesKey = tuple[str, str, str, str, str, str, str]

#: Every Event the sink writes is built without the class calls (the sink writes several a
#: Pod): by field name, and its metadata as a copy of the empty one with a name and a
#: namespace, its other fields as the class makes them, without converting them again.
_new_event: Final = quick_new(Event)
_named_meta: Final = evolver(ObjectMeta)
_EMPTY_META: Final = ObjectMeta()


@attrs.frozen(kw_only=True)
class RecordEvent:
    """Message to the sink: one occurrence."""

    involved_object: ObjectReference
    type: EventType
    reason: str
    message: str
    component: str
    host: str = ""


#: What ``EventRecorder.event`` builds for each Event recorded (``quick_new``, by field name).
_new_reference: Final = quick_new(ObjectReference)
_new_record: Final = quick_new(RecordEvent)


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
        #: Records taken from the mailbox, waiting for a writer.
        self._pending: deque[RecordEvent] = deque()
        #: Writers waiting for records, each on its future.
        self._idle: list[asyncio.Future[None]] = []
        #: What the mailbox waits on while ``_QUEUED`` records are pending.
        self._room: asyncio.Future[None] | None = None
        #: Series being written, each with the repeats that came meanwhile, in order.
        self._writing: dict[_SeriesKey, deque[RecordEvent]] = {}
        #: The Events' source of each component and host.
        self._sources: dict[tuple[str, str], EventSource] = {}

    async def on_start(self) -> None:
        for i in range(WRITERS):
            self.start_soon(self._writer, name=f"{self.name}:writer-{i}")

    async def receive_batch(self, batch: Sequence[Mail]) -> None:
        pending = self._pending
        for mail in batch:
            message = mail.message
            if isinstance(message, RecordEvent):
                while len(pending) >= _QUEUED:  # no more mail until the writers catch up
                    self._wake_writer()
                    self._room = asyncio.get_running_loop().create_future()
                    await self._room
                pending.append(message)
            mail.answer(None)
        self._wake_writer()

    def _wake_writer(self) -> None:
        if self._pending and self._idle:
            waiter = self._idle.pop()
            if not waiter.done():
                waiter.set_result(None)

    async def _writer(self) -> None:
        pending = self._pending
        while True:
            if not pending:
                waiter = asyncio.get_running_loop().create_future()
                self._idle.append(waiter)
                await waiter
                continue
            count = min(len(pending), _PER_REQUEST)
            records = [pending.popleft() for _ in range(count)]
            room = self._room
            if room is not None and not room.done():
                room.set_result(None)
            self._wake_writer()  # more than one request's worth
            await self._write_series(records)

    async def _write_series(self, records: list[RecordEvent]) -> None:
        """Write ``records``, each after the records of its series taken before it: a
        series another writer is writing gets its record appended to its queue."""
        writing = self._writing
        mine: list[tuple[_SeriesKey, deque[RecordEvent]]] = []
        for record in records:
            key = _series(record)
            waiting = writing.get(key)
            if waiting is not None:
                waiting.append(record)  # its series' writer writes it after the one in hand
                continue
            waiting = writing[key] = deque([record])
            mine.append((key, waiting))
        try:
            while mine:
                await self._write_heads(mine)
                left = []
                for key, waiting in mine:
                    waiting.popleft()
                    if waiting:
                        left.append((key, waiting))
                    else:
                        del writing[key]
                mine = left
        finally:
            for key, _ in mine:
                del writing[key]

    async def _write_heads(self, series: list[tuple[_SeriesKey, deque[RecordEvent]]]) -> None:
        """Write the first record of each series: a repeat folds into its Event, the rest
        are created together (``Client.create_each``), each a create of its own."""
        instant = wall_clock()
        now = instant.replace(microsecond=0)
        stamp = unix_nanos(instant)
        created: list[tuple[_SeriesKey, RecordEvent, Event]] = []
        for key, waiting in series:
            record = waiting[0]
            seen = self._recent.get(key)
            if seen is not None and now - seen[2] < _AGGREGATION_WINDOW:
                try:
                    await self._fold(key, seen, now)
                    continue
                except ApiError:
                    pass  # gone meanwhile: write a new one
            created.append((key, record, self._new_event(record, stamp, now)))
        if not created:
            return
        try:
            outcomes = await self.client.create_each([event for _, _, event in created])
        except ApiError as error:
            for _, record, _ in created:
                self.log.warning("event_dropped", reason=record.reason, error=str(error))
            return
        for (key, record, event), outcome in zip(created, outcomes, strict=True):
            try:
                if isinstance(outcome, AlreadyExists):
                    outcome = await self._create_again(event)
                elif isinstance(outcome, ApiError):
                    raise outcome
            except ApiError as error:
                self.log.warning("event_dropped", reason=record.reason, error=str(error))
                continue
            self._remember(key, (event.metadata.namespace, outcome.metadata.name, now))

    async def _fold(
        self, key: _SeriesKey, seen: tuple[str, str, dt.datetime], now: dt.datetime
    ) -> None:
        """Count a repeat of the series ``key`` last written as ``seen``, in its Event."""
        namespace, name, _ = seen
        current = await self.client.get(Event, name, namespace=namespace)
        await self.client.update(attrs.evolve(current, count=current.count + 1, last_timestamp=now))
        self._remember(key, (namespace, name, now))

    def _new_event(self, record: RecordEvent, stamp: int, now: dt.datetime) -> Event:
        ref = record.involved_object
        component, host = record.component, record.host
        source = self._sources.get((component, host))
        if source is None:  # frozen: one for each component and host, shared by its Events
            source = self._sources[(component, host)] = EventSource(component=component, host=host)
        return _new_event(
            metadata=_named_meta(
                _EMPTY_META,
                name=self._name_for(ref.name, stamp),
                namespace=ref.namespace or "default",
            ),
            involved_object=ref,
            reason=record.reason,
            message=record.message,
            type=record.type,
            source=source,
            first_timestamp=now,
            last_timestamp=now,
            count=1,
            reporting_component=component,
            reporting_instance=host,
        )

    async def _create_again(self, event: Event) -> Event:
        """``event`` created under another name: its instant is taken, by another sink's
        Event, or an earlier run's on a virtual clock that started again at the same time
        over the same store. A random tail after it keeps the name unique and the order
        by time."""
        tail = f"{self.random.getrandbits(32):08x}"
        meta = attrs.evolve(event.metadata, name=f"{event.metadata.name}{tail}")
        return await self.client.create(attrs.evolve(event, metadata=meta))

    def _remember(self, key: _SeriesKey, written: tuple[str, str, dt.datetime]) -> None:
        """Note the series' last write as the most recently used, forgetting the least
        recently used beyond ``SERIES_REMEMBERED``."""
        recent = self._recent
        if key in recent:
            recent.move_to_end(key)  # a new series is put last by its assignment below
        recent[key] = written
        if len(recent) > SERIES_REMEMBERED:
            recent.popitem(last=False)

    def _name_for(self, name: str, stamp: int) -> str:
        """As client-go names an Event: the object's name, then the creation instant in hex
        nanoseconds (``stamp``, ``unix_nanos``), so that the store lists an object's Events
        in the order they were made (kubectl describe keeps that order among Events of the
        same second). Kept strictly increasing, since virtual time makes many Events at one
        instant."""
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
        reference = _new_reference(
            api_version=obj.api_version,
            kind=obj.kind,
            namespace=meta.namespace,
            name=meta.name,
            uid=meta.uid,
            resource_version=meta.resource_version,
        )
        record = _new_record(
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
