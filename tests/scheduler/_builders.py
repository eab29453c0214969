"""Nodes and pods for the scheduler tests, built in one line each."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kube_actors.api import (
    Affinity,
    Container,
    ContainerPort,
    Node,
    NodeSpec,
    NodeStatus,
    ObjectMeta,
    Pod,
    PodSpec,
    ResourceRequirements,
    Taint,
    Toleration,
    TopologySpreadConstraint,
)
from kube_actors.scheduler import (
    CycleState,
    FitError,
    Framework,
    PodInfo,
    Profile,
    ScheduleResult,
    Snapshot,
    in_tree_registry,
)
from kube_actors.scheduler.framework import (
    SUCCESS,
    BatchFilterPlugin,
    BatchScorePlugin,
    NormalizeScorePlugin,
    PreFilterPlugin,
    Status,
)

ZONE = "topology.kubernetes.io/zone"
HOSTNAME = "kubernetes.io/hostname"


def node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "32Gi",
    pods: int = 110,
    labels: Mapping[str, str] | None = None,
    taints: Sequence[Taint] = (),
    unschedulable: bool = False,
    images: Sequence[Any] = (),
) -> Node:
    return Node(
        metadata=ObjectMeta(name=name, labels={HOSTNAME: name, **(labels or {})}),
        spec=NodeSpec(taints=taints, unschedulable=unschedulable or None),
        status=NodeStatus(
            allocatable={"cpu": cpu, "memory": memory, "pods": str(pods)},
            capacity={"cpu": cpu, "memory": memory, "pods": str(pods)},
            images=images,
        ),
    )


def pod(
    name: str,
    *,
    namespace: str = "default",
    cpu: str | None = "100m",
    memory: str | None = "500Mi",
    labels: Mapping[str, str] | None = None,
    node_name: str = "",
    node_selector: Mapping[str, str] | None = None,
    affinity: Affinity | None = None,
    tolerations: Sequence[Toleration] = (),
    spread: Sequence[TopologySpreadConstraint] = (),
    host_ports: Sequence[int] = (),
    priority: int | None = None,
    priority_class: str = "",
    image: str = "registry.k8s.io/pause:3.10",
    scheduler_name: str = "",
    preemption_policy: str | None = None,
) -> Pod:
    requests = {}
    if cpu is not None:
        requests["cpu"] = cpu
    if memory is not None:
        requests["memory"] = memory
    container = Container(
        name="app",
        image=image,
        resources=ResourceRequirements(requests=requests),
        ports=[ContainerPort(container_port=p, host_port=p) for p in host_ports],
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace=namespace, uid=f"uid-{name}", labels=labels or {}),
        spec=PodSpec(
            containers=[container],
            node_name=node_name,
            node_selector=node_selector or {},
            affinity=affinity,
            tolerations=tolerations,
            topology_spread_constraints=spread,
            priority=priority,
            priority_class_name=priority_class,
            scheduler_name=scheduler_name,
            preemption_policy=preemption_policy,
        ),
    )


def snapshot_of(nodes: Sequence[Node], pods: Sequence[Pod] = ()) -> Snapshot:
    snapshot = Snapshot()
    for n in nodes:
        snapshot.add_node(n)
    for p in pods:
        snapshot.add_pod(PodInfo(p), p.spec.node_name)
    return snapshot


def framework(
    snapshot: Snapshot, *, vectorized: bool = True, seed: int = 0, profile: Profile | None = None
) -> Framework:
    return Framework(
        profile or Profile(),
        in_tree_registry(),
        snapshot=snapshot,
        rng=random.Random(seed),
        vectorized=vectorized,
    )


def schedule(
    nodes: Sequence[Node], pods: Sequence[Pod], incoming: Pod, **kwargs: Any
) -> ScheduleResult | FitError:
    fw = framework(snapshot_of(nodes, pods), **kwargs)
    result = fw.schedule(CycleState(), PodInfo(incoming))
    assert isinstance(result, ScheduleResult | FitError), result
    return result


def scores(
    nodes: Sequence[Node], pods: Sequence[Pod], incoming: Pod, plugin: str, **kwargs: Any
) -> dict[str, int]:
    """Each feasible node's normalised, unweighted score from one plugin."""
    fw = framework(snapshot_of(nodes, pods), **kwargs)
    result = fw.schedule(CycleState(), PodInfo(incoming))
    assert isinstance(result, ScheduleResult), result
    share = result.plugin_scores.get(plugin)
    weight = fw.weights[plugin]
    names = [fw.snapshot.nodes[i].name for i in result.positions.tolist()]
    if share is None:
        return dict.fromkeys(names, 0)
    return {name: int(s) // weight for name, s in zip(names, share.tolist(), strict=True)}


def filter_statuses(
    plugin_name: str,
    nodes: Sequence[Node],
    pods: Sequence[Pod],
    incoming: Pod,
    *,
    profile: Profile | None = None,
) -> dict[str, Status]:
    """Each node's status from one plugin's Filter (after its PreFilter; Skip: all pass),
    checked against the plugin's vectorised ``filter_nodes``."""
    fw = framework(snapshot_of(nodes, pods), profile=profile)
    plugin = fw.plugin(plugin_name)
    snapshot = fw.snapshot
    snapshot.arrays  # noqa: B018  (positions)
    state, info = CycleState(), PodInfo(incoming)
    pre = plugin.pre_filter(state, info, snapshot) if isinstance(plugin, PreFilterPlugin) else None
    if pre is not None and pre.is_skip:
        return {n.name: SUCCESS for n in snapshot.nodes}
    if pre is not None and not pre.is_success:
        return {n.name: pre for n in snapshot.nodes}
    statuses = {n.name: plugin.filter(state, info, n) for n in snapshot.nodes}
    if isinstance(plugin, BatchFilterPlugin):
        mask = plugin.filter_nodes(state, info, snapshot)
        assert mask.tolist() == [s.is_success for s in statuses.values()]
    return statuses


def passing(statuses: Mapping[str, Status]) -> set[str]:
    return {name for name, status in statuses.items() if status.is_success}


def plugin_scores(
    plugin_name: str,
    nodes: Sequence[Node],
    pods: Sequence[Pod],
    incoming: Pod,
    *,
    profile: Profile | None = None,
    normalized: bool = True,
    default_spread_selector: Any = None,
) -> dict[str, int]:
    """Each node's score from one plugin (every node, as if all passed the filters), by the
    per-node reference and by the vectorised path, which must agree."""
    results = []
    for vectorized in (False, True):
        snapshot = snapshot_of(nodes, pods)
        fw = Framework(
            profile or Profile(),
            in_tree_registry(),
            snapshot=snapshot,
            rng=random.Random(0),
            vectorized=vectorized,
            default_spread_selector=default_spread_selector,
        )
        plugin = fw.plugin(plugin_name)
        snapshot.arrays  # noqa: B018
        for i, n in enumerate(snapshot.nodes):
            n.index = i
        state, info = CycleState(), PodInfo(incoming)
        fw.run_pre_filters(state, info)
        pre = plugin.pre_score(state, info, snapshot.nodes)
        if pre.is_skip:
            results.append({n.name: 0 for n in snapshot.nodes})
            continue
        positions = np.arange(len(snapshot), dtype=np.int64)
        if vectorized and isinstance(plugin, BatchScorePlugin):
            raw = plugin.score_nodes(state, info, snapshot, positions)
        else:
            raw = np.array([plugin.score(state, info, n) for n in snapshot.nodes], np.int64)
        if normalized and isinstance(plugin, NormalizeScorePlugin):
            raw = plugin.normalize_scores(state, info, raw)
        results.append(dict(zip([n.name for n in snapshot.nodes], raw.tolist(), strict=True)))
    assert results[0] == results[1], results
    return results[0]


def port_pod(name: str, *ports: tuple[int, str, str], node_name: str = "") -> Pod:
    """A pod asking for host ports given as (port, protocol, host IP)."""
    container = Container(
        name="app",
        image="registry.k8s.io/pause:3.10",
        ports=[
            ContainerPort(container_port=p, host_port=p, protocol=proto, host_ip=ip)
            for p, proto, ip in ports
        ],
    )
    return Pod(
        metadata=ObjectMeta(name=name, namespace="default", uid=f"uid-{name}"),
        spec=PodSpec(containers=[container], node_name=node_name),
    )
