"""The real kubectl against a served cluster: explain, protobuf creates, get's tables.

Skipped, with the reason, where no kubectl binary is installed, unless CI is set (CI machines
have one, and there a missing kubectl is a failure).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import ClassVar

import anyio
import attrs
import pytest
import structlog

from kube_actors import Cluster
from kube_actors.api import (
    DaemonSet,
    Deployment,
    Endpoints,
    ObjectMeta,
    PrinterColumn,
    Secret,
    kinds,
    register_kind,
)
from kube_actors.cli._logging import configure_logging
from kube_actors.server import Served

KUBECTL = shutil.which("kubectl")

pytestmark = [
    pytest.mark.real_time,
    pytest.mark.skipif(
        KUBECTL is None and not os.environ.get("CI"), reason="no kubectl binary on this machine"
    ),
]


@pytest.fixture(autouse=True)
def quiet_logs() -> Iterator[None]:
    saved = structlog.get_config()
    configure_logging()
    yield
    structlog.configure(**saved)


@contextlib.asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[tuple[Cluster, Served]]:
    # In the test's own task: a cluster's task group cannot span a fixture's setup and teardown.
    async with (
        Cluster(nodes=1, clock="real") as cluster,
        cluster.serve(data_dir=str(tmp_path)) as served,
    ):
        yield cluster, served


async def kubectl(served: Served, *args: str, ok: bool = True) -> tuple[int, str, str]:
    assert KUBECTL is not None, "CI is set and no kubectl binary is installed"
    command = [KUBECTL, "--kubeconfig", str(served.kubeconfig_path), *args]
    cache = served.kubeconfig_path.parent / "kubectl-cache"
    with anyio.fail_after(30):
        result = await anyio.run_process([*command, f"--cache-dir={cache}"], check=False)
    out, err = result.stdout.decode(), result.stderr.decode()
    if ok:
        assert result.returncode == 0, f"kubectl {' '.join(args)} failed: {err}"
    return result.returncode, out, err


def words(line: str) -> list[str]:
    return line.split()


async def test_explain_prints_kubernetes_meaning_of_the_deployment_strategy(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (_, served):
        _, out, _ = await kubectl(served, "explain", "deployment.spec.strategy")
        _, deeper, _ = await kubectl(served, "explain", "deployment.spec.strategy.rollingUpdate")
    assert "KIND:       Deployment" in out
    assert "FIELD: strategy <DeploymentStrategy>" in out
    assert "The deployment strategy to use to replace existing pods with new ones." in out
    assert "rollingUpdate\t<RollingUpdateDeployment>" in out
    assert "enum: Recreate, RollingUpdate" in out
    assert "maxSurge\t<IntOrString>" in deeper


async def test_explain_prints_the_meaning_of_a_cronjobs_and_a_statefulsets_fields(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (_, served):
        _, cron, _ = await kubectl(served, "explain", "cronjob.spec.concurrencyPolicy")
        _, sts, _ = await kubectl(served, "explain", "statefulset.spec.podManagementPolicy")
    assert "KIND:       CronJob" in cron
    assert "What to do with a run while the previous one is still active" in cron
    assert "KIND:       StatefulSet" in sts
    assert "How pods are created at first scale-up" in sts


async def test_explain_describes_the_kinds_beyond_the_workloads(tmp_path: Path) -> None:
    async with serving(tmp_path) as (_, served):
        _, hpa, _ = await kubectl(served, "explain", "hpa.spec.behavior")
        _, pdb, _ = await kubectl(served, "explain", "pdb.spec")
        _, ingress, _ = await kubectl(served, "explain", "ingress.spec.rules.http.paths")
        _, secret, _ = await kubectl(served, "explain", "secret.stringData")
    assert "KIND:       HorizontalPodAutoscaler" in hpa
    assert "GROUP:      autoscaling" in hpa
    assert "FIELD: behavior <HorizontalPodAutoscalerBehavior>" in hpa
    assert "scaleDown\t<HPAScalingRules>" in hpa
    assert "Rules for scaling down." in hpa
    assert "KIND:       PodDisruptionBudget" in pdb
    assert "minAvailable\t<IntOrString>" in pdb
    assert "unhealthyPodEvictionPolicy\t<string>" in pdb
    assert "When unhealthy (running but not ready) pods may be evicted" in pdb
    assert "pathType\t<string> -required-" in ingress
    assert "How path is matched" in ingress
    assert "A write-only convenience" in secret


async def test_create_deployment_sends_protobuf_and_get_prints_kubectls_columns(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (cluster, served):
        await _create_deployment_and_get(cluster, served)


async def _create_deployment_and_get(cluster: Cluster, served: Served) -> None:
    _, out, _ = await kubectl(served, "create", "deployment", "hello-nginx", "--image=nginx")
    assert out.strip() == "deployment.apps/hello-nginx created"
    await cluster.wait_for(Deployment, "hello-nginx", condition="Available", timeout=30)
    _, out, _ = await kubectl(served, "get", "deployments")
    header, row = out.splitlines()
    assert words(header) == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert words(row)[:4] == ["hello-nginx", "1/1", "1", "1"]
    _, out, _ = await kubectl(served, "get", "deployments", "-o", "wide")
    assert words(out.splitlines()[1])[5:] == ["nginx", "nginx", "app=hello-nginx"]
    _, out, _ = await kubectl(served, "get", "pods", "-o", "wide")
    header, row = out.splitlines()
    assert header.split("   ")[-2:] == ["NOMINATED NODE", "READINESS GATES"]
    assert words(row)[1:4] == ["1/1", "Running", "0"]


async def test_create_service_sends_protobuf_and_get_shows_its_node_port(tmp_path: Path) -> None:
    async with serving(tmp_path) as (_, served):
        await kubectl(served, "create", "service", "nodeport", "web", "--tcp=8080:80")
        _, out, _ = await kubectl(served, "get", "services", "web")
    header, row = out.splitlines()
    assert words(header) == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    name, kind, _, external, ports, _ = words(row)
    assert (name, kind, external) == ("web", "NodePort", "<none>")
    assert ports.startswith("8080:")
    assert ports.endswith("/TCP")


async def test_apply_leaves_field_validation_to_the_server(tmp_path: Path) -> None:
    manifest = tmp_path / "typo.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typo}\n"
        "spec:\n  replica: 2\n  selector: {matchLabels: {app: typo}}\n"
        "  template:\n    metadata: {labels: {app: typo}}\n"
        "    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    async with serving(tmp_path / "server") as (_, served):
        code, _, err = await kubectl(served, "apply", "-f", str(manifest), "-v=6", ok=False)
    assert code != 0
    assert 'unknown field "spec.replica"' in err
    # kubectl found fieldValidation on the PATCH operation and asked the server to validate,
    # instead of validating on its own ("error validating data").
    assert "fieldValidation=Strict" in err
    assert "error validating data" not in err


@attrs.frozen(kw_only=True)
class GizmoSpec:
    """What a gizmo should be."""

    size: int = attrs.field(default=0, metadata={"description": "How big the gizmo is."})
    color: str = ""


@attrs.frozen(kw_only=True)
class Gizmo:
    """A gizmo: a user's own kind, served like a built-in one."""

    api_version: ClassVar[str] = "kubectl.example.com/v1"
    kind: ClassVar[str] = "Gizmo"
    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: GizmoSpec = attrs.field(default=GizmoSpec())


