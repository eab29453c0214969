"""ResourceQuotas and LimitRanges: admission enforces them, the quota controller counts."""

from __future__ import annotations

import attrs
import pytest

from kube_actors.api import (
    Container,
    Deployment,
    LimitRange,
    LimitRangeItem,
    LimitRangeSpec,
    ObjectMeta,
    PersistentVolumeClaim,
    PersistentVolumeClaimSpec,
    Pod,
    PodSpec,
    Quantity,
    ResourceQuota,
    ResourceQuotaSpec,
    ResourceRequirements,
    VolumeResourceRequirements,
)
from kube_actors.cluster import Cluster
from kube_actors.errors import Forbidden, Invalid
from kube_actors.testing import deployment

from ._fake_kubelet import succeed

NS = "default"


def _cluster() -> Cluster:
    return Cluster(controllers=("resourcequota",), scheduler=False)


def pod(
    name: str,
    *,
    requests: dict[str, str] | None = None,
    limits: dict[str, str] | None = None,
    deadline: int | None = None,
) -> Pod:
    resources = ResourceRequirements(requests=requests or {}, limits=limits or {})
    return Pod(
        metadata=ObjectMeta(name=name, namespace=NS),
        spec=PodSpec(
            containers=[Container(name="app", image="nginx", resources=resources)],
            active_deadline_seconds=deadline,
        ),
    )


def volume_claim(name: str, storage: str) -> PersistentVolumeClaim:
    return PersistentVolumeClaim(
        metadata=ObjectMeta(name=name, namespace=NS),
        spec=PersistentVolumeClaimSpec(
            access_modes=["ReadWriteOnce"],
            resources=VolumeResourceRequirements(requests={"storage": storage}),
        ),
    )


async def quota(
    cluster: Cluster, name: str = "q", *, hard: dict[str, str], scopes: tuple[str, ...] = ()
) -> ResourceQuota:
    spec = ResourceQuotaSpec(hard=hard, scopes=scopes)
    await cluster.client.create(
        ResourceQuota(metadata=ObjectMeta(name=name, namespace=NS), spec=spec)
    )
    await cluster.settle()
    return await cluster.client.get(ResourceQuota, name, namespace=NS)


async def used(cluster: Cluster, name: str = "q") -> dict[str, str]:
    await cluster.settle()
    found = await cluster.client.get(ResourceQuota, name, namespace=NS)
    return {k: str(v) for k, v in found.status.used.items()}


async def test_a_pod_count_quota_refuses_the_pod_beyond_it_until_one_goes() -> None:
    async with _cluster() as cluster:
        made = await quota(cluster, hard={"pods": "2"})
        assert {k: str(v) for k, v in made.status.hard.items()} == {"pods": "2"}
        assert await used(cluster) == {"pods": "0"}
        await cluster.client.create(pod("a"))
        await cluster.client.create(pod("b"))
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(pod("c"))
        assert str(refused.value) == (
            'pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, '
            "limited: pods=2"
        )
        assert await used(cluster) == {"pods": "2"}
        # A finished Pod no longer counts; neither does a deleted one.
        await succeed(cluster.client, await cluster.client.get(Pod, "a", namespace=NS))
        assert await used(cluster) == {"pods": "1"}
        await cluster.client.create(pod("c"))
        await cluster.client.delete(Pod, "b", namespace=NS, grace_period_seconds=0)
        assert await used(cluster) == {"pods": "1"}


async def test_a_compute_quota_needs_stated_requests_and_caps_their_sum() -> None:
    async with _cluster() as cluster:
        await quota(cluster, hard={"requests.cpu": "1", "limits.memory": "1Gi"})
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(pod("bare"))
        assert str(refused.value) == (
            'pods "bare" is forbidden: failed quota: q: must specify limits.memory for: app; '
            "requests.cpu for: app"
        )
        await cluster.client.create(pod("a", requests={"cpu": "600m"}, limits={"memory": "512Mi"}))
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(
                pod("b", requests={"cpu": "600m"}, limits={"memory": "256Mi"})
            )
        assert str(refused.value) == (
            'pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=600m, '
            "used: requests.cpu=600m, limited: requests.cpu=1"
        )
        assert await used(cluster) == {"requests.cpu": "600m", "limits.memory": "512Mi"}
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(
                pod("b", requests={"cpu": "400m"}, limits={"memory": "600Mi"})
            )
        assert "requested: limits.memory=600Mi, used: limits.memory=512Mi" in str(refused.value)
        await cluster.client.create(pod("b", requests={"cpu": "400m"}, limits={"memory": "512Mi"}))
        assert await used(cluster) == {"requests.cpu": "1", "limits.memory": "1Gi"}


