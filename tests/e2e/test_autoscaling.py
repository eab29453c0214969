"""The horizontal Pod autoscaler on the running clock: every 15 s it compares the Pods'
scripted CPU usage with its target and scales the Deployment at the rates Kubernetes' default
behavior allows, waits out the 300 s scale-down stabilization, and says why in its status."""

from __future__ import annotations

from typing import Any

import anyio
import attrs
from anyio.abc import TaskGroup

from kube_actors import Cluster
from kube_actors.actors import monotonic, wall_clock
from kube_actors.api import (
    CrossVersionObjectReference,
    Deployment,
    Event,
    FrozenDict,
    HorizontalPodAutoscaler,
    HorizontalPodAutoscalerSpec,
    MetricSpec,
    MetricTarget,
    ObjectMeta,
    Quantity,
    ResourceMetricSource,
    ResourceRequirements,
    default,
    from_dict,
    get_condition,
    lookup_kind,
    validation_causes,
)
from kube_actors.kubectl import columns_for
from tests.cluster.test_crd_subresources import SCALED, crd
from tests.crd_kinds import stop_serving

from ._workloads import NS, advance, deployment


def busy(usage: str, replicas: int = 1) -> Deployment:
    web = deployment(replicas=replicas, script={"cpu-usage": usage})
    pods = web.spec.template
    (container,) = pods.spec.containers
    container = attrs.evolve(
        container, resources=ResourceRequirements(requests={"cpu": Quantity("200m")})
    )
    pods = attrs.evolve(pods, spec=attrs.evolve(pods.spec, containers=(container,)))
    return attrs.evolve(web, spec=attrs.evolve(web.spec, template=pods))


def autoscaler(**spec: Any) -> HorizontalPodAutoscaler:
    cpu = MetricSpec(
        type="Resource",
        resource=ResourceMetricSource(
            name="cpu", target=MetricTarget(type="Utilization", average_utilization=100)
        ),
    )
    return HorizontalPodAutoscaler(
        metadata=ObjectMeta(name="web", namespace=NS),
        spec=HorizontalPodAutoscalerSpec(
            scale_target_ref=CrossVersionObjectReference(
                api_version="apps/v1", kind="Deployment", name="web"
            ),
            **{"min_replicas": 1, "max_replicas": 10, "metrics": (cpu,), **spec},
        ),
    )


async def record_scales(cluster: Cluster, group: TaskGroup, seen: list[tuple[float, int]]) -> None:
    stream = await cluster.client.watch(Deployment, namespace=NS)

    async def follow() -> None:
        async for event in stream:
            if event.obj is not None and event.obj.metadata.name == "web":
                replicas = event.obj.spec.replicas
                if not seen or seen[-1][1] != replicas:
                    seen.append((monotonic(), replicas))

    group.start_soon(follow)


async def test_a_busy_deployment_doubles_every_30_s_up_to_max_replicas() -> None:
    seen: list[tuple[float, int]] = []
    async with Cluster(nodes=3, clock="virtual", seed=61) as cluster:
        async with anyio.create_task_group() as group:
            await record_scales(cluster, group, seen)
            await cluster.client.create(busy("400m"))  # 200 % of its request
            await advance(cluster, 300)  # past the CPU initialization period
            await cluster.client.create(autoscaler())
            await advance(cluster, 120)
            group.cancel_scope.cancel()
        # Each new Pod counts as using nothing until it has been Ready for a metrics window
        # (30 s), so the count doubles every other sync; 16 is capped at maxReplicas.
        assert seen == [(0.0, 1), (300.0, 2), (330.0, 4), (360.0, 8), (390.0, 10)]
        hpa = await cluster.client.get(HorizontalPodAutoscaler, "web", namespace=NS)
        status = hpa.status
        assert (status.current_replicas, status.desired_replicas) == (10, 10)
        limited = get_condition(status.conditions, "ScalingLimited")
        assert limited is not None
        assert (limited.status, limited.reason) == ("True", "TooManyReplicas")
        active = get_condition(status.conditions, "ScalingActive")
        assert active is not None
        assert (active.status, active.reason) == ("True", "ValidMetricFound")
        (metric,) = status.current_metrics
        assert metric.resource is not None
        assert metric.resource.current.average_utilization == 200
        row = [c.cell(hpa, wall_clock()) for c in columns_for(HorizontalPodAutoscaler)]
        assert row[1:6] == ["Deployment/web", "cpu: 200%/100%", "1", 10, 10]


async def test_an_idle_deployment_shrinks_only_after_the_300_s_stabilization_window() -> None:
    seen: list[tuple[float, int]] = []
    async with Cluster(nodes=3, clock="virtual", seed=62) as cluster:
        async with anyio.create_task_group() as group:
            await record_scales(cluster, group, seen)
            # Busy (200 %) for 10 minutes, then idle (10 %): each Pod from its own start.
            await cluster.client.create(busy("0s=400m,10m=20m", replicas=4))
            await advance(cluster, 300)
            await cluster.client.create(autoscaler(max_replicas=4))
            await advance(cluster, 20 * 60)
            group.cancel_scope.cancel()
        # The Pods go idle at 600 s; the high recommendations of the last 300 s hold the
        # count until 900 s; then the 100 % per 15 s policy lets it fall to minReplicas.
        assert seen == [(0.0, 4), (900.0, 1)]
        hpa = await cluster.client.get(HorizontalPodAutoscaler, "web", namespace=NS)
        assert hpa.status.last_scale_time is not None


