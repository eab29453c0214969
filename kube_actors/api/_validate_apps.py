"""Validation of the workload kinds: Deployment, ReplicaSet, DaemonSet, StatefulSet, Job."""

from __future__ import annotations

from typing import Any, Final

import attrs

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._apps import DaemonSet, Deployment, ReplicaSet, StatefulSet
from ._base import evolve
from ._batch import Job
from ._controller_revision import ControllerRevision
from ._intstr import IntOrString
from ._pod import PodTemplateSpec
from ._validate_pod import validate_pod_template
from ._validate_storage import validate_claim
from ._volumes import PersistentVolumeClaimVolumeSource, Volume

__all__ = [
    "validate_controller_revision",
    "validate_daemon_set",
    "validate_deployment",
    "validate_job",
    "validate_replica_set",
    "validate_stateful_set",
]

Causes = list[FieldCause]


def _template(template: PodTemplateSpec, restart_policies: tuple[str, ...]) -> Causes:
    causes = validate_pod_template("spec.template", template)
    policy = template.spec.restart_policy
    if policy and policy not in restart_policies:
        at = "spec.template.spec.restartPolicy"
        causes.append(f.not_supported(at, policy, restart_policies))
    return causes


def _surge_and_unavailable(
    path: str, max_surge: IntOrString | None, max_unavailable: IntOrString | None
) -> Causes:
    causes = c.int_or_percent(f.child(path, "maxSurge"), max_surge)
    unavailable = f.child(path, "maxUnavailable")
    causes.extend(c.int_or_percent(unavailable, max_unavailable, max_percent=True))
    if _is_zero(max_surge) and _is_zero(max_unavailable):
        causes.append(f.invalid(unavailable, max_unavailable, "may not be 0 when `maxSurge` is 0"))
    return causes


def _is_zero(value: IntOrString | None) -> bool:
    return value in (0, "0%")


def validate_deployment(obj: Deployment, old: Deployment | None) -> Causes:
    spec = obj.spec
    causes = c.at_least("spec.replicas", spec.replicas, 0)
    causes.extend(c.selector_matches_labels("spec", spec.selector, spec.template.metadata.labels))
    causes.extend(_template(spec.template, ("Always",)))
    if spec.strategy is not None:
        strategy = spec.strategy
        causes.extend(c.one_of("spec.strategy.type", strategy.type, ("Recreate", "RollingUpdate")))
        rolling = strategy.rolling_update
        if strategy.type == "Recreate" and rolling is not None:
            detail = "may not be specified when strategy `type` is 'Recreate'"
            causes.append(f.forbidden("spec.strategy.rollingUpdate", detail))
        elif rolling is not None:
            path = "spec.strategy.rollingUpdate"
            causes.extend(_surge_and_unavailable(path, rolling.max_surge, rolling.max_unavailable))
    causes.extend(c.at_least("spec.minReadySeconds", spec.min_ready_seconds, 0))
    causes.extend(c.at_least("spec.revisionHistoryLimit", spec.revision_history_limit, 0))
    deadline = spec.progress_deadline_seconds
    if deadline is not None and deadline <= spec.min_ready_seconds:
        detail = "must be greater than minReadySeconds"
        causes.append(f.invalid("spec.progressDeadlineSeconds", deadline, detail))
    if old is not None:
        causes.extend(c.immutable("spec.selector", spec.selector, old.spec.selector))
    return causes


def validate_replica_set(obj: ReplicaSet, old: ReplicaSet | None) -> Causes:
    spec = obj.spec
    causes = c.at_least("spec.replicas", spec.replicas, 0)
    causes.extend(c.at_least("spec.minReadySeconds", spec.min_ready_seconds, 0))
    causes.extend(c.selector_matches_labels("spec", spec.selector, spec.template.metadata.labels))
    causes.extend(_template(spec.template, ("Always",)))
    if old is not None:
        causes.extend(c.immutable("spec.selector", spec.selector, old.spec.selector))
    return causes


def validate_daemon_set(obj: DaemonSet, old: DaemonSet | None) -> Causes:
    spec = obj.spec
    causes = c.selector_matches_labels("spec", spec.selector, spec.template.metadata.labels)
    causes.extend(_template(spec.template, ("Always",)))
    strategy = spec.update_strategy
    if strategy is not None:
        causes.extend(
            c.one_of("spec.updateStrategy.type", strategy.type, ("OnDelete", "RollingUpdate"))
        )
        rolling = strategy.rolling_update
        if strategy.type == "RollingUpdate" and rolling is not None:
            path = "spec.updateStrategy.rollingUpdate"
            causes.extend(_surge_and_unavailable(path, rolling.max_surge, rolling.max_unavailable))
    causes.extend(c.at_least("spec.minReadySeconds", spec.min_ready_seconds, 0))
    causes.extend(c.at_least("spec.revisionHistoryLimit", spec.revision_history_limit, 0))
    if old is not None:
        causes.extend(c.immutable("spec.selector", spec.selector, old.spec.selector))
    return causes


_STATEFUL_SET_UPDATE_RULE: Final = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
    "and 'minReadySeconds' are forbidden"
)


