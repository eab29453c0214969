"""The Deployment controller with the ReplicaSet controller, on virtual time.

The tests play the scheduler and the kubelet (``_kubelet``): ``converge`` starts every pending
Pod and ends every graceful deletion after each ``settle()``, as real nodes would with no
delay; tests that need Pods stuck simply do not call it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import attrs
import pytest

from kube_actors.actors import wall_clock
from kube_actors.api import (
    Container,
    Deployment,
    DeploymentCondition,
    DeploymentSpec,
    DeploymentStrategy,
    Event,
    IntOrString,
    KindInfo,
    LabelSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    PodTemplateSpec,
    ReplicaSet,
    ReplicaSetSpec,
    RollingUpdateDeployment,
    controller_of,
    template_hash,
)
from kube_actors.apiserver import DEFAULT_PLUGINS, Lookup, Operation
from kube_actors.cluster import Cluster
from kube_actors.controllers.deployment import _util as util
from kube_actors.errors import BadRequest, Forbidden, NotFound
from kube_actors.kubectl import rollback

from . import _fake_kubelet as kubelet

NS = "default"


def deployment(
    name: str = "web",
    replicas: int = 3,
    *,
    image: str = "nginx:1.0",
    strategy: str = "RollingUpdate",
    max_surge: IntOrString | None = None,
    max_unavailable: IntOrString | None = None,
    **spec: Any,
) -> Deployment:
    rolling = None
    if max_surge is not None or max_unavailable is not None:
        rolling = RollingUpdateDeployment(max_surge=max_surge, max_unavailable=max_unavailable)
    labels = {"app": name}
    return Deployment(
        metadata=ObjectMeta(name=name, namespace=NS),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="app", image=image)]),
            ),
            strategy=DeploymentStrategy(type=strategy, rolling_update=rolling),
            **spec,
        ),
    )


def cluster() -> Cluster:
    return Cluster(scheduler=False, controllers=["replicaset", "deployment"], seed=11)


async def converge(c: Cluster, rounds: int = 50) -> None:
    """Settle, start every pending Pod and end every deletion, until nothing is left to do."""
    for _ in range(rounds):
        await c.settle()
        started = await kubelet.run_all(c.client)
        gone = await kubelet.finish_deletions(c.client)
        if not started and not gone:
            return
    raise AssertionError("the cluster did not converge")


async def get_d(c: Cluster, name: str = "web") -> Deployment:
    return await c.client.get(Deployment, name, namespace=NS)


async def replica_sets(c: Cluster) -> list[ReplicaSet]:
    sets = await c.client.list(ReplicaSet, namespace=NS)
    return sorted(sets, key=util.revision)


async def set_image(c: Cluster, image: str, name: str = "web") -> None:
    """``kubectl set image``: a strategic merge patch of the one container."""
    containers = [{"name": "app", "image": image}]
    patch = {"spec": {"template": {"spec": {"containers": containers}}}}
    await c.client.patch(Deployment, name, patch, namespace=NS, patch_type="strategic")


async def scaling_events(c: Cluster) -> list[str]:
    found = [e for e in await c.client.list(Event, namespace=NS) if e.reason == "ScalingReplicaSet"]
    found.sort(key=lambda e: int(e.metadata.resource_version))  # the order they were written
    return [e.message for e in found]


def condition(d: Deployment, kind: str) -> DeploymentCondition:
    found = util.get_deployment_condition(d.status, kind)
    assert found is not None, f"no {kind} condition"
    return found


def sizes(sets: list[ReplicaSet]) -> list[int]:
    return [util.spec_replicas(rs) for rs in sets]


# ------------------------------------------------------------------- replica sets


async def test_a_deployment_creates_a_replica_set_named_by_its_template_hash() -> None:
    async with cluster() as c:
        d = await c.client.create(deployment(replicas=2))
        await c.settle()
        (rs,) = await replica_sets(c)
        pod_hash = template_hash(d.spec.template, None)
        assert set(pod_hash) <= set("bcdfghjklmnpqrstvwxz2456789")
        assert rs.metadata.name == f"web-{pod_hash}"
        assert rs.metadata.labels == {"app": "web", "pod-template-hash": pod_hash}
        assert rs.spec.selector is not None
        assert rs.spec.selector.match_labels == rs.metadata.labels
        assert rs.spec.template.metadata.labels == rs.metadata.labels
        ref = controller_of(rs)
        assert ref is not None
        assert (ref.kind, ref.uid) == ("Deployment", d.metadata.uid)
        assert rs.metadata.annotations == {
            "deployment.kubernetes.io/revision": "1",
            "deployment.kubernetes.io/desired-replicas": "2",
            "deployment.kubernetes.io/max-replicas": "3",
        }
        assert (await get_d(c)).metadata.annotations["deployment.kubernetes.io/revision"] == "1"
        pods = await c.client.list(Pod, namespace=NS)
        assert [p.metadata.labels["pod-template-hash"] for p in pods] == [pod_hash] * 2
        assert all(p.metadata.name.startswith(f"{rs.metadata.name}-") for p in pods)
        assert await scaling_events(c) == [f"Scaled up replica set {rs.metadata.name} from 0 to 2"]


def test_the_template_hash_is_stable_and_changes_with_the_template_and_collisions() -> None:
    template = deployment().spec.template
    assert template_hash(template, None) == template_hash(template, None)
    other = deployment(image="nginx:2.0").spec.template
    assert template_hash(other, None) != template_hash(template, None)
    assert template_hash(template, 1) != template_hash(template, None)


async def test_a_deployment_reports_its_replicas_available_and_complete() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=3))
        await c.settle()
        d = await get_d(c)
        assert condition(d, "Available").status == "False"
        assert condition(d, "Available").reason == "MinimumReplicasUnavailable"
        await converge(c)
        d = await get_d(c)
        (rs,) = await replica_sets(c)
        status = d.status
        assert (status.replicas, status.updated_replicas, status.ready_replicas) == (3, 3, 3)
        assert (status.available_replicas, status.unavailable_replicas) == (3, 0)
        assert status.observed_generation == d.metadata.generation
        available = condition(d, "Available")
        assert (available.status, available.reason, available.message) == (
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
        )
        progressing = condition(d, "Progressing")
        assert (progressing.status, progressing.reason, progressing.message) == (
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{rs.metadata.name}" has successfully progressed.',
        )


# ---------------------------------------------------------------- rolling update


def test_max_surge_rounds_up_and_max_unavailable_down_and_never_both_zero() -> None:
    assert util.resolve_fenceposts(deployment(replicas=10)) == (3, 2)
    assert util.resolve_fenceposts(deployment(replicas=1)) == (1, 0)
    assert util.resolve_fenceposts(deployment(replicas=4, max_surge=0, max_unavailable="10%")) == (
        0,
        1,
    )
    assert util.max_unavailable(deployment(replicas=2, max_unavailable=5)) == 2
    assert util.max_surge(deployment(strategy="Recreate")) == 0


@pytest.mark.parametrize(("surge", "unavailable"), [(1, 0), (0, 1), ("50%", "25%")])
async def test_a_rolling_update_stays_within_max_surge_and_max_unavailable(
    surge: IntOrString, unavailable: IntOrString
) -> None:
    replicas = 4
    async with cluster() as c:
        await c.client.create(
            deployment(replicas=replicas, max_surge=surge, max_unavailable=unavailable)
        )
        await converge(c)
        d = await get_d(c)
        most, fewest = replicas + util.max_surge(d), replicas - util.max_unavailable(d)
        await set_image(c, "nginx:2.0")
        for _ in range(40):
            await c.settle()
            pods = await c.client.list(Pod, namespace=NS)
            pods = [p for p in pods if p.metadata.deletion_timestamp is None]
            assert len(pods) <= most  # Pods being deleted no longer count, as in Kubernetes
            assert len([p for p in pods if p.status.phase == "Running"]) >= fewest
            started = await kubelet.run(c.client, (await kubelet.pending_pods(c.client))[:1])
            gone = await kubelet.finish_deletions(c.client)
            if not started and not gone:
                break
        old, new = await replica_sets(c)
        assert (sizes([old, new]), util.revision(new)) == ([0, replicas], 2)
        d = await get_d(c)
        assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
        assert (d.status.updated_replicas, d.status.available_replicas) == (replicas, replicas)
        assert condition(d, "Progressing").reason == "NewReplicaSetAvailable"


async def test_a_rolling_update_records_each_scaling_step() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=2, max_surge=1, max_unavailable=0))
        await converge(c)
        await set_image(c, "nginx:2.0")
        await converge(c)
        old, new = (rs.metadata.name for rs in await replica_sets(c))
        assert await scaling_events(c) == [
            f"Scaled up replica set {old} from 0 to 2",
            f"Scaled up replica set {new} from 0 to 1",
            f"Scaled down replica set {old} from 2 to 1",
            f"Scaled up replica set {new} from 1 to 2",
            f"Scaled down replica set {old} from 1 to 0",
        ]


# ---------------------------------------------------------------------- recreate


async def test_recreate_removes_every_old_pod_before_creating_new_ones() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=3, strategy="Recreate"))
        await converge(c)
        await set_image(c, "nginx:2.0")
        await c.settle()
        (old,) = await replica_sets(c)
        assert util.spec_replicas(old) == 0
        pods = await c.client.list(Pod, namespace=NS)
        assert len(pods) == 3  # still terminating: no new ReplicaSet yet
        assert all(p.metadata.deletion_timestamp is not None for p in pods)
        await kubelet.finish_deletions(c.client)
        await c.settle()
        old, new = await replica_sets(c)
        assert sizes([old, new]) == [0, 3]
        pods = await c.client.list(Pod, namespace=NS)
        assert {p.metadata.labels["pod-template-hash"] for p in pods} == {
            new.metadata.labels["pod-template-hash"]
        }
        await converge(c)
        assert condition(await get_d(c), "Progressing").reason == "NewReplicaSetAvailable"


# ----------------------------------------------------------------------- history


async def test_revision_history_keeps_only_the_newest_old_replica_sets() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=1, revision_history_limit=2))
        await converge(c)
        for version in range(2, 6):
            await set_image(c, f"nginx:{version}.0")
            await converge(c)
        sets = await replica_sets(c)
        assert [util.revision(rs) for rs in sets] == [3, 4, 5]
        assert sizes(sets) == [0, 0, 1]


async def test_rollback_restores_the_previous_template_as_the_newest_revision() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=2))
        await converge(c)
        (first,) = await replica_sets(c)
        await set_image(c, "nginx:2.0")
        await converge(c)
        restored = await rollback(c.client, "web", NS)
        assert restored.spec.template.spec.containers[0].image == "nginx:1.0"
        await converge(c)
        sets = {rs.metadata.name: rs for rs in await replica_sets(c)}
        again = sets[first.metadata.name]
        assert util.revision(again) == 3
        assert again.metadata.annotations["deployment.kubernetes.io/revision-history"] == "1"
        assert util.spec_replicas(again) == 2
        d = await get_d(c)
        assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "3"
        assert len(sets) == 2
        images = {p.spec.containers[0].image for p in await c.client.list(Pod, namespace=NS)}
        assert images == {"nginx:1.0"}
        # To a given revision: 2 is the nginx:2.0 one.
        await rollback(c.client, "web", NS, to_revision=2)
        await converge(c)
        d = await get_d(c)
        assert d.spec.template.spec.containers[0].image == "nginx:2.0"
        assert d.metadata.annotations["deployment.kubernetes.io/revision"] == "4"


async def test_rollback_refuses_an_unknown_revision_and_a_paused_deployment() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=1))
        await converge(c)
        with pytest.raises(NotFound, match="no rollout history found"):
            await rollback(c.client, "web", NS)
        with pytest.raises(NotFound, match="unable to find specified revision 7 in history"):
            await rollback(c.client, "web", NS, to_revision=7)
        await c.client.patch(Deployment, "web", {"spec": {"paused": True}}, namespace=NS)
        with pytest.raises(BadRequest, match="cannot rollback a paused deployment"):
            await rollback(c.client, "web", NS)


# ------------------------------------------------------------------ pause, scale


async def test_a_paused_deployment_scales_but_does_not_roll_out_until_resumed() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=2))
        await converge(c)
        await c.client.patch(Deployment, "web", {"spec": {"paused": True}}, namespace=NS)
        await set_image(c, "nginx:2.0")
        await c.client.patch(Deployment, "web", {"spec": {"replicas": 4}}, namespace=NS)
        await converge(c)
        (rs,) = await replica_sets(c)
        assert util.spec_replicas(rs) == 4
        d = await get_d(c)
        progressing = condition(d, "Progressing")
        assert (progressing.status, progressing.reason, progressing.message) == (
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused",
        )
        await c.client.patch(Deployment, "web", {"spec": {"paused": False}}, namespace=NS)
        await c.settle()
        reasons = {condition(await get_d(c), "Progressing").reason}
        await converge(c)
        old, new = await replica_sets(c)
        assert sizes([old, new]) == [0, 4]
        assert new.spec.template.spec.containers[0].image == "nginx:2.0"
        reasons.add(condition(await get_d(c), "Progressing").reason)
        assert reasons == {"ReplicaSetUpdated", "NewReplicaSetAvailable"}


async def test_scaling_during_a_rollout_is_shared_in_proportion() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=10, max_surge=3, max_unavailable=2))
        await converge(c)
        await set_image(c, "nginx:2.0")
        await c.settle()  # the new Pods never start: the rollout stalls
        assert sizes(await replica_sets(c)) == [8, 5]
        await c.client.patch(Deployment, "web", {"spec": {"replicas": 15}}, namespace=NS)
        await c.settle()
        # 5 more within maxSurge, shared 8:5 -> 3 to the old ReplicaSet and 2 to the new one.
        assert sizes(await replica_sets(c)) == [11, 7]
        await converge(c)
        assert sizes(await replica_sets(c)) == [0, 15]


# ------------------------------------------------------------------------ timing


async def test_a_stalled_rollout_exceeds_its_progress_deadline_after_exactly_600_s() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=2))
        await c.settle()  # no kubelet: the Pods never start
        last_progress = condition(await get_d(c), "Progressing")
        assert last_progress.reason == "ReplicaSetUpdated"
        assert last_progress.last_update_time is not None
        deadline = last_progress.last_update_time + dt.timedelta(seconds=600)
        await asyncio.sleep((deadline - wall_clock()).total_seconds() - 0.001)
        await c.settle()
        assert condition(await get_d(c), "Progressing").status == "True"
        await asyncio.sleep(0.001)
        await c.settle()
        d = await get_d(c)
        (rs,) = await replica_sets(c)
        exceeded = condition(d, "Progressing")
        assert (exceeded.status, exceeded.reason, exceeded.message) == (
            "False",
            "ProgressDeadlineExceeded",
            f'ReplicaSet "{rs.metadata.name}" has timed out progressing.',
        )
        assert exceeded.last_transition_time == deadline
        assert condition(d, "Available").status == "False"
        await converge(c)  # a late start still completes it
        assert condition(await get_d(c), "Progressing").reason == "NewReplicaSetAvailable"


async def test_pods_count_as_available_exactly_min_ready_seconds_after_ready() -> None:
    async with cluster() as c:
        await c.client.create(deployment(replicas=2, min_ready_seconds=10))
        await converge(c)
        ready_at = wall_clock()
        d = await get_d(c)
        assert (d.status.ready_replicas, d.status.available_replicas) == (2, 0)
        await asyncio.sleep(9.999)
        await c.settle()
        assert (await get_d(c)).status.available_replicas == 0
        await asyncio.sleep(0.001)
        await c.settle()
        d = await get_d(c)
        assert d.status.available_replicas == 2
        assert wall_clock() - ready_at == dt.timedelta(seconds=10)
        assert condition(d, "Progressing").reason == "NewReplicaSetAvailable"


# ------------------------------------------------------------------------ failures


async def test_a_hash_collision_is_resolved_with_the_collision_count() -> None:
    async with cluster() as c:
        d = deployment(replicas=1)
        stored_template = (await c.client.create(d)).spec.template
        await c.settle()
        await c.client.delete(Deployment, "web", namespace=NS)
        for rs in await c.client.list(ReplicaSet, namespace=NS):  # no garbage collector here
            await c.client.delete(ReplicaSet, rs.metadata.name, namespace=NS)
        # Someone else's ReplicaSet holds the name the template hashes to.
        taken = f"web-{template_hash(stored_template, None)}"
        squatter = deployment(name="other", replicas=0)
        await c.client.create(
            ReplicaSet(
                metadata=ObjectMeta(name=taken, namespace=NS, labels={"app": "other"}),
                spec=ReplicaSetSpec(
                    replicas=0,
                    selector=LabelSelector(match_labels={"app": "other"}),
                    template=attrs.evolve(
                        squatter.spec.template, metadata=ObjectMeta(labels={"app": "other"})
                    ),
                ),
            )
        )
        await c.client.create(d)
        await converge(c)
        d = await get_d(c)
        assert d.status.collision_count == 1
        names = {rs.metadata.name for rs in await c.client.list(ReplicaSet, namespace=NS)}
        assert names == {taken, f"web-{template_hash(stored_template, 1)}"}
        assert d.status.available_replicas == 1


async def test_a_replica_set_that_cannot_create_pods_raises_replica_failure_on_the_deployment() -> (
    None
):
    def quota(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
        if operation == "CREATE" and isinstance(obj, Pod):
            raise Forbidden('pods "web-" is forbidden: exceeded quota: pods', kind="Pod")
        return obj

    async with Cluster(
        controllers=["replicaset", "deployment"], seed=3, admission=(*DEFAULT_PLUGINS, quota)
    ) as c:
        await c.client.create(deployment(replicas=2))
        await c.settle()
        failure = condition(await get_d(c), "ReplicaFailure")
        assert (failure.status, failure.reason, failure.message) == (
            "True",
            "FailedCreate",
            'pods "web-" is forbidden: exceeded quota: pods',
        )
