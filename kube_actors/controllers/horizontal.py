"""The horizontal Pod autoscaler controller (Kubernetes' ``pkg/controller/podautoscaler``).

Every 15 seconds on the running clock (``--horizontal-pod-autoscaler-sync-period``) each HPA
reads its target's replicas and selector through the target kind's scale subresource (any
kind with one: Deployments, ReplicaSets, StatefulSets, a CRD's kind), the Pods, and their
resource usage: from the resource metrics API (``metrics.k8s.io``) when the cluster runs a
metrics server, else the fake runtime's scripted usage (``kube_actors.runtime.scripted_usage``),
and:

1. proposes ``ceil(ratio * Pods with metrics)``, where ratio is the average utilization (or
   value) over its target, left at the current count within the 0.1 tolerance. Pods being
   deleted or failed are ignored; Pods not Ready (for CPU, not Ready, or whose sample does
   not cover a metrics window since they became Ready, within their first 5 minutes) do not
   count towards a scale-up; Pods with
   no metrics count as using nothing on a scale-up and their full request on a scale-down,
   and a proposal those change the direction of is dropped;
2. stabilizes it: the lowest proposal of the scale-up window (0 s by default) bounds a rise,
   the highest of the scale-down window (300 s) bounds a fall;
3. limits the rate with the behavior's policies (by default up by max(4 Pods, 100 %) and down
   by 100 % per 15 s), then clamps to min/max replicas;
4. writes the target's wanted replicas (at its scale subresource's path), records
   ``SuccessfulRescale``, and the status: replicas, ``currentMetrics``, ``lastScaleTime`` and
   the conditions AbleToScale, ScalingActive and ScalingLimited in Kubernetes' words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from ..actors import wall_clock
from ..api import (
    CrossVersionObjectReference,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerCondition,
    HPAScalingPolicy,
    HPAScalingRules,
    KindInfo,
    MetricStatus,
    MetricValueStatus,
    Pod,
    PodMetrics,
    Quantity,
    ResourceMetricStatus,
    compile_selector,
    get_condition,
    kinds,
    lookup_kind,
    parse_window,
    replicas_patch,
    scale_replicas,
    scale_selector,
    set_condition,
)
from ..client import Client, EventRecorder, SharedInformer
from ..errors import ApiError
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ..runtime import scripted_usage
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "SYNC_PERIOD",
    "TOLERANCE",
    "WORKERS",
    "HorizontalReconciler",
    "controller",
    "default_rules",
]

COMPONENT = "horizontal-pod-autoscaler"
WORKERS = 5
#: ``--horizontal-pod-autoscaler-sync-period``.
SYNC_PERIOD: Final = 15.0
#: ``--horizontal-pod-autoscaler-tolerance``.
TOLERANCE: Final = 0.1
#: ``--horizontal-pod-autoscaler-cpu-initialization-period``.
CPU_INITIALIZATION_PERIOD: Final = 300.0
#: The window a metrics-server sample covers.
METRIC_WINDOW: Final = 30.0


def default_rules(up: bool, given: HPAScalingRules | None = None) -> HPAScalingRules:
    """A direction's rules with Kubernetes' defaults filled in."""
    given = given or HPAScalingRules()
    policies: tuple[HPAScalingPolicy, ...]
    if up:
        policies = (
            HPAScalingPolicy(type="Pods", value=4, period_seconds=15),
            HPAScalingPolicy(type="Percent", value=100, period_seconds=15),
        )
        window = 0
    else:
        policies = (HPAScalingPolicy(type="Percent", value=100, period_seconds=15),)
        window = 300
    return HPAScalingRules(
        stabilization_window_seconds=(
            window
            if given.stabilization_window_seconds is None
            else given.stabilization_window_seconds
        ),
        select_policy=given.select_policy or "Max",
        policies=given.policies or policies,
    )


@attrs.frozen
class _Proposal:
    replicas: int
    utilization: int | None
    average: Quantity
    resource: str


@attrs.frozen
class _Sample:
    """One Pod's measured usage: by container, at ``timestamp``, over ``window`` seconds."""

    usage: Mapping[str, Mapping[str, Quantity]]
    timestamp: dt.datetime
    window: float


