"""Group commit: the writes waiting in the apiserver's mailbox reach the store as one request.

etcd batches raft proposals; the apiserver does the same with its mailbox. It takes every
request waiting there at once (the runtime's ``receive_batch``) and handles each as before,
in mailbox order and one at a time: defaulting, admission, validation, the decision to write.
Only the write itself waits: a handler that reaches the store is parked at its ``Txn`` (a
``_Slot``), and the next request goes on. Once no request can go further, the parked writes
go to etcd as one ``TxnBatch`` (each its own transaction, compare and revision), and their
handlers resume in order, each with its own outcome, and answer their own callers: a
Conflict or an Invalid stays with the request that made it and stores nothing.

What the batch keeps of handling requests one by one:

- a request's own write sees everything before it about the same object: a request whose
  object has a write parked in the batch waits (a ``_BARRIER``) until that write is
  committed and in the watch cache, so two writes of one object are made in order, each on
  the other's result;
- every request that is not one plain write (reads, watches, collections, evictions, CRDs,
  Services, the timers) is *exclusive*: the batch is committed before it, and it runs alone,
  so a read sees every write that came before it in the mailbox (read-your-writes for each
  caller);
- a handler that waits for anything else (the watch cache, a lease from etcd, another actor)
  lets the batch be committed first and then waits, as a lone request does;
- revisions follow the order in which writes were parked, so watchers, which get events in
  revision order, see them in that order.

What changes: requests of one batch for different objects are concurrent, as requests of
different clients always are. Request B's admission (say, that its namespace exists) does
not see request A's write of another object when both wait in the mailbox together, as
neither of them was answered yet: the same as a real apiserver's concurrent requests, and as
this apiserver's pipelined writes over a durable store already were.

The handlers stay ordinary coroutines: the driver steps them itself (``coroutine.send``),
reading what each waits for. Parked slots are the only thing they yield that is the driver's;
anything else is a future of the event loop, which the driver awaits on their behalf.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Generator, Sequence
from typing import Any

from kube_actors.actors import Mail
from kube_actors.etcd import Txn, TxnResponse

__all__ = ["GroupCommit", "Handled", "Outcome"]

#: What the store made of one write: its response, or the error it alone raised.
Outcome = TxnResponse | Exception
#: Commits writes ``(key, txn)`` as one request: one outcome each, in order, and the
#: future their durability resolves (None when they are durable already).
CommitFn = Callable[
    [Sequence[tuple[str, Txn]]], Awaitable[tuple[Sequence[Outcome], asyncio.Future[None] | None]]
]
#: Answers a request: its mail, its result or error, the commit its answer must wait for.
AnswerFn = Callable[[Mail, Any, Exception | None, "asyncio.Future[None] | None"], None]


class _Job:
    """One request of the batch being handled and its handler's coroutine (a request whose
    handler parked its write at once, ``GroupCommit.write_then``, has its ``_Slot`` only)."""

    __slots__ = ("coroutine", "durable", "mail")

    def __init__(self, mail: Mail, coroutine: Coroutine[Any, Any, Any]) -> None:
        self.mail = mail
        self.coroutine = coroutine
        #: The commit of this request's writes, if the store must still make them durable.
        self.durable: asyncio.Future[None] | None = None


class _Slot:
    """A write parked until its batch is committed: what a handler awaits for it, or what
    a handler that has nothing to await hands the driver, with what answers the request
    from the write's response (``then``), and that request's mail (no ``_Job`` for it)."""

    __slots__ = ("job", "key", "mail", "outcome", "then", "txn")

    def __init__(
        self, key: str, txn: Txn, then: Callable[[TxnResponse], Any] | None = None
    ) -> None:
        self.key = key
        self.txn = txn
        self.then = then
        self.job: _Job | None = None
        self.mail: Mail | None = None
        self.outcome: Outcome | None = None

    def __await__(self) -> Generator[Any, None, TxnResponse]:
        yield self
        outcome = self.outcome
        if isinstance(outcome, Exception):
            raise outcome
        assert outcome is not None
        return outcome


#: What a handler is to the driver: its coroutine, or its write parked at once (``write_then``).
Handled = Coroutine[Any, Any, Any] | _Slot


class _Barrier:
    """Awaited by a handler that must see the batch's parked writes committed first."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, None]:
        yield self


_BARRIER = _Barrier()

#: What ``GroupCommit._step`` returns once a handler has answered or parked its write.
_STEPPED = object()


