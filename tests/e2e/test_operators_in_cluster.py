"""Operators running as Pods: the official ``kubernetes`` client's ``load_incluster_config()``
in a subprocess Pod (of a Deployment) finds the API through the ``kubernetes`` Service, its
account's token and the cluster's CA at /var/run/secrets/kubernetes.io/serviceaccount, keeps
doing what its Role allows and is refused the rest, as inside Kubernetes; kopf likewise."""

from __future__ import annotations

import json

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.api import (
    RBAC_GROUP,
    ClusterRole,
    ClusterRoleBinding,
    Container,
    Deployment,
    ObjectMeta,
    Pod,
    PodSpec,
    PolicyRule,
    Role,
    RoleBinding,
    RoleRef,
    ServiceAccount,
    Subject,
)
from kube_actors.runtime._mounts import can_isolate

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(
        not can_isolate(),
        reason="volumes appear at their mountPath only in a private mount namespace (root on "
        "Linux with unshare); load_incluster_config reads the token at its fixed path",
    ),
]


def _binding(
    name: str, role: str, *, kind: str = "ClusterRole", account: str = "default"
) -> RoleBinding:
    """A RoleBinding in ``default`` granting ``role`` to the service account ``account``."""
    return RoleBinding(
        metadata=ObjectMeta(name=name, namespace="default"),
        role_ref=RoleRef(api_group=RBAC_GROUP, kind=kind, name=role),
        subjects=(Subject(kind="ServiceAccount", name=account, namespace="default"),),
    )


#: Tries to read Secrets, which its Role does not allow, then keeps the label ``seen: yes`` on
#: every Pod of its namespace (a level-triggered loop: it looks again every 0.2 s).
OPERATOR = """\
import json, time
from kubernetes import client, config
config.load_incluster_config()
api = client.CoreV1Api()
namespace = open("/var/run/secrets/kubernetes.io/serviceaccount/namespace").read()
try:
    api.list_namespaced_secret(namespace)
except client.ApiException as error:
    print(error.status, error.reason)
    print(json.loads(error.body)["message"], flush=True)
seen = {"metadata": {"labels": {"seen": "yes"}}}
while True:
    for pod in api.list_namespaced_pod(namespace).items:
        if (pod.metadata.labels or {}).get("seen") != "yes":
            api.patch_namespaced_pod(pod.metadata.name, namespace, seen)
            print("labelled", pod.metadata.name, flush=True)
    time.sleep(0.2)
"""

LABELLER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: labeller
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: labeller}
  template:
    metadata:
      labels: {app: labeller}
    spec:
      serviceAccountName: labeller
      containers:
      - name: op
        image: python
        command: ["python", "-c", %s]
"""


def _seen(pod: Pod) -> bool:
    return pod.metadata.labels.get("seen") == "yes"


async def test_an_operator_with_the_official_client_runs_as_a_deployment_under_its_role() -> None:
    async with (
        Cluster(nodes=1, runtime="subprocess", clock="real") as cluster,
        cluster.serve(),
    ):
        client = cluster.client
        await client.create(
            ServiceAccount(metadata=ObjectMeta(name="labeller", namespace="default"))
        )
        await client.create(
            Role(
                metadata=ObjectMeta(name="pod-labeller", namespace="default"),
                rules=(
                    PolicyRule(
                        verbs=("get", "list", "patch"), api_groups=("",), resources=("pods",)
                    ),
                ),
            )
        )
        await client.create(_binding("labeller", "pod-labeller", kind="Role", account="labeller"))
        await cluster.settle()  # kube-proxy serves the kubernetes Service before the Pod runs
        await cluster.apply(LABELLER % json.dumps(OPERATOR))
        await cluster.wait_for(Deployment, "labeller", condition="Available", timeout=60)
        sleeper = Container(name="main", image="busybox", command=("sleep", "3600"))
        late = Pod(
            metadata=ObjectMeta(name="late", namespace="default"),
            spec=PodSpec(containers=(sleeper,)),
        )
        await client.create(late)
        # A Pod made after the operator started is labelled; a label taken away comes back.
        await cluster.wait_for(Pod, "late", condition=_seen, timeout=30)
        unlabel = {"metadata": {"labels": {"seen": None}}}
        await client.patch(Pod, "late", unlabel, namespace="default")
        await cluster.wait_for(Pod, "late", condition=_seen, timeout=30)
        (operator,) = await client.list(Pod, namespace="default", label_selector="app=labeller")
        # The operator prints after its patch returns, which may be after we saw the label:
        # follow its log until the second line is there (or 30 s pass and the count fails).
        logs = ""
        with anyio.move_on_after(30):
            async for text in cluster.follow_logs(operator.metadata.name):
                logs += text
                if logs.count("labelled late") >= 2:
                    break
        assert logs.splitlines()[:2] == [
            "403 Forbidden",
            'secrets is forbidden: User "system:serviceaccount:default:labeller" cannot list '
            'resource "secrets" in API group "" in the namespace "default"',
        ]
        assert logs.count("labelled late") == 2
        assert operator.status.container_statuses[0].restart_count == 0


#: kube_actors' own Client, in-cluster: lists the Pods of its namespace and says their names.
IN_CLUSTER_CLIENT = """\
import anyio
from kube_actors import Client
from kube_actors.api import Pod