class _NoProposal(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class HorizontalReconciler:
    """Reconciles one HPA at a time (see the module docstring)."""

    def __init__(
        self,
        *,
        client: Client,
        autoscalers: SharedInformer[HorizontalPodAutoscaler],
        pods: SharedInformer[Pod],
        recorder: EventRecorder,
        resource_metrics: bool = False,
    ) -> None:
        self.client = client
        #: Read usage from ``metrics.k8s.io`` (a metrics server runs), not the fake's script.
        self.resource_metrics = resource_metrics
        self.autoscalers = autoscalers
        self.pods = pods
        self.recorder = recorder
        #: Per HPA: (when, proposed replicas), and (when, change) of each rescale.
        self.recommendations: dict[str, list[tuple[dt.datetime, int]]] = {}
        self.events: dict[str, list[tuple[dt.datetime, int]]] = {}
        #: When each HPA was last synced: as Kubernetes' queue (a fixed 15 s interval per
        #: item), a change to the HPA or its own status write waits for the next period.
        self.synced: dict[str, dt.datetime] = {}

    async def reconcile(self, request: Request) -> Result:
        hpa = self.autoscalers.indexer.get(request.name, request.namespace)
        key = str(request)
        if hpa is None or hpa.metadata.deletion_timestamp is not None:
            self.recommendations.pop(key, None)
            self.events.pop(key, None)
            self.synced.pop(key, None)
            return Result()
        now = wall_clock()
        last = self.synced.get(key)
        if last is not None and (now - last).total_seconds() < SYNC_PERIOD:
            return Result(requeue_after=SYNC_PERIOD - (now - last).total_seconds())
        self.synced[key] = now
        await _Sync(self, key, hpa, now).run()
        return Result(requeue_after=SYNC_PERIOD)


class _Sync:
    def __init__(
        self, owner: HorizontalReconciler, key: str, hpa: HorizontalPodAutoscaler, now: dt.datetime
    ) -> None:
        self.owner, self.key, self.hpa, self.now = owner, key, hpa, now
        self.conditions = hpa.status.conditions
        self.status = hpa.status

    def _condition(self, kind: str, status: str, reason: str, message: str) -> None:
        found = get_condition(self.conditions, kind)
        since = found.last_transition_time if found and found.status == status else self.now
        new = HorizontalPodAutoscalerCondition(
            type=kind, status=status, reason=reason, message=message, last_transition_time=since
        )
        self.conditions = set_condition(self.conditions, new)

    async def run(self) -> None:
        ref, namespace = self.hpa.spec.scale_target_ref, self.hpa.metadata.namespace
        info = _target_kind(ref)
        try:
            if info is None:
                raise ApiError(f'no matches for kind "{ref.kind}"')
            target = await self.owner.client.get(info.cls, ref.name, namespace=namespace)
        except ApiError as error:
            self._condition(
                "AbleToScale",
                "False",
                "FailedGetScale",
                f"the HPA controller was unable to get the target's current scale: {error}",
            )
            await self._write()
            return
        current, _ = scale_replicas(target)
        spec = self.hpa.spec
        minimum = spec.min_replicas or 1
        metrics: list[MetricStatus] = []
        if current == 0 and minimum != 0:
            desired = 0
            self._condition(
                "ScalingActive",
                "False",
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            )
        else:
            try:
                proposal = await self._propose(target, current)
            except _NoProposal as failed:
                self._condition("ScalingActive", "False", failed.reason, failed.message)
                await self._write(current=current)
                return
            metrics = [_metric_status(proposal)]
            self._condition(
                "ScalingActive",
                "True",
                "ValidMetricFound",
                "the HPA was able to successfully calculate a replica count from "
                + _metric_name(proposal),
            )
            desired = self._normalize(current, proposal.replicas, minimum, spec.max_replicas)
        if desired != current:
            await self.owner.client.patch(
                type(target), ref.name, replicas_patch(info, desired), namespace=namespace
            )
            self.owner.events.setdefault(self.key, []).append((self.now, desired - current))
            above = f"{_metric_name(proposal)} above target" if metrics else ""
            reason = "All metrics below target" if desired < current else above
            self.owner.recorder.event(
                self.hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}"
            )
            self._condition(
                "AbleToScale",
                "True",
                "SucceededRescale",
                f"the HPA controller was able to update the target scale to {desired}",
            )
            self.status = attrs.evolve(self.status, last_scale_time=self.now)
        else:
            self._condition(
                "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size"
            )
        await self._write(current=current, desired=desired, metrics=metrics)

    # ------------------------------------------------------------------------- proposal

    async def _propose(self, target: Any, current: int) -> _Proposal:
        (metric,) = self.hpa.spec.metrics[:1] or (None,)
        if metric is None or metric.resource is None:
            raise _NoProposal("FailedGetResourceMetric", "no resource metric to scale on")
        resource, goal = metric.resource.name, metric.resource.target
        found = scale_selector(target)
        if not found:
            self.owner.recorder.event(
                self.hpa, "Warning", "SelectorRequired", "selector is required"
            )
            raise _NoProposal("InvalidSelector", "the HPA target's scale is missing a selector")
        selector = compile_selector(found)
        pods = [
            p
            for p in self.owner.pods.indexer.list(self.hpa.metadata.namespace)
            if selector.matches(p.metadata.labels)
        ]
        if not pods:
            raise _NoProposal(
                "FailedGetResourceMetric",
                "failed to get "
                + resource
                + " utilization: no pods returned by selector while calculating replica count",
            )
        samples = await self._samples(pods, resource, found)
        usage: dict[str, int] = {}
        requests: dict[str, int] = {}
        unready: list[str] = []
        missing: list[str] = []
        for pod in pods:
            name = pod.metadata.name
            if pod.metadata.deletion_timestamp is not None or pod.status.phase == "Failed":
                continue
            requests[name] = sum(
                _milli(c.resources.requests.get(resource)) for c in pod.spec.containers
            )
            if pod.status.phase == "Pending":
                unready.append(name)
                continue
            sample = samples.get(name)
            if sample is None or any(resource not in v for v in sample.usage.values()):
                missing.append(name)
                continue
            if resource == "cpu" and self._unready_for_cpu(pod, sample):
                unready.append(name)
                continue
            usage[name] = sum(_milli(v[resource]) for v in sample.usage.values())
        if not usage:
            raise _NoProposal(
                "FailedGetResourceMetric",
                f"failed to get {resource} utilization: did not receive metrics for targeted "
                "pods (pods might be unready)",
            )
        utilization_goal = goal.average_utilization if goal.type == "Utilization" else None
        if utilization_goal is not None and any(requests.get(n, 0) == 0 for n in usage):
            raise _NoProposal(
                "FailedGetResourceMetric",
                f"failed to get {resource} utilization: missing request for {resource}",
            )
        target_value = _milli(goal.average_value) if goal.type == "AverageValue" else 0

        def ratio_of(samples: dict[str, int]) -> tuple[float, int | None, int]:
            total = sum(samples.values())
            average = total // len(samples)
            if utilization_goal is not None:
                utilization = total * 100 // sum(requests[n] for n in samples)
                return utilization / utilization_goal, utilization, average
            return average / target_value, None, average

        ratio, utilization, average = ratio_of(usage)
        proposal = _Proposal(current, utilization, Quantity.from_milli(average), resource)
        up_with_unready = bool(unready) and ratio > 1.0
        if not up_with_unready and not missing:
            if abs(1.0 - ratio) <= TOLERANCE:
                return proposal
            return attrs.evolve(proposal, replicas=math.ceil(ratio * len(usage)))
        filled = dict(usage)
        for name in missing:
            filled[name] = requests.get(name, 0) if ratio < 1.0 else 0
        if up_with_unready:
            for name in unready:
                filled[name] = 0
        new_ratio, _, _ = ratio_of(filled)
        if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0) != (new_ratio < 1.0):
            return proposal
        replicas = math.ceil(new_ratio * len(filled))
        if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
            return proposal
        return attrs.evolve(proposal, replicas=replicas)

    async def _samples(
        self, pods: Sequence[Pod], resource: str, selector: str
    ) -> dict[str, _Sample]:
        """Each Pod's usage by container: from the resource metrics API (``metrics.k8s.io``,
        the metrics server) when the cluster runs one, else the fake runtime's script."""
        if not self.owner.resource_metrics:
            return {
                p.metadata.name: _Sample(scripted_usage(p, self.now), self.now, METRIC_WINDOW)
                for p in pods
                if p.status.phase == "Running" and scripted_usage(p, self.now)
            }
        try:
            found = await self.owner.client.list(
                PodMetrics, namespace=self.hpa.metadata.namespace, label_selector=selector
            )
        except ApiError as error:
            raise _NoProposal(
                "FailedGetResourceMetric",
                f"failed to get {resource} utilization: unable to get metrics for resource "
                f"{resource}: unable to fetch metrics from resource metrics API: {error}",
            ) from error
        return {
            m.metadata.name: _Sample(
                {c.name: c.usage for c in m.containers},
                m.timestamp or self.now,
                parse_window(m.window) if m.window else METRIC_WINDOW,
            )
            for m in found
        }

    def _unready_for_cpu(self, pod: Pod, sample: _Sample) -> bool:
        ready = get_condition(pod.status.conditions, "Ready")
        start = pod.status.start_time
        if ready is None or start is None or ready.last_transition_time is None:
            return True
        if (self.now - start).total_seconds() < CPU_INITIALIZATION_PERIOD:
            # A sample that does not cover one whole window since the Pod became Ready
            # does not count yet.
            settled = ready.last_transition_time + dt.timedelta(seconds=sample.window)
            return ready.status != "True" or sample.timestamp < settled
        return ready.status != "True" and (ready.last_transition_time - start).total_seconds() < 30

    # ------------------------------------------------------------------------- behavior

    def _normalize(self, current: int, proposed: int, minimum: int, maximum: int) -> int:
        behavior = self.hpa.spec.behavior
        up = default_rules(True, behavior.scale_up if behavior else None)
        down = default_rules(False, behavior.scale_down if behavior else None)
        history = self.owner.recommendations.setdefault(self.key, [])
        longest = max(up.stabilization_window_seconds or 0, down.stabilization_window_seconds or 0)
        history[:] = [(t, r) for t, r in history if (self.now - t).total_seconds() <= longest]
        history.append((self.now, proposed))
        up_bound = min(
            r for t, r in history if _within(self.now, t, up.stabilization_window_seconds)
        )
        down_bound = max(
            r for t, r in history if _within(self.now, t, down.stabilization_window_seconds)
        )
        stabilized = min(max(current, up_bound), down_bound)
        events = self.owner.events.get(self.key, [])
        if stabilized > current:
            limit = max(_limit(up, current, events, self.now, True), current)
            allowed, reason, message = (
                maximum,
                "TooManyReplicas",
                "the desired replica count is more than the maximum replica count",
            )
            if maximum > limit:
                allowed, reason, message = (
                    limit,
                    "ScaleUpLimit",
                    "the desired replica count is increasing faster than the maximum scale rate",
                )
            if stabilized > allowed:
                self._condition("ScalingLimited", "True", reason, message)
                return allowed
        elif stabilized < current:
            limit = min(_limit(down, current, events, self.now, False), current)
            allowed, reason, message = (
                minimum,
                "TooFewReplicas",
                "the desired replica count is less than the minimum replica count",
            )
            if minimum < limit:
                allowed, reason, message = (
                    limit,
                    "ScaleDownLimit",
                    "the desired replica count is decreasing faster than the maximum scale rate",
                )
            if stabilized < allowed:
                self._condition("ScalingLimited", "True", reason, message)
                return allowed
        else:
            if current > maximum:
                self._condition(
                    "ScalingLimited",
                    "True",
                    "TooManyReplicas",
                    "the desired replica count is more than the maximum replica count",
                )
                return maximum
            if current < minimum:
                self._condition(
                    "ScalingLimited",
                    "True",
                    "TooFewReplicas",
                    "the desired replica count is less than the minimum replica count",
                )
                return minimum
        self._condition(
            "ScalingLimited",
            "False",
            "DesiredWithinRange",
            "the desired count is within the acceptable range",
        )
        return stabilized

    async def _write(
        self,
        *,
        current: int | None = None,
        desired: int | None = None,
        metrics: Sequence[MetricStatus] = (),
    ) -> None:
        status = attrs.evolve(
            self.status,
            observed_generation=self.hpa.metadata.generation,
            current_replicas=self.status.current_replicas if current is None else current,
            desired_replicas=self.status.desired_replicas if desired is None else desired,
            current_metrics=tuple(metrics) if metrics else self.status.current_metrics,
            conditions=self.conditions,
        )
        if status == self.hpa.status:
            return
        await self.owner.client.update_status(attrs.evolve(self.hpa, status=status))
        reconcile_log().debug("hpa_status_updated", desired=status.desired_replicas)


