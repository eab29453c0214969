"""A Lease renewal is recognised as the apiserver takes the update and goes straight to the
store (``ApiServer._renewal``): the same answers, the same stored Leases and the same watch
events as along the general update path, for renewals and for the updates that only look
like one (another manager, a stale resourceVersion, a bad manager, dry-run, a Lease being
deleted or gone, one admission changes, one that changes more than its renewTime)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
from collections.abc import Sequence
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import (
    Ingress,
    Lease,
    LeaseSpec,
    Namespace,
    ObjectMeta,
    PersistentVolumeClaim,
    Pod,
    evolve,
    kind_info,
    to_dict,
)
from kube_actors.apiserver import DEFAULT_PLUGINS, ApiServer
from kube_actors.apiserver._actor import _VALID_MANAGERS_KEPT
from kube_actors.apiserver._admission import default_tolerations, for_updates
from kube_actors.apiserver._admission_types import AdmissionPlugin
from kube_actors.apiserver._group_commit import GroupCommit
from kube_actors.errors import ApiError

from ._objects import NoLookups

_NAMESPACE = "kube-node-lease"
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

#: What a step does to the Lease it names (``_scenario``).
_STEPS = (
    "renew",
    "renew-same-time",
    "renew-by-another",
    "renew-stale",
    "renew-bad-manager",
    "renew-dry-run",
    "renew-and-grow",
    "finalize",
    "delete",
)


def _stamp_marked(operation: str, info: Any, obj: Any, old: Any, lookup: Any) -> Any:
    """An admission plugin that changes the renewals of Leases labelled ``stamp``."""
    if operation != "UPDATE" or not isinstance(obj, Lease) or "stamp" not in obj.metadata.labels:
        return obj
    return evolve(obj, spec=evolve(obj.spec, holder_identity="admission"))


def _lease(name: str, labels: dict[str, str]) -> Lease:
    return Lease(
        metadata=ObjectMeta(name=name, namespace=_NAMESPACE, labels=labels),
        spec=LeaseSpec(holder_identity=name, lease_duration_seconds=40, renew_time=_EPOCH),
    )


def _outcome(result: Any) -> Any:
    if isinstance(result, ApiError):
        return (type(result).__name__, str(result))
    return to_dict(result)


async def _scenario(
    steps: Sequence[tuple[str, str]], *, together: int = 1, admission: Sequence[Any] = ()
) -> list[Any]:
    """Run ``steps`` (what, on which Lease) on a fresh cluster, ``together`` at a time
    (sent at once: one batch of the apiserver's, ``_group_commit``), with ``admission``
    (default: Kubernetes' plugins and one that changes the Leases labelled ``stamp``):
    every answer, then the Leases as stored, then every watch event of them."""
    outcomes: list[Any] = []
    async with Cluster(
        controllers=(),
        scheduler=False,
        nodes=0,
        clock="virtual",
        admission=admission or (*DEFAULT_PLUGINS, _stamp_marked),
    ) as cluster:
        client = cluster.client
        first = {
            name: await client.create(_lease(name, labels), field_manager="kubelet")
            for name, labels in (("plain", {}), ("stamped", {"stamp": "yes"}))
        }
        last = dict(first)
        start = min(int(lease.metadata.resource_version) for lease in first.values())

        async def step(seconds: int, what: str, name: str) -> Any:
            lease = last[name]
            renew: dt.datetime | None = _EPOCH + dt.timedelta(seconds=seconds)
            if what == "renew-same-time":  # a no-op update
                renew = lease.spec.renew_time
            renewal = evolve(lease, spec=evolve(lease.spec, renew_time=renew))
            manager, dry_run = "kubelet", False
            if what == "renew-by-another":
                manager = "someone-else"
            elif what == "renew-stale":
                renewal = evolve(renewal, metadata=first[name].metadata)
            elif what == "renew-bad-manager":
                manager = "bad\x00manager"
            elif what == "renew-dry-run":
                dry_run = True
            elif what == "renew-and-grow":
                renewal = evolve(renewal, spec=evolve(renewal.spec, lease_transitions=seconds))
            elif what == "finalize":
                renewal = evolve(
                    renewal, metadata=evolve(renewal.metadata, finalizers=("example.com/hold",))
                )
            try:
                if what == "delete":
                    result: Any = await client.delete(Lease, name, namespace=_NAMESPACE)
                else:
                    result = await client.update(renewal, field_manager=manager, dry_run=dry_run)
            except ApiError as error:
                result = error
            if isinstance(result, Lease) and not dry_run:
                last[name] = result
            return result

        for at in range(0, len(steps), together):
            await cluster.settle(horizon=1.0)  # a round of renewals a second
            seconds = at // together + 1
            results = await asyncio.gather(
                *(step(seconds, what, name) for what, name in steps[at : at + together])
            )
            outcomes += [_outcome(result) for result in results]
        stored = await client.list_page(Lease, namespace=_NAMESPACE)
        outcomes.append([to_dict(lease) for lease in stored.items])
        stream = await client.watch(
            Lease, namespace=_NAMESPACE, resource_version=str(start - 1), allow_bookmarks=False
        )
        events: list[Any] = []
        while not events or events[-1][1] != stored.resource_version:
            batch = await stream.next_batch()
            events += [(e.type, e.obj.metadata.resource_version, to_dict(e.obj)) for e in batch]
        stream.close()
        outcomes.append(events)
    return outcomes


def _general(steps: Sequence[tuple[str, str]], **options: Any) -> list[Any]:
    """``_scenario`` with every update taking the general path."""
    with mock.patch.object(ApiServer, "_renewal", return_value=None):
        return run(functools.partial(_scenario, steps, **options))


def _steps(min_size: int, max_size: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Lists of steps, each what on which Lease (``_scenario``)."""
    return st.lists(
        st.tuples(st.sampled_from(_STEPS), st.sampled_from(["plain", "stamped"])),
        min_size=min_size,
        max_size=max_size,
    )


@settings(max_examples=12, deadline=None)
@given(steps=_steps(1, 6))
def test_the_renewal_shortcut_answers_stores_and_watches_as_the_general_path(
    steps: list[tuple[str, str]],
) -> None:
    assert run(_scenario, steps) == _general(steps)


@pytest.mark.parametrize(
    "steps",
    [
        [("renew", "plain")] * 3,
        [(what, name) for what in _STEPS for name in ("plain", "stamped")],
    ],
)
def test_every_kind_of_step_answers_as_the_general_path(steps: list[tuple[str, str]]) -> None:
    shortcut = run(_scenario, steps)
    assert shortcut == _general(steps)
    assert any(isinstance(o, dict) for o in shortcut[: len(steps)])  # not all refused


@settings(max_examples=12, deadline=None)
@given(
    steps=_steps(2, 12),
    together=st.integers(min_value=2, max_value=6),
)
def test_renewals_sent_together_answer_store_and_watch_as_the_general_path(
    steps: list[tuple[str, str]], together: int
) -> None:
    """In one batch, with no plugin acting on updates, a renewal's write is parked as the
    apiserver takes it (``_parked_renewal``): the same outcomes as one by one along the
    general path, two renewals of one Lease in a batch, stale and refused ones included."""
    options: dict[str, Any] = {"together": together, "admission": DEFAULT_PLUGINS}
    assert run(functools.partial(_scenario, steps, **options)) == _general(steps, **options)


def test_renewals_of_a_batch_are_parked_as_the_apiserver_takes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parked: list[str] = []
    write_then = GroupCommit.write_then

    def counted(self: GroupCommit, key: str, txn: Any, then: Any) -> Any:
        parked.append(key)
        return write_then(self, key, txn, then)

    monkeypatch.setattr(GroupCommit, "write_then", counted)
    steps = [("renew", "plain"), ("renew", "stamped")] * 3
    options: dict[str, Any] = {"together": 2, "admission": DEFAULT_PLUGINS}
    assert run(functools.partial(_scenario, steps, **options)) == _general(steps, **options)
    # Every renewal: the creates that made the Leases checked their field manager's name
    # (the kubelet's), which the apiserver remembers as valid for the renewals.
    assert len(parked) == len(steps)


async def test_a_kubelets_renewal_does_not_go_through_the_general_update_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every renewal of a kubelet's own Lease takes the shortcut: ``_update`` (defaulting,
    preparing, the general managedFields and store) is not reached."""
    general = ApiServer._update
    updated: list[str] = []

    def counted(self: ApiServer, obj: Any, write: Any) -> Any:
        updated.append(obj.metadata.name)
        return general(self, obj, write)

    monkeypatch.setattr(ApiServer, "_update", counted)
    async with Cluster(nodes=2, clock="virtual") as cluster:
        await cluster.settle()
        before = await cluster.client.list(Lease, namespace=_NAMESPACE)
        updated.clear()
        await cluster.settle(horizon=60)
        after = await cluster.client.list(Lease, namespace=_NAMESPACE)
    assert len(before) == 2  # each node's Lease
    for old, new in zip(before, after, strict=True):
        assert old.spec.renew_time is not None
        assert new.spec.renew_time is not None
        assert new.spec.renew_time > old.spec.renew_time
    assert updated == []


@given(
    obj=st.sampled_from(
        [
            _lease("node-a", {}),
            _lease("node-b", {"stamp": "yes"}),
            Pod(metadata=ObjectMeta(name="web", namespace="default")),
            PersistentVolumeClaim(metadata=ObjectMeta(name="data", namespace="default")),
            Ingress(metadata=ObjectMeta(name="site", namespace="default")),
            Namespace(metadata=ObjectMeta(name="kube-system")),
        ]
    ),
    plugin=st.sampled_from(DEFAULT_PLUGINS),
)
def test_the_default_admission_plugins_pass_any_update_as_it_came(
    obj: Any, plugin: AdmissionPlugin
) -> None:
    """What ``for_updates`` rests on: every default plugin gives an update back as it
    came, looking nothing up (they act on creates, NamespaceLifecycle on deletes too)."""
    info = kind_info(type(obj))
    assert plugin("UPDATE", info, obj, obj, NoLookups()) is obj


def test_an_update_passes_the_plugins_that_may_act_on_it_in_order() -> None:
    assert for_updates(DEFAULT_PLUGINS) == ()
    tolerations = default_tolerations(60)  # a plugin of its own, not the default one
    chain: tuple[AdmissionPlugin, ...] = (
        _stamp_marked,
        *DEFAULT_PLUGINS[:3],
        tolerations,
        *DEFAULT_PLUGINS[3:],
        _stamp_marked,
    )
    assert for_updates(chain) == (_stamp_marked, tolerations, _stamp_marked)


async def test_the_checked_manager_names_a_renewal_remembers_stay_bounded() -> None:
    # Any client names its field manager; a memo of the names found valid must not grow
    # with each new one, and a name it forgot or never saw is still checked.
    async with Cluster(controllers=(), scheduler=False, nodes=0, clock="virtual") as cluster:
        client = cluster.client
        lease = await client.create(_lease("many", {}), field_manager="kubelet")
        for i in range(_VALID_MANAGERS_KEPT + 40):
            renew = _EPOCH + dt.timedelta(seconds=i + 1)
            renewal = evolve(lease, spec=evolve(lease.spec, renew_time=renew))
            lease = await client.update(renewal, field_manager=f"renewer-{i}")
        ref = cluster.system.lookup("kube-apiserver")
        assert ref is not None
        server = ref._cell.instance
        assert isinstance(server, ApiServer)
        assert 0 < len(server._valid_managers) <= _VALID_MANAGERS_KEPT
        renewal = evolve(lease, spec=evolve(lease.spec, renew_time=_EPOCH))
        with pytest.raises(ApiError, match="fieldManager"):
            await client.update(renewal, field_manager="bad\x00manager")
