"""Claims, volumes and the local-path provisioner: binding, WaitForFirstConsumer, reclaiming,
and the documentation's ``web`` StatefulSet whose claims outlive its Pods."""

from __future__ import annotations

from pathlib import Path

from kube_actors import Cluster
from kube_actors.api import (
    Event,
    ObjectMeta,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    StorageClass,
    load_manifests,
)

from ..doc_manifests import WEB_STATEFULSET as WEB

CLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: default
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 2Gi
"""


async def test_a_claim_waits_for_its_first_consumer_then_binds_on_its_node() -> None:
    async with Cluster(nodes=2) as cluster:
        [claim] = load_manifests(CLAIM)
        await cluster.client.create(claim)
        await cluster.settle()
        pending = await cluster.client.get(PersistentVolumeClaim, "data", namespace="default")
        events = await cluster.client.list(Event, namespace="default")
        pod = load_manifests(
            """
apiVersion: v1
kind: Pod
metadata: {name: user, namespace: default}
spec:
  containers:
  - name: app
    image: nginx
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
"""
        )[0]
        await cluster.client.create(pod)
        await cluster.settle()
        bound = await cluster.client.get(PersistentVolumeClaim, "data", namespace="default")
        running = await cluster.client.get(Pod, "user", namespace="default")
        [volume] = await cluster.client.list(PersistentVolume)
        [standard] = await cluster.client.list(StorageClass)
    assert standard.metadata.name == "standard"
    assert pending.spec.storage_class_name == "standard"  # the default class, by admission
    assert pending.status.phase == "Pending"
    assert ("WaitForFirstConsumer", "waiting for first consumer to be created before binding") in {
        (e.reason, e.message) for e in events
    }
    assert bound.status.phase == "Bound"
    assert bound.spec.volume_name == volume.metadata.name == f"pvc-{bound.metadata.uid}"
    assert str(bound.status.capacity["storage"]) == "2Gi"
    assert volume.status.phase == "Bound"
    assert volume.spec.persistent_volume_reclaim_policy == "Delete"
    node = bound.metadata.annotations["volume.kubernetes.io/selected-node"]
    assert running.spec.node_name == node
    assert running.status.phase == "Running"
    assert volume.spec.node_affinity is not None


async def test_deleting_a_claim_deletes_its_volume_under_the_delete_policy() -> None:
    async with Cluster(nodes=1) as cluster:
        await cluster.client.create(
            StorageClass(
                metadata=load_manifests(CLAIM)[0].metadata.__class__(name="fast"),
                provisioner="rancher.io/local-path",
            )
        )
        [claim] = load_manifests(CLAIM.replace("spec:\n", "spec:\n  storageClassName: fast\n"))
        await cluster.client.create(claim)
        await cluster.settle()
        bound = await cluster.client.get(PersistentVolumeClaim, "data", namespace="default")
        await cluster.client.delete(PersistentVolumeClaim, "data", namespace="default")
        await cluster.settle()
        left = await cluster.client.list(PersistentVolume)
    assert bound.status.phase == "Bound"  # Immediate: bound without a consumer
    assert left == []


async def test_a_retained_volume_is_released_with_its_data_a_deleted_one_takes_it_along(
    tmp_path: Path,
) -> None:
    async with Cluster(nodes=1, storage_dir=tmp_path) as cluster:
        for name, policy in (("keep", "Retain"), ("drop", "Delete")):
            await cluster.client.create(
                StorageClass(
                    metadata=ObjectMeta(name=name),
                    provisioner="rancher.io/local-path",
                    reclaim_policy=policy,
                )
            )
            [claim] = load_manifests(
                CLAIM.replace("name: data", f"name: {name}").replace(
                    "spec:\n", f"spec:\n  storageClassName: {name}\n"
                )
            )
            await cluster.client.create(claim)
        await cluster.settle()
        bound = {
            c.metadata.name: c.spec.volume_name
            for c in await cluster.client.list(PersistentVolumeClaim, namespace="default")
        }
        for volume in await cluster.client.list(PersistentVolume):
            assert volume.spec.host_path is not None
            _write_as_a_pod_would(Path(volume.spec.host_path.path))
        directories = _directories(tmp_path)
        for name in bound:
            await cluster.client.delete(PersistentVolumeClaim, name, namespace="default")
        await cluster.settle()
        left = {v.metadata.name: v for v in await cluster.client.list(PersistentVolume)}
    assert sorted(directories) == sorted(f"{bound[n]}_default_{n}" for n in bound)
    [kept] = left.values()
    assert kept.metadata.name == bound["keep"]
    assert kept.status.phase == "Released"  # until an administrator acts
    assert kept.spec.claim_ref is not None
    assert kept.spec.claim_ref.name == "keep"
    assert _directories(tmp_path) == [f"{bound['keep']}_default_keep"]
    assert (tmp_path / f"{bound['keep']}_default_keep" / "data").read_text() == "kept"


def _directories(storage: Path) -> list[str]:
    return sorted(d.name for d in storage.iterdir())


def _write_as_a_pod_would(directory: Path) -> None:
    """The fake runtime runs nothing: write what a Pod using the claim would have."""
    directory.mkdir()
    (directory / "data").write_text("kept")


async def test_the_documentations_web_statefulset_keeps_each_pods_claim() -> None:
    async with Cluster(nodes=2) as cluster:
        await cluster.apply(WEB)
        await cluster.settle(horizon=60)
        claims = await cluster.client.list(PersistentVolumeClaim, namespace="default")
        before = await cluster.client.get(Pod, "web-0", namespace="default")
        await cluster.client.delete(Pod, "web-0", namespace="default")
        await cluster.settle(horizon=60)
        after = await cluster.client.get(Pod, "web-0", namespace="default")
        volumes = await cluster.client.list(PersistentVolume)
    assert sorted(c.metadata.name for c in claims) == ["www-web-0", "www-web-1", "www-web-2"]
    assert all(c.status.phase == "Bound" for c in claims)
    assert all(v.spec.persistent_volume_reclaim_policy == "Retain" for v in volumes)
    assert after.metadata.uid != before.metadata.uid
    assert after.status.phase == "Running"
    [www] = [v for v in after.spec.volumes if v.name == "www"]
    assert www.persistent_volume_claim is not None
    assert www.persistent_volume_claim.claim_name == "www-web-0"
    assert after.spec.node_name == before.spec.node_name  # the volume's node affinity


async def test_the_web_statefulsets_endpoints_carry_each_pods_hostname() -> None:
    from kube_actors.api import Endpoints

    async with Cluster(nodes=1) as cluster:
        await cluster.apply(WEB)
        await cluster.settle(horizon=60)
        endpoints = await cluster.client.get(Endpoints, "nginx", namespace="default")
    hostnames = sorted(a.hostname for s in endpoints.subsets for a in s.addresses)
    assert hostnames == ["web-0", "web-1", "web-2"]
