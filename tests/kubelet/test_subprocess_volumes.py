"""Volumes on the subprocess runtime: real files a real process reads, and an emptyDir shared."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anyio
import attrs
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    ConfigMap,
    PersistentVolumeClaim,
    Pod,
    StatefulSet,
    WatchEvent,
    is_pod_ready,
    load_manifests,
)
from kube_actors.kubelet import KubeletTimings
from kube_actors.proxy import http_get

from ..doc_manifests import WEB_STATEFULSET

pytestmark = pytest.mark.real_time

MANIFESTS = """
apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: default}
data: {GREETING: hello}
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret, namespace: default}
stringData: {password: hunter2}
---
apiVersion: v1
kind: Pod
metadata: {name: reader, namespace: default}
spec:
  nodeName: control-plane
  restartPolicy: Never
  initContainers:
  - name: writer
    image: busybox
    command: [sh, -c, "echo shared > $KUBE_ACTORS_MOUNTS/work/note"]
    volumeMounts: [{name: work, mountPath: /work}]
  containers:
  - name: app
    image: busybox
    command:
    - sh
    - -c
    - >-
      echo "$GREETING $(cat $KUBE_ACTORS_MOUNTS/etc/secret/password)
      $(cat $KUBE_ACTORS_MOUNTS/data/note)";
      echo x > $KUBE_ACTORS_MOUNTS/etc/secret/password || echo refused
    envFrom: [{configMapRef: {name: app-config}}]
    volumeMounts:
    - {name: secret, mountPath: /etc/secret, readOnly: true}
    - {name: work, mountPath: /data}
  volumes:
  - name: secret
    secret: {secretName: app-secret}
  - name: work
    emptyDir: {}
"""


async def _finished(cluster: Cluster, name: str) -> Pod:
    stream = await cluster.client.watch(
        Pod, namespace="default", field_selector=f"metadata.name={name}"
    )
    event: WatchEvent | None = None
    with anyio.fail_after(20):
        async for event in stream:
            if event.obj is not None and event.obj.status.phase in ("Succeeded", "Failed"):
                break
    stream.close()
    assert event is not None
    assert isinstance(event.obj, Pod)
    return event.obj


async def test_a_process_reads_its_config_map_env_its_secret_file_and_a_shared_empty_dir(
    tmp_path: Path,
) -> None:
    async with Cluster(nodes=1, runtime="subprocess", controllers=(), clock="real") as cluster:
        for obj in load_manifests(MANIFESTS):
            await cluster.client.create(obj)
        final = await _finished(cluster, "reader")
        logs = await cluster.logs("reader", container="app")
    assert final.status.phase == "Succeeded"
    lines = logs.splitlines()
    assert lines[0] == "hello hunter2 shared"
    assert lines[-1] == "refused"


CLAIM_AND_WRITER = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: writer, namespace: default}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "echo kept > $KUBE_ACTORS_MOUNTS/data/file"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: data}
"""


async def test_a_claims_data_outlives_its_pod(tmp_path: Path) -> None:
    async with Cluster(
        nodes=1, runtime="subprocess", storage_dir=tmp_path, clock="real"
    ) as cluster:
        for obj in load_manifests(CLAIM_AND_WRITER):
            await cluster.client.create(obj)
        written = await _finished(cluster, "writer")
        await cluster.client.delete(Pod, "writer", namespace="default")
        reader = load_manifests(
            CLAIM_AND_WRITER.split("---")[1]
            .replace("writer", "reader")
            .replace(
                "echo kept > $KUBE_ACTORS_MOUNTS/data/file", "cat $KUBE_ACTORS_MOUNTS/data/file"
            )
        )[0]
        await cluster.client.create(reader)
        read = await _finished(cluster, "reader")
        logs = await cluster.logs("reader")
    assert written.status.phase == "Succeeded"
    assert read.status.phase == "Succeeded"
    assert logs == "kept\n"
    _check_volume_directory(tmp_path)


def _check_volume_directory(storage: Path) -> None:
    """The provisioner's directory, named for its claim, holds the data after both pods."""
    [directory] = storage.iterdir()
    assert directory.name.endswith("_default_data")
    assert (directory / "file").read_text() == "kept\n"


UPDATED = """
apiVersion: v1
kind: ConfigMap
metadata: {name: conf, namespace: default}
data: {app.conf: one}
---
apiVersion: v1
kind: Secret
metadata: {name: key, namespace: default}
stringData: {key: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: app, namespace: default}
spec:
  nodeName: control-plane
  containers:
  - name: app
    image: busybox
    command: [sleep, "30"]
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: key, mountPath: /etc/key}
  volumes:
  - name: conf
    configMap: {name: conf, defaultMode: 0440}
  - name: key
    secret: {secretName: key}
"""


async def test_real_files_follow_a_config_map_edit_with_their_modes_secrets_on_tmpfs() -> None:
    timings = KubeletTimings(sync_frequency=0.5)
    async with Cluster(
        nodes=1, runtime="subprocess", controllers=(), clock="real", kubelet_timings=timings
    ) as cluster:
        for obj in load_manifests(UPDATED):
            await cluster.client.create(obj)
        await cluster.wait_for(Pod, "app", condition="Ready", timeout=20)
        runtime: Any = cluster.runtime("control-plane")
        [sandbox] = list(runtime.root.iterdir())
        conf, key = sandbox / "volumes" / "conf", sandbox / "volumes" / "key"
        first = os.readlink(conf / "..data")
        mode = (conf / "app.conf").stat().st_mode & 0o7777
        old = await cluster.client.get(ConfigMap, "conf", namespace="default")
        await cluster.client.update(attrs.evolve(old, data={"app.conf": "two"}))
        for _ in range(100):  # the kubelet's next sync, within 0.5 s on an idle machine
            if (conf / "app.conf").read_text() == "two":
                break
            await anyio.sleep(0.1)
        second = os.readlink(conf / "..data")
        on_tmpfs = key.is_mount()
        assert on_tmpfs == runtime.memory_volumes
        assert conf.stat().st_mode & 0o777 == 0o777
        assert os.readlink(conf / "app.conf") == "..data/app.conf"
        assert (conf / "app.conf").read_text() == "two"
    assert first != second
    assert first.startswith("..")
    assert second.startswith("..")
    assert mode == 0o440  # 0440 has no write bits to take away without a mount namespace


