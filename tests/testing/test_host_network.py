"""``HostNetwork``: hosts as network namespaces, routed to one another, removed on exit."""

from __future__ import annotations

import ipaddress
import subprocess

import pytest

from kube_actors.errors import KubeActorsError
from kube_actors.testing import HostNetwork


def ip(*argv: str, namespace: str | None = None) -> str:
    where = ["-n", namespace] if namespace else []
    return subprocess.run(["ip", *where, *argv], capture_output=True, text=True).stdout


def test_each_host_routes_every_other_hosts_pod_cidr_to_its_address(
    host_network: HostNetwork,
) -> None:
    root = host_network.root
    edge, far = host_network.add_host("edge"), host_network.add_host("far")
    assert root.namespace is None
    assert root.command(["true"]) == ["true"]
    subnet = ipaddress.ip_network(host_network.subnet)
    cidrs = [ipaddress.ip_network(h.pod_cidr) for h in (root, edge, far)]
    assert all(ipaddress.ip_address(h.address) in subnet for h in (root, edge, far))
    assert not any(a.overlaps(b) for i, a in enumerate(cidrs) for b in cidrs[i + 1 :])
    assert f"{edge.pod_cidr} via {edge.address}" in ip("route")
    assert f"{far.pod_cidr} via {far.address}" in ip("route")
    routes = ip("route", namespace=edge.namespace)
    assert f"{root.pod_cidr} via {root.address}" in routes
    assert f"{far.pod_cidr} via {far.address}" in routes
    assert "<LOOPBACK,UP" in ip("link", "show", "lo", namespace=edge.namespace)
    assert edge.command(["true"])[-4:] == ["netns", "exec", str(edge.namespace), "true"]


@pytest.mark.usefixtures("host_networks_allowed")
def test_leaving_removes_the_namespaces_the_bridge_and_left_pod_addresses() -> None:
    network = HostNetwork()
    with network:
        edge = network.add_host("edge")
        left = str(ipaddress.ip_network(network.root.pod_cidr).network_address + 9)
        ip("addr", "add", f"{left}/32", "dev", "lo")  # as a runtime killed with -9 leaves it
        assert str(edge.namespace) in ip("netns", "list")
    assert str(edge.namespace) not in ip("netns", "list")
    assert network.bridge not in ip("link", "show")
    assert f"inet {left}/32" not in ip("-4", "addr", "show", "dev", "lo")
    with pytest.raises(KubeActorsError, match="not up"):
        network.add_host("late")


def test_a_host_name_must_be_a_dns_label_and_unique(host_network: HostNetwork) -> None:
    host_network.add_host("edge")
    with pytest.raises(ValueError, match="exists already"):
        host_network.add_host("edge")
    with pytest.raises(ValueError, match="DNS label"):
        host_network.add_host("Edge_1")
