"""policy/v1: PodDisruptionBudget, and the Eviction a ``pods/eviction`` request carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import ClassVar

import attrs

from ._base import EMPTY, freeze_map, freeze_seq, omitempty
from ._intstr import IntOrString
from ._meta import LabelSelector, ObjectMeta
from ._requests import DeleteOptions

__all__ = [
    "Condition",
    "Eviction",
    "PodDisruptionBudget",
    "PodDisruptionBudgetSpec",
    "PodDisruptionBudgetStatus",
]


@attrs.frozen(kw_only=True)
class Condition:
    """metav1.Condition: the condition type newer APIs share (a PDB's DisruptionAllowed)."""

    type: str = ""
    status: str = ""
    observed_generation: int = omitempty(0)
    last_transition_time: dt.datetime | None = None
    reason: str = ""
    message: str = ""


@attrs.frozen(kw_only=True)
class PodDisruptionBudgetSpec:
    min_available: IntOrString | None = None
    selector: LabelSelector | None = None
    max_unavailable: IntOrString | None = None
    unhealthy_pod_eviction_policy: str | None = None  # IfHealthyBudget or AlwaysAllow


@attrs.frozen(kw_only=True)
class PodDisruptionBudgetStatus:
    observed_generation: int = omitempty(0)
    #: Pods evicted and not yet seen gone by the disruption controller, with when.
    disrupted_pods: Mapping[str, dt.datetime] = attrs.field(default=EMPTY, converter=freeze_map)
    disruptions_allowed: int = 0
    current_healthy: int = 0
    desired_healthy: int = 0
    expected_pods: int = 0
    conditions: tuple[Condition, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class PodDisruptionBudget:
    api_version: ClassVar[str] = "policy/v1"
    kind: ClassVar[str] = "PodDisruptionBudget"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: PodDisruptionBudgetSpec = attrs.field(default=PodDisruptionBudgetSpec())
    status: PodDisruptionBudgetStatus = attrs.field(default=PodDisruptionBudgetStatus())


@attrs.frozen(kw_only=True)
class Eviction:
    """Asks to delete the Pod ``metadata.name`` if no disruption budget forbids it: created
    as the ``pods/eviction`` subresource (``client.create(Eviction(...))`` in-process)."""

    api_version: ClassVar[str] = "policy/v1"
    kind: ClassVar[str] = "Eviction"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    delete_options: DeleteOptions | None = None
