from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
import orjson
import pytest

from kube_actors import Cluster
from kube_actors.actors import DEFAULT_EPOCH
from kube_actors.api import (
    MAX_OBJECT_BYTES,
    ConfigMap,
    Container,
    Deployment,
    EnvVar,
    Event,
    Namespace,
    ObjectMeta,
    ObjectReference,
    Pod,
    PodSpec,
    PodStatus,
    to_dict,
)
from kube_actors.apiserver import ApiServer
from kube_actors.errors import (
    AlreadyExists,
    BadRequest,
    Forbidden,
    Invalid,
    NotFound,
    RequestEntityTooLarge,
)
from kube_actors.testing import deployment, pod


async def test_create_sets_the_system_fields_and_defaults_the_object() -> None:
    async with Cluster(controllers=(), scheduler=False, seed=1) as cluster:
        created = await cluster.client.create(deployment("web", 2))
        meta = created.metadata
        assert len(meta.uid) == 36
        assert meta.creation_timestamp == DEFAULT_EPOCH
        assert int(meta.resource_version) > 0
        assert meta.generation == 1
        assert created.spec.strategy is not None
        assert created.spec.strategy.type == "RollingUpdate"
        assert created.spec.revision_history_limit == 10
        assert created.spec.template.spec.restart_policy == "Always"
        got = await cluster.client.get(Deployment, "web", namespace="default")
        assert got == created


async def test_a_client_cannot_create_an_object_with_a_status_it_made_up() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        running = attrs.evolve(pod("web"), status=PodStatus(phase="Running", pod_ip="10.0.0.1"))
        created = await cluster.client.create(running)
        assert created.status.phase == "Pending"
        assert created.status.pod_ip == ""
        assert created.status.qos_class == "BestEffort"


async def test_generate_name_adds_a_random_suffix_reproducible_from_the_seed() -> None:
    async def names(seed: int) -> list[str]:
        async with Cluster(controllers=(), scheduler=False, seed=seed) as cluster:
            template = Pod(
                metadata=ObjectMeta(generate_name="worker-", namespace="default"),
                spec=pod("web").spec,
            )
            return [(await cluster.client.create(template)).metadata.name for _ in range(3)]

    first = await names(7)
    assert all(n.startswith("worker-") and len(n) == len("worker-") + 5 for n in first)
    assert len(set(first)) == 3
    assert await names(7) == first


async def test_a_generated_name_that_is_taken_is_drawn_again() -> None:
    template = Pod(
        metadata=ObjectMeta(generate_name="worker-", namespace="default"), spec=pod("web").spec
    )
    async with Cluster(controllers=(), scheduler=False, seed=3) as cluster:
        state = cluster.system.random.getstate()
        first = await cluster.client.create(template)
        cluster.system.random.setstate(state)  # the next draw repeats the first name
        second = await cluster.client.create(template)
        assert second.metadata.name != first.metadata.name
        assert second.metadata.name.startswith("worker-")


async def test_a_generated_name_taken_eight_times_over_is_already_exists() -> None:
    class Stuck(random.Random):
        def choice(self, seq: Any) -> Any:
            return seq[0]  # every name the same

    template = Pod(
        metadata=ObjectMeta(generate_name="worker-", namespace="default"), spec=pod("web").spec
    )
    async with Cluster(controllers=(), scheduler=False) as cluster:
        cluster.system.random = Stuck(1)
        await cluster.client.create(template)
        with pytest.raises(AlreadyExists, match='pods "worker-bbbbb" already exists'):
            await cluster.client.create(template)
        assert len(await cluster.client.list(Pod, namespace="default")) == 1


async def test_creating_an_existing_object_is_already_exists_and_changes_nothing() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        original = await cluster.client.create(pod("web", labels={"app": "one"}))
        with pytest.raises(AlreadyExists, match='pods "web" already exists'):
            await cluster.client.create(pod("web", labels={"app": "two"}))
        assert await cluster.client.get(Pod, "web", namespace="default") == original


async def test_an_invalid_object_names_every_bad_field_and_is_not_stored() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        bad = deployment("web", replicas=-1)
        bad = attrs.evolve(
            bad,
            metadata=attrs.evolve(bad.metadata, name="Not_A_DNS_Name"),
            spec=attrs.evolve(
                bad.spec,
                template=attrs.evolve(
                    bad.spec.template,
                    spec=attrs.evolve(
                        bad.spec.template.spec,
                        containers=[attrs.evolve(bad.spec.template.spec.containers[0], image="")],
                    ),
                ),
            ),
        )
        with pytest.raises(Invalid) as raised:
            await cluster.client.create(bad)
        fields = {cause.field for cause in raised.value.causes}
        assert {
            "metadata.name",
            "spec.replicas",
            "spec.template.spec.containers[0].image",
        } <= fields
        assert str(raised.value).startswith('Deployment.apps "Not_A_DNS_Name" is invalid: [')
        assert await cluster.client.list(Deployment) == []


async def test_objects_go_to_the_default_namespace_unless_they_name_one() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(pod("web", namespace=""))
        assert created.metadata.namespace == "default"


async def test_the_system_namespaces_exist_from_the_start() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        names = {ns.metadata.name for ns in await cluster.client.list(Namespace)}
        assert names == {"default", "kube-system", "kube-public", "kube-node-lease"}
        for ns in await cluster.client.list(Namespace):
            assert ns.status.phase == "Active"
            assert ns.spec.finalizers == ("kubernetes",)