async def main():
    async with Client.in_cluster() as client:
        pods = await client.list(Pod, namespace="default")
    print(sorted(p.metadata.name for p in pods))

anyio.run(main)
"""


async def test_client_in_cluster_and_exec_see_the_service_account_volume() -> None:
    async with (
        Cluster(nodes=1, runtime="subprocess", clock="real") as cluster,
        cluster.serve(),
    ):
        client = cluster.client
        await client.create(_binding("default-views", "view"))
        await cluster.settle()
        sleeper = Container(name="main", image="busybox", command=("sleep", "3600"))
        await client.create(
            Pod(metadata=ObjectMeta(name="sleeper"), spec=PodSpec(containers=(sleeper,)))
        )
        await cluster.wait_for(Pod, "sleeper", condition="Ready", timeout=30)
        seen = await cluster.exec(
            "sleeper", ["cat", "/var/run/secrets/kubernetes.io/serviceaccount/namespace"]
        )
        assert (seen.exit_code, seen.stdout) == (0, "default"), seen.stderr
        lister = Container(name="op", image="python", command=("python", "-c", IN_CLUSTER_CLIENT))
        await client.create(
            Pod(
                metadata=ObjectMeta(name="lister"),
                spec=PodSpec(restart_policy="Never", containers=(lister,)),
            )
        )
        done = await cluster.wait_for(
            Pod, "lister", condition=lambda p: p.status.phase in ("Succeeded", "Failed"), timeout=60
        )
        logs = await cluster.logs("lister")
        assert done.status.phase == "Succeeded", logs
        assert logs == "['lister', 'sleeper']\n"


#: A kopf operator: labels each Pod it sees created (kopf's own in-cluster login).
KOPF_OPERATOR = """\
import kopf

@kopf.on.create("pods", labels={"app": "web"})
def label(name, patch, **_):
    patch.metadata.labels["kopf"] = "seen"
"""


async def test_a_kopf_operator_runs_as_a_pod() -> None:
    pytest.importorskip("kopf", reason="kopf is a test extra: pip install -e '.[test]'")
    async with (
        Cluster(nodes=1, runtime="subprocess", clock="real") as cluster,
        cluster.serve(),
    ):
        client = cluster.client
        await client.create(_binding("default-edits", "edit"))
        # What kopf's documentation asks of an operator's cluster role: to scan resources.
        scan = PolicyRule(
            verbs=("list", "watch"),
            api_groups=("", "apiextensions.k8s.io"),
            resources=("namespaces", "customresourcedefinitions"),
        )
        await client.create(ClusterRole(metadata=ObjectMeta(name="kopf-scan"), rules=(scan,)))
        await client.create(
            ClusterRoleBinding(
                metadata=ObjectMeta(name="kopf-scan"),
                role_ref=RoleRef(api_group=RBAC_GROUP, kind="ClusterRole", name="kopf-scan"),
                subjects=(Subject(kind="ServiceAccount", name="default", namespace="default"),),
            )
        )
        await cluster.settle()
        command = (
            "sh",
            "-c",
            f"cat > /tmp/kopf_operator_$$.py <<'EOF'\n{KOPF_OPERATOR}EOF\n"
            "exec python -m kopf run --standalone --namespace default /tmp/kopf_operator_$$.py",
        )
        op = Container(name="op", image="python", command=command)
        await client.create(Pod(metadata=ObjectMeta(name="kopf"), spec=PodSpec(containers=(op,))))
        await cluster.wait_for(Pod, "kopf", condition="Ready", timeout=30)
        web = Container(name="main", image="busybox", command=("sleep", "3600"))
        await client.create(
            Pod(
                metadata=ObjectMeta(name="web", labels={"app": "web"}),
                spec=PodSpec(containers=(web,)),
            )
        )
        try:
            labelled = await cluster.wait_for(
                Pod, "web", condition=lambda p: p.metadata.labels.get("kopf") == "seen", timeout=30
            )
        except TimeoutError:
            pytest.fail(await cluster.logs("kopf"))
        assert labelled.metadata.labels["app"] == "web"
