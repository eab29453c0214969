"""Volumes follow their sources on the kubelet's sync (60 s after the pod's last one), on
virtual time with the fake runtime: a ConfigMap edit, not for a subPath; modes; a
service-account token renewed at 80% of its life."""

from __future__ import annotations

import asyncio
from typing import Any

import attrs

from kube_actors import Cluster
from kube_actors.actors import monotonic
from kube_actors.api import ConfigMap, load_manifests
from kube_actors.server import ServiceAccountTokens

MANIFESTS = """
apiVersion: v1
kind: ConfigMap
metadata: {name: conf, namespace: default}
data: {app.conf: one}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  nodeName: control-plane
  containers:
  - name: app
    image: nginx
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: conf, mountPath: /etc/pinned.conf, subPath: app.conf}
    - {name: token, mountPath: /var/run/token}
  volumes:
  - name: conf
    configMap: {name: conf, items: [{key: app.conf, path: app.conf, mode: 0400}]}
  - name: token
    projected:
      defaultMode: 0440
      sources:
      - serviceAccountToken: {path: token, expirationSeconds: 600}
"""


async def _files(cluster: Cluster, path: str) -> dict[str, bytes]:
    runtime: Any = cluster.runtime("control-plane")
    [container] = await runtime.list_containers()
    files: dict[str, bytes] = runtime.volume_files(container.id, path)
    return files


async def test_a_config_map_edit_shows_at_the_next_sync_not_before_and_not_in_a_sub_path() -> None:
    async with Cluster(nodes=1, controllers=["serviceaccount"]) as cluster:
        await cluster.settle()
        for obj in load_manifests(MANIFESTS):
            await cluster.client.create(obj)
        await cluster.settle()
        start = monotonic()
        runtime: Any = cluster.runtime("control-plane")
        [container] = await runtime.list_containers()
        mounts = {m.container_path: m for m in runtime._container(container.id).config.mounts}
        await asyncio.sleep(10)
        conf = await cluster.client.get(ConfigMap, "conf", namespace="default")
        await cluster.client.update(attrs.evolve(conf, data={"app.conf": "two"}))
        await asyncio.sleep(49)  # 59 s after the last sync
        before = await _files(cluster, "/etc/app")
        await asyncio.sleep(1.5)
        after = await _files(cluster, "/etc/app")
        sub_path = await _files(cluster, "/etc/pinned.conf")
        assert monotonic() - start == 60.5
    assert before == {"app.conf": b"one"}
    assert after == {"app.conf": b"two"}
    assert sub_path == {"app.conf": b"one"}
    assert dict(mounts["/etc/app"].modes) == {"app.conf": 0o400}
    assert dict(mounts["/var/run/token"].modes) == {"token": 0o440}
    assert mounts["/var/run/token"].medium == "Memory"
    assert mounts["/etc/app"].medium == ""


async def test_the_token_is_renewed_after_80_percent_of_its_life_and_the_old_one_expires() -> None:
    async with Cluster(nodes=1, controllers=["serviceaccount"]) as cluster:
        await cluster.settle()
        for obj in load_manifests(MANIFESTS):
            await cluster.client.create(obj)
        await cluster.settle()
        authenticator = ServiceAccountTokens(cluster.token_issuer, cluster.client)
        first = (await _files(cluster, "/var/run/token"))["token"]
        await asyncio.sleep(480.5)  # the sync at 480 s is not yet past 80% (exactly 480 s)
        at_480 = (await _files(cluster, "/var/run/token"))["token"]
        await asyncio.sleep(60)  # the sync at 540 s renews it
        renewed = (await _files(cluster, "/var/run/token"))["token"]
        await asyncio.sleep(60)  # 600.5 s: the first token has expired
        old_user = await authenticator.authenticate(first.decode())
        new_user = await authenticator.authenticate(renewed.decode())
    assert at_480 == first
    assert renewed != first
    assert old_user is None
    assert new_user is not None
    assert new_user.name == "system:serviceaccount:default:default"
