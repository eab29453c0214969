"""Invariants of reconciliation that a test checks after the cluster settled (or, for the
rollout bounds, at every Pod change): each raises one AssertionError listing every object
at fault, by kind and ``namespace/name``, so a failure reads as what went wrong."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from kube_actors.api import (
    DaemonSet,
    Deployment,
    Job,
    Node,
    Pod,
    Quantity,
    ReplicaSet,
    StatefulSet,
    compile_selector,
    controller_of,
    get_condition,
    is_pod_active,
    is_pod_ready,
    is_pod_terminal,
    lookup_kind,
    namespaced_name,
    pod_requests,
    scaled_value_from_int_or_percent,
)
from kube_actors.client import Client
from kube_actors.cluster import Cluster

__all__ = [
    "RolloutBounds",
    "assert_converged",
    "assert_no_overcommit",
    "assert_rollout_bounds",
    "assert_single_controller_owner",
    "is_live",
    "rollout_bounds",
]

#: The kinds ``assert_converged`` checks unless told otherwise.
WORKLOAD_KINDS: tuple[type[Any], ...] = (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job)


#: Counted by its controller: neither being deleted nor finished (``api.is_pod_active``,
#: under the name the kit's invariants use).
is_live = is_pod_active


def _client(cluster: Cluster | Client) -> Client:
    return cluster.client if isinstance(cluster, Cluster) else cluster


def _ref(obj: Any) -> str:
    return f"{type(obj).kind} {namespaced_name(obj)}"


def _names(objs: Iterable[Any], most: int = 6) -> str:
    names = sorted(o.metadata.name for o in objs)
    shown = ", ".join(names[:most])
    return f"[{shown}{', ...' if len(names) > most else ''}]"


def _fail(problems: Sequence[str], what: str) -> None:
    if problems:
        lines = "\n  ".join(problems)
        raise AssertionError(f"{what} ({len(problems)} problems):\n  {lines}")


# ---------------------------------------------------------------------------- converged


async def assert_converged(
    cluster: Cluster | Client,
    *,
    namespace: str = "",
    kinds: Iterable[type[Any]] = WORKLOAD_KINDS,
    status: bool = True,
) -> None:
    """Every workload (of ``kinds``, in ``namespace`` or all) has what its spec asks for.

    Deployments, ReplicaSets and StatefulSets control ``spec.replicas`` live Pods (a
    StatefulSet's named ``<name>-0`` up to ``<name>-<replicas - 1>``); a DaemonSet has one
    Pod on each node it wants; a Job never exceeds its parallelism or completions. With
    ``status``, the status written by the controller agrees too (observed generation,
    replica counts, readiness), which a user controller that writes no status turns off.
    Objects being deleted are left out.
    """
    client = _client(cluster)
    pods = await client.list(Pod, namespace=namespace)
    controlled: dict[str, list[Pod]] = {}
    for pod in pods:
        ref = controller_of(pod)
        if ref is not None and is_live(pod):
            controlled.setdefault(ref.uid, []).append(pod)
    problems: list[str] = []
    wanted = set(kinds)
    sets = await client.list(ReplicaSet, namespace=namespace)
    if Deployment in wanted:
        for d in await client.list(Deployment, namespace=namespace):
            problems.extend(_deployment(d, sets, controlled, status=status))
    if ReplicaSet in wanted:
        for rs in sets:
            problems.extend(_replica_set(rs, controlled.get(rs.metadata.uid, []), status=status))
    if StatefulSet in wanted:
        for ss in await client.list(StatefulSet, namespace=namespace):
            problems.extend(_stateful_set(ss, controlled.get(ss.metadata.uid, []), status=status))
    if DaemonSet in wanted:
        for ds in await client.list(DaemonSet, namespace=namespace):
            problems.extend(_daemon_set(ds, controlled.get(ds.metadata.uid, []), status=status))
    if Job in wanted:
        for j in await client.list(Job, namespace=namespace):
            problems.extend(_job(j, controlled.get(j.metadata.uid, []), status=status))
    _fail(problems, "the cluster has not converged")


def _replicas(spec: Any) -> int:
    return 1 if spec.replicas is None else int(spec.replicas)


def _count(obj: Any, pods: Sequence[Pod], replicas: int) -> list[str]:
    if len(pods) == replicas:
        return []
    return [f"{_ref(obj)}: {len(pods)} live Pods {_names(pods)}, spec.replicas is {replicas}"]


def _generation(obj: Any) -> list[str]:
    observed, generation = obj.status.observed_generation, obj.metadata.generation
    if observed >= generation:
        return []
    return [f"{_ref(obj)}: status.observedGeneration {observed} < generation {generation}"]


def _deployment(
    d: Deployment, sets: Sequence[ReplicaSet], controlled: dict[str, list[Pod]], *, status: bool
) -> list[str]:
    if d.metadata.deletion_timestamp is not None:
        return []
    replicas = _replicas(d.spec)
    mine = [rs for rs in sets if (ref := controller_of(rs)) and ref.uid == d.metadata.uid]
    pods = [p for rs in mine for p in controlled.get(rs.metadata.uid, [])]
    problems = _count(d, pods, replicas)
    if status:
        problems.extend(_generation(d))
        s = d.status
        counts = {"replicas": s.replicas, "availableReplicas": s.available_replicas}
        if not d.spec.paused:
            counts["updatedReplicas"] = s.updated_replicas
        problems.extend(
            f"{_ref(d)}: status.{field} is {value}, spec.replicas is {replicas}"
            for field, value in counts.items()
            if value != replicas
        )
    return problems


def _replica_set(rs: ReplicaSet, pods: Sequence[Pod], *, status: bool) -> list[str]:
    if rs.metadata.deletion_timestamp is not None:
        return []
    replicas = _replicas(rs.spec)
    problems = _count(rs, pods, replicas)
    if status:
        problems.extend(_generation(rs))
        s = rs.status
        for field, value in (("replicas", s.replicas), ("readyReplicas", s.ready_replicas)):
            if value != replicas:
                problems.append(f"{_ref(rs)}: status.{field} is {value}, spec.replicas {replicas}")
    return problems


def _stateful_set(ss: StatefulSet, pods: Sequence[Pod], *, status: bool) -> list[str]:
    if ss.metadata.deletion_timestamp is not None:
        return []
    replicas = _replicas(ss.spec)
    problems = _count(ss, pods, replicas)
    names = sorted(p.metadata.name for p in pods)
    wanted = sorted(f"{ss.metadata.name}-{i}" for i in range(replicas))
    if not problems and names != wanted:
        problems.append(f"{_ref(ss)}: Pods {names}, want the ordinals {wanted}")
    if status:
        problems.extend(_generation(ss))
        s = ss.status
        for field, value in (("replicas", s.replicas), ("readyReplicas", s.ready_replicas)):
            if value != replicas:
                problems.append(f"{_ref(ss)}: status.{field} is {value}, spec.replicas {replicas}")
    return problems


def _daemon_set(ds: DaemonSet, pods: Sequence[Pod], *, status: bool) -> list[str]:
    if ds.metadata.deletion_timestamp is not None:
        return []
    problems: list[str] = []
    by_node: dict[str, list[Pod]] = {}
    for pod in pods:
        by_node.setdefault(pod.spec.node_name, []).append(pod)
    problems.extend(
        f"{_ref(ds)}: {len(extra)} Pods on node {node!r} {_names(extra)}"
        for node, extra in sorted(by_node.items())
        if len(extra) > 1
    )
    if status:
        problems.extend(_generation(ds))
        s = ds.status
        desired = s.desired_number_scheduled
        for field, value in (
            ("currentNumberScheduled", s.current_number_scheduled),
            ("numberReady", s.number_ready),
        ):
            if value != desired:
                problems.append(
                    f"{_ref(ds)}: status.{field} is {value}, desiredNumberScheduled {desired}"
                )
        if s.number_misscheduled:
            problems.append(f"{_ref(ds)}: status.numberMisscheduled is {s.number_misscheduled}")
        if len(pods) != desired:
            problems.append(f"{_ref(ds)}: {len(pods)} live Pods, desiredNumberScheduled {desired}")
    return problems


def _job(j: Job, pods: Sequence[Pod], *, status: bool) -> list[str]:
    if j.metadata.deletion_timestamp is not None:
        return []
    problems: list[str] = []
    parallelism = 1 if j.spec.parallelism is None else j.spec.parallelism
    if len(pods) > parallelism:
        problems.append(f"{_ref(j)}: {len(pods)} live Pods {_names(pods)} > parallelism")
    completions = j.spec.completions
    if status:
        s = j.status
        complete = get_condition(s.conditions, "Complete")
        if completions is not None and s.succeeded > completions:
            problems.append(f"{_ref(j)}: {s.succeeded} succeeded > completions {completions}")
        if complete is not None and complete.status == "True":
            if completions is not None and s.succeeded != completions:
                problems.append(f"{_ref(j)}: Complete with {s.succeeded} of {completions}")
            if pods:
                problems.append(f"{_ref(j)}: Complete but Pods {_names(pods)} still run")
        if s.active != len(pods):
            problems.append(f"{_ref(j)}: status.active is {s.active}, {len(pods)} live Pods")
    return problems


# ------------------------------------------------------------------------- ownership


async def assert_single_controller_owner(
    cluster: Cluster | Client,
    *,
    namespace: str = "",
    kinds: Iterable[type[Any]] = (Pod, ReplicaSet),
    controller_exists: bool = True,
) -> None:
    """No live object has two controllers (two ``ownerReferences`` with ``controller:
    true``), and, with ``controller_exists``, every controller it names still exists with
    that uid: a controller left nothing behind when it was deleted (the garbage collector
    took it) and never claimed another's object."""
    client = _client(cluster)
    problems: list[str] = []
    owners: dict[tuple[str, str], set[str] | None] = {}
    for kind in kinds:
        for obj in await client.list(kind, namespace=namespace):
            if obj.metadata.deletion_timestamp is not None:
                continue
            if isinstance(obj, Pod) and not is_live(obj):
                continue
            refs = [r for r in obj.metadata.owner_references if r.controller]
            if len(refs) > 1:
                listed = ", ".join(f"{r.kind} {r.name}" for r in refs)
                problems.append(f"{_ref(obj)} has {len(refs)} controllers: {listed}")
            if controller_exists and refs:
                ref = refs[0]
                key = (ref.api_version, ref.kind)
                if key not in owners:
                    owners[key] = await _uids(client, ref.api_version, ref.kind, namespace)
                uids = owners[key]
                if uids is not None and ref.uid not in uids:
                    problems.append(
                        f"{_ref(obj)} is controlled by {ref.kind} {ref.name} "
                        f"(uid {ref.uid}), which does not exist"
                    )
    _fail(problems, "controller ownership is broken")


async def _uids(client: Client, api_version: str, kind: str, namespace: str) -> set[str] | None:
    """The uids of every object of the kind, or None for a kind the cluster does not know."""
    info = lookup_kind(api_version, kind)
    if info is None:
        return None
    where = namespace if info.namespaced else ""
    return {o.metadata.uid for o in await client.list(info.cls, namespace=where)}


# ------------------------------------------------------------------------ over-commit

_RESOURCES = ("cpu", "memory")


async def assert_no_overcommit(cluster: Cluster | Client) -> None:
    """No node holds Pods whose requests exceed its allocatable cpu or memory, nor more
    Pods than its allocatable ``pods``. Every Pod bound to the node and not finished
    counts, terminating ones too (they hold their resources until they are gone)."""
    client = _client(cluster)
    bound: dict[str, list[Pod]] = {}
    for pod in await client.list(Pod):
        if pod.spec.node_name and not is_pod_terminal(pod):
            bound.setdefault(pod.spec.node_name, []).append(pod)
    problems: list[str] = []
    for node in await client.list(Node):
        pods = bound.get(node.metadata.name, [])
        allocatable = node.status.allocatable
        problems.extend(_overcommit(node, pods, allocatable))
    _fail(problems, "nodes are over-committed")


def _overcommit(node: Node, pods: Sequence[Pod], allocatable: Any) -> list[str]:
    problems: list[str] = []
    limit = allocatable.get("pods")
    if limit is not None and len(pods) > limit.value():
        problems.append(f"{_ref(node)}: {len(pods)} Pods > allocatable pods {limit}")
    requests = [(p, pod_requests(p)) for p in pods]
    for resource in _RESOURCES:
        cap = allocatable.get(resource)
        if cap is None:
            continue
        total = sum((r.get(resource, Quantity(0)) for _, r in requests), Quantity(0))
        if total > cap:
            heavy = ", ".join(
                f"{p.metadata.name} {r[resource]}" for p, r in requests if resource in r
            )
            problems.append(
                f"{_ref(node)}: {resource} requests {total} > allocatable {cap} ({heavy})"
            )
    return problems


# --------------------------------------------------------------------- rollout bounds


@attrs.frozen
class RolloutBounds:
    """What a Deployment's Pods may be while it rolls or scales: at most ``most_live``
    live Pods, and at least ``fewest_ready`` of them ready."""

    most_live: int
    fewest_ready: int


def rollout_bounds(deployment: Deployment, *, replicas_before: int | None = None) -> RolloutBounds:
    """Kubernetes' bounds for a RollingUpdate: ``replicas + maxSurge`` live Pods at most
    (surge rounded up) and ``replicas - maxUnavailable`` ready at least (rounded down; with
    both zero, one may be unavailable). ``replicas_before``: the count before a scale, so
    the bounds hold across both sizes. A Recreate Deployment may go to zero."""
    replicas = _replicas(deployment.spec)
    low = high = replicas
    if replicas_before is not None:
        low, high = min(replicas, replicas_before), max(replicas, replicas_before)
    strategy = deployment.spec.strategy
    if strategy is not None and strategy.type == "Recreate":
        return RolloutBounds(most_live=high, fewest_ready=0)
    rolling = strategy.rolling_update if strategy is not None else None
    surge_value = rolling.max_surge if rolling and rolling.max_surge is not None else "25%"
    unavailable_value = (
        rolling.max_unavailable if rolling and rolling.max_unavailable is not None else "25%"
    )
    surge = scaled_value_from_int_or_percent(surge_value, high, round_up=True)
    unavailable = scaled_value_from_int_or_percent(unavailable_value, high, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return RolloutBounds(most_live=high + surge, fewest_ready=max(0, low - unavailable))


def assert_rollout_bounds(
    deployment: Deployment, pods: Iterable[Pod], bounds: RolloutBounds | None = None
) -> None:
    """The Deployment's Pods (those its selector matches, among ``pods``) keep within
    ``bounds`` (by default ``rollout_bounds(deployment)``). Meant for every state a watch
    shows during a rollout, not only the settled end."""
    bounds = bounds or rollout_bounds(deployment)
    selector = compile_selector(deployment.spec.selector)
    namespace = deployment.metadata.namespace
    mine = [
        p
        for p in pods
        if p.metadata.namespace == namespace and selector.matches(p.metadata.labels) and is_live(p)
    ]
    ready = [p for p in mine if is_pod_ready(p)]
    problems: list[str] = []
    if len(mine) > bounds.most_live:
        problems.append(
            f"{_ref(deployment)}: {len(mine)} live Pods {_names(mine)} > {bounds.most_live}"
        )
    if len(ready) < bounds.fewest_ready:
        problems.append(
            f"{_ref(deployment)}: {len(ready)} ready Pods {_names(ready)} < {bounds.fewest_ready}"
        )
    _fail(problems, "a rollout broke its bounds")