async def test_a_user_kind_prints_its_columns_and_explains_its_fields(tmp_path: Path) -> None:
    register_kind(
        Gizmo,
        printer_columns=[
            PrinterColumn(name="Size", json_path=".spec.size", type="integer"),
            PrinterColumn(name="Color", json_path=".spec.color", priority=1),
            PrinterColumn(name="Age", json_path=".metadata.creationTimestamp", type="date"),
        ],
    )
    manifest = tmp_path / "gizmo.yaml"
    manifest.write_text(
        "apiVersion: kubectl.example.com/v1\nkind: Gizmo\nmetadata: {name: g1}\n"
        "spec: {size: 3, color: red}\n"
    )
    async with serving(tmp_path / "server") as (_, served):
        await kubectl(served, "apply", "-f", str(manifest))
        _, plain, _ = await kubectl(served, "get", "gizmos")
        _, wide, _ = await kubectl(served, "get", "gizmos", "-o", "wide")
        _, explained, _ = await kubectl(served, "explain", "gizmo.spec")
    assert [words(line)[:2] for line in plain.splitlines()] == [["NAME", "SIZE"], ["g1", "3"]]
    assert [words(line)[:3] for line in wide.splitlines()] == [
        ["NAME", "SIZE", "COLOR"],
        ["g1", "3", "red"],
    ]
    assert "What a gizmo should be." in explained
    assert "size\t<integer>\n    How big the gizmo is." in explained