class GroupCommit:
    """Drives a batch of requests and commits their writes together (see the module)."""

    __slots__ = ("_answer", "_commit", "_handle", "_parked", "driving", "parked_keys")

    def __init__(
        self,
        handle: Callable[[Any], Handled],
        commit: CommitFn,
        answer: AnswerFn,
    ) -> None:
        self._handle = handle
        self._commit = commit
        self._answer = answer
        #: Writes parked for the next commit, in the order they were made.
        self._parked: list[_Slot] = []
        #: The storage keys those writes change (read it as ``waits_for`` does, where a
        #: method's call on every write counts).
        self.parked_keys: set[str] = set()
        #: True while a request's handler runs under the driver: its writes are parked.
        self.driving = False

    # ------------------------------------------------------------- what handlers call

    def write(self, key: str, txn: Txn) -> _Slot:
        """Park a write of ``key`` for the batch's commit; await it for its response."""
        self.parked_keys.add(key)
        return _Slot(key, txn)

    def write_then(self, key: str, txn: Txn, then: Callable[[TxnResponse], Any]) -> _Slot:
        """Park a write of ``key`` for the batch's commit, for a handler with nothing left
        to do but answer ``then(response)``: to be returned by the handler (instead of a
        coroutine), which needs no coroutine then (a thousand kubelets' Lease renewals a
        batch)."""
        self.parked_keys.add(key)
        return _Slot(key, txn, then)

    @property
    def parked(self) -> int:
        """How many writes wait for the next commit: each takes a revision if it writes."""
        return len(self._parked)

    def waits_for(self, key: str) -> bool:
        """Whether a write of ``key`` is parked: the caller must ``barrier`` first."""
        return key in self.parked_keys

    def barrier(self) -> _Barrier:
        """Await it to have every parked write committed before going on."""
        return _BARRIER

    # ------------------------------------------------------------------- the driver

    async def run(self, batch: Sequence[Mail], exclusive: Callable[[Any], bool]) -> None:
        """Handle ``batch`` in order; a request ``exclusive`` says so runs alone."""
        jobs: list[_Job] = []
        try:
            for mail in batch:
                alone = exclusive(mail.message)
                if alone:
                    await self._flush()
                handled = self._start(mail)
                if isinstance(handled, _Slot):  # parked at once: answered by its ``then``
                    handled.mail = mail
                    self._parked.append(handled)
                elif handled is not None:
                    job = _Job(mail, handled)
                    jobs.append(job)
                    waited = self._step(job)
                    if waited is not _STEPPED:
                        await self._advance(job, waited)
                if alone:
                    await self._flush()
            await self._flush()
        except BaseException:
            # Cancelled (the apiserver stops) or a bug: no handler is left half-way, and the
            # runtime tells every caller not yet answered that the actor went away.
            self._parked.clear()
            self.parked_keys.clear()
            for job in jobs:
                job.coroutine.close()
            raise

    def _start(self, mail: Mail) -> Handled | None:
        """``mail``'s handler as the driver takes it: a coroutine to step, or its write
        parked already (a handler may park a write as it is called, ``write_then``), or
        None when it failed at once (answered then)."""
        if mail.trace_id is not None:
            mail.enter()
        self.driving = True
        try:
            return self._handle(mail.message)
        except Exception as error:
            self._answer(mail, None, error, None)
            return None
        finally:
            self.driving = False

    def _step(self, job: _Job) -> Any:
        """Run ``job``'s handler on to its next wait: ``_STEPPED`` once it has answered or
        parked a write, else what it waits for (a barrier, a future, None for a bare yield).
        A call, not a coroutine: most requests get that far in one step, or two with a write
        parked, and only what waits for more needs ``_advance``."""
        mail = job.mail
        if mail.trace_id is not None:  # ``enter``, called only when it has work to do
            mail.enter()
        coroutine = job.coroutine
        self.driving = True
        try:
            waited = coroutine.send(None)
        except StopIteration as done:
            self._answer(mail, done.value, None, job.durable)
            return _STEPPED
        except Exception as error:
            self._answer(mail, None, error, job.durable)
            return _STEPPED
        finally:
            self.driving = False
        if type(waited) is _Slot:
            waited.job = job
            self._parked.append(waited)
            return _STEPPED
        return waited

    async def _advance(self, job: _Job, waited: Any) -> None:
        """``job``'s handler waits for ``waited`` (``_step``): the writes parked before it
        go first, then it waits as a lone request would, and steps on until it has answered
        or parked a write."""
        while waited is not _STEPPED:
            await self._flush()
            if waited is None:
                await asyncio.sleep(0)
            elif waited is not _BARRIER:
                await _settled(waited)
            waited = self._step(job)

    async def _flush(self) -> None:
        """Commit the parked writes as one request and resume their handlers, in order."""
        while self._parked:
            parked, self._parked = self._parked, []
            self.parked_keys.clear()
            try:
                outcomes, durable = await self._commit([(slot.key, slot.txn) for slot in parked])
            except Exception as error:  # the store is out of reach: every write says so
                outcomes, durable = [error] * len(parked), None
            for slot, outcome in zip(parked, outcomes, strict=True):
                slot.outcome = outcome
                if durable is not None and slot.job is not None:
                    slot.job.durable = durable
            for slot in parked:
                if slot.then is not None:  # ``write_then``'s: this commit's alone
                    assert slot.mail is not None
                    self._finish(slot.mail, slot.then, slot.outcome, durable)
                    continue
                job = slot.job
                assert job is not None
                waited = self._step(job)
                if waited is not _STEPPED:
                    await self._advance(job, waited)

    def _finish(
        self,
        mail: Mail,
        then: Callable[[TxnResponse], Any],
        outcome: Outcome | None,
        durable: asyncio.Future[None] | None,
    ) -> None:
        """Answer the request of a write parked by ``write_then`` from its ``outcome``, as
        its handler would have answered had it awaited the write."""
        if mail.trace_id is not None:
            mail.enter()
        if isinstance(outcome, Exception):  # the store's error for this write alone
            self._answer(mail, None, outcome, durable)
            return
        assert outcome is not None
        try:
            result = then(outcome)
        except Exception as error:
            self._answer(mail, None, error, durable)
            return
        self._answer(mail, result, None, durable)


async def _settled(future: Any) -> None:
    """Wait for what a driven handler yielded (the loop wakes the driver instead of it),
    without taking its outcome: the handler reads that when it resumes."""
    future._asyncio_future_blocking = False  # as a task does with what it is given
    await asyncio.wait((future,))
