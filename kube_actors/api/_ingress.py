"""Ingress and IngressClass (networking.k8s.io/v1): HTTP routes from outside to Services.

An Ingress maps hosts and paths to Service ports (``rules``), with a backend for whatever no
rule takes (``defaultBackend``); an ingress controller serves them. IngressClass names the
controller; the one annotated ``ingressclass.kubernetes.io/is-default-class: "true"`` is given
to Ingresses that name none.
"""

from __future__ import annotations

from typing import ClassVar, Final

import attrs

from ._base import freeze_seq
from ._meta import ObjectMeta

__all__ = [
    "BUILT_IN_INGRESS_CONTROLLER",
    "DEFAULT_INGRESS_CLASS_ANNOTATION",
    "HTTPIngressPath",
    "HTTPIngressRuleValue",
    "Ingress",
    "IngressBackend",
    "IngressClass",
    "IngressClassParametersReference",
    "IngressClassSpec",
    "IngressLoadBalancerIngress",
    "IngressLoadBalancerStatus",
    "IngressPortStatus",
    "IngressRule",
    "IngressServiceBackend",
    "IngressSpec",
    "IngressStatus",
    "IngressTLS",
    "PATH_TYPES",
    "ServiceBackendPort",
    "TypedLocalObjectReference",
]

DEFAULT_INGRESS_CLASS_ANNOTATION: Final = "ingressclass.kubernetes.io/is-default-class"
#: The ``spec.controller`` of the IngressClass kube_actors' own ingress controller serves.
BUILT_IN_INGRESS_CONTROLLER: Final = "kube-actors.io/ingress-controller"
PATH_TYPES: Final = ("Exact", "Prefix", "ImplementationSpecific")


@attrs.frozen(kw_only=True)
class TypedLocalObjectReference:
    """An object of the same namespace, by API group, kind and name."""

    api_group: str | None = None
    kind: str = ""
    name: str = ""


@attrs.frozen(kw_only=True)
class ServiceBackendPort:
    name: str = ""
    number: int = 0


@attrs.frozen(kw_only=True)
class IngressServiceBackend:
    name: str = ""
    port: ServiceBackendPort = attrs.field(default=ServiceBackendPort())


@attrs.frozen(kw_only=True)
class IngressBackend:
    service: IngressServiceBackend | None = None
    resource: TypedLocalObjectReference | None = None


@attrs.frozen(kw_only=True)
class HTTPIngressPath:
    path: str = ""
    path_type: str | None = None
    backend: IngressBackend = attrs.field(default=IngressBackend())


@attrs.frozen(kw_only=True)
class HTTPIngressRuleValue:
    paths: tuple[HTTPIngressPath, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class IngressRule:
    host: str = ""
    http: HTTPIngressRuleValue | None = None


@attrs.frozen(kw_only=True)
class IngressTLS:
    hosts: tuple[str, ...] = attrs.field(default=(), converter=freeze_seq)
    secret_name: str = ""


@attrs.frozen(kw_only=True)
class IngressSpec:
    ingress_class_name: str | None = None
    default_backend: IngressBackend | None = None
    tls: tuple[IngressTLS, ...] = attrs.field(default=(), converter=freeze_seq)
    rules: tuple[IngressRule, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class IngressPortStatus:
    port: int = 0
    protocol: str = ""
    error: str | None = None


@attrs.frozen(kw_only=True)
class IngressLoadBalancerIngress:
    ip: str = ""
    hostname: str = ""
    ports: tuple[IngressPortStatus, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class IngressLoadBalancerStatus:
    ingress: tuple[IngressLoadBalancerIngress, ...] = attrs.field(default=(), converter=freeze_seq)


@attrs.frozen(kw_only=True)
class IngressStatus:
    load_balancer: IngressLoadBalancerStatus = attrs.field(default=IngressLoadBalancerStatus())


@attrs.frozen(kw_only=True)
class Ingress:
    api_version: ClassVar[str] = "networking.k8s.io/v1"
    kind: ClassVar[str] = "Ingress"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: IngressSpec = attrs.field(default=IngressSpec())
    status: IngressStatus = attrs.field(default=IngressStatus())


@attrs.frozen(kw_only=True)
class IngressClassParametersReference:
    api_group: str | None = None
    kind: str = ""
    name: str = ""
    scope: str | None = None
    namespace: str | None = None


@attrs.frozen(kw_only=True)
class IngressClassSpec:
    controller: str = ""
    parameters: IngressClassParametersReference | None = None


@attrs.frozen(kw_only=True)
class IngressClass:
    api_version: ClassVar[str] = "networking.k8s.io/v1"
    kind: ClassVar[str] = "IngressClass"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: IngressClassSpec = attrs.field(default=IngressClassSpec())
