"""The ingress controller's routing table: hosts, paths and the default backend."""

from __future__ import annotations

import datetime as dt

from kube_actors.api import (
    HTTPIngressPath,
    HTTPIngressRuleValue,
    Ingress,
    IngressBackend,
    IngressRule,
    IngressServiceBackend,
    IngressSpec,
    ObjectMeta,
    ServiceBackendPort,
)
from kube_actors.proxy import Target, build_routes

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def backend(service: str, port: int | str = 80) -> IngressBackend:
    number, name = (port, "") if isinstance(port, int) else (0, port)
    return IngressBackend(
        service=IngressServiceBackend(
            name=service, port=ServiceBackendPort(number=number, name=name)
        )
    )


def ingress(
    name: str,
    rules: dict[str, list[tuple[str, str, str]]],
    *,
    default: str | None = None,
    class_name: str | None = None,
    age: int = 0,
) -> Ingress:
    """``rules``: host -> [(path, pathType, service)]."""
    return Ingress(
        metadata=ObjectMeta(
            name=name, namespace="default", creation_timestamp=T0 + dt.timedelta(seconds=age)
        ),
        spec=IngressSpec(
            ingress_class_name=class_name,
            default_backend=backend(default) if default else None,
            rules=[
                IngressRule(
                    host=host,
                    http=HTTPIngressRuleValue(
                        paths=[
                            HTTPIngressPath(path=path, path_type=kind, backend=backend(svc))
                            for path, kind, svc in paths
                        ]
                    ),
                )
                for host, paths in rules.items()
            ],
        ),
    )


def to(service: str) -> Target:
    return Target(namespace="default", service=service, port=80)


def test_exact_beats_prefix_and_the_longest_prefix_wins_element_by_element() -> None:
    routes = build_routes(
        [
            ingress(
                "shop",
                {
                    "shop.example.com": [
                        ("/", "Prefix", "home"),
                        ("/api", "Prefix", "api"),
                        ("/api/v2", "Prefix", "api-v2"),
                        ("/api/v2/health", "Exact", "health"),
                    ]
                },
            )
        ],
        {"kube-actors"},
        default_class=True,
    )
    match = routes.match
    assert match("shop.example.com", "/api/v2/health") == to("health")
    assert match("shop.example.com", "/api/v2/health/deep") == to("api-v2")
    assert match("shop.example.com", "/api/v2") == to("api-v2")
    assert match("shop.example.com:8080", "/api/v1") == to("api")
    assert match("shop.example.com", "/apix") == to("home")  # /api is not a prefix of /apix
    assert match("SHOP.example.com", "/") == to("home")


def test_hosts_exact_then_one_label_wildcards_then_rules_without_a_host() -> None:
    routes = build_routes(
        [
            ingress(
                "a",
                {
                    "foo.example.com": [("/", "Prefix", "foo")],
                    "*.example.com": [("/", "Prefix", "wild")],
                    "": [("/", "Prefix", "any")],
                },
            ),
        ],
        {"kube-actors"},
        default_class=True,
    )
    assert routes.match("foo.example.com", "/x") == to("foo")
    assert routes.match("bar.example.com", "/x") == to("wild")
    assert routes.match("a.bar.example.com", "/x") == to("any")  # one label only
    assert routes.match("example.com", "/x") == to("any")


def test_no_rule_goes_to_the_oldest_default_backend_or_nowhere() -> None:
    only_rules = build_routes(
        [ingress("a", {"a.test": [("/app", "Exact", "app")]})], {"x"}, default_class=True
    )
    assert only_rules.match("a.test", "/other") is None
    routes = build_routes(
        [
            ingress("new", {}, default="newer", age=10),
            ingress("old", {"a.test": [("/app", "Exact", "app")]}, default="older"),
        ],
        {"x"},
        default_class=True,
    )
    assert routes.match("a.test", "/other") == to("older")
    assert routes.match("b.test", "/app") == to("older")


def test_only_the_ingresses_of_the_served_classes_count() -> None:
    ingresses = [
        ingress("mine", {"a.test": [("/", "Prefix", "mine")]}, class_name="kube-actors"),
        ingress("theirs", {"b.test": [("/", "Prefix", "theirs")]}, class_name="nginx"),
        ingress("unnamed", {"c.test": [("/", "Prefix", "unnamed")]}),
    ]
    served = build_routes(ingresses, {"kube-actors"}, default_class=False)
    assert served.match("a.test", "/") == to("mine")
    assert served.match("b.test", "/") is None
    assert served.match("c.test", "/") is None
    as_default = build_routes(ingresses, {"kube-actors"}, default_class=True)
    assert as_default.match("c.test", "/") == to("unnamed")