async def test_object_counts_of_any_kind_and_claims_storage() -> None:
    async with _cluster() as cluster:
        await quota(
            cluster,
            hard={"count/deployments.apps": "1", "requests.storage": "1Gi", "configmaps": "5"},
        )
        await cluster.client.create(deployment("one", namespace=NS))
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(deployment("two", namespace=NS))
        assert str(refused.value).startswith(
            'deployments.apps "two" is forbidden: exceeded quota: q, '
            "requested: count/deployments.apps=1, used: count/deployments.apps=1"
        )
        claim = volume_claim("data", "2Gi")
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(claim)
        assert "requested: requests.storage=2Gi, used: requests.storage=0" in str(refused.value)
        found = await used(cluster)
        assert found["count/deployments.apps"] == "1"
        assert found["requests.storage"] == "0"
        assert int(found["configmaps"]) >= 0
        assert (await cluster.client.list(Deployment, namespace=NS))[0].metadata.name == "one"


async def test_scopes_choose_the_pods_a_quota_counts() -> None:
    async with _cluster() as cluster:
        await quota(cluster, "best-effort", hard={"pods": "1"}, scopes=("BestEffort",))
        await quota(cluster, "terminating", hard={"pods": "1"}, scopes=("Terminating",))
        await cluster.client.create(pod("free"))
        await cluster.client.create(pod("paid-1", requests={"cpu": "100m"}))
        await cluster.client.create(pod("paid-2", requests={"cpu": "100m"}))
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(pod("free-2"))
        assert "exceeded quota: best-effort" in str(refused.value)
        await cluster.client.create(pod("batch", requests={"cpu": "1m"}, deadline=60))
        assert await used(cluster, "best-effort") == {"pods": "1"}
        assert await used(cluster, "terminating") == {"pods": "1"}


def limits(*items: LimitRangeItem) -> LimitRange:
    return LimitRange(
        metadata=ObjectMeta(name="limits", namespace=NS), spec=LimitRangeSpec(limits=items)
    )


async def test_a_limit_range_fills_in_defaults_and_says_so() -> None:
    async with _cluster() as cluster:
        stored = await cluster.client.create(
            limits(LimitRangeItem(type="Container", default={"cpu": "500m"}, max={"memory": "1Gi"}))
        )
        # Kubernetes' defaulting: default from max, default request from default.
        (item,) = stored.spec.limits
        assert dict(item.default) == {"cpu": Quantity("500m"), "memory": Quantity("1Gi")}
        assert dict(item.default_request) == {"cpu": Quantity("500m"), "memory": Quantity("1Gi")}
        made = await cluster.client.create(pod("a", requests={"cpu": "100m"}))
        resources = made.spec.containers[0].resources
        assert {k: str(v) for k, v in resources.requests.items()} == {
            "cpu": "100m",
            "memory": "1Gi",
        }
        assert {k: str(v) for k, v in resources.limits.items()} == {"cpu": "500m", "memory": "1Gi"}
        assert made.metadata.annotations["kubernetes.io/limit-ranger"] == (
            "LimitRanger plugin set: memory request for container app; cpu, memory limit for "
            "container app"
        )


async def test_a_limit_range_refuses_what_is_out_of_bounds_with_every_reason() -> None:
    async with _cluster() as cluster:
        await cluster.client.create(
            limits(
                LimitRangeItem(
                    type="Container",
                    min={"cpu": "100m"},
                    max={"cpu": "1"},
                    max_limit_request_ratio={"cpu": "4"},
                ),
                LimitRangeItem(type="PersistentVolumeClaim", max={"storage": "1Gi"}),
            )
        )
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(pod("a", requests={"cpu": "50m"}, limits={"cpu": "2"}))
        assert str(refused.value) == (
            'pods "a" is forbidden: [minimum cpu usage per Container is 100m, but request is '
            "50m, maximum cpu usage per Container is 1, but limit is 2, cpu max limit to "
            "request ratio per Container is 4, but provided ratio is 40.000000]"
        )
        claim = volume_claim("big", "5Gi")
        with pytest.raises(Forbidden) as refused:
            await cluster.client.create(claim)
        assert str(refused.value) == (
            'persistentvolumeclaims "big" is forbidden: maximum storage usage per '
            "PersistentVolumeClaim is 1Gi, but request is 5Gi"
        )
        assert await cluster.client.list(Pod, namespace=NS) == []


async def test_quota_and_limit_range_objects_are_validated() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(
                limits(LimitRangeItem(type="Container", min={"cpu": "2"}, max={"cpu": "1"}))
            )
        text = str(caught.value)
        assert (
            'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1'
            in text
        )
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(limits(LimitRangeItem(type="Pod", default={"cpu": "1"})))
        forbidden = "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"
        assert forbidden in str(caught.value)
        bad = ResourceQuota(
            metadata=ObjectMeta(name="q", namespace=NS),
            spec=ResourceQuotaSpec(hard={"pods": "1500m"}, scopes=["Sometimes"]),
        )
        with pytest.raises(Invalid) as caught:
            await cluster.client.create(bad)
        text = str(caught.value)
        assert 'spec.hard[pods]: Invalid value: "1500m": must be an integer' in text
        assert 'spec.scopes[0]: Unsupported value: "Sometimes"' in text
        fixed = attrs.evolve(bad, spec=ResourceQuotaSpec(hard={"pods": "1"}))
        assert (await cluster.client.create(fixed)).metadata.name == "q"