#: A Service in front of web-0 alone, so that the test waits until its nginx listens.
WEB_0_SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: web-0, namespace: default}
spec:
  selector: {statefulset.kubernetes.io/pod-name: web-0}
  ports: [{port: 80}]
"""


async def test_what_web_0_writes_to_its_claim_is_there_when_web_0_comes_back(
    tmp_path: Path,
) -> None:
    # The StatefulSet tutorial's steps: write into web-0's www volume with kubectl exec,
    # delete web-0, and read it back from the web-0 the controller makes again.
    page = "${KUBE_ACTORS_MOUNTS:-}/usr/share/nginx/html/index.html"
    async with Cluster(
        nodes=1, runtime="subprocess", storage_dir=tmp_path, clock="real"
    ) as cluster:
        await cluster.apply(WEB_STATEFULSET)
        await cluster.scale(StatefulSet, "web", 1)  # one replica is enough, and quicker
        await cluster.apply(WEB_0_SERVICE)
        first = await cluster.wait_for(Pod, "web-0", condition="Ready", timeout=30)
        front = await cluster.wait_serving("web-0")
        empty = await http_get(front.spec.cluster_ip, 80)  # nginx: a root without an index
        wrote = await cluster.exec("web-0", ["sh", "-c", f"echo written by web-0 > {page}"])
        await cluster.client.delete(Pod, "web-0", namespace="default")
        again = await cluster.wait_for(
            Pod,
            "web-0",
            condition=lambda p: p.metadata.uid != first.metadata.uid and is_pod_ready(p),
            timeout=30,
        )
        read = await cluster.exec("web-0", ["sh", "-c", f"cat {page}"])
        await cluster.wait_serving("web-0")
        served = await http_get(front.spec.cluster_ip, 80)  # the tutorial's curl
        claim = await cluster.client.get(PersistentVolumeClaim, "www-web-0", namespace="default")
    assert (wrote.exit_code, read.exit_code) == (0, 0), (wrote, read)
    assert read.stdout == "written by web-0\n"
    assert empty.status == 403
    assert (served.status, served.body) == (200, "written by web-0\n")
    [www] = [v.persistent_volume_claim for v in again.spec.volumes if v.name == "www"]
    assert www is not None
    assert www.claim_name == "www-web-0"
    _check_page_kept(tmp_path, claim.spec.volume_name)


def _check_page_kept(storage: Path, volume: str) -> None:
    """The claim's volume directory holds the page, with no pod left to hold it."""
    [directory] = [d for d in storage.iterdir() if d.name.startswith(volume)]
    assert (directory / "index.html").read_text() == "written by web-0\n"


FILES = """
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: default}
data: {mode: fast}
---
apiVersion: v1
kind: Pod
metadata: {name: files, namespace: default, labels: {tier: back}}
spec:
  nodeName: control-plane
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command:
    - sh
    - -c
    - >-
      M=${KUBE_ACTORS_MOUNTS:-};
      echo from-pod > $M/host/out;
      cat $M/info/labels; echo;
      cat $M/all/mode; echo;
      cat $M/all/name; echo;
      echo scratch > $M/scratch/x && cat $M/scratch/x
    volumeMounts:
    - {name: host, mountPath: /host, subPath: nested}
    - {name: info, mountPath: /info}
    - {name: all, mountPath: /all}
    - {name: scratch, mountPath: /scratch}
  volumes:
  - name: host
    hostPath: {path: HOST_DIR}
  - name: info
    downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
  - name: all
    projected:
      sources:
      - configMap: {name: settings}
      - downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
  - name: scratch
    emptyDir: {medium: Memory}
"""


async def test_host_path_sub_path_downward_api_projected_and_empty_dir_are_real_files(
    tmp_path: Path,
) -> None:
    host = tmp_path / "host"
    async with Cluster(nodes=1, runtime="subprocess", controllers=(), clock="real") as cluster:
        for obj in load_manifests(FILES.replace("HOST_DIR", str(host))):
            await cluster.client.create(obj)
        final = await _finished(cluster, "files")
        logs = await cluster.logs("files")
        runtime: Any = cluster.runtime("control-plane")
        sandboxes = list(runtime.root.iterdir())
        await cluster.client.delete(Pod, "files", namespace="default")
        await cluster.wait_for(Pod, "files", namespace="default", condition="delete", timeout=20)
        await cluster.settle()  # the kubelet's cleanup of the pod
        left = list(runtime.root.iterdir())
    assert final.status.phase == "Succeeded", logs
    assert logs == 'tier="back"\nfast\nfiles\nscratch\n'
    _check_host_file(host / "nested" / "out")  # the subPath made as a directory, as Kubernetes
    assert len(sandboxes) == 1
    assert left == []  # the emptyDir went with its pod


def _check_host_file(path: Path) -> None:
    assert path.read_text() == "from-pod\n"
