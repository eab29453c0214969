"""A cluster on the SQLite store, stopped and started again on the same file, as a process
that embeds kube_actors would be: everything comes back and nothing is done twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment, Job, Pod, ReplicaSet, from_dict
from kube_actors.errors import KubeActorsError

WORKLOADS = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  completions: 2
  template:
    metadata:
      annotations: {fake.kube-actors.io/exit-after: "2s"}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
"""


async def everything(cluster: Cluster) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    kinds: tuple[type[Any], ...] = (Deployment, ReplicaSet, Job, Pod)
    for kind in kinds:
        obj: Any
        for obj in await cluster.client.list(kind):
            found[(kind.__name__, obj.metadata.name)] = obj
    return found


async def test_a_cluster_restarted_on_its_store_comes_back_and_does_nothing_twice(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path}/store.db"
    async with Cluster(store=store, nodes=2) as cluster:
        await cluster.apply(WORKLOADS)
        await cluster.wait_for(Deployment, "web", condition="Available")
        await cluster.wait_for(Job, "once", condition="Complete")
        await cluster.settle()
        before = await everything(cluster)
        last_revision = cluster.backend.revision

    async with Cluster(store=store, nodes=2) as cluster:
        assert cluster.backend.revision >= last_revision
        again = await everything(cluster)
        # Every object is back with its uid, and nothing older than it was.
        assert again.keys() == before.keys()
        for key, obj in before.items():
            assert again[key].metadata.uid == obj.metadata.uid
            rv = int(again[key].metadata.resource_version)
            assert rv >= int(obj.metadata.resource_version)
        await cluster.settle()
        await cluster.wait_for(Deployment, "web", condition="Available")
        after = await everything(cluster)
        # No controller created anything: the ReplicaSet kept its pods, the Job its
        # completions; the kubelets started the web containers again and counted it.
        assert after.keys() == before.keys()
        job = after[("Job", "once")]
        assert job.status.succeeded == 2
        for (kind, name), obj in after.items():
            if kind != "Pod":
                continue
            (status,) = obj.status.container_statuses
            if name.startswith("once-"):
                assert (obj.status.phase, status.restart_count) == ("Succeeded", 0)
            else:
                assert (obj.status.phase, status.restart_count) == ("Running", 1)
                assert status.last_state.terminated is not None
                assert status.last_state.terminated.reason == "Unknown"
        created = await cluster.client.create(
            from_dict(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "new", "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "x"}]},
                }
            )
        )
        assert int(created.metadata.resource_version) > last_revision


async def test_a_control_plane_restart_on_the_sqlite_store_keeps_every_write(
    tmp_path: Path,
) -> None:
    async with Cluster(store=f"sqlite:///{tmp_path}/store.db", nodes=1) as cluster:
        await cluster.apply(WORKLOADS)
        await cluster.wait_for(Deployment, "web", condition="Available")
        before = await everything(cluster)
        await cluster.restart_control_plane()
        again = await everything(cluster)
        assert {k: o.metadata.uid for k, o in again.items()} == {
            k: o.metadata.uid for k, o in before.items()
        }
        await cluster.scale(Deployment, "web", 4)
        await cluster.wait_for(
            Deployment, "web", condition=lambda d: d.status.available_replicas == 4
        )


async def test_a_snapshot_needs_a_durable_store(tmp_path: Path) -> None:
    async with Cluster() as cluster:
        with pytest.raises(KubeActorsError, match="snapshots are taken of a durable store"):
            await cluster.save_snapshot(tmp_path / "snap.db")


@pytest.mark.parametrize(
    ("store", "message"),
    [
        ("redis://localhost:6379", "unknown store 'redis://localhost:6379'"),
        ("etcd://localhost", "needs a host and a port"),
        ("sqlite://", "names no file"),
        ("sqlite:///x.db?sync=off", "unknown option 'sync'"),
        ("sqlite:///x.db?synchronous=off", "synchronous must be 'normal' or 'full', not 'off'"),
    ],
)
def test_a_store_url_is_checked(store: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Cluster(store=store)


async def test_a_restarted_cluster_never_hands_out_a_uid_twice(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path}/store.db"
    uids: list[str] = []
    for _ in range(3):  # the same seed each time, as a program restarted as it was
        async with Cluster(store=store, seed=7, controllers=(), scheduler=False) as cluster:
            for _ in range(5):
                made = await cluster.client.create(
                    from_dict(
                        {
                            "apiVersion": "v1",
                            "kind": "Pod",
                            "metadata": {"generateName": "p-", "namespace": "default"},
                            "spec": {"containers": [{"name": "c", "image": "x"}]},
                        }
                    )
                )
                uids.append(made.metadata.uid)
    assert len(set(uids)) == len(uids) == 15
