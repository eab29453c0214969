"""The service table kube-proxy builds from Services and EndpointSlices."""

from __future__ import annotations

from kube_actors.api import (
    Endpoint,
    EndpointConditions,
    EndpointSlice,
    EndpointSlicePort,
    ObjectMeta,
    Service,
    ServicePort,
    ServiceSpec,
)
from kube_actors.proxy import build_table


def _service() -> Service:
    return Service(
        metadata=ObjectMeta(name="web", namespace="default"),
        spec=ServiceSpec(
            cluster_ip="127.10.0.9",
            ports=[ServicePort(name="http", port=80, protocol="TCP")],
        ),
    )


def _slice(name: str, *endpoints: Endpoint, port: int = 8080) -> EndpointSlice:
    return EndpointSlice(
        metadata=ObjectMeta(name=name, namespace="default"),
        address_type="IPv4",
        endpoints=endpoints,
        ports=[EndpointSlicePort(name="http", port=port, protocol="TCP")],
    )


def _endpoint(ip: str, *, ready: bool | None, serving: bool | None, terminating: bool) -> Endpoint:
    conditions = EndpointConditions(ready=ready, serving=serving, terminating=terminating)
    return Endpoint(addresses=(ip,), conditions=conditions)


def _backends(*slices: EndpointSlice) -> tuple[tuple[str, int], ...]:
    table = build_table([_service()], {("default", "web"): slices})
    return table.entries[("default", "web", "http")].endpoints


def test_ready_endpoints_of_every_slice_get_the_traffic_and_an_unset_condition_is_ready() -> None:
    a = _endpoint("127.64.0.3", ready=True, serving=True, terminating=False)
    b = _endpoint("127.64.0.2", ready=None, serving=None, terminating=False)
    unready = _endpoint("127.64.0.4", ready=False, serving=False, terminating=False)
    leaving = _endpoint("127.64.0.5", ready=False, serving=True, terminating=True)
    assert _backends(_slice("one", a, unready), _slice("two", b, leaving)) == (
        ("127.64.0.2", 8080),
        ("127.64.0.3", 8080),
    )


def test_with_no_ready_endpoint_the_serving_terminating_ones_take_the_traffic() -> None:
    leaving = _endpoint("127.64.0.5", ready=False, serving=True, terminating=True)
    gone = _endpoint("127.64.0.6", ready=False, serving=False, terminating=True)
    unready = _endpoint("127.64.0.4", ready=False, serving=False, terminating=False)
    assert _backends(_slice("one", leaving, gone, unready)) == (("127.64.0.5", 8080),)
    assert _backends(_slice("one", unready)) == ()


def test_a_slice_port_of_another_name_does_not_serve_the_service_port() -> None:
    a = _endpoint("127.64.0.3", ready=True, serving=True, terminating=False)
    other = EndpointSlice(
        metadata=ObjectMeta(name="x", namespace="default"),
        address_type="IPv4",
        endpoints=[a],
        ports=[EndpointSlicePort(name="metrics", port=9090, protocol="TCP")],
    )
    assert _backends(other) == ()
