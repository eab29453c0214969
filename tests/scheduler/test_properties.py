"""Properties of whole clusters (hypothesis, virtual time): a bound pod always fits its
node, no node is over-committed, nothing lands where a filter rejects it, and a pod left
pending fits nowhere; plus default spreading fed by the pod's owners."""

from __future__ import annotations

from typing import Any, cast

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.actors import run
from kube_actors.api import (
    LabelSelector,
    ObjectMeta,
    OwnerReference,
    Pod,
    ReplicaSet,
    ReplicaSetSpec,
    Service,
    ServiceSpec,
    StatefulSet,
    StatefulSetSpec,
    Taint,
    Toleration,
)
from kube_actors.client import Client, SharedInformer, object_key
from kube_actors.scheduler import CycleState, FitError, PodInfo
from kube_actors.scheduler._owners import OwnerSelectors

from ._builders import framework, node, pod, snapshot_of

DEDICATED = Taint(key="dedicated", value="db", effect="NoSchedule")

nodes_strategy = st.lists(
    st.builds(
        lambda cpu, zone, tainted: (cpu, zone, tainted),
        st.sampled_from(["1", "2", "4"]),
        st.sampled_from(["a", "b"]),
        st.booleans(),
    ),
    min_size=1,
    max_size=4,
)
pods_strategy = st.lists(
    st.builds(
        lambda cpu, zone, tolerate: (cpu, zone, tolerate),
        st.sampled_from(["100m", "500m", "900m", "1500m", "3"]),
        st.sampled_from([None, "a", "b"]),
        st.booleans(),
    ),
    min_size=1,
    max_size=10,
)


async def _scenario(node_specs: list, pod_specs: list) -> tuple[list, list]:  # type: ignore[type-arg]
    async with Cluster(controllers=(), seed=3) as cluster:
        client = cluster.client
        for i, (cpu, zone, tainted) in enumerate(node_specs):
            taints = [DEDICATED] if tainted else []
            await client.create(node(f"n{i}", cpu=cpu, labels={"zone": zone}, taints=taints))
        await cluster.settle()
        for i, (cpu, zone, tolerate) in enumerate(pod_specs):
            tolerations = [Toleration(key="dedicated", operator="Exists")] if tolerate else []
            selector = {"zone": zone} if zone else None
            await client.create(
                pod(f"p{i}", cpu=cpu, node_selector=selector, tolerations=tolerations)
            )
        await cluster.settle(horizon=30)
        return await client.list(type(node("x"))), await client.list(Pod, namespace="default")


@settings(max_examples=15)
@given(nodes_strategy, pods_strategy)
def test_bound_pods_fit_their_nodes_and_pending_pods_fit_nowhere(
    node_specs: list,  # type: ignore[type-arg]
    pod_specs: list,  # type: ignore[type-arg]
) -> None:
    nodes, pods = run(_scenario, node_specs, pod_specs)
    bound = [p for p in pods if p.spec.node_name]
    pending = [p for p in pods if not p.spec.node_name]
    by_name = {n.metadata.name: n for n in nodes}
    used: dict[str, int] = {}
    for p in bound:
        info, where = PodInfo(p), by_name[p.spec.node_name]
        used[where.metadata.name] = used.get(where.metadata.name, 0) + info.milli_cpu
        assert all(where.metadata.labels.get(k) == v for k, v in p.spec.node_selector.items())
        assert all(
            any(t.tolerates(taint) for t in p.spec.tolerations) for taint in where.spec.taints
        )
    for name, milli in used.items():
        assert milli <= by_name[name].status.allocatable["cpu"].milli_value()
    # What is left pending, a fresh framework over the final state also cannot place.
    fw = framework(snapshot_of(nodes, bound))
    for p in pending:
        assert isinstance(fw.schedule(CycleState(), PodInfo(p)), FitError), p.metadata.name


def test_the_owner_selector_merges_the_selecting_services_and_the_controlling_set() -> None:
    # No client: the caches are filled by hand.
    owners = OwnerSelectors(cast("Client", None))
    objects: list[Any] = [
        Service(
            metadata=ObjectMeta(name="web", namespace="default"),
            spec=ServiceSpec(selector={"app": "web"}),
        ),
        Service(
            metadata=ObjectMeta(name="db", namespace="default"),
            spec=ServiceSpec(selector={"app": "db"}),
        ),
        ReplicaSet(
            metadata=ObjectMeta(name="web-1", namespace="default"),
            spec=ReplicaSetSpec(selector=LabelSelector(match_labels={"app": "web", "hash": "1"})),
        ),
        StatefulSet(
            metadata=ObjectMeta(name="web-1", namespace="default"),
            spec=StatefulSetSpec(selector=LabelSelector(match_labels={"other": "x"})),
        ),
    ]
    informers: list[SharedInformer[Any]] = [
        owners.services,
        owners.services,
        owners.replica_sets,
        owners.stateful_sets,
    ]
    for obj, informer in zip(objects, informers, strict=True):
        informer.indexer.put(object_key(obj), obj)
    owner = OwnerReference(
        api_version="apps/v1", kind="ReplicaSet", name="web-1", uid="u", controller=True
    )
    web = pod("w", labels={"app": "web", "hash": "1"})
    web = attrs.evolve(web, metadata=attrs.evolve(web.metadata, owner_references=[owner]))
    selector = owners.selector(PodInfo(web))
    assert str(selector) == "app=web,app=web,hash=1"
    assert owners.selector(PodInfo(pod("lonely", labels={"app": "x"}))).is_everything()
