"""The StatefulSet controller, on virtual time, with the tests playing the kubelet."""

from __future__ import annotations

from typing import Any

from kube_actors.api import (
    Container,
    Event,
    LabelSelector,
    ObjectMeta,
    PersistentVolumeClaim,
    PersistentVolumeClaimSpec,
    Pod,
    PodSpec,
    PodTemplateSpec,
    RollingUpdateStatefulSetStrategy,
    StatefulSet,
    StatefulSetSpec,
    StatefulSetUpdateStrategy,
    VolumeResourceRequirements,
)
from kube_actors.cluster import Cluster
from kube_actors.controllers.statefulset import POD_INDEX_LABEL, POD_NAME_LABEL, revision_name

from ._fake_kubelet import FakeKubelet, bind, fail, finish_deletions, start, start_fake_kubelet

NS = "default"


def web(replicas: int = 3, image: str = "nginx:1.25", **spec: Any) -> StatefulSet:
    template = PodTemplateSpec(
        metadata=ObjectMeta(labels={"app": "web"}),
        spec=PodSpec(containers=[Container(name="nginx", image=image)]),
    )
    return StatefulSet(
        metadata=ObjectMeta(name="web", namespace=NS),
        spec=StatefulSetSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels={"app": "web"}),
            service_name="nginx",
            template=template,
            **spec,
        ),
    )


async def pods(cluster: Cluster) -> dict[str, Pod]:
    found = await cluster.client.list(Pod, namespace=NS, label_selector="app=web")
    return {p.metadata.name: p for p in sorted(found, key=lambda p: p.metadata.name)}


async def get_sts(cluster: Cluster) -> StatefulSet:
    return await cluster.client.get(StatefulSet, "web", namespace=NS)


async def events(cluster: Cluster) -> list[tuple[str, str]]:
    found = [
        e
        for e in await cluster.client.list(Event, namespace=NS)
        if e.involved_object.kind == "StatefulSet"
    ]
    found.sort(key=lambda e: int(e.metadata.resource_version))
    return [(e.reason, e.message) for e in found]


async def start_all(cluster: Cluster) -> None:
    """Bind and start every Pod that is not yet running."""
    for pod in (await pods(cluster)).values():
        if pod.status.phase == "Pending" and pod.metadata.deletion_timestamp is None:
            if not pod.spec.node_name:
                pod = await bind(cluster.client, pod, "node-1")
            await start(cluster.client, pod)
    await cluster.settle()


async def with_kubelet(cluster: Cluster) -> FakeKubelet:
    return await start_fake_kubelet(cluster, default_node="node-1")


# -------------------------------------------------------------------------- identity


async def test_ordered_ready_creates_pods_one_at_a_time_each_running_and_ready_first() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=1) as cluster:
        await cluster.client.create(web(3))
        await cluster.settle()
        seen = []
        for _ in range(4):
            names = sorted(await pods(cluster))
            seen.append(names)
            await start_all(cluster)
        all_three = ["web-0", "web-1", "web-2"]
        assert seen == [["web-0"], ["web-0", "web-1"], all_three, all_three]
        pod = (await pods(cluster))["web-1"]
        assert (pod.spec.hostname, pod.spec.subdomain) == ("web-1", "nginx")
        assert pod.metadata.labels[POD_NAME_LABEL] == "web-1"
        assert pod.metadata.labels[POD_INDEX_LABEL] == "1"
        sts = await get_sts(cluster)
        assert pod.metadata.labels["controller-revision-hash"] == revision_name(sts)
        assert sts.status.replicas == sts.status.ready_replicas == 3
        assert sts.status.current_revision == sts.status.update_revision == revision_name(sts)
        assert sts.status.current_replicas == sts.status.updated_replicas == 3
        assert sts.status.observed_generation == 1
        assert (await events(cluster))[0] == (
            "SuccessfulCreate",
            "create Pod web-0 in StatefulSet web successful",
        )


async def test_a_pod_that_is_not_ready_holds_back_the_next_ordinal() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=2) as cluster:
        await cluster.client.create(web(2))
        await cluster.settle()
        pod = await bind(cluster.client, (await pods(cluster))["web-0"], "node-1")
        await start(cluster.client, pod, ready=False)
        await cluster.settle()
        assert sorted(await pods(cluster)) == ["web-0"]


async def test_parallel_creates_every_pod_at_once() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=3) as cluster:
        await cluster.client.create(web(3, pod_management_policy="Parallel"))
        await cluster.settle()
        assert sorted(await pods(cluster)) == ["web-0", "web-1", "web-2"]


async def test_a_deleted_pod_comes_back_with_the_same_name_and_identity() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=4) as cluster:
        await with_kubelet(cluster)
        await cluster.client.create(web(3))
        await cluster.settle()
        before = (await pods(cluster))["web-1"]
        await cluster.client.delete(Pod, "web-1", namespace=NS)
        await cluster.settle()
        after = (await pods(cluster))["web-1"]
        assert after.metadata.uid != before.metadata.uid
        assert (after.spec.hostname, after.spec.subdomain) == ("web-1", "nginx")
        assert after.status.phase == "Running"


