"""``kubectl describe``: which describer a kind has, and what it needs besides the object.

``describe_text(obj, events, now, related)`` is a pure function of what kubectl fetches: the
object, its Events, and ``Related`` (the pods a workload controls, a Deployment's ReplicaSets,
a Service's EndpointSlices, a Node's pods and Lease, a Namespace's quotas and limit ranges,
the Pods that use a claim, an Ingress's Services and their EndpointSlices).
``related_to(client, obj)`` fetches those as kubectl does. A kind without a describer of its
own prints as YAML, then its Events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from ..api import (
    ConfigMap,
    CronJob,
    DaemonSet,
    Deployment,
    EndpointSlice,
    Event,
    HorizontalPodAutoscaler,
    Ingress,
    Job,
    Lease,
    LimitRange,
    Namespace,
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    PodDisruptionBudget,
    ReplicaSet,
    ResourceQuota,
    Secret,
    Service,
    StatefulSet,
    StorageClass,
    compile_selector,
    dump_manifests,
)
from ..client import Client
from ..errors import ApiError
from . import _describe_core as core
from . import _describe_fields as fields
from . import _describe_ops as ops
from . import _describe_storage as storage
from . import _describe_workloads as workloads
from ._describe_pod import describe_pod
from ._tabwriter import Page

__all__ = ["Related", "describe_text", "related_to"]

#: The namespace of the nodes' heartbeat Leases.
_NODE_LEASES = "kube-node-lease"


@attrs.frozen(kw_only=True)
class Related:
    """What kubectl fetches besides the object it describes."""

    pods: tuple[Pod, ...] = ()
    replica_sets: tuple[ReplicaSet, ...] = ()
    endpoint_slices: tuple[EndpointSlice, ...] = ()
    lease: Lease | None = None
    quotas: tuple[ResourceQuota, ...] = ()
    limit_ranges: tuple[LimitRange, ...] = ()
    services: tuple[Service, ...] = ()


def describe_text(
    obj: Any, events: Sequence[Event], now: dt.datetime, related: Related = Related()
) -> str:
    """``kubectl describe`` of ``obj``: its kind's layout, with ``events`` last."""
    page = Page()
    r = related
    match obj:
        case Pod():
            describe_pod(page, obj, events, now)
        case Deployment():
            workloads.describe_deployment(page, obj, r.replica_sets, events, now)
        case ReplicaSet():
            workloads.describe_replica_set(page, obj, r.pods, events, now)
        case StatefulSet():
            workloads.describe_stateful_set(page, obj, r.pods, events, now)
        case DaemonSet():
            workloads.describe_daemon_set(page, obj, r.pods, events, now)
        case Job():
            workloads.describe_job(page, obj, events, now)
        case Service():
            core.describe_service(page, obj, r.endpoint_slices, events, now)
        case Node():
            core.describe_node(page, obj, r.pods, r.lease, events, now)
        case Namespace():
            core.describe_namespace(page, obj, r.quotas, r.limit_ranges)
        case ConfigMap():
            core.describe_config_map(page, obj, events, now)
        case Secret():
            core.describe_secret(page, obj)
        case PersistentVolume():
            storage.describe_persistent_volume(page, obj, events, now)
        case PersistentVolumeClaim():
            users = storage.claim_users(obj, r.pods)
            storage.describe_persistent_volume_claim(page, obj, users, events, now)
        case StorageClass():
            storage.describe_storage_class(page, obj, events, now)
        case Ingress():
            services = {svc.metadata.name: svc for svc in r.services}
            ops.describe_ingress(page, obj, services, r.endpoint_slices, events, now)
        case CronJob():
            ops.describe_cron_job(page, obj, events, now)
        case HorizontalPodAutoscaler():
            ops.describe_horizontal_pod_autoscaler(page, obj, events, now)
        case PodDisruptionBudget():
            ops.describe_pod_disruption_budget(page, obj, events, now)
        case _:
            page.write(0, dump_manifests(obj).rstrip().replace("\t", " ") + "\n")
            fields.events(page, events, now)
    return page.text()


async def related_to(client: Client, obj: Any) -> Related:
    """Fetch what ``obj``'s describer shows besides it, as kubectl's describers do."""
    namespace = obj.metadata.namespace
    try:
        match obj:
            case Deployment():
                selector = str(compile_selector(obj.spec.selector))
                found = await client.list(ReplicaSet, namespace=namespace, label_selector=selector)
                return Related(replica_sets=tuple(found))
            case ReplicaSet() | StatefulSet() | DaemonSet():
                selector = str(compile_selector(obj.spec.selector))
                pods = await client.list(Pod, namespace=namespace, label_selector=selector)
                return Related(pods=tuple(pods))
            case Service():
                by_service = f"kubernetes.io/service-name={obj.metadata.name}"
                slices = await client.list(
                    EndpointSlice, namespace=namespace, label_selector=by_service
                )
                return Related(endpoint_slices=tuple(slices))
            case Node():
                return await _node_related(client, obj)
            case PersistentVolumeClaim():
                return Related(pods=tuple(await client.list(Pod, namespace=namespace)))
            case Ingress():
                services = await client.list(Service, namespace=namespace)
                slices = await client.list(EndpointSlice, namespace=namespace)
                return Related(services=tuple(services), endpoint_slices=tuple(slices))
            case Namespace():
                quotas = await client.list(ResourceQuota, namespace=obj.metadata.name)
                ranges = await client.list(LimitRange, namespace=obj.metadata.name)
                return Related(quotas=tuple(quotas), limit_ranges=tuple(ranges))
    except ApiError:
        pass  # as kubectl: what cannot be listed is left out
    return Related()


async def _node_related(client: Client, node: Node) -> Related:
    running = f"spec.nodeName={node.metadata.name},status.phase!=Succeeded,status.phase!=Failed"
    pods = await client.list(Pod, field_selector=running)
    try:
        lease: Lease | None = await client.get(Lease, node.metadata.name, namespace=_NODE_LEASES)
    except ApiError:
        lease = None
    return Related(pods=tuple(pods), lease=lease)
