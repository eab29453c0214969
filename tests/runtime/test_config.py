"""From the API's Pod to the runtime's configs, and the loopback address pool."""

from __future__ import annotations

import ipaddress
import re

import pytest

from kube_actors.api import (
    Container,
    ContainerPort,
    EnvVar,
    EnvVarSource,
    ObjectFieldSelector,
    ObjectMeta,
    Pod,
    PodSpec,
    ResourceRequirements,
)
from kube_actors.runtime import (
    AddressPool,
    LoopbackPool,
    container_config_for,
    sandbox_config_for,
)


def _field(path: str) -> EnvVarSource:
    return EnvVarSource(field_ref=ObjectFieldSelector(field_path=path))


CONTAINER = Container(
    name="web",
    image="echoserver",
    args=["--verbose"],
    ports=[ContainerPort(name="http", container_port=8080)],
    env=[
        EnvVar(name="MODE", value="test"),
        EnvVar(name="MY_POD", value_from=_field("metadata.name")),
        EnvVar(name="MY_IP", value_from=_field("status.podIP")),
        EnvVar(name="MY_NODE", value_from=_field("spec.nodeName")),
    ],
    resources=ResourceRequirements(limits={"memory": "64Mi", "cpu": "500m"}),
)
POD = Pod(
    metadata=ObjectMeta(
        name="web-1", namespace="shop", uid="u-1", annotations={"fake.kube-actors.io/crash": "true"}
    ),
    spec=PodSpec(containers=[CONTAINER], node_name="node-2"),
)


def test_a_sandbox_config_carries_the_pods_identity_node_and_annotations() -> None:
    config = sandbox_config_for(POD, ip="127.1.0.9")
    assert (config.name, config.namespace, config.uid) == ("web-1", "shop", "u-1")
    assert (config.ip, config.node_name, config.hostname) == ("127.1.0.9", "node-2", "web-1")
    assert config.annotations == POD.metadata.annotations


def test_a_container_config_resolves_field_refs_and_the_memory_limit_in_bytes() -> None:
    config = container_config_for(CONTAINER, POD, pod_ip="127.1.0.9", attempt=2)
    assert config.envs == {
        "MODE": "test",
        "MY_POD": "web-1",
        "MY_IP": "127.1.0.9",
        "MY_NODE": "node-2",
    }
    assert config.memory_limit == 64 * 1024**2
    assert (config.attempt, config.args, config.ports) == (2, ("--verbose",), CONTAINER.ports)


def test_the_pool_hands_out_distinct_loopback_addresses_and_reuses_released_ones() -> None:
    pool = LoopbackPool("127.5.0.254", "127.5.1.2")
    first, second = pool.allocate(), pool.allocate()
    assert (first, second) == ("127.5.0.254", "127.5.1.1")  # 127.5.1.0 is skipped
    pool.reserve("127.5.1.2")
    pool.release(first)
    assert pool.allocate() == first
    with pytest.raises(RuntimeError, match="no free address"):
        pool.allocate()


def test_a_pool_outside_the_loopback_network_is_refused() -> None:
    with pytest.raises(ValueError, match="loopback"):
        LoopbackPool("10.0.0.1", "10.0.0.9")


def test_an_address_pool_hands_out_a_routable_range_and_keeps_addresses_reserved_outside_it() -> (
    None
):
    pool = AddressPool("10.244.1.1", "10.244.1.2")
    pool.reserve("127.64.0.9")  # given by the kubelet, not the pool's own
    pool.release("127.64.0.9")
    assert [pool.allocate(), pool.allocate()] == ["10.244.1.1", "10.244.1.2"]
    with pytest.raises(RuntimeError, match=r"no free address left in 10.244.1.1..10.244.1.2"):
        pool.allocate()


@pytest.mark.parametrize(
    ("cidr", "first", "last"),
    [
        ("10.244.1.0/24", "10.244.1.1", "10.244.1.254"),  # its hosts: no network, no broadcast
        ("10.244.1.0/255.255.255.0", "10.244.1.1", "10.244.1.254"),  # a netmask says the same
        ("10.0.0.0/31", "10.0.0.0", "10.0.0.1"),  # a /31's two addresses are hosts (RFC 3021)
        ("10.0.0.7/32", "10.0.0.7", "10.0.0.7"),
    ],
)
def test_a_pod_cidr_makes_a_pool_of_its_hosts(cidr: str, first: str, last: str) -> None:
    pool = AddressPool.for_cidr(cidr)
    # Every address of the range but those that look like networks (the pool's own rule).
    expected = [a for a in pool_range(first, last) if not a.endswith((".0", ".255"))]
    assert [pool.allocate() for _ in expected] == expected
    with pytest.raises(RuntimeError, match=re.escape(f"no free address left in {first}..{last}")):
        pool.allocate()


def pool_range(first: str, last: str) -> list[str]:
    low, high = int(ipaddress.IPv4Address(first)), int(ipaddress.IPv4Address(last))
    return [str(ipaddress.IPv4Address(v)) for v in range(low, high + 1)]


@pytest.mark.parametrize(
    "cidr", ["10.244.1.1/24", "10.244.1.0/33", "10.244.01.0/24", "10.244.1/24", "10.244.1.0/x"]
)
def test_a_pod_cidr_that_is_no_ipv4_network_is_refused_in_ipaddress_words(cidr: str) -> None:
    try:
        ipaddress.IPv4Network(cidr)
    except ValueError as error:
        message = str(error)
    else:
        pytest.fail(f"ipaddress reads {cidr!r}")
    with pytest.raises(ValueError, match=re.escape(message)):
        AddressPool.for_cidr(cidr)