async def test_a_failed_pod_is_deleted_and_created_again() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=5) as cluster:
        kubelet = await with_kubelet(cluster)
        await cluster.client.create(web(2))
        await cluster.settle()
        kubelet.start = False
        await fail(cluster.client, (await pods(cluster))["web-0"])
        await cluster.settle()
        fresh = (await pods(cluster))["web-0"]
        assert fresh.status.phase == "Pending"
        assert ("SuccessfulDelete", "delete Pod web-0 in StatefulSet web successful") in (
            await events(cluster)
        )


async def test_scaling_down_deletes_the_highest_ordinals_first_one_at_a_time() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=6) as cluster:
        await cluster.client.create(web(4))
        await cluster.settle()
        for _ in range(4):
            await start_all(cluster)
        await cluster.client.patch(StatefulSet, "web", {"spec": {"replicas": 1}}, namespace=NS)
        await cluster.settle()
        order = []
        for _ in range(4):
            terminating = [
                n
                for n, p in (await pods(cluster)).items()
                if p.metadata.deletion_timestamp is not None
            ]
            order.append(terminating)
            await finish_deletions(cluster.client)
            await cluster.settle()
        assert order == [["web-3"], ["web-2"], ["web-1"], []]
        assert sorted(await pods(cluster)) == ["web-0"]
        assert (await get_sts(cluster)).status.replicas == 1


async def test_volume_claim_templates_become_claims_before_their_pods() -> None:
    claim = PersistentVolumeClaim(
        metadata=ObjectMeta(name="www"),
        spec=PersistentVolumeClaimSpec(
            access_modes=["ReadWriteOnce"],
            resources=VolumeResourceRequirements(requests={"storage": "1Gi"}),
        ),
    )
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=7) as cluster:
        await cluster.client.create(web(1, volume_claim_templates=[claim]))
        await cluster.settle()
        [volume] = (await pods(cluster))["web-0"].spec.volumes
        made = await cluster.client.get(PersistentVolumeClaim, "www-web-0", namespace=NS)
        assert volume.name == "www"
        assert volume.persistent_volume_claim is not None
        assert volume.persistent_volume_claim.claim_name == "www-web-0"
        assert made.spec.resources.requests["storage"] == claim.spec.resources.requests["storage"]
        assert made.metadata.owner_references == ()  # it outlives its Pod and its set


# ---------------------------------------------------------------------------- updates


async def _rolled(cluster: Cluster, partition: int | None = None) -> list[str]:
    """Roll web (3 replicas) to a new image; the ordinals in the order they were replaced."""
    strategy = StatefulSetUpdateStrategy(
        type="RollingUpdate",
        rolling_update=RollingUpdateStatefulSetStrategy(partition=partition),
    )
    await cluster.client.create(web(3, update_strategy=strategy))
    await cluster.settle()
    for _ in range(3):
        await start_all(cluster)
    await cluster.client.patch(
        StatefulSet,
        "web",
        {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:2"}]}}}},
        namespace=NS,
    )
    await cluster.settle()
    replaced = []
    for _ in range(4):
        for name, pod in (await pods(cluster)).items():
            if pod.metadata.deletion_timestamp is not None:
                replaced.append(name)
        await finish_deletions(cluster.client)
        await cluster.settle()
        await start_all(cluster)
    return replaced


async def test_a_rolling_update_replaces_pods_from_the_highest_ordinal_down() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=8) as cluster:
        assert await _rolled(cluster) == ["web-2", "web-1", "web-0"]
        sts = await get_sts(cluster)
        images = {n: p.spec.containers[0].image for n, p in (await pods(cluster)).items()}
        assert images == {"web-0": "nginx:2", "web-1": "nginx:2", "web-2": "nginx:2"}
        assert sts.status.current_revision == sts.status.update_revision
        assert sts.status.updated_replicas == sts.status.current_replicas == 3
        assert sts.status.observed_generation == 2


async def test_a_partition_keeps_the_ordinals_below_it_at_the_current_revision() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=9) as cluster:
        assert await _rolled(cluster, partition=2) == ["web-2"]
        sts = await get_sts(cluster)
        assert sts.status.current_revision != sts.status.update_revision
        assert (sts.status.current_replicas, sts.status.updated_replicas) == (2, 1)
        # A Pod below the partition that is deleted comes back at the current revision.
        await cluster.client.delete(Pod, "web-0", namespace=NS)
        await finish_deletions(cluster.client)
        await cluster.settle()
        web0 = (await pods(cluster))["web-0"]
        assert web0.spec.containers[0].image == "nginx:1.25"
        assert web0.metadata.labels["controller-revision-hash"] == sts.status.current_revision


async def test_on_delete_updates_a_pod_only_when_the_user_deletes_it() -> None:
    async with Cluster(scheduler=False, controllers=["statefulset"], seed=10) as cluster:
        kubelet = await with_kubelet(cluster)
        strategy = StatefulSetUpdateStrategy(type="OnDelete")
        await cluster.client.create(web(2, update_strategy=strategy))
        await cluster.settle()
        patch = {"spec": {"template": {"metadata": {"labels": {"app": "web", "v": "2"}}}}}
        await cluster.client.patch(StatefulSet, "web", patch, namespace=NS)
        await cluster.settle()
        assert all("v" not in p.metadata.labels for p in (await pods(cluster)).values())
        await cluster.client.delete(Pod, "web-1", namespace=NS)
        await cluster.settle()
        labels = {n: p.metadata.labels.get("v") for n, p in (await pods(cluster)).items()}
        assert labels == {"web-0": None, "web-1": "2"}
        assert kubelet.start