async def test_create_configmap_and_secret_send_protobuf_and_get_counts_their_keys(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (cluster, served):
        await kubectl(
            served, "create", "configmap", "game", "--from-literal=lives=3", "--from-literal=a=b"
        )
        await kubectl(served, "create", "secret", "generic", "db", "--from-literal=password=x")
        _, maps, _ = await kubectl(served, "get", "configmap", "game")
        _, secrets, _ = await kubectl(served, "get", "secret", "db")
        stored = await cluster.client.get(Secret, "db", namespace="default")
    assert words(maps.splitlines()[0]) == ["NAME", "DATA", "AGE"]
    assert words(maps.splitlines()[1])[:2] == ["game", "2"]
    assert words(secrets.splitlines()[0]) == ["NAME", "TYPE", "DATA", "AGE"]
    assert words(secrets.splitlines()[1])[:3] == ["db", "Opaque", "1"]
    assert dict(stored.data) == {"password": "eA=="}


async def test_get_endpointslices_shows_the_service_pods_and_short_names_resolve(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (cluster, served):
        await kubectl(served, "create", "deployment", "hello", "--image=nginx", "--replicas=2")
        await kubectl(served, "expose", "deployment", "hello", "--port=80")
        await cluster.rollout_status("hello")
        await cluster.wait_for(
            Endpoints, "hello", condition=lambda e: sum(len(s.addresses) for s in e.subsets) == 2
        )
        await cluster.settle()
        _, out, _ = await kubectl(
            served, "get", "endpointslices", "-l", "kubernetes.io/service-name=hello"
        )
        await kubectl(served, "create", "configmap", "game", "--from-literal=lives=3")
        _, maps, _ = await kubectl(served, "get", "cm")
    header, row = out.splitlines()
    assert words(header) == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    name, address_type, ports, endpoints, _ = words(row)
    assert name.startswith("hello-")
    assert (address_type, ports) == ("IPv4", "80")
    assert len(endpoints.split(",")) == 2
    # "cm" is the ConfigMap's short name: kubectl resolves it from discovery.
    assert "game" in [words(line)[0] for line in maps.splitlines()]


DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: busybox:1
"""


async def test_rollout_history_and_undo_of_a_daemonset_read_its_controller_revisions(
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "agent.yaml"
    manifest.write_text(DAEMONSET)
    async with serving(tmp_path) as (cluster, served):
        await kubectl(served, "apply", "-f", str(manifest))
        await cluster.settle()
        await kubectl(served, "set", "image", "daemonset/agent", "agent=busybox:2")
        await cluster.settle()
        _, history, _ = await kubectl(served, "rollout", "history", "daemonset/agent")
        _, listed, _ = await kubectl(served, "get", "controllerrevisions")
        await kubectl(served, "rollout", "undo", "daemonset/agent")
        await cluster.settle()
        undone = await cluster.client.get(DaemonSet, "agent", namespace="default")
    assert [words(line)[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]
    header, *rows = listed.splitlines()
    assert words(header) == ["NAME", "CONTROLLER", "REVISION", "AGE"]
    assert sorted(words(row)[1:3] for row in rows) == [
        ["daemonset.apps/agent", "1"],
        ["daemonset.apps/agent", "2"],
    ]
    assert undone.spec.template.spec.containers[0].image == "busybox:1"


async def test_create_quota_then_a_pod_beyond_it_is_forbidden_as_kubectl_prints_it(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (cluster, served):
        await kubectl(served, "create", "quota", "small", "--hard=pods=1,requests.cpu=1")
        await cluster.settle()
        await kubectl(
            served,
            "run",
            "a",
            "--image=nginx",
            "--overrides",
            '{"spec":{"containers":[{"name":"a","image":"nginx",'
            '"resources":{"requests":{"cpu":"100m"}}}]}}',
        )
        await cluster.settle()
        _, listed, _ = await kubectl(served, "get", "quota")
        code, _, err = await kubectl(served, "run", "b", "--image=nginx", ok=False)
    header, row = listed.splitlines()
    assert words(header) == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert row.split("   ")[0] == "small"
    assert "pods: 1/1, requests.cpu: 100m/1" in row
    assert code != 0
    assert (
        'Error from server (Forbidden): pods "b" is forbidden: failed quota: small: '
        "must specify requests.cpu for: b" in err
    )


async def test_create_ingress_gets_the_default_class_and_the_controllers_address(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (cluster, served):
        await kubectl(served, "create", "ingress", "simple", "--rule=foo.com/bar*=svc1:8080")
        await cluster.settle()
        _, out, _ = await kubectl(served, "get", "ingress")
        _, classes, _ = await kubectl(served, "get", "ingressclasses")
    header, row = out.splitlines()
    assert words(header) == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert words(row)[:5] == ["simple", "kube-actors", "foo.com", "127.0.0.1", "80"]
    assert words(classes.splitlines()[1])[:3] == [
        "kube-actors",
        "kube-actors.io/ingress-controller",
        "<none>",
    ]


async def test_explain_answers_for_every_built_in_resource_with_no_empty_description(
    tmp_path: Path,
) -> None:
    async with serving(tmp_path) as (_, served):
        _, table, _ = await kubectl(served, "api-resources", "--no-headers")
        built_in = {
            (info.plural, f"{info.group}/{info.version}".lstrip("/"))
            for info in kinds()
            if info.cls.__module__.startswith("kube_actors.api")
            and not getattr(info.cls, "defined_by_crd", False)
        }
        # Only the built-in kinds: other tests of the session may have registered their own.
        resources = [r for r in map(_name_and_version, table.splitlines()) if r in built_in]
        empty = []
        for name, version in resources:
            _, out, _ = await kubectl(served, "explain", name, f"--api-version={version}")
            assert "FIELDS:" in out, (name, version)
            if "<empty>" in out:
                empty.append(name)
    assert len(resources) > 30
    assert empty == []


def _name_and_version(line: str) -> tuple[str, str]:
    """An ``api-resources`` row's NAME and APIVERSION (SHORTNAMES may be blank)."""
    columns = words(line)
    version = next(c for c in columns[1:] if re.fullmatch(r"([a-z0-9.-]+/)?v\d\w*", c))
    return columns[0], version
