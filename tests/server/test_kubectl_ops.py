"""The real kubectl with the operations kinds: Kubernetes' documentation manifests applied
unchanged, listed with Kubernetes' columns, refused with Kubernetes' messages.

Skipped, with the reason, where no kubectl binary is installed, unless CI is set.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kube_actors.api import (
    Container,
    CronJob,
    Deployment,
    DeploymentSpec,
    LabelSelector,
    Node,
    ObjectMeta,
    Pod,
    PodDisruptionBudget,
    PodSpec,
    PodTemplateSpec,
)

from ..doc_manifests import HELLO_CRONJOB as HELLO
from .test_kubectl import KUBECTL, kubectl, serving, words

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(
        KUBECTL is None and not os.environ.get("CI"), reason="no kubectl binary on this machine"
    ),
]


async def test_the_documentation_cron_job_applies_and_lists_with_kubernetes_columns(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "cronjob.yaml"
    manifest.write_text(HELLO)
    async with serving(tmp_path) as (cluster, served):
        _, out, _ = await kubectl(served, "apply", "-f", str(manifest))
        assert out.strip() == "cronjob.batch/hello created"
        _, table, _ = await kubectl(served, "get", "cj")
        _, wide, _ = await kubectl(served, "get", "cronjobs", "-o", "wide")
        stored = await cluster.client.get(CronJob, "hello", namespace="default")
    header, row = table.splitlines()
    assert words(header) == [
        "NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"
    ]  # fmt: skip
    assert words(row)[:6] == ["hello", "*", "*", "*", "*", "*"]
    assert words(row)[6:10] == ["<none>", "False", "0", "<none>"]
    assert words(wide.splitlines()[0])[-3:] == ["CONTAINERS", "IMAGES", "SELECTOR"]
    assert words(wide.splitlines()[1])[-3:] == ["hello", "busybox:1.28", "<none>"]
    assert stored.spec.successful_jobs_history_limit == 3


async def test_a_time_zone_in_the_schedule_is_refused_as_kubernetes_refuses_it(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "cronjob.yaml"
    manifest.write_text(HELLO.replace('"* * * * *"', '"CRON_TZ=UTC 0 * * * *"'))
    async with serving(tmp_path) as (_, served):
        code, _, err = await kubectl(served, "apply", "-f", str(manifest), ok=False)
    assert code == 1
    assert (
        'The CronJob "hello" is invalid: spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": '
        "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
    ) in err


# Kubernetes' documentation's PodDisruptionBudget (tasks/run-application/configure-pdb).
ZK_PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: zookeeper
"""


def zookeeper(replicas: int) -> Deployment:
    labels = {"app": "zookeeper"}
    return Deployment(
        metadata=ObjectMeta(name="zk", namespace="default"),
        spec=DeploymentSpec(
            replicas=replicas,
            selector=LabelSelector(match_labels=labels),
            template=PodTemplateSpec(
                metadata=ObjectMeta(labels=labels),
                spec=PodSpec(containers=[Container(name="zk", image="zookeeper:3.9")]),
            ),
        ),
    )


async def test_kubectl_drain_waits_for_the_budget_and_leaves_daemon_set_pods(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "pdb.yaml"
    manifest.write_text(ZK_PDB)
    async with serving(tmp_path) as (cluster, served):
        await cluster.client.create(zookeeper(2))
        (node,) = cluster.nodes
        await kubectl(served, "apply", "-f", str(manifest))
        await cluster.wait_for(Deployment, "zk", condition="Available", timeout=20)
        await cluster.add_node()
        await cluster.wait_for(
            PodDisruptionBudget, "zk-pdb", condition="DisruptionAllowed", timeout=20
        )
        _, table, _ = await kubectl(served, "get", "pdb")
        _, out, err = await kubectl(served, "drain", node, "--ignore-daemonsets", "--timeout=60s")
        left = await cluster.client.list(Pod, namespace="default")
        cordoned = await cluster.client.get(Node, node)
    assert [words(line) for line in table.splitlines()] == [
        ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE"],
        ["zk-pdb", "1", "N/A", "1", words(table.splitlines()[1])[-1]],
    ]
    assert f"node/{node} cordoned" in out
    assert f"node/{node} drained" in out
    assert "Cannot evict pod as it would violate the pod's disruption budget." in err
    assert cordoned.spec.unschedulable is True
    assert all(p.spec.node_name != node for p in left if p.metadata.deletion_timestamp is None)


# Kubernetes' documentation's HorizontalPodAutoscaler (tasks/run-application/
# horizontal-pod-autoscale-walkthrough), unchanged.
PHP_APACHE_HPA = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
"""


async def test_the_documentation_autoscaler_applies_and_lists_with_kubernetes_columns(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "hpa.yaml"
    manifest.write_text(PHP_APACHE_HPA)
    async with serving(tmp_path) as (_, served):
        _, out, _ = await kubectl(served, "apply", "-f", str(manifest))
        _, table, _ = await kubectl(served, "get", "hpa")
    assert out.strip() == "horizontalpodautoscaler.autoscaling/php-apache created"
    header, row = (words(line) for line in table.splitlines())
    assert header == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert row[:7] == [
        "php-apache",
        "Deployment/php-apache",
        "cpu:",
        "<unknown>/50%",
        "1",
        "10",
        "0",
    ]
