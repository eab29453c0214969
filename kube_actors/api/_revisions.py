"""Deployment revisions as kubectl and the controller both read them.

The annotations a Deployment and its ReplicaSets carry (revision, revision history, the sizes
that proportional scaling needs), the ``pod-template-hash`` label, and the comparisons that
ignore it. ``kubectl rollout undo`` and the Deployment controller must agree on these, so they
live with the kinds rather than with either side.
"""

from __future__ import annotations

from typing import Any

import attrs

from ._pod import PodTemplateSpec

__all__ = [
    "DESIRED_REPLICAS_ANNOTATION",
    "LAST_APPLIED_ANNOTATION",
    "MAX_REPLICAS_ANNOTATION",
    "POD_TEMPLATE_HASH_LABEL",
    "REVISION_ANNOTATION",
    "REVISION_HISTORY_ANNOTATION",
    "SKIPPED_ANNOTATIONS",
    "equal_ignore_hash",
    "revision",
    "without_hash",
]

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas"
POD_TEMPLATE_HASH_LABEL = "pod-template-hash"
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
#: Deployment annotations never copied onto its ReplicaSets (nor back by a rollback).
SKIPPED_ANNOTATIONS = frozenset(
    {
        LAST_APPLIED_ANNOTATION,
        REVISION_ANNOTATION,
        REVISION_HISTORY_ANNOTATION,
        DESIRED_REPLICAS_ANNOTATION,
        MAX_REPLICAS_ANNOTATION,
        "deprecated.deployment.rollback.to",
    }
)


def without_hash(template: PodTemplateSpec) -> PodTemplateSpec:
    labels = template.metadata.labels
    if POD_TEMPLATE_HASH_LABEL not in labels:
        return template
    kept = {k: v for k, v in labels.items() if k != POD_TEMPLATE_HASH_LABEL}
    return attrs.evolve(template, metadata=attrs.evolve(template.metadata, labels=kept))


def equal_ignore_hash(a: PodTemplateSpec, b: PodTemplateSpec) -> bool:
    """Whether two templates are the same but for the pod-template-hash label."""
    return without_hash(a) == without_hash(b)


def revision(rs: Any) -> int:
    """The revision annotation of a ReplicaSet or Deployment (0 when absent or invalid)."""
    text = rs.metadata.annotations.get(REVISION_ANNOTATION, "")
    try:
        return int(text)
    except ValueError:
        return 0
