"""kubectl's everyday verbs against a served cluster (fake containers on real time): one
cluster serves the whole story, as a user at a terminal would type it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from kube_actors import Cluster
from kube_actors.api import Deployment, ReplicaSet

from ._kubectl import Kubectl, require_kubectl

pytestmark = pytest.mark.real_time

MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
"""


async def test_apply_get_rollout_scale_label_edit_and_delete(tmp_path: Path) -> None:
    require_kubectl()
    async with Cluster(nodes=2, clock="real") as cluster, cluster.serve() as served:
        kubectl = Kubectl(served.kubeconfig_path)
        manifest = tmp_path / "web.yaml"
        manifest.write_text(MANIFEST.format(replicas=2))
        assert (await kubectl("apply", "-f", str(manifest))).strip() == (
            "deployment.apps/web created"
        )
        await kubectl("wait", "--for=condition=Available", "deployment/web", "--timeout=30s")
        assert "unchanged" in await kubectl("apply", "-f", str(manifest))
        manifest.write_text(MANIFEST.format(replicas=3))
        assert "configured" in await kubectl("apply", "-f", str(manifest))
        stored = await cluster.client.get(Deployment, "web", namespace="default")
        assert stored.spec.replicas == 3

        wide = await kubectl("get", "pods", "-o", "wide", "-l", "app=web")
        assert wide.split()[:7] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
        as_yaml = yaml.safe_load(await kubectl("get", "deployment", "web", "-o", "yaml"))
        assert as_yaml["spec"]["replicas"] == 3
        as_json = json.loads(await kubectl("get", "pods", "-A", "-o", "json"))
        assert as_json["kind"] == "List"
        assert all(p["metadata"]["namespace"] == "default" for p in as_json["items"])
        everything = await kubectl("get", "all")
        for name in ("pod/web-", "deployment.apps/web", "replicaset.apps/web-"):
            assert name in everything

        await kubectl("scale", "deployment/web", "--replicas=1")
        await kubectl("rollout", "status", "deployment/web", "--timeout=30s")
        assert (await cluster.client.get(Deployment, "web", namespace="default")).spec.replicas == 1
        assert "labeled" in await kubectl("label", "deployment", "web", "tier=front")
        assert "annotated" in await kubectl("annotate", "deployment", "web", "note=hello")
        labelled = await cluster.client.get(Deployment, "web", namespace="default")
        assert labelled.metadata.labels["tier"] == "front"
        assert labelled.metadata.annotations["note"] == "hello"
        assert "image updated" in await kubectl("set", "image", "deployment/web", "web=nginx:1.28")
        await kubectl("rollout", "status", "deployment/web", "--timeout=30s")
        history = await kubectl("rollout", "history", "deployment/web")
        assert [line.split()[0] for line in history.splitlines()[2:4]] == ["1", "2"]
        assert "rolled back" in await kubectl("rollout", "undo", "deployment/web")
        await kubectl("rollout", "status", "deployment/web", "--timeout=30s")
        undone = await cluster.client.get(Deployment, "web", namespace="default")
        assert undone.spec.template.spec.containers[0].image == "nginx:1.27"
        assert "restarted" in await kubectl("rollout", "restart", "deployment/web")
        restarted = await cluster.client.get(Deployment, "web", namespace="default")
        assert "kubectl.kubernetes.io/restartedAt" in restarted.spec.template.metadata.annotations

        # edit: the EDITOR is a script that changes the replicas in the file kubectl wrote.
        editor = tmp_path / "editor.py"
        editor.write_text(
            "import sys, pathlib\n"
            "p = pathlib.Path(sys.argv[1])\n"
            "p.write_text(p.read_text().replace('replicas: 1', 'replicas: 2', 1))\n"
        )
        edited = await kubectl(
            "edit", "deployment", "web", env={"KUBE_EDITOR": f"{sys.executable} {editor}"}
        )
        assert "edited" in edited
        assert (await cluster.client.get(Deployment, "web", namespace="default")).spec.replicas == 2

        resources = {
            line.split()[0]: line.split()[1:]
            for line in (await kubectl("api-resources")).splitlines()[1:]
        }
        assert resources["deployments"] == ["deploy", "apps/v1", "true", "Deployment"]
        explained = await kubectl("explain", "deployment.spec.strategy")
        assert "FIELD: strategy <DeploymentStrategy>" in explained
        events = await kubectl("get", "events")
        assert "ScalingReplicaSet" in events

        # get -w: the listing, then changes, until the request times out.
        watched = await kubectl("get", "deployments", "-w", "--request-timeout=2s")
        assert "web" in watched

        server_side = MANIFEST.format(replicas=1).replace("web", "api")
        applied = await kubectl("apply", "--server-side", "-f", "-", stdin=server_side)
        assert applied.strip() == "deployment.apps/api serverside-applied"
        api = await cluster.client.get(Deployment, "api", namespace="default")
        managers = {(entry.manager, entry.operation) for entry in api.metadata.managed_fields}
        assert ("kubectl", "Apply") in managers

        code, _, err = await kubectl.run("get", "pod", "nope")
        assert code == 1
        assert err.strip() == 'Error from server (NotFound): pods "nope" not found'


@pytest.mark.parametrize("cascade", ["background", "foreground", "orphan"])
async def test_delete_with_each_propagation_policy(cascade: str) -> None:
    require_kubectl()
    async with Cluster(nodes=1, clock="real") as cluster, cluster.serve() as served:
        kubectl = Kubectl(served.kubeconfig_path)
        await kubectl("apply", "-f", "-", stdin=MANIFEST.format(replicas=1))
        await kubectl("wait", "--for=condition=Available", "deployment/web", "--timeout=30s")
        deleted = await kubectl("delete", "deployment", "web", f"--cascade={cascade}")
        assert deleted.strip() == 'deployment.apps "web" deleted'
        await kubectl("wait", "--for=delete", "deployment/web", "--timeout=30s")
        left = await cluster.client.list(ReplicaSet, namespace="default")
        if cascade == "orphan":
            assert len(left) == 1
            assert not left[0].metadata.owner_references
        else:
            await kubectl("wait", "--for=delete", "replicasets", "--all", "--timeout=30s")
