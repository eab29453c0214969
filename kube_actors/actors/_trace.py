"""The message trace: who sent what to whom, when, and because of which message.

When tracing is on, every message handed to an actor is recorded at the moment it is sent.
Each record carries the id of the message its sender was handling at the time (its *cause*),
so a scenario reads back as causal chains: the apiserver's write caused by the deployment
controller's create, caused by the watch event of the Deployment, caused by the user's apply.
Under virtual time and a seed, two runs of the same program produce equal traces.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import attrs

__all__ = ["EXTERNAL", "Trace", "TraceRecord"]

#: The sender name of messages sent from outside any actor (a test, the embedding program).
EXTERNAL = "-"

DeliveryKind = Literal["tell", "ask", "timer"]


@attrs.frozen(kw_only=True)
class TraceRecord:
    """One message sent to an actor."""

    id: int
    time: float
    sender: str
    receiver: str
    kind: DeliveryKind
    message: object
    cause: int | None

    @property
    def message_type(self) -> str:
        return type(self.message).__name__

    def __str__(self) -> str:
        because = f" (caused by #{self.cause})" if self.cause is not None else ""
        return (
            f"#{self.id} t={self.time:.3f} {self.sender} -> {self.receiver} "
            f"{self.kind} {self.message_type}{because}"
        )


class Trace:
    """The records of one actor system, in the order the messages were sent."""

    __slots__ = ("_records",)

    def __init__(self) -> None:
        self._records: list[TraceRecord] = []

    def record(
        self,
        time: float,
        sender: str,
        receiver: str,
        kind: DeliveryKind,
        message: object,
        cause: int | None,
    ) -> int:
        record_id = len(self._records) + 1
        self._records.append(
            TraceRecord(
                id=record_id,
                time=time,
                sender=sender,
                receiver=receiver,
                kind=kind,
                message=message,
                cause=cause,
            )
        )
        return record_id

    @property
    def records(self) -> tuple[TraceRecord, ...]:
        return tuple(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[TraceRecord]:
        return iter(tuple(self._records))

    def __getitem__(self, record_id: int) -> TraceRecord:
        """The record with this id (ids start at 1)."""
        if record_id < 1:
            raise KeyError(record_id)
        try:
            return self._records[record_id - 1]
        except IndexError:
            raise KeyError(record_id) from None

    def chain(self, record_id: int) -> tuple[TraceRecord, ...]:
        """The causal chain that led to a record, from its root cause to the record."""
        chain = [self[record_id]]
        while chain[-1].cause is not None:
            chain.append(self[chain[-1].cause])
        return tuple(reversed(chain))

    def effects(self, record_id: int) -> tuple[TraceRecord, ...]:
        """The messages sent while the actor handled this record's message."""
        return tuple(r for r in self._records if r.cause == record_id)

    def format(self) -> str:
        """One line a record, indented under its cause where the cause came just before."""
        return "\n".join(str(r) for r in self._records)
