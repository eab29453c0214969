"""ConfigMap, Secret and downward-API volumes: their files, and a mount that cannot be made."""

from __future__ import annotations

from typing import Any

from kube_actors import Cluster
from kube_actors.api import ConfigMap, Deployment, Event, Pod, load_manifests

from ..doc_manifests import CONFIGURED_DEPLOYMENT

CONFIG = """
apiVersion: v1
kind: ConfigMap
metadata: {name: nginx-conf, namespace: default}
data: {nginx.conf: "events {}", mime.types: "text/html html"}
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: default}
stringData: {token: s3cret}
"""

POD = """
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {tier: front}}
spec:
  nodeName: control-plane
  containers:
  - name: nginx
    image: nginx
    volumeMounts:
    - {name: conf, mountPath: /etc/nginx}
    - {name: secret, mountPath: /etc/secret, readOnly: true}
    - {name: info, mountPath: /etc/podinfo}
    - {name: scratch, mountPath: /cache}
  volumes:
  - name: conf
    configMap:
      name: nginx-conf
      items: [{key: nginx.conf, path: nginx.conf}]
  - name: secret
    secret: {secretName: tls}
  - name: info
    downwardAPI:
      items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
  - name: scratch
    emptyDir: {}
"""


async def test_each_mount_carries_its_volumes_files() -> None:
    async with Cluster(nodes=1) as cluster:
        for obj in load_manifests(CONFIG + "---" + POD):
            await cluster.client.create(obj)
        await cluster.settle()
        runtime = cluster.runtime("control-plane")
        [container] = await runtime.list_containers()
        config: Any = runtime._container(container.id).config  # type: ignore[attr-defined]
    mounts = {m.container_path: m for m in config.mounts}
    assert dict(mounts["/etc/nginx"].files) == {"nginx.conf": b"events {}"}
    assert dict(mounts["/etc/secret"].files) == {"token": b"s3cret"}
    assert dict(mounts["/etc/podinfo"].files) == {"labels": b'tier="front"'}
    assert mounts["/etc/nginx"].read_only  # projected volumes are read-only, as in Kubernetes
    assert not mounts["/cache"].read_only
    assert not mounts["/cache"].files


async def test_a_missing_config_map_keeps_the_pod_creating_with_failed_mount_events() -> None:
    async with Cluster(nodes=1) as cluster:
        await cluster.client.create(load_manifests(CONFIG)[1])
        await cluster.client.create(load_manifests(POD)[0])
        await cluster.settle(horizon=25)
        pod = await cluster.client.get(Pod, "web", namespace="default")
        events = await cluster.client.list(Event, namespace="default")
        mount_failures = [e for e in events if e.reason == "FailedMount"]
        await cluster.client.create(load_manifests(CONFIG)[0])
        await cluster.settle(horizon=15)
        running = await cluster.client.get(Pod, "web", namespace="default")
        still_missing = await cluster.client.get(ConfigMap, "nginx-conf", namespace="default")
    assert pod.status.phase == "Pending"
    [status] = pod.status.container_statuses
    assert status.state.waiting is not None
    assert status.state.waiting.reason == "ContainerCreating"
    [failure] = mount_failures
    assert failure.type == "Warning"
    assert failure.message == (
        'MountVolume.SetUp failed for volume "conf" : configmap "nginx-conf" not found'
    )
    assert failure.count == 3  # at 0, 10 and 20 s
    assert still_missing.metadata.name == "nginx-conf"
    assert running.status.phase == "Running"


async def test_a_documentation_style_deployment_reads_its_config_map_env_and_secret_files() -> None:
    async with Cluster(nodes=1) as cluster:
        await cluster.apply(CONFIGURED_DEPLOYMENT)
        await cluster.wait_for(Deployment, "configured", condition="Available", timeout=60)
        runtime = cluster.runtime("control-plane")
        configs: list[Any] = [
            runtime._container(c.id).config  # type: ignore[attr-defined]
            for c in await runtime.list_containers()
        ]
    assert len(configs) == 2
    for config in configs:
        env = dict(config.envs)
        assert (env["SPECIAL_LEVEL"], env["SPECIAL_TYPE"]) == ("very", "charm")
        [foo] = [m for m in config.mounts if m.container_path == "/etc/foo"]
        assert dict(foo.files) == {"username": b"admin", "password": b"1f2d1e2e67df"}
        assert foo.read_only