async def test_nothing_is_created_in_a_namespace_that_does_not_exist() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        with pytest.raises(NotFound, match='namespaces "nowhere" not found'):
            await cluster.client.create(pod("web", namespace="nowhere"))


async def test_nothing_is_created_in_a_terminating_namespace() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        await cluster.client.create(Namespace(metadata=ObjectMeta(name="team")))
        doomed = await cluster.client.delete(Namespace, "team")
        assert doomed is not None
        assert doomed.status.phase == "Terminating"
        assert doomed.metadata.deletion_timestamp is not None
        with pytest.raises(Forbidden, match="because it is being terminated"):
            await cluster.client.create(pod("web", namespace="team"))


async def test_creation_timestamps_follow_the_simulated_wall_clock() -> None:
    import asyncio

    async with Cluster(controllers=(), scheduler=False) as cluster:
        await asyncio.sleep(90.5)
        created = await cluster.client.create(pod("web"))
        assert created.metadata.creation_timestamp == DEFAULT_EPOCH + dt.timedelta(seconds=90)


async def test_every_namespace_carries_its_name_as_the_metadata_name_label() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        created = await cluster.client.create(
            Namespace(metadata=ObjectMeta(name="team", labels={"tier": "web"}))
        )
        assert created.metadata.labels == {"tier": "web", "kubernetes.io/metadata.name": "team"}
        # An update that drops or changes the label gets it back, as the apiserver does.
        stripped = attrs.evolve(created, metadata=attrs.evolve(created.metadata, labels={}))
        updated = await cluster.client.update(stripped)
        assert updated.metadata.labels == {"kubernetes.io/metadata.name": "team"}
        default = await cluster.client.get(Namespace, "default")
        assert default.metadata.labels["kubernetes.io/metadata.name"] == "default"


def _encoded_without_version(obj: Any) -> int:
    """The size the store's limit applies to: the object's JSON without its resourceVersion
    (the store keeps none)."""
    unversioned = attrs.evolve(obj, metadata=attrs.evolve(obj.metadata, resource_version=""))
    return len(orjson.dumps(to_dict(unversioned)))


async def test_an_object_exactly_at_the_size_limit_is_created_and_one_byte_more_is_not() -> None:
    # The create sets the resourceVersion it foresees before it checks the size: the limit
    # still applies to the object as stored, without it.
    async with Cluster(controllers=(), scheduler=False) as cluster:
        api = cluster.client

        def big(name: str, size: int) -> Pod:
            container = Container(
                name="app", image="nginx", env=[EnvVar(name="X", value="x" * size)]
            )
            return Pod(
                metadata=ObjectMeta(name=name, namespace="default"),
                spec=PodSpec(containers=[container]),
            )

        probe = await api.create(big("limit-a", 1000), dry_run=True)
        fill = 1000 + MAX_OBJECT_BYTES - _encoded_without_version(probe)
        created = await api.create(big("limit-a", fill))
        assert _encoded_without_version(created) == MAX_OBJECT_BYTES
        assert int(created.metadata.resource_version) > 0
        with pytest.raises(RequestEntityTooLarge, match=f"is {MAX_OBJECT_BYTES + 1} bytes"):
            await api.create(big("limit-b", fill + 1))


async def test_an_event_at_the_size_limit_is_created_and_one_character_more_is_not() -> None:
    # An Event's size is bounded from its fields (no encoding) far below the limit; near
    # it, the exact encoding decides, as for any object.
    async with Cluster(controllers=(), scheduler=False) as cluster:
        api = cluster.client

        def big(name: str, size: int) -> Event:
            return Event(
                metadata=ObjectMeta(name=name, namespace="default"),
                involved_object=ObjectReference(kind="Pod", name="p", namespace="default"),
                reason="Tested",
                message="\n" * size,  # written \\n: two bytes a character
            )

        probe = await api.create(big("limit-a", 1000), dry_run=True)
        fill = 1000 + (MAX_OBJECT_BYTES - _encoded_without_version(probe)) // 2
        created = await api.create(big("limit-a", fill))
        assert _encoded_without_version(created) in (MAX_OBJECT_BYTES - 1, MAX_OBJECT_BYTES)
        over = "|".join(str(MAX_OBJECT_BYTES + k) for k in (1, 2))  # 1 or 2 bytes over
        refused = f"too large: Event 'limit-b' is ({over}) bytes encoded"
        with pytest.raises(RequestEntityTooLarge, match=refused):
            await api.create(big("limit-b", fill + 1))


async def test_admission_lookups_follow_the_cache_and_refuse_unregistered_kinds() -> None:
    async with Cluster(controllers=(), scheduler=False) as cluster:
        apiserver = cluster.system.lookup("kube-apiserver")
        assert apiserver is not None
        server = apiserver._cell.instance
        assert isinstance(server, ApiServer)
        assert server.get(ConfigMap, "default", "later") is None  # looked up before it exists
        assert list(server.in_namespace(ConfigMap, "default")) == []
        made = await cluster.client.create(
            ConfigMap(metadata=ObjectMeta(name="later", namespace="default"))
        )
        assert server.get(ConfigMap, "default", "later") == made
        assert list(server.in_namespace(ConfigMap, "default")) == [made]
        assert made in list(server.all(ConfigMap))
        assert server.get(Namespace, "", "default") is not None  # cluster-scoped: no namespace

        class NotAKind:
            pass

        with pytest.raises(BadRequest, match="no kind 'NotAKind' is registered"):
            server.get(NotAKind, "default", "x")