def _with_claim_volumes(obj: StatefulSet) -> PodTemplateSpec:
    """The template as its Pods will be: each claim template a volume (mounts may name it)."""
    template = obj.spec.template
    have = {v.name for v in template.spec.volumes}
    claims = tuple(
        Volume(
            name=t.metadata.name,
            persistent_volume_claim=PersistentVolumeClaimVolumeSource(claim_name=t.metadata.name),
        )
        for t in obj.spec.volume_claim_templates
        if t.metadata.name not in have
    )
    if not claims:
        return template
    return evolve(template, spec=evolve(template.spec, volumes=(*template.spec.volumes, *claims)))


def validate_stateful_set(obj: StatefulSet, old: StatefulSet | None) -> Causes:
    spec = obj.spec
    causes = c.at_least("spec.replicas", spec.replicas, 0)
    causes.extend(c.selector_matches_labels("spec", spec.selector, spec.template.metadata.labels))
    causes.extend(_template(_with_claim_volumes(obj), ("Always",)))
    for i, claim in enumerate(spec.volume_claim_templates):
        at = f.index("spec.volumeClaimTemplates", i)
        claim_causes = validate_claim(claim, None)
        causes.extend(attrs.evolve(cause, field=f"{at}.{cause.field}") for cause in claim_causes)
    policy = spec.pod_management_policy
    causes.extend(c.one_of("spec.podManagementPolicy", policy, ("OrderedReady", "Parallel")))
    strategy = spec.update_strategy
    if strategy is not None:
        causes.extend(
            c.one_of("spec.updateStrategy.type", strategy.type, ("OnDelete", "RollingUpdate"))
        )
        rolling = strategy.rolling_update
        if rolling is not None and strategy.type == "OnDelete":
            detail = "only allowed for updateStrategy 'RollingUpdate'"
            causes.append(f.invalid("spec.updateStrategy.rollingUpdate", "OnDelete", detail))
        if rolling is not None:
            path = "spec.updateStrategy.rollingUpdate"
            causes.extend(c.at_least(f.child(path, "partition"), rolling.partition, 0))
            unavailable = f.child(path, "maxUnavailable")
            causes.extend(c.int_or_percent(unavailable, rolling.max_unavailable, max_percent=True))
    causes.extend(c.at_least("spec.minReadySeconds", spec.min_ready_seconds, 0))
    causes.extend(c.at_least("spec.revisionHistoryLimit", spec.revision_history_limit, 0))
    if old is not None:
        mutable: dict[str, Any] = {
            "replicas": old.spec.replicas,
            "template": old.spec.template,
            "update_strategy": old.spec.update_strategy,
            "revision_history_limit": old.spec.revision_history_limit,
            "min_ready_seconds": old.spec.min_ready_seconds,
        }
        if evolve(spec, **mutable) != old.spec:
            causes.append(f.forbidden("spec", _STATEFUL_SET_UPDATE_RULE))
    return causes


def validate_job(obj: Job, old: Job | None) -> Causes:
    spec = obj.spec
    causes: Causes = []
    for field, value, minimum in (
        ("parallelism", spec.parallelism, 0),
        ("completions", spec.completions, 0),
        ("backoffLimit", spec.backoff_limit, 0),
        ("activeDeadlineSeconds", spec.active_deadline_seconds, 1),
        ("ttlSecondsAfterFinished", spec.ttl_seconds_after_finished, 0),
    ):
        causes.extend(c.at_least(f.child("spec", field), value, minimum))
    mode = spec.completion_mode or ""
    causes.extend(c.one_of("spec.completionMode", mode, ("NonIndexed", "Indexed")))
    replacement = spec.pod_replacement_policy
    if replacement is not None:
        at = "spec.podReplacementPolicy"
        causes.extend(c.one_of(at, replacement, ("TerminatingOrFailed", "Failed")))
    if mode == "Indexed" and spec.completions is None:
        detail = "when completion mode is Indexed"
        causes.append(f.required("spec.completions", detail))
    if spec.selector is not None:
        labels = spec.template.metadata.labels
        causes.extend(c.selector_matches_labels("spec", spec.selector, labels))
    elif spec.manual_selector:  # otherwise the apiserver generates one on create
        causes.append(f.required("spec.selector"))
    causes.extend(validate_pod_template("spec.template", spec.template))
    policy = spec.template.spec.restart_policy
    if policy not in ("OnFailure", "Never"):
        at = "spec.template.spec.restartPolicy"
        causes.append(f.not_supported(at, policy, ("OnFailure", "Never")))
    if old is not None:
        causes.extend(c.immutable("spec.selector", spec.selector, old.spec.selector))
        causes.extend(c.immutable("spec.completions", spec.completions, old.spec.completions))
        causes.extend(
            c.immutable("spec.completionMode", spec.completion_mode, old.spec.completion_mode)
        )
        causes.extend(c.immutable("spec.template", spec.template, old.spec.template))
    return causes


def validate_controller_revision(obj: ControllerRevision, old: ControllerRevision | None) -> Causes:
    """A revision needs its data, a revision number of 0 or more, and never changes its data."""
    causes: Causes = []
    if not obj.data:
        causes.append(f.required("data"))
    causes.extend(c.at_least("revision", obj.revision, 0))
    if old is not None:
        causes.extend(c.immutable("data", obj.data, old.data))
    return causes
