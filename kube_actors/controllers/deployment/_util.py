"""The Deployment controller's arithmetic, as pure functions (``deployment/util``).

Which ReplicaSet is new, revisions, the pod-template-hash, ``maxSurge``/``maxUnavailable``,
the annotations that carry a Deployment's size to its ReplicaSets (so proportional scaling
knows what each one was sized for), and the Deployment's conditions. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from kube_actors.api import (
    DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION,
    POD_TEMPLATE_HASH_LABEL,
    REVISION_ANNOTATION,
    REVISION_HISTORY_ANNOTATION,
    SKIPPED_ANNOTATIONS,
    Deployment,
    DeploymentCondition,
    DeploymentStatus,
    ReplicaSet,
    equal_ignore_hash,
    revision,
    scaled_value_from_int_or_percent,
)

__all__ = [
    "active_or_latest",
    "age_key",
    "DESIRED_REPLICAS_ANNOTATION",
    "MAX_REPLICAS_ANNOTATION",
    "POD_TEMPLATE_HASH_LABEL",
    "REVISION_ANNOTATION",
    "REVISION_HISTORY_ANNOTATION",
    "deployment_complete",
    "deployment_progressing",
    "equal_ignore_hash",
    "max_surge",
    "max_unavailable",
    "new_condition",
    "revision",
    "set_deployment_condition",
]

#: Kubernetes keeps the revision history annotation under this many characters.
MAX_REVISION_HISTORY_CHARS = 2000

# Condition reasons (deployment/util).
NEW_RS_REASON = "NewReplicaSetCreated"
FOUND_NEW_RS_REASON = "FoundNewReplicaSet"
RS_UPDATED_REASON = "ReplicaSetUpdated"
NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable"
TIMED_OUT_REASON = "ProgressDeadlineExceeded"
PAUSED_REASON = "DeploymentPaused"
RESUMED_REASON = "DeploymentResumed"
FAILED_RS_CREATE_REASON = "ReplicaSetCreateError"
MIN_AVAILABLE_REASON = "MinimumReplicasAvailable"
MIN_UNAVAILABLE_REASON = "MinimumReplicasUnavailable"


# -------------------------------------------------------------------------- revisions


def max_revision(sets: Iterable[ReplicaSet]) -> int:
    return max((revision(rs) for rs in sets), default=0)


def by_creation(sets: Iterable[ReplicaSet]) -> list[ReplicaSet]:
    """Oldest first; the name breaks ties."""
    return sorted(sets, key=lambda rs: (_created(rs), rs.metadata.name))


def _created(rs: ReplicaSet) -> dt.datetime:
    return rs.metadata.creation_timestamp or dt.datetime.min.replace(tzinfo=dt.UTC)


def find_new_replica_set(d: Deployment, sets: Iterable[ReplicaSet]) -> ReplicaSet | None:
    """The oldest ReplicaSet whose template is the Deployment's."""
    template = d.spec.template
    for rs in by_creation(sets):
        if equal_ignore_hash(rs.spec.template, template):
            return rs
    return None


# --------------------------------------------------------------------------- counting


def spec_replicas(obj: Any) -> int:
    replicas = obj.spec.replicas
    return 1 if replicas is None else int(replicas)


def active(sets: Iterable[ReplicaSet | None]) -> list[ReplicaSet]:
    """The ReplicaSets that want Pods."""
    return [rs for rs in sets if rs is not None and spec_replicas(rs) > 0]


def total_spec(sets: Iterable[ReplicaSet | None]) -> int:
    return sum(spec_replicas(rs) for rs in sets if rs is not None)


def total_status(sets: Iterable[ReplicaSet | None], field: str) -> int:
    return sum(int(getattr(rs.status, field)) for rs in sets if rs is not None)


def is_rolling_update(d: Deployment) -> bool:
    strategy = d.spec.strategy
    return strategy is None or strategy.type in ("", "RollingUpdate")