def _target_kind(ref: CrossVersionObjectReference) -> KindInfo | None:
    """The kind an HPA scales, if it has a scale subresource: by apiVersion and kind, or by
    kind alone when the reference leaves the apiVersion out."""
    if ref.api_version:
        found = lookup_kind(ref.api_version, ref.kind)
    else:
        found = next((i for i in kinds() if i.kind == ref.kind and i.scale is not None), None)
    return found if found is not None and found.scale is not None else None


def _within(now: dt.datetime, then: dt.datetime, window: int | None) -> bool:
    return (now - then).total_seconds() <= (window or 0)


def _limit(
    rules: HPAScalingRules,
    current: int,
    events: list[tuple[dt.datetime, int]],
    now: dt.datetime,
    up: bool,
) -> int:
    """How far the policies let the replicas go from ``current`` in one step."""
    if rules.select_policy == "Disabled":
        return current
    pick = max if (rules.select_policy == "Max") == up else min
    found: int | None = None
    for policy in rules.policies:
        recent = [c for t, c in events if (now - t).total_seconds() < policy.period_seconds]
        added = sum(c for c in recent if c > 0)
        removed = -sum(c for c in recent if c < 0)
        start = current - added + removed
        if up:
            value = (
                start + policy.value
                if policy.type == "Pods"
                else math.ceil(start * (1 + policy.value / 100))
            )
        else:
            value = (
                start - policy.value
                if policy.type == "Pods"
                else int(start * (1 - policy.value / 100))
            )
        found = value if found is None else pick(found, value)
    return current if found is None else found


def _metric_name(proposal: _Proposal) -> str:
    """How Kubernetes names a resource metric in its messages."""
    if proposal.utilization is not None:
        return f"{proposal.resource} resource utilization (percentage of request)"
    return f"{proposal.resource} resource"


def _milli(value: Quantity | None) -> int:
    return 0 if value is None else value.milli_value()


def _metric_status(proposal: _Proposal) -> MetricStatus:
    return MetricStatus(
        type="Resource",
        resource=ResourceMetricStatus(
            name=proposal.resource,
            current=MetricValueStatus(
                average_value=proposal.average, average_utilization=proposal.utilization
            ),
        ),
    )


def controller(context: ControllerContext) -> ControllerSpec:
    """The HPA controller, as kube-controller-manager's ``horizontal-pod-autoscaler``."""
    reconciler = HorizontalReconciler(
        client=context.client,
        autoscalers=context.informers.informer(HorizontalPodAutoscaler),
        pods=context.informers.informer(Pod),
        recorder=context.recorder(COMPONENT),
        resource_metrics=context.resource_metrics,
    )
    return ControllerSpec(
        for_=HorizontalPodAutoscaler,
        reconciler=reconciler,
        workers=WORKERS,
        name="horizontalpodautoscaling",
    )
