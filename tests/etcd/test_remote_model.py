"""``RemoteBackend`` on a real etcd against ``MemoryBackend``: the same requests, the same
answers.

A hypothesis state machine sends both the same puts, deletes, transactions (compares of
version, revisions and values; puts, deletes and ranges in either branch), ranges (at past
revisions, with limits, keys only, count only), compactions and watches from a revision, and
compares what comes back. etcd is shared by every example, so each example writes under a
prefix of its own and its revisions are etcd's minus the revision it started at: compared
relatively, every write must move both stores by the same one revision.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kube_actors.errors import Compacted, FutureRevision
from kube_actors.etcd import (
    FROM_KEY,
    Compare,
    DeleteRange,
    KeyEvent,
    KeyValue,
    MemoryBackend,
    Put,
    Range,
    Txn,
    TxnOp,
    prefix_end,
)
from kube_actors.etcd._keys import in_range

from .conftest import SyncEtcd, need_etcd

KEYS = ("a", "a/x", "a/y", "b")
RANGES = (
    *((key, None) for key in KEYS),
    ("a/", prefix_end("a/")),
    ("a", "b"),
    ("a/y", FROM_KEY),
    ("", FROM_KEY),
)
#: A transaction's operation: what, on which key.
OPS = st.tuples(st.sampled_from(("put", "delete", "range")), st.sampled_from(KEYS))
_examples = itertools.count()
#: The revision etcd was last compacted at, by any example.
_compacted = [0]


@pytest.fixture(scope="module")
def etcd() -> Iterator[SyncEtcd]:
    need_etcd()
    store = SyncEtcd()
    yield store
    store.close()


class Differential(RuleBasedStateMachine):
    #: The etcd every example shares (set by the test).
    etcd: ClassVar[SyncEtcd]

    def __init__(self) -> None:
        super().__init__()
        self.memory = MemoryBackend()
        self.prefix = f"/model-{next(_examples)}/"
        #: etcd's revision is the memory store's plus this.
        self.offset = self.etcd.revision - self.memory.revision

    # ------------------------------------------------------------------- translation

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _end(self, range_end: str | None) -> str | None:
        # "Every key from" stays inside this example's keys: up to the end of its prefix.
        if range_end == FROM_KEY:
            return prefix_end(self.prefix)
        return self.prefix + range_end if range_end else range_end

    def _remote(self, request: Any) -> Any:
        if isinstance(request, Put):
            return Put(key=self._key(request.key), value=request.value, prev_kv=request.prev_kv)
        if isinstance(request, DeleteRange):
            return DeleteRange(
                key=self._key(request.key),
                range_end=self._end(request.range_end),
                prev_kv=request.prev_kv,
            )
        if isinstance(request, Range):
            return Range(
                key=self._key(request.key),
                range_end=self._end(request.range_end),
                revision=request.revision + self.offset if request.revision else 0,
                limit=request.limit,
                keys_only=request.keys_only,
                count_only=request.count_only,
            )
        assert isinstance(request, Txn)
        return Txn(
            compare=[self._compare(c) for c in request.compare],
            success=[self._remote(op) for op in request.success],
            failure=[self._remote(op) for op in request.failure],
        )

    def _compare(self, compare: Compare) -> Compare:
        operand = compare.operand
        if compare.target.name in ("MOD", "CREATE") and isinstance(operand, int) and operand:
            operand += self.offset
        return Compare(
            key=self._key(compare.key), target=compare.target, op=compare.op, operand=operand
        )

    def _kv(self, kv: KeyValue | None, *, remote: bool) -> tuple[Any, ...] | None:
        if kv is None:
            return None
        offset = self.offset if remote else 0
        key = kv.key.removeprefix(self.prefix) if remote else kv.key
        created = kv.create_revision - offset if kv.create_revision else 0
        return (key, kv.value, created, kv.mod_revision - offset, kv.version)

    def _answer(self, response: Any, *, remote: bool) -> Any:
        """A response with keys and revisions as the memory store names them."""
        offset = self.offset if remote else 0
        fields: dict[str, Any] = {"revision": response.revision - offset}
        for name in ("count", "more", "deleted", "succeeded"):
            if hasattr(response, name):
                fields[name] = getattr(response, name)
        if hasattr(response, "kvs"):
            fields["kvs"] = [self._kv(kv, remote=remote) for kv in response.kvs]
        if hasattr(response, "prev_kv"):
            fields["prev_kv"] = self._kv(response.prev_kv, remote=remote)
        if hasattr(response, "prev_kvs"):
            fields["prev_kvs"] = [self._kv(kv, remote=remote) for kv in response.prev_kvs]
        if hasattr(response, "responses"):
            fields["responses"] = [self._answer(r, remote=remote) for r in response.responses]
        return fields

    def _both(self, request: Any, call: str) -> None:
        outcomes = []
        for store, remote in ((self.memory, False), (self.etcd, True)):
            try:
                answer = getattr(store, call)(self._remote(request) if remote else request)
            except (Compacted, FutureRevision, ValueError) as error:
                outcomes.append(type(error).__name__)
            else:
                outcomes.append(self._answer(answer, remote=remote))
        assert outcomes[0] == outcomes[1], f"{request}: memory {outcomes[0]}, etcd {outcomes[1]}"

    # ------------------------------------------------------------------------- rules

    @rule(key=st.sampled_from(KEYS), value=st.integers(0, 3), prev_kv=st.booleans())
    def put(self, key: str, value: int, prev_kv: bool) -> None:
        self._both(Put(key=key, value=value, prev_kv=prev_kv), "put")

    @rule(span=st.sampled_from(RANGES), prev_kv=st.booleans())
    def delete(self, span: tuple[str, str | None], prev_kv: bool) -> None:
        self._both(DeleteRange(key=span[0], range_end=span[1], prev_kv=prev_kv), "delete")

    @rule(
        span=st.sampled_from(RANGES),
        back=st.integers(0, 6),
        limit=st.integers(0, 3),
        keys_only=st.booleans(),
        count_only=st.booleans(),
    )
    def range(
        self, span: tuple[str, str | None], back: int, limit: int, keys_only: bool, count_only: bool
    ) -> None:
        revision = max(self.memory.revision - back, 1) if back else 0
        request = Range(
            key=span[0],
            range_end=span[1],
            revision=revision,
            limit=limit,
            keys_only=keys_only,
            count_only=count_only,
        )
        self._both(request, "range")

    @rule(
        key=st.sampled_from(KEYS),
        what=st.sampled_from(("version", "mod_revision", "create_revision", "value")),
        op=st.sampled_from(("=", "!=", "<", ">")),
        operand=st.integers(0, 4),
        success=st.lists(
            st.tuples(st.sampled_from(("put", "delete", "range")), st.sampled_from(KEYS)),
            max_size=2,
        ),
        failure=st.lists(
            st.tuples(st.sampled_from(("put", "delete", "range")), st.sampled_from(KEYS)),
            max_size=2,
        ),
    )
    def txn(
        self,
        key: str,
        what: str,
        op: Any,
        operand: int,
        success: list[tuple[str, str]],
        failure: list[tuple[str, str]],
    ) -> None:
        target = what
        if target == "value" and op in ("<", ">"):
            op = "="  # etcd orders encoded bytes: the etcd store compares values for equality
        if target in ("mod_revision", "create_revision") and operand:
            operand = max(self.memory.revision - operand, 1)

        def ops(spec: list[tuple[str, str]]) -> list[TxnOp]:
            # etcd writes a key at most once per branch: the first operation on each key.
            first: dict[str, str] = {}
            for kind, k in spec:
                first.setdefault(k, kind)
            made: list[TxnOp] = []
            for k, kind in first.items():
                if kind == "put":
                    made.append(Put(key=k, value=operand, prev_kv=True))
                elif kind == "delete":
                    made.append(DeleteRange(key=k, prev_kv=True))
                else:
                    made.append(Range(key=k))
            return made

        compare = getattr(Compare, target)(key, op, operand)
        self._both(Txn(compare=[compare], success=ops(success), failure=ops(failure)), "txn")

    @rule(back=st.integers(0, 4))
    def compact(self, back: int) -> None:
        revision = max(self.memory.revision - back, 1)
        if revision <= self.memory.compact_revision or revision + self.offset <= _compacted[0]:
            return  # compacted already (an earlier example may have compacted etcd there)
        self.memory.compact(revision)
        self.etcd.compact(revision + self.offset)
        _compacted[0] = revision + self.offset

    @rule(span=st.sampled_from(RANGES), back=st.integers(1, 6))
    def watch_from(self, span: tuple[str, str | None], back: int) -> None:
        current = self.memory.revision
        start = max(current - back + 1, 1)
        if start <= self.memory.compact_revision:
            return  # the compacted past: both refuse it, which ranges check already
        key, end = span
        expected = [
            self._event(e, remote=False)
            for e in self.memory.changes(start, current)
            if in_range(e.kv.key, key, end)
        ]
        got = self._watch(self._key(key), self._end(end), start + self.offset, len(expected))
        assert [self._event(e, remote=True) for e in got] == expected

    def _event(self, event: KeyEvent, *, remote: bool) -> tuple[Any, ...]:
        kv = event.kv
        offset = self.offset if remote else 0
        key = kv.key.removeprefix(self.prefix) if remote else kv.key
        prev = self._kv(event.prev_kv, remote=remote)
        return (event.type.name, key, kv.mod_revision - offset, kv.value, prev)

    def _watch(self, key: str, end: str | None, start: int, count: int) -> list[KeyEvent]:
        """The first ``count`` events a watch of etcd from ``start`` delivers (the model
        says how many are due: reading on would wait for writes that do not come)."""

        async def read() -> list[KeyEvent]:
            events: list[KeyEvent] = []
            if not count:
                return events
            async with self.etcd.backend.watch(key, end, start_revision=start) as watcher:
                async for batch in watcher:
                    events += batch
                    if len(events) >= count:
                        break
            return events

        return self.etcd._run(asyncio.wait_for(read(), 10))

    @invariant()
    def same_revision(self) -> None:
        assert self.etcd.backend.revision - self.offset == self.memory.revision


def test_remote_backend_answers_as_the_memory_backend(etcd: SyncEtcd) -> None:
    Differential.etcd = etcd
    run_state_machine_as_test(
        Differential,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
