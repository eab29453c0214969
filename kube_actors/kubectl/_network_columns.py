"""``kubectl get`` columns of Ingresses and IngressClasses, as Kubernetes' printers define them."""

from __future__ import annotations

from typing import Any

from ..api import Ingress, IngressClass
from ._columns import AGE, NAME, Column

__all__ = ["NETWORK_COLUMNS"]


def _hosts(ingress: Ingress) -> str:
    """The rules' hosts, at most three then ``+ N more...``; ``*`` when no rule names one."""
    hosts = [rule.host for rule in ingress.spec.rules if rule.host]
    if not hosts:
        return "*"
    shown = ",".join(hosts[:3])
    return f"{shown} + {len(hosts) - 3} more..." if len(hosts) > 3 else shown


def _address(ingress: Ingress) -> str:
    found = [a.ip or a.hostname for a in ingress.status.load_balancer.ingress]
    return ",".join(a for a in found if a)


def _parameters(ingress_class: IngressClass) -> str:
    parameters = ingress_class.spec.parameters
    if parameters is None:
        return "<none>"
    group = f".{parameters.api_group}" if parameters.api_group else ""
    return f"{parameters.kind}{group}/{parameters.name}"


NETWORK_COLUMNS: dict[type[Any], tuple[Column, ...]] = {
    Ingress: (
        NAME,
        Column(
            name="Class",
            description="The IngressClass whose controller serves this Ingress.",
            cell=lambda i, now: i.spec.ingress_class_name or "<none>",
        ),
        Column(
            name="Hosts",
            description="The hosts the rules of this Ingress answer for.",
            cell=lambda i, now: _hosts(i),
        ),
        Column(
            name="Address",
            description="Where the ingress controller serves this Ingress.",
            cell=lambda i, now: _address(i),
        ),
        Column(
            name="Ports",
            description="The ports it is served on: 80, and 443 with TLS.",
            cell=lambda i, now: "80, 443" if i.spec.tls else "80",
        ),
        AGE,
    ),
    IngressClass: (
        NAME,
        Column(
            name="Controller",
            description="The controller that serves Ingresses of this class.",
            cell=lambda c, now: c.spec.controller,
        ),
        Column(
            name="Parameters",
            description="The object holding the controller's settings for this class.",
            cell=lambda c, now: _parameters(c),
        ),
        AGE,
    ),
}
