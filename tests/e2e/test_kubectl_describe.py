"""``describe`` against the real kubectl: the same objects, described by both, line by line.

Nothing is normalised but the time zone (kubectl prints local time: it runs with ``TZ=UTC``).
Ages and heartbeats move while the two run, so ours is taken just before and just after
kubectl's: every timestamp shown has whole seconds, so every age ticks at the same instant and
kubectl's text must equal one of the two. Two things kubectl leaves to Go's map order (a
ConfigMap's and a Secret's keys) are kept to one key here.
"""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import (
    ConfigMap,
    CronJob,
    DaemonSet,
    Deployment,
    HorizontalPodAutoscaler,
    Ingress,
    Job,
    Namespace,
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    PodDisruptionBudget,
    ReplicaSet,
    Secret,
    Service,
    StatefulSet,
    StorageClass,
)

from ._kubectl import Kubectl, require_kubectl

pytestmark = pytest.mark.real_time

NS = "shop"
FAKE = "fake.kube-actors.io/"


def _template(app: str, **spec: Any) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": app}}, "spec": spec}


def _manifests() -> list[dict[str, Any]]:
    web_container = {
        "name": "web",
        "image": "nginx:1.27",
        "args": ["--port", "8080"],
        "ports": [
            {"name": "http", "containerPort": 8080},
            {"name": "metrics", "containerPort": 9090},
        ],
        "resources": {
            "requests": {"cpu": "250m", "memory": "64Mi"},
            "limits": {"cpu": "500m", "memory": "128Mi"},
        },
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "readinessProbe": {"tcpSocket": {"port": "http"}, "periodSeconds": 5},
        "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "failureThreshold": 30},
        "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "APP_"}],
        "env": [
            {"name": "MODE", "value": "production"},
            {
                "name": "COLOUR",
                "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "colour"}},
            },
            {
                "name": "TOKEN",
                "valueFrom": {"secretKeyRef": {"name": "creds", "key": "token", "optional": True}},
            },
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        ],
        "volumeMounts": [
            {"name": "config", "mountPath": "/etc/web", "readOnly": True},
            {"name": "creds", "mountPath": "/var/run/creds", "readOnly": True},
            {"name": "scratch", "mountPath": "/scratch", "subPath": "web"},
        ],
    }
    return [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": NS, "labels": {"team": "shop"}},
        },
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "settings", "namespace": NS},
            "data": {"colour": "blue"},
        },
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "creds", "namespace": NS},
            "stringData": {"token": "s3cr3t"},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": NS, "annotations": {"owner": "shop-team"}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": _template(
                    "web",
                    containers=[web_container],
                    nodeSelector={"kubernetes.io/os": "linux"},
                    tolerations=[
                        {
                            "key": "dedicated",
                            "operator": "Equal",
                            "value": "shop",
                            "effect": "NoSchedule",
                        }
                    ],
                    volumes=[
                        {"name": "config", "configMap": {"name": "settings"}},
                        {"name": "creds", "secret": {"secretName": "creds"}},
                        {"name": "scratch", "emptyDir": {"sizeLimit": "1Gi"}},
                    ],
                ),
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": NS},
            "spec": {
                "type": "NodePort",
                "selector": {"app": "web"},
                "ports": [
                    {"name": "http", "port": 80, "targetPort": "http"},
                    {"name": "metrics", "port": 9090, "targetPort": 9090},
                ],
            },
        },
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "once", "namespace": NS},
            "spec": {
                "backoffLimit": 2,
                "template": {
                    "metadata": {"annotations": {f"{FAKE}exit-after": "1s"}},
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [
                            {"name": "work", "image": "busybox", "command": ["sh", "-c", "true"]}
                        ],
                    },
                },
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db", "namespace": NS},
            "spec": {
                "replicas": 1,
                "serviceName": "db",
                "selector": {"matchLabels": {"app": "db"}},
                "template": _template("db", containers=[{"name": "db", "image": "pause"}]),
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": NS},
            "spec": {
                "selector": {"matchLabels": {"app": "agent"}},
                "template": _template("agent", containers=[{"name": "agent", "image": "pause"}]),
            },
        },
        *_storage_and_operations_manifests(),
    ]