def test_an_autoscaler_is_validated_with_kubernetes_messages() -> None:
    bad = autoscaler(min_replicas=0, max_replicas=0)
    bad = attrs.evolve(
        bad,
        spec=attrs.evolve(
            bad.spec, scale_target_ref=CrossVersionObjectReference(kind="Deployment")
        ),
    )
    assert [str(c) for c in validation_causes(default(bad))] == [
        "spec.scaleTargetRef.name: Required value",
        "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
        "spec.maxReplicas: Invalid value: 0: must be greater than or equal to 1",
    ]
    crossed = default(autoscaler(min_replicas=3, max_replicas=2))
    assert [str(c) for c in validation_causes(crossed)] == [
        "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`"
    ]


def test_an_autoscaler_without_metrics_keeps_cpu_at_80_percent() -> None:
    hpa = default(attrs.evolve(autoscaler(), spec=attrs.evolve(autoscaler().spec, metrics=())))
    (metric,) = hpa.spec.metrics
    assert metric.resource is not None
    assert (metric.resource.name, metric.resource.target.average_utilization) == ("cpu", 80)


def crontab_web() -> Any:
    return from_dict(
        {
            "apiVersion": "stable.example.com/v1",
            "kind": "CronTab",
            "metadata": {"name": "web", "namespace": NS},
            "spec": {"cron": "* * * * *", "replicas": 1},
        }
    )


def crontab_autoscaler() -> HorizontalPodAutoscaler:
    """``autoscaler()`` aimed at the CronTab ``web``."""
    hpa = autoscaler()
    ref = CrossVersionObjectReference(
        api_version="stable.example.com/v1", kind="CronTab", name="web"
    )
    return attrs.evolve(hpa, spec=attrs.evolve(hpa.spec, scale_target_ref=ref))


async def test_an_autoscaler_scales_a_custom_kind_through_its_scale_subresource() -> None:
    manifest = crd(SCALED)
    async with Cluster(nodes=1, clock="virtual", seed=63) as cluster:
        await cluster.apply([manifest])
        info = lookup_kind("stable.example.com/v1", "CronTab")
        assert info is not None
        try:
            created = await cluster.client.create(crontab_web())
            # The custom kind's own controller would run the Pods and report the selector.
            await cluster.client.update_status(
                attrs.evolve(created, status=FrozenDict({"replicas": 1, "selector": "app=web"}))
            )
            await cluster.client.create(busy("400m"))  # app=web, at 200 % of its request
            await advance(cluster, 300)
            await cluster.client.create(crontab_autoscaler())
            await advance(cluster, 20)
            scaled = await cluster.client.get(info.cls, "web", namespace=NS)
            assert scaled.spec["replicas"] == 2
            hpa = await cluster.client.get(HorizontalPodAutoscaler, "web", namespace=NS)
            # Rescaled at the first sync; at the next one the size matches.
            assert hpa.status.last_scale_time is not None
            assert (hpa.status.current_replicas, hpa.status.desired_replicas) == (2, 2)
        finally:
            stop_serving("stable.example.com/v1", "CronTab")


async def test_with_a_metrics_server_the_autoscaler_reads_the_resource_metrics_api() -> None:
    seen: list[tuple[float, int]] = []
    async with Cluster(nodes=3, clock="virtual", seed=64, metric_resolution=15) as cluster:
        async with anyio.create_task_group() as group:
            await record_scales(cluster, group, seen)
            await cluster.client.create(busy("400m"))  # 200 % of its request
            await advance(cluster, 300)
            await cluster.client.create(autoscaler(max_replicas=4))
            await advance(cluster, 120)
            group.cancel_scope.cancel()
        hpa = await cluster.client.get(HorizontalPodAutoscaler, "web", namespace=NS)
    # The same doubling as from the script, but a new Pod counts only once a sample of the
    # metrics server (every 15 s) covers a whole window after it became Ready: 345 s, not 330.
    assert seen == [(0.0, 1), (300.0, 2), (345.0, 4)]
    (metric,) = hpa.status.current_metrics
    assert metric.resource is not None
    assert metric.resource.current.average_utilization == 200


async def test_without_its_metrics_server_the_autoscaler_says_it_cannot_get_metrics() -> None:
    async with Cluster(nodes=1, clock="virtual", seed=65, metric_resolution=15) as cluster:
        await cluster.client.create(busy("400m"))
        await advance(cluster, 300)
        await cluster.system.stop(cluster.system.lookup("metrics-server"))
        await cluster.client.create(autoscaler())
        await advance(cluster, 20)
        hpa = await cluster.client.get(HorizontalPodAutoscaler, "web", namespace=NS)
    active = get_condition(hpa.status.conditions, "ScalingActive")
    assert active is not None
    assert (active.status, active.reason) == ("False", "FailedGetResourceMetric")
    assert "unable to fetch metrics from resource metrics API" in active.message


async def test_a_target_whose_scale_has_no_selector_cannot_be_autoscaled() -> None:
    manifest = crd({"scale": {k: v for k, v in SCALED["scale"].items() if "Selector" not in k}})
    async with Cluster(nodes=1, clock="virtual", seed=66) as cluster:
        await cluster.apply([manifest])
        try:
            await cluster.client.create(crontab_web())
            await cluster.client.create(crontab_autoscaler())
            await advance(cluster, 1)
            hpa = await cluster.client.get(HorizontalPodAutoscaler, "web", namespace=NS)
            events = await cluster.client.list(Event, namespace=NS)
        finally:
            stop_serving("stable.example.com/v1", "CronTab")
    active = get_condition(hpa.status.conditions, "ScalingActive")
    assert active is not None
    assert (active.status, active.reason, active.message) == (
        "False",
        "InvalidSelector",
        "the HPA target's scale is missing a selector",
    )
    assert [(e.reason, e.message) for e in events if e.type == "Warning"] == [
        ("SelectorRequired", "selector is required")
    ]
