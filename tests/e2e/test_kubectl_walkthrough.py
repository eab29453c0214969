"""The concept doc's walkthrough, typed into the real kubectl, against a served cluster whose
containers are real processes: the NodePort answers real HTTP from a pod."""

from __future__ import annotations

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.proxy import http_get

from ._kubectl import Kubectl, require_kubectl

pytestmark = pytest.mark.real_time


async def test_the_minikube_walkthrough_with_kubectl() -> None:
    require_kubectl()
    async with (
        Cluster(nodes=1, runtime="subprocess", clock="real") as cluster,
        cluster.serve() as served,
    ):
        kubectl = Kubectl(served.kubeconfig_path)
        assert f"Kubernetes control plane is running at {served.url}" in await kubectl(
            "cluster-info"
        )
        nodes = await kubectl("get", "nodes")
        assert nodes.split()[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
        assert "control-plane   Ready" in nodes
        # The typed generator sends the Deployment as protobuf.
        created = await kubectl(
            "create", "deployment", "hello-nginx", "--image=nginx", "--port=8080"
        )
        assert created.strip() == "deployment.apps/hello-nginx created"
        await kubectl(
            "wait", "--for=condition=Available", "deployment/hello-nginx", "--timeout=60s"
        )
        await kubectl("rollout", "status", "deployment/hello-nginx", "--timeout=60s")
        deployments = await kubectl("get", "deployments")
        assert deployments.splitlines()[1].split()[:3] == ["hello-nginx", "1/1", "1"]
        pods = await kubectl("get", "pods")
        assert "Running" in pods
        pod = await kubectl("get", "pods", "-o", "jsonpath={.items[0].metadata.name}")
        assert pod.startswith("hello-nginx-")
        described = await kubectl("describe", "pods")
        for section in ("Name:", "Node:", "Status:", "IP:", "Containers:", "Conditions:"):
            assert section in described
        assert "Events:" in described
        assert "Scheduled" in described  # the scheduler's Event about this pod
        exposed = await kubectl(
            "expose", "deployment", "hello-nginx", "--type=NodePort", "--port=8080"
        )
        assert exposed.strip() == "service/hello-nginx exposed"
        service = await cluster.wait_serving("hello-nginx")
        node_port = service.spec.ports[0].node_port
        assert node_port is not None
        answer = await http_get(cluster.data_plane.node_port_address, node_port, "/")
        assert answer.status == 200
        assert pod in answer.body  # the stand-in nginx says which pod served
        logs = await kubectl("logs", pod)
        assert "GET /" in logs
        assert await kubectl("logs", pod, "--tail=1") == logs.splitlines(keepends=True)[-1]
        # logs -f: what is there, then what the container writes next, while it runs.
        command = [kubectl.binary, "--kubeconfig", str(served.kubeconfig_path)]
        async with await anyio.open_process([*command, "logs", "-f", pod]) as follow:
            assert follow.stdout is not None
            seen = b""
            with anyio.fail_after(30):
                while seen.count(b"GET /") < 1:
                    seen += await follow.stdout.receive()
                await http_get(cluster.data_plane.node_port_address, node_port, "/followed")
                while b"GET /followed" not in seen:
                    seen += await follow.stdout.receive()
            follow.terminate()
        services = await kubectl("describe", "services", "hello-nginx")
        assert "Type:                     NodePort" in services
        assert f"NodePort:                 <unset>  {node_port}/TCP" in services
        deleted = await kubectl("delete", "deployment", "hello-nginx")
        assert deleted.strip() == 'deployment.apps "hello-nginx" deleted'
        code, _, err = await kubectl.run("get", "deployment", "hello-nginx")
        assert code == 1
        assert 'Error from server (NotFound): deployments.apps "hello-nginx" not found' in err
