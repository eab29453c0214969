"""``kubectl describe`` of the workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job.

Each takes the object, what kubectl fetches besides it (the pods it controls, a Deployment's
ReplicaSets) and its Events; the layout is describe.go's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ..api import (
    DaemonSet,
    Deployment,
    DeploymentStrategy,
    Event,
    Job,
    Pod,
    ReplicaSet,
    StatefulSet,
    StatefulSetUpdateStrategy,
    controller_of,
)
from . import _describe_fields as f
from ._columns import human_duration
from ._describe_pod import pod_template
from ._tabwriter import Page
from ._workload_columns import job_run_seconds

__all__ = [
    "describe_daemon_set",
    "describe_deployment",
    "describe_job",
    "describe_replica_set",
    "describe_stateful_set",
    "new_and_old_replica_sets",
]

_HASH_LABEL = "pod-template-hash"


def _pods_status(page: Page, owner_uid: str, pods: Sequence[Pod]) -> None:
    """``getPodStatusForController``: the controlled pods counted by phase."""
    phases = [
        p.status.phase
        for p in pods
        if (ref := controller_of(p)) is not None and ref.uid == owner_uid
    ]
    counts = [phases.count(phase) for phase in ("Running", "Pending", "Succeeded", "Failed")]
    page.write(
        0,
        "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n".format(*counts),
    )


def _owned_header(page: Page, obj: ReplicaSet | Job, selector: str) -> None:
    """The lines a ReplicaSet's and a Job's describe open with, in that order."""
    meta = obj.metadata
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    page.write(0, f"Selector:\t{selector}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    if owner := f.controlled_by(obj):
        page.write(0, f"Controlled By:\t{owner}\n")


def _conditions(page: Page, conditions: Sequence[object]) -> None:
    if conditions:
        page.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        page.write(1, "----\t------\t------\n")
        for c in conditions:
            kind, status = getattr(c, "type", ""), getattr(c, "status", "")
            page.write(1, f"{kind} \t{status}\t{getattr(c, 'reason', '')}\n")


def new_and_old_replica_sets(
    deployment: Deployment, replica_sets: Sequence[ReplicaSet]
) -> tuple[ReplicaSet | None, list[ReplicaSet]]:
    """kubectl's ``GetAllReplicaSets``: the Deployment's own ReplicaSets by age (then name);
    the oldest whose template equals the Deployment's but for the hash label is the new one."""
    owned = sorted(
        (
            rs
            for rs in replica_sets
            if (ref := controller_of(rs)) and ref.uid == deployment.metadata.uid
        ),
        key=lambda rs: (rs.metadata.creation_timestamp or dt.datetime.min, rs.metadata.name),
    )
    wanted = _without_hash(deployment.spec.template)
    new = next((rs for rs in owned if _without_hash(rs.spec.template) == wanted), None)
    return new, [rs for rs in owned if rs is not new]


def _without_hash(template: object) -> object:
    meta = template.metadata  # type: ignore[attr-defined]
    labels = {k: v for k, v in meta.labels.items() if k != _HASH_LABEL}
    return attrs.evolve(template, metadata=attrs.evolve(meta, labels=labels))  # type: ignore[misc]


def _replica_sets_text(replica_sets: Sequence[ReplicaSet]) -> str:
    return (
        ", ".join(
            f"{rs.metadata.name} ({rs.status.replicas}/{rs.spec.replicas or 0} replicas created)"
            for rs in replica_sets
        )
        or "<none>"
    )


