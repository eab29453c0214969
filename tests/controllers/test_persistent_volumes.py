"""Claims, volumes and the local-path provisioner: binding, WaitForFirstConsumer, reclaiming,
and the documentation's ``web`` StatefulSet whose claims outlive its Pods."""

from __future__ import annotations

from kube_actors import Cluster
from kube_actors.api import (
    Event,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    StorageClass,
    load_manifests,
)

WEB = """
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx # has to match .spec.template.metadata.labels
  serviceName: "nginx"
  replicas: 3 # by default is 1
  minReadySeconds: 10 # by default is 0
  template:
    metadata:
      labels:
        app: nginx # has to match .spec.selector.matchLabels
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: my-storage-class
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
"""

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
