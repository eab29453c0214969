"""Nodes on two hosts: a served cluster's node on this machine, and ``kube-actors agent`` in a
network namespace of its own (``HostNetwork``), each with a routable pod CIDR.

Pods on either host reach pods on the other, kube-proxy on each host forwards a Service's
ClusterIP to pods on both, and a NodePort on either node's address does too.
"""

from __future__ import annotations

import ipaddress

import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment, Node, Pod, Service
from kube_actors.cli import main
from kube_actors.kubelet import NodeConfig
from kube_actors.proxy import served_by
from kube_actors.testing import HostNetwork

from .test_agent import agent_command, running

pytestmark = pytest.mark.real_time

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule,
         labelSelector: {matchLabels: {app: web}}}
      containers:
      - {name: web, image: echoserver, ports: [{containerPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""

#: A client pod's program: each argument is ``NAMES=URL``; it asks ``URL`` until the pods
#: ``NAMES`` (comma-separated) have all answered, and exits 0 once every URL has.
CLIENT = r"""
import re, sys, time, urllib.request
deadline = time.monotonic() + 20
for argument in sys.argv[1:]:
    names, _, url = argument.partition("=")
    wanted, seen = set(names.split(",")), set()
    while not wanted <= seen:
        if time.monotonic() > deadline:
            raise SystemExit(f"{url}: answered by {sorted(seen)}, not all of {sorted(wanted)}")
        try:
            body = urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            time.sleep(0.1)
            continue
        seen.update(re.findall(r"pod name:\t(\S+)", body))
    print("reached", url, "answered by", *sorted(seen), flush=True)
"""


def client_pod(node: str, targets: list[str]) -> dict[str, object]:
    """A pod on ``node`` that runs ``CLIENT`` over ``targets`` once."""
    container = {"name": "client", "image": "python", "command": ["python", "-c", CLIENT]}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"client-{node}", "namespace": "default"},
        "spec": {
            "nodeName": node,
            "restartPolicy": "Never",
            "containers": [{**container, "args": targets}],
        },
    }


async def test_pods_services_and_node_ports_reach_pods_on_every_host(
    host_network: HostNetwork,
) -> None:
    root, edge = host_network.root, host_network.add_host("edge")
    node = NodeConfig(name=root.name, pod_cidr=root.pod_cidr, node_ip=root.address)
    async with (
        Cluster(nodes=[node], runtime="subprocess", clock="real") as cluster,
        cluster.serve(address=root.address) as served,
        running(
            edge.command(
                [
                    *agent_command(served, served.token, "edge", "--runtime", "subprocess"),
                    *("--node-ip", edge.address, "--pod-cidr", edge.pod_cidr),
                ]
            )
        ),
    ):
        edge_node = await cluster.wait_for(Node, "edge", condition="Ready", timeout=20)
        assert [a.address for a in edge_node.status.addresses if a.type == "InternalIP"] == [
            edge.address
        ]
        await cluster.apply(WEB)
        await cluster.wait_for(Deployment, "web", condition="Available", timeout=20)
        pods = await cluster.client.list(Pod, namespace="default", label_selector="app=web")
        by_node = {pod.spec.node_name: pod for pod in pods}
        assert sorted(by_node) == ["edge", "root"]  # one on each host
        for host in (root, edge):
            pod_ip = ipaddress.ip_address(by_node[host.name].status.pod_ip)
            assert pod_ip in ipaddress.ip_network(host.pod_cidr)  # a routable address
        names = ",".join(sorted(pod.metadata.name for pod in pods))
        service = await cluster.client.get(Service, "web", namespace="default")
        node_port = service.spec.ports[0].node_port
        assert node_port is not None
        targets = [
            f"{names}=http://{service.spec.cluster_ip}:80/",  # this host's kube-proxy
            *(f"{pod.metadata.name}=http://{pod.status.pod_ip}:8080/" for pod in pods),
            *(f"{names}=http://{host.address}:{node_port}/" for host in (root, edge)),
        ]
        await cluster.apply([client_pod(host.name, targets) for host in (root, edge)])
        for host in (root, edge):
            done = await cluster.wait_for(
                Pod,
                f"client-{host.name}",
                condition=lambda pod: pod.status.phase in ("Succeeded", "Failed"),
                timeout=30,
            )
            assert done.status.phase == "Succeeded", done.status
        # And from this machine: a NodePort on each node's address reaches both pods.
        for host in (root, edge):
            assert set(await served_by(host.address, node_port, 4)) == set(names.split(","))


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--pod-cidr", "10.244.1.0/33", "--pod-cidr: '10.244.1.0/33' is not an IPv4 CIDR"),
        ("--pod-cidr", "10.244.1.7/24", "--pod-cidr: '10.244.1.7/24' is not an IPv4 CIDR"),
        ("--node-ip", "edge-1", "--node-ip: 'edge-1' is not an IPv4 address"),
    ],
)
def test_an_agent_refuses_a_bad_network_flag_before_it_joins(
    flag: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["agent", "--server", "https://127.0.0.1:1", "--token", "t", flag, value]
    assert main(argv) == 2
    assert message in " ".join(capsys.readouterr().out.split())