def describe_deployment(
    page: Page,
    d: Deployment,
    replica_sets: Sequence[ReplicaSet],
    events: Sequence[Event],
    now: dt.datetime,
) -> None:
    meta, spec, status = d.metadata, d.spec, d.status
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    page.write(0, f"CreationTimestamp:\t{f.when(meta.creation_timestamp)}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"Selector:\t{f.selector(spec.selector, none='')}\n")
    page.write(
        0,
        f"Replicas:\t{spec.replicas} desired | {status.updated_replicas} updated | "
        f"{status.replicas} total | {status.available_replicas} available | "
        f"{status.unavailable_replicas} unavailable\n",
    )
    strategy = spec.strategy or DeploymentStrategy()
    page.write(0, f"StrategyType:\t{strategy.type}\n")
    page.write(0, f"MinReadySeconds:\t{spec.min_ready_seconds or 0}\n")
    if strategy.rolling_update is not None:
        ru = strategy.rolling_update
        page.write(
            0,
            f"RollingUpdateStrategy:\t{ru.max_unavailable} max unavailable, "
            f"{ru.max_surge} max surge\n",
        )
    pod_template(page, spec.template)
    _conditions(page, status.conditions)
    new, old = new_and_old_replica_sets(d, replica_sets)
    if new is not None or old:
        page.write(0, f"OldReplicaSets:\t{_replica_sets_text(old)}\n")
        page.write(0, f"NewReplicaSet:\t{_replica_sets_text([new] if new else [])}\n")
    f.events(page, events, now)


def describe_replica_set(
    page: Page, rs: ReplicaSet, pods: Sequence[Pod], events: Sequence[Event], now: dt.datetime
) -> None:
    meta = rs.metadata
    _owned_header(page, rs, f.selector(rs.spec.selector))
    page.write(0, f"Replicas:\t{rs.status.replicas} current / {rs.spec.replicas} desired\n")
    _pods_status(page, meta.uid, pods)
    pod_template(page, rs.spec.template)
    _conditions(page, rs.status.conditions)
    f.events(page, events, now)


def describe_stateful_set(
    page: Page, ss: StatefulSet, pods: Sequence[Pod], events: Sequence[Event], now: dt.datetime
) -> None:
    meta, spec = ss.metadata, ss.spec
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Namespace:\t{meta.namespace}\n")
    page.write(0, f"CreationTimestamp:\t{f.when(meta.creation_timestamp)}\n")
    page.write(0, f"Selector:\t{f.selector(spec.selector, none='')}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"Replicas:\t{spec.replicas} desired | {ss.status.replicas} total\n")
    strategy = spec.update_strategy or StatefulSetUpdateStrategy()
    page.write(0, f"Update Strategy:\t{strategy.type}\n")
    ru = strategy.rolling_update
    if ru is not None and ru.partition is not None:
        page.write(1, f"Partition:\t{ru.partition}\n")
        if ru.max_unavailable is not None:
            page.write(1, f"MaxUnavailable:\t{ru.max_unavailable}\n")
    _pods_status(page, meta.uid, pods)
    pod_template(page, spec.template)
    _volume_claim_templates(page, spec.volume_claim_templates)
    f.events(page, events, now)


def _volume_claim_templates(page: Page, templates: Sequence[object]) -> None:
    if not templates:
        page.write(0, "Volume Claims:\t<none>\n")
        return
    page.write(0, "Volume Claims:\n")
    for pvc in templates:
        meta, spec = pvc.metadata, pvc.spec  # type: ignore[attr-defined]
        page.write(1, f"Name:\t{meta.name}\n")
        page.write(1, f"StorageClass:\t{spec.storage_class_name or ''}\n")
        f.label_lines(page, "Labels", meta.labels, initial_indent="  ")
        f.label_lines(page, "Annotations", meta.annotations, initial_indent="  ")
        storage = spec.resources.requests.get("storage") if spec.resources else None
        page.write(1, f"Capacity:\t{storage if storage is not None else '<default>'}\n")
        page.write(1, f"Access Modes:\t[{' '.join(spec.access_modes)}]\n")


def describe_daemon_set(
    page: Page, ds: DaemonSet, pods: Sequence[Pod], events: Sequence[Event], now: dt.datetime
) -> None:
    meta, status = ds.metadata, ds.status
    node_selector = ",".join(
        f"{k}={v}" for k, v in sorted(ds.spec.template.spec.node_selector.items())
    )
    page.write(0, f"Name:\t{meta.name}\n")
    page.write(0, f"Selector:\t{f.selector(ds.spec.selector, none='')}\n")
    page.write(0, f"Node-Selector:\t{node_selector or '<none>'}\n")
    f.label_lines(page, "Labels", meta.labels)
    f.annotation_lines(page, "Annotations", meta.annotations)
    page.write(0, f"Desired Number of Nodes Scheduled: {status.desired_number_scheduled}\n")
    page.write(0, f"Current Number of Nodes Scheduled: {status.current_number_scheduled}\n")
    page.write(
        0, f"Number of Nodes Scheduled with Up-to-date Pods: {status.updated_number_scheduled}\n"
    )
    page.write(0, f"Number of Nodes Scheduled with Available Pods: {status.number_available}\n")
    page.write(0, f"Number of Nodes Misscheduled: {status.number_misscheduled}\n")
    _pods_status(page, meta.uid, pods)
    pod_template(page, ds.spec.template)
    f.events(page, events, now)


def describe_job(page: Page, job: Job, events: Sequence[Event], now: dt.datetime) -> None:
    spec, status = job.spec, job.status
    _owned_header(page, job, f.selector(spec.selector, none=""))
    if spec.parallelism is not None:
        page.write(0, f"Parallelism:\t{spec.parallelism}\n")
    completions = spec.completions if spec.completions is not None else "<unset>"
    page.write(0, f"Completions:\t{completions}\n")
    if spec.completion_mode is not None:
        page.write(0, f"Completion Mode:\t{spec.completion_mode}\n")
    if spec.suspend is not None:
        page.write(0, f"Suspend:\t{f.go_bool(spec.suspend)}\n")
    if spec.backoff_limit is not None:
        page.write(0, f"Backoff Limit:\t{spec.backoff_limit}\n")
    if spec.ttl_seconds_after_finished is not None:
        page.write(0, f"TTL Seconds After Finished:\t{spec.ttl_seconds_after_finished}\n")
    if status.start_time is not None:
        page.write(0, f"Start Time:\t{f.when(status.start_time)}\n")
    if status.completion_time is not None:
        page.write(0, f"Completed At:\t{f.when(status.completion_time)}\n")
    if status.start_time is not None and status.completion_time is not None:
        took = job_run_seconds(job, now) or 0.0
        page.write(0, f"Duration:\t{human_duration(took)}\n")
    if spec.active_deadline_seconds is not None:
        page.write(0, f"Active Deadline Seconds:\t{spec.active_deadline_seconds}s\n")
    counts = f"{status.active} Active"
    if status.ready is not None:
        counts += f" ({status.ready} Ready)"
    page.write(
        0, f"Pods Statuses:\t{counts} / {status.succeeded} Succeeded / {status.failed} Failed\n"
    )
    if spec.completion_mode == "Indexed":
        page.write(0, f"Completed Indexes:\t{_capped_indexes(status.completed_indexes)}\n")
    pod_template(page, spec.template)
    f.events(page, events, now)


def _capped_indexes(indexes: str, soft_limit: int = 50) -> str:
    """``capIndexesListOrNone``: the list, cut at the first comma after ``soft_limit``."""
    if not indexes:
        return "<none>"
    cut = indexes.find(",", soft_limit)
    return indexes if cut < 0 else indexes[: cut + 1] + "..."
