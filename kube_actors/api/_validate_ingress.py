"""Validation of Ingresses and IngressClasses, as Kubernetes' networking API does it."""

from __future__ import annotations

import ipaddress

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._ingress import PATH_TYPES, HTTPIngressPath, Ingress, IngressBackend, IngressClass
from ._names import is_dns1035_label, is_dns1123_subdomain, is_qualified_name

__all__ = ["validate_ingress", "validate_ingress_class"]

Causes = list[FieldCause]

_BAD_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _host(path: str, host: str) -> Causes:
    if _is_ip(host):
        return [f.invalid(path, host, "must be a DNS name, not an IP address")]
    name = host.removeprefix("*.") if host.startswith("*.") else host
    return [f.invalid(path, host, problem) for problem in is_dns1123_subdomain(name)]


def _backend(path: str, backend: IngressBackend) -> Causes:
    service, resource = backend.service, backend.resource
    if service is not None and resource is not None:
        return [f.invalid(path, "", "cannot set both resource and service backends")]
    if service is None and resource is None:
        return [f.invalid(path, "", "one backend (service or resource) must be specified")]
    causes: Causes = []
    if service is not None:
        at = f.child(path, "service")
        if not service.name:
            causes.append(f.required(f.child(at, "name")))
        else:
            causes.extend(
                f.invalid(f.child(at, "name"), service.name, problem)
                for problem in is_dns1035_label(service.name)
            )
        port, port_at = service.port, f.child(at, "port")
        if port.name and port.number:
            causes.append(f.invalid(port_at, port.name, "cannot set both port name & port number"))
        elif not port.name and not port.number:
            causes.append(f.invalid(port_at, "", "port name or number is required"))
        elif port.number:
            causes.extend(c.in_port_range(f.child(port_at, "number"), port.number))
    elif resource is not None and not resource.kind:
        causes.append(f.required(f.child(f.child(path, "resource"), "kind")))
    return causes


def _path(at: str, item: HTTPIngressPath) -> Causes:
    causes: Causes = []
    if item.path_type is None:
        causes.append(f.required(f.child(at, "pathType"), "pathType must be specified"))
    elif item.path_type not in PATH_TYPES:
        causes.append(f.not_supported(f.child(at, "pathType"), item.path_type, PATH_TYPES))
    strict = item.path_type in ("Exact", "Prefix")
    if (strict or item.path) and not item.path.startswith("/"):
        causes.append(f.invalid(f.child(at, "path"), item.path, "must be an absolute path"))
    elif strict:
        for bad in _BAD_SEQUENCES:
            if bad in item.path:
                causes.append(
                    f.invalid(f.child(at, "path"), item.path, f"must not contain '{bad}'")
                )
        if item.path.endswith(("/..", "/.")):
            causes.append(f.invalid(f.child(at, "path"), item.path, "must not end with '/..'"))
    causes.extend(_backend(f.child(at, "backend"), item.backend))
    return causes


def validate_ingress(obj: Ingress, old: Ingress | None) -> Causes:
    spec = obj.spec
    causes: Causes = []
    if not spec.rules and spec.default_backend is None:
        causes.append(f.invalid("spec", [], "either `defaultBackend` or `rules` must be specified"))
    if spec.default_backend is not None:
        causes.extend(_backend("spec.defaultBackend", spec.default_backend))
    if spec.ingress_class_name is not None:
        causes.extend(
            f.invalid("spec.ingressClassName", spec.ingress_class_name, problem)
            for problem in is_dns1123_subdomain(spec.ingress_class_name)
        )
    for i, rule in enumerate(spec.rules):
        at = f.index("spec.rules", i)
        if rule.host:
            causes.extend(_host(f.child(at, "host"), rule.host))
        if rule.http is None:
            continue
        paths_at = f.child(f.child(at, "http"), "paths")
        if not rule.http.paths:
            causes.append(f.required(paths_at))
        for j, item in enumerate(rule.http.paths):
            causes.extend(_path(f.index(paths_at, j), item))
    for i, tls in enumerate(spec.tls):
        for j, host in enumerate(tls.hosts):
            causes.extend(_host(f.index(f.child(f.index("spec.tls", i), "hosts"), j), host))
    return causes


def validate_ingress_class(obj: IngressClass, old: IngressClass | None) -> Causes:
    controller = obj.spec.controller
    causes: Causes = []
    if not controller:
        causes.append(f.required("spec.controller"))
    elif len(controller) > 250:
        causes.append(f.too_long("spec.controller", 250))
    else:
        domain = controller.partition("/")[0]
        causes.extend(
            f.invalid("spec.controller", controller, problem)
            for problem in is_qualified_name(domain)
        )
    if old is not None:
        causes.extend(c.immutable("spec.controller", controller, old.spec.controller))
    return causes