def resolve_fenceposts(d: Deployment) -> tuple[int, int]:
    """``maxSurge`` (rounded up) and ``maxUnavailable`` (rounded down) as Pod counts; if both
    come to 0, ``maxUnavailable`` is 1, so a rollout can always move."""
    desired = spec_replicas(d)
    rolling = d.spec.strategy.rolling_update if d.spec.strategy is not None else None
    surge_value = rolling.max_surge if rolling and rolling.max_surge is not None else "25%"
    unavailable_value = (
        rolling.max_unavailable if rolling and rolling.max_unavailable is not None else "25%"
    )
    surge = scaled_value_from_int_or_percent(surge_value, desired, round_up=True)
    unavailable = scaled_value_from_int_or_percent(unavailable_value, desired, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(d: Deployment) -> int:
    return resolve_fenceposts(d)[0] if is_rolling_update(d) else 0


def max_unavailable(d: Deployment) -> int:
    """At most the Deployment's size; 0 for Recreate or a Deployment scaled to 0."""
    if not is_rolling_update(d) or spec_replicas(d) == 0:
        return 0
    return min(resolve_fenceposts(d)[1], spec_replicas(d))


def new_rs_new_replicas(d: Deployment, all_sets: Sequence[ReplicaSet], new_rs: ReplicaSet) -> int:
    """How big the new ReplicaSet may be now: up to the surge limit while rolling."""
    if not is_rolling_update(d):
        return spec_replicas(d)
    current = total_spec(all_sets)
    ceiling = spec_replicas(d) + max_surge(d)
    if current >= ceiling:
        return spec_replicas(new_rs)
    room = min(ceiling - current, spec_replicas(d) - spec_replicas(new_rs))
    return spec_replicas(new_rs) + room


def annotated_int(rs: ReplicaSet, annotation: str) -> int | None:
    text = rs.metadata.annotations.get(annotation)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def is_saturated(d: Deployment, rs: ReplicaSet | None) -> bool:
    """The ReplicaSet is the whole Deployment, all of it available."""
    if rs is None:
        return False
    desired = annotated_int(rs, DESIRED_REPLICAS_ANNOTATION)
    wanted = spec_replicas(d)
    return (
        desired == wanted and spec_replicas(rs) == wanted and rs.status.available_replicas == wanted
    )


def replicas_annotations(d: Deployment) -> dict[str, str]:
    wanted = spec_replicas(d)
    return {
        DESIRED_REPLICAS_ANNOTATION: str(wanted),
        MAX_REPLICAS_ANNOTATION: str(wanted + max_surge(d)),
    }


def proportion(rs: ReplicaSet, d: Deployment, to_add: int, added: int) -> int:
    """The share of ``to_add`` Pods (negative: to remove) that falls to ``rs``, in proportion
    to the size the Deployment had when ``rs`` was last sized (its max-replicas annotation)."""
    if spec_replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = _fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _fraction(rs: ReplicaSet, d: Deployment) -> int:
    if spec_replicas(d) == 0:
        return -spec_replicas(rs)
    deployment_replicas = spec_replicas(d) + max_surge(d)
    annotated = annotated_int(rs, MAX_REPLICAS_ANNOTATION)
    if annotated is None or annotated == 0:
        annotated = d.status.replicas
    if annotated == 0:
        return 0
    size = spec_replicas(rs) * deployment_replicas / annotated
    return _round_half_away(size) - spec_replicas(rs)


def _round_half_away(value: float) -> int:
    """Go's ``math.Round``: halves away from zero."""
    whole = int(abs(value) + 0.5)
    return whole if value >= 0 else -whole


def new_rs_annotations(
    d: Deployment, rs_annotations: Mapping[str, str], new_revision: int, exists: bool
) -> dict[str, str]:
    """The annotations the new ReplicaSet should carry: the Deployment's own (but the
    skipped ones), the new revision (remembering the one it replaces in the history, as a
    rollback does), and for a ReplicaSet about to be created the Deployment's size."""
    annotations = dict(rs_annotations)
    for key, value in d.metadata.annotations.items():
        if key not in SKIPPED_ANNOTATIONS:
            annotations[key] = value
    old_text = annotations.get(REVISION_ANNOTATION, "")
    try:
        old = int(old_text) if old_text else 0
    except ValueError:
        return annotations
    if old < new_revision:
        annotations[REVISION_ANNOTATION] = str(new_revision)
        if old_text:
            history = annotations.get(REVISION_HISTORY_ANNOTATION, "")
            entries = [e for e in history.split(",") if e] + [old_text]
            while len(",".join(entries)) > MAX_REVISION_HISTORY_CHARS and len(entries) > 1:
                entries.pop(0)
            annotations[REVISION_HISTORY_ANNOTATION] = ",".join(entries)
    if not exists:
        annotations.update(replicas_annotations(d))
    return annotations


# ------------------------------------------------------------------------- conditions


def new_condition(
    condition_type: str, status: str, reason: str, message: str, now: dt.datetime
) -> DeploymentCondition:
    return DeploymentCondition(
        type=condition_type,
        status=status,
        reason=reason,
        message=message,
        last_update_time=now,
        last_transition_time=now,
    )


def get_deployment_condition(
    status: DeploymentStatus, condition_type: str
) -> DeploymentCondition | None:
    for condition in status.conditions:
        if condition.type == condition_type:
            return condition
    return None


def set_deployment_condition(
    status: DeploymentStatus, condition: DeploymentCondition
) -> DeploymentStatus:
    """Kubernetes' ``SetDeploymentCondition``: the same status and reason change nothing;
    the same status keeps its transition time; the condition moves to the end."""
    current = get_deployment_condition(status, condition.type)
    if current is not None and current.status == condition.status:
        if current.reason == condition.reason:
            return status
        condition = attrs.evolve(condition, last_transition_time=current.last_transition_time)
    kept = [c for c in status.conditions if c.type != condition.type]
    return attrs.evolve(status, conditions=(*kept, condition))


def remove_deployment_condition(status: DeploymentStatus, condition_type: str) -> DeploymentStatus:
    if get_deployment_condition(status, condition_type) is None:
        return status
    kept = tuple(c for c in status.conditions if c.type != condition_type)
    return attrs.evolve(status, conditions=kept)


def has_progress_deadline(d: Deployment) -> bool:
    deadline = d.spec.progress_deadline_seconds
    return deadline is not None and deadline != 2**31 - 1


def deployment_complete(d: Deployment, status: DeploymentStatus) -> bool:
    """Every replica updated and available, and the newest spec observed."""
    wanted = spec_replicas(d)
    return (
        status.updated_replicas == wanted
        and status.replicas == wanted
        and status.available_replicas == wanted
        and status.observed_generation >= d.metadata.generation
    )


def deployment_progressing(d: Deployment, status: DeploymentStatus) -> bool:
    """Whether ``status`` shows progress over the Deployment's current status: more updated,
    ready or available replicas, or fewer old ones."""
    old = d.status
    old_old = old.replicas - old.updated_replicas
    new_old = status.replicas - status.updated_replicas
    return (
        status.updated_replicas > old.updated_replicas
        or new_old < old_old
        or status.ready_replicas > old.ready_replicas
        or status.available_replicas > old.available_replicas
    )


def progress_deadline(d: Deployment, status: DeploymentStatus) -> dt.datetime | None:
    """When the rollout times out if it makes no progress (None: no deadline applies)."""
    if not has_progress_deadline(d):
        return None
    condition = get_deployment_condition(status, "Progressing")
    if condition is None or condition.reason in (NEW_RS_AVAILABLE_REASON, TIMED_OUT_REASON):
        return None
    if condition.last_update_time is None:
        return None
    seconds = d.spec.progress_deadline_seconds or 0
    return condition.last_update_time + dt.timedelta(seconds=seconds)


def deployment_timed_out(d: Deployment, status: DeploymentStatus, now: dt.datetime) -> bool:
    """The Progressing condition says ProgressDeadlineExceeded, or its last update is
    ``progressDeadlineSeconds`` ago (exactly: virtual time has no clock skew to allow for)."""
    condition = get_deployment_condition(status, "Progressing")
    if not has_progress_deadline(d) or condition is None:
        return False
    if condition.reason == TIMED_OUT_REASON:
        return True
    deadline = progress_deadline(d, status)
    return deadline is not None and deadline <= now


def age_key(rs: ReplicaSet, *, newest_first: bool) -> tuple[float, str]:
    created = rs.metadata.creation_timestamp
    seconds = created.timestamp() if created is not None else 0.0
    return (-seconds if newest_first else seconds, rs.metadata.name)


def active_or_latest(new_rs: ReplicaSet | None, old: list[ReplicaSet]) -> ReplicaSet | None:
    """The only ReplicaSet with replicas, or with none at all the newest; None while several
    have replicas."""
    newest_first = sorted(old, key=lambda rs: age_key(rs, newest_first=True))
    running = active([*newest_first, new_rs])
    if len(running) == 1:
        return running[0]
    if not running:
        if new_rs is not None:
            return new_rs
        return newest_first[0] if newest_first else None
    return None
