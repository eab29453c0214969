"""Namespaces, Services, Nodes, ServiceAccounts, PriorityClasses and Leases, valid by
construction."""

from __future__ import annotations

from hypothesis import strategies as st

from kube_actors.api import (
    Lease,
    LeaseSpec,
    Namespace,
    Node,
    NodeSpec,
    ObjectMeta,
    PriorityClass,
    Service,
    ServiceAccount,
    ServicePort,
    ServiceSpec,
    Taint,
)

from ._names import (
    Knob,
    as_strategy,
    dns_labels,
    iana_svc_names,
    label_keys,
    label_values,
    labels,
    names,
)

__all__ = [
    "leases",
    "namespaces",
    "nodes",
    "priority_classes",
    "service_accounts",
    "services",
    "taints",
]

# The knobs' defaults (strategies are immutable values, built once).
_NAMES = names()
_NAMESPACE_NAMES = names("ns-")
_NODE_NAMES = names("node-x-")
_SERVICE_ACCOUNT_NAMES = names("sa-")
_PRIORITY_CLASS_NAMES = names("priority-")
_LEASE_NAMES = names("lease-")
_SERVICE_TYPES = st.sampled_from(["ClusterIP", "NodePort"])
_SELECTORS = labels(max_size=2)


def namespaces(name: Knob[str] = _NAMESPACE_NAMES) -> st.SearchStrategy[Namespace]:
    """Namespaces named ``ns-...`` by default, apart from the ones a cluster starts with."""
    return st.builds(
        lambda n, lbls: Namespace(metadata=ObjectMeta(name=n, labels=lbls)),
        as_strategy(name),
        labels(),
    )


@st.composite
def _service_ports(draw: st.DrawFn) -> list[ServicePort]:
    numbers = draw(st.lists(st.integers(1, 65535), min_size=1, max_size=3, unique=True))
    port_names = draw(
        st.lists(dns_labels(), min_size=len(numbers), max_size=len(numbers), unique=True)
    )
    named = len(numbers) > 1 or draw(st.booleans())
    return [
        ServicePort(
            name=port_name if named else "",
            port=number,
            target_port=draw(st.none() | st.integers(1, 65535) | iana_svc_names()),
            protocol=draw(st.sampled_from(["TCP", "UDP"])),
        )
        for number, port_name in zip(numbers, port_names, strict=True)
    ]


def services(
    name: Knob[str] = _NAMES,
    namespace: Knob[str] = "default",
    type: Knob[str] = _SERVICE_TYPES,
    selector: Knob[dict[str, str]] = _SELECTORS,
) -> st.SearchStrategy[Service]:
    """Services whose ClusterIP and nodePorts the apiserver allocates (or headless ones)."""
    return st.builds(
        lambda n, ns, t, sel, ports, headless, affinity: Service(
            metadata=ObjectMeta(name=n, namespace=ns),
            spec=ServiceSpec(
                type=t,
                selector=sel,
                ports=ports,
                cluster_ip="None" if headless and t == "ClusterIP" else "",
                session_affinity=affinity,
            ),
        ),
        as_strategy(name),
        as_strategy(namespace),
        as_strategy(type),
        as_strategy(selector),
        _service_ports(),
        st.booleans(),
        st.sampled_from(["", "None", "ClientIP"]),
    )


def taints() -> st.SearchStrategy[Taint]:
    return st.builds(
        Taint,
        key=label_keys(),
        value=label_values(),
        effect=st.sampled_from(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
    )


def nodes(name: Knob[str] = _NODE_NAMES) -> st.SearchStrategy[Node]:
    """Node objects (as ``kubectl create`` would make them; a kubelet registers its own)."""
    return st.builds(
        lambda n, lbls, ts: Node(
            metadata=ObjectMeta(name=n, labels=lbls), spec=NodeSpec(taints=ts)
        ),
        as_strategy(name),
        labels(),
        st.lists(taints(), max_size=2, unique_by=lambda t: (t.key, t.effect)),
    )


def service_accounts(
    name: Knob[str] = _SERVICE_ACCOUNT_NAMES, namespace: Knob[str] = "default"
) -> st.SearchStrategy[ServiceAccount]:
    return st.builds(
        lambda n, ns: ServiceAccount(metadata=ObjectMeta(name=n, namespace=ns)),
        as_strategy(name),
        as_strategy(namespace),
    )


def priority_classes(name: Knob[str] = _PRIORITY_CLASS_NAMES) -> st.SearchStrategy[PriorityClass]:
    return st.builds(
        lambda n, value, policy: PriorityClass(
            metadata=ObjectMeta(name=n), value=value, preemption_policy=policy
        ),
        as_strategy(name),
        st.integers(-1000, 1_000_000_000),
        st.sampled_from([None, "PreemptLowerPriority", "Never"]),
    )


def leases(
    name: Knob[str] = _LEASE_NAMES, namespace: Knob[str] = "default"
) -> st.SearchStrategy[Lease]:
    return st.builds(
        lambda n, ns, holder, duration: Lease(
            metadata=ObjectMeta(name=n, namespace=ns),
            spec=LeaseSpec(holder_identity=holder, lease_duration_seconds=duration),
        ),
        as_strategy(name),
        as_strategy(namespace),
        st.none() | dns_labels(),
        st.none() | st.integers(1, 3600),
    )