def _storage_and_operations_manifests() -> list[dict[str, Any]]:
    """A claim bound by the local-path provisioner (and the Pod that uses it), a class of
    one's own, and the kinds that route to, schedule, scale and guard the workloads above."""
    return [
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data", "namespace": NS, "labels": {"app": "store"}},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "store", "namespace": NS},
            "spec": {
                "containers": [
                    {
                        "name": "store",
                        "image": "busybox",
                        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    }
                ],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
            },
        },
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "archive", "annotations": {"team": "shop"}},
            "provisioner": "example.com/nfs",
            "parameters": {"server": "nfs.example.com", "path": "/archive"},
            "mountOptions": ["nfsvers=4.1", "hard"],
            "allowVolumeExpansion": True,
            "reclaimPolicy": "Retain",
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "web", "namespace": NS, "annotations": {"owner": "shop-team"}},
            "spec": {
                "tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
                "rules": [
                    {
                        "host": "shop.example.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {"service": {"name": "web", "port": {"number": 80}}},
                                },
                                {
                                    "path": "/metrics",
                                    "pathType": "Exact",
                                    "backend": {
                                        "service": {"name": "web", "port": {"name": "metrics"}}
                                    },
                                },
                                {
                                    "path": "/old",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "gone", "port": {"number": 80}}
                                    },
                                },
                            ]
                        },
                    }
                ],
            },
        },
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": "nightly", "namespace": NS},
            "spec": {
                "schedule": "0 3 * * *",
                "jobTemplate": {
                    "spec": {
                        "template": {
                            "spec": {
                                "restartPolicy": "OnFailure",
                                "containers": [
                                    {"name": "report", "image": "busybox", "args": ["report"]}
                                ],
                            }
                        }
                    }
                },
            },
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "web", "namespace": NS},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 2,
                "maxReplicas": 5,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 60},
                        },
                    },
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "memory",
                            "target": {"type": "AverageValue", "averageValue": "100Mi"},
                        },
                    },
                ],
                "behavior": {
                    "scaleDown": {
                        "stabilizationWindowSeconds": 120,
                        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}],
                    }
                },
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": NS},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
        },
    ]


async def _compare(
    cluster: Cluster, kubectl: Kubectl, kind: type[Any], name: str, namespace: str
) -> str:
    """How ours differs from kubectl's describe (empty when it does not)."""
    args = ["describe", kind.__name__.lower(), name] + (["-n", namespace] if namespace else [])
    for _ in range(3):
        before = await cluster.describe(kind, name, namespace=namespace)
        theirs = await kubectl(*args, env={"TZ": "UTC"})
        after = await cluster.describe(kind, name, namespace=namespace)
        if theirs in (before, after):
            return ""
    diff = "\n".join(
        difflib.unified_diff(
            theirs.splitlines(), after.splitlines(), "kubectl", "ours", lineterm=""
        )
    )
    return f"describe {kind.__name__} {name} differs from kubectl's:\n{diff}"


async def test_describe_prints_what_kubectl_prints_for_every_kind() -> None:
    require_kubectl()
    async with Cluster(nodes=1, clock="real") as cluster, cluster.serve() as served:
        kubectl = Kubectl(served.kubeconfig_path)
        await cluster.apply(_manifests())
        await cluster.wait_for(Deployment, "web", namespace=NS, condition="Available", timeout=30)
        await cluster.wait_for(Job, "once", namespace=NS, condition="Complete", timeout=30)
        await cluster.wait_for(
            StatefulSet,
            "db",
            namespace=NS,
            condition=lambda s: s.status.ready_replicas == 1,
            timeout=30,
        )
        await cluster.wait_for(
            PersistentVolumeClaim,
            "data",
            namespace=NS,
            condition=lambda c: c.status.phase == "Bound",
            timeout=30,
        )
        await cluster.settle()
        claim = await cluster.client.get(PersistentVolumeClaim, "data", namespace=NS)
        web_pod = (await cluster.client.list(Pod, namespace=NS, label_selector="app=web"))[0]
        job_pod = (
            await cluster.client.list(
                Pod, namespace=NS, label_selector="batch.kubernetes.io/job-name=once"
            )
        )[0]
        web_rs = (await cluster.client.list(ReplicaSet, namespace=NS))[0]
        node = (await cluster.client.list(Node))[0]
        failures: list[str] = []
        for kind, name, namespace in (
            (Pod, web_pod.metadata.name, NS),
            (Pod, job_pod.metadata.name, NS),
            (Deployment, "web", NS),
            (ReplicaSet, web_rs.metadata.name, NS),
            (Service, "web", NS),
            (Job, "once", NS),
            (StatefulSet, "db", NS),
            (DaemonSet, "agent", NS),
            (Node, node.metadata.name, ""),
            (Namespace, NS, ""),
            (ConfigMap, "settings", NS),
            (Secret, "creds", NS),
            (PersistentVolumeClaim, "data", NS),
            (PersistentVolume, claim.spec.volume_name, ""),
            (StorageClass, "standard", ""),
            (StorageClass, "archive", ""),
            (Ingress, "web", NS),
            (CronJob, "nightly", NS),
            (HorizontalPodAutoscaler, "web", NS),
            (PodDisruptionBudget, "web", NS),
        ):
            failures.append(await _compare(cluster, kubectl, kind, name, namespace))
        assert not "".join(failures), "\n".join(f for f in failures if f)
