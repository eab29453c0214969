"""NodePorts: host ports clash on equal port and protocol when either IP is the wildcard or
both IPs are equal."""

from kube_actors.scheduler.framework import Code

from .._builders import filter_statuses, node, passing, port_pod

NODES = [node("a"), node("b")]


def _on_a(*ports: tuple[int, str, str]) -> list:  # type: ignore[type-arg]
    return [port_pod("existing", *ports, node_name="a")]


def test_a_host_port_in_use_keeps_the_pod_off_that_node_but_preemption_could_help() -> None:
    statuses = filter_statuses(
        "NodePorts", NODES, _on_a((8080, "TCP", "")), port_pod("p", (8080, "TCP", ""))
    )
    assert passing(statuses) == {"b"}
    assert statuses["a"].code is Code.UNSCHEDULABLE
    assert statuses["a"].reasons == ("node(s) didn't have free ports for the requested pod ports",)


def test_the_same_port_with_another_protocol_does_not_clash() -> None:
    statuses = filter_statuses(
        "NodePorts", NODES, _on_a((53, "UDP", "")), port_pod("p", (53, "TCP", ""))
    )
    assert passing(statuses) == {"a", "b"}


def test_the_same_port_on_two_different_host_ips_does_not_clash() -> None:
    existing = _on_a((80, "TCP", "10.0.0.1"))
    statuses = filter_statuses("NodePorts", NODES, existing, port_pod("p", (80, "TCP", "10.0.0.2")))
    assert passing(statuses) == {"a", "b"}


def test_the_wildcard_ip_clashes_with_any_host_ip_both_ways() -> None:
    specific = _on_a((80, "TCP", "10.0.0.1"))
    assert passing(
        filter_statuses("NodePorts", NODES, specific, port_pod("p", (80, "TCP", "0.0.0.0")))
    ) == {"b"}
    wildcard = _on_a((80, "TCP", ""))
    assert passing(
        filter_statuses("NodePorts", NODES, wildcard, port_pod("p", (80, "TCP", "10.0.0.1")))
    ) == {"b"}


def test_a_pod_without_host_ports_skips_the_check() -> None:
    statuses = filter_statuses("NodePorts", NODES, _on_a((80, "TCP", "")), port_pod("p"))
    assert passing(statuses) == {"a", "b"}
