"""The LimitRanger admission plugin: a namespace's LimitRanges applied to new Pods and claims.

Kubernetes' ``plugin/pkg/admission/limitranger``. On the creation of a Pod, for each
LimitRange of its namespace:

- each container that leaves out a request or limit the range has a ``defaultRequest`` or
  ``default`` for gets it, and the Pod is annotated with what was set
  (``kubernetes.io/limit-ranger``);
- then every ``Container`` item bounds each container, and every ``Pod`` item the Pod's
  total: a request below ``min``, a limit above ``max`` (or none when there is a ``max``),
  a limit over request ratio above ``maxLimitRequestRatio``, are refused with Kubernetes'
  messages, all of them at once (403 Forbidden);
- a ``PersistentVolumeClaim`` item bounds a new claim's storage request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from kube_actors.api import (
    Container,
    KindInfo,
    LimitRange,
    LimitRangeItem,
    PersistentVolumeClaim,
    Pod,
    Quantity,
    evolve,
)
from kube_actors.errors import Forbidden

from ._admission_types import Lookup, Operation

__all__ = ["LIMIT_RANGER_ANNOTATION", "limit_ranger"]

LIMIT_RANGER_ANNOTATION: Final = "kubernetes.io/limit-ranger"


def _ranges(lookup: Lookup, namespace: str) -> list[LimitRange]:
    found = list(lookup.in_namespace(LimitRange, namespace))
    return sorted(found, key=lambda r: r.metadata.name)


def _with_defaults(
    container: Container, items: Iterable[LimitRangeItem]
) -> tuple[Container, list[str]]:
    requests = dict(container.resources.requests)
    limits = dict(container.resources.limits)
    set_requests: list[str] = []
    set_limits: list[str] = []
    for item in items:
        for name, amount in sorted(item.default_request.items()):
            if name not in requests:
                requests[name] = amount
                set_requests.append(name)
        for name, amount in sorted(item.default.items()):
            if name not in limits:
                limits[name] = amount
                set_limits.append(name)
    said: list[str] = []
    if set_requests:
        said.append(f"{', '.join(set_requests)} request for container {container.name}")
    if set_limits:
        said.append(f"{', '.join(set_limits)} limit for container {container.name}")
    if not said:
        return container, said
    resources = evolve(container.resources, requests=requests, limits=limits)
    return evolve(container, resources=resources), said


def _defaulted(pod: Pod, items: list[LimitRangeItem]) -> Pod:
    said: list[str] = []
    init: list[Container] = []
    for container in pod.spec.init_containers:
        changed, told = _with_defaults(container, items)
        init.append(changed)
        said.extend(t.replace("for container", "for init container") for t in told)
    main: list[Container] = []
    for container in pod.spec.containers:
        changed, told = _with_defaults(container, items)
        main.append(changed)
        said.extend(told)
    if not said:
        return pod
    annotations = dict(pod.metadata.annotations)
    annotations[LIMIT_RANGER_ANNOTATION] = "LimitRanger plugin set: " + "; ".join(said)
    return evolve(
        pod,
        metadata=evolve(pod.metadata, annotations=annotations),
        spec=evolve(pod.spec, init_containers=tuple(init), containers=tuple(main)),
    )


def _below_min(name: str, kind: str, low: Quantity, request: Quantity | None) -> str | None:
    if request is None:
        return f"minimum {name} usage per {kind} is {low}.  No request is specified"
    if request < low:
        return f"minimum {name} usage per {kind} is {low}, but request is {request}"
    return None


def _above_max(name: str, kind: str, high: Quantity, amount: Quantity, what: str) -> str | None:
    if amount > high:
        return f"maximum {name} usage per {kind} is {high}, but {what} is {amount}"
    return None


def _ratio(
    name: str, kind: str, ratio: Quantity, request: Quantity | None, limit: Quantity | None
) -> str | None:
    prefix = f"{name} max limit to request ratio per {kind} is {ratio}"
    if request is None or request.is_zero():
        return f"{prefix}, but no request is specified or request is 0"
    if limit is None:
        return f"{prefix}, but no limit is specified"
    provided = limit.nano_value / request.nano_value
    if provided * 1_000_000_000 > ratio.nano_value:
        return f"{prefix}, but provided ratio is {provided:f}"
    return None


def _bounds(
    item: LimitRangeItem,
    kind: str,
    requests: Mapping[str, Quantity],
    limits: Mapping[str, Quantity],
) -> list[str]:
    """Kubernetes' min, max and ratio constraints of one item over one container or Pod."""
    found: list[str | None] = []
    for name, low in sorted(item.min.items()):
        found.append(_below_min(name, kind, low, requests.get(name)))
        limit = limits.get(name)
        if limit is not None and limit < low:
            found.append(f"minimum {name} usage per {kind} is {low}, but limit is {limit}")
    for name, high in sorted(item.max.items()):
        limit = limits.get(name)
        if limit is None:
            found.append(f"maximum {name} usage per {kind} is {high}.  No limit is specified")
        else:
            found.append(_above_max(name, kind, high, limit, "limit"))
    for name, ratio in sorted(item.max_limit_request_ratio.items()):
        found.append(_ratio(name, kind, ratio, requests.get(name), limits.get(name)))
    return [problem for problem in found if problem is not None]


def _pod_totals(pod: Pod, which: str) -> dict[str, Quantity]:
    """The Pod's sum over its containers, for the resources every container states."""
    containers = pod.spec.containers
    names = (
        set.intersection(*(set(getattr(c.resources, which)) for c in containers))
        if containers
        else set()
    )
    totals: dict[str, Quantity] = {}
    for name in names:
        total = Quantity(0)
        for container in containers:
            total = total + getattr(container.resources, which)[name]
        totals[name] = total
    return totals


def _pod_problems(pod: Pod, items: list[LimitRangeItem]) -> list[str]:
    problems: list[str] = []
    for item in items:
        if item.type == "Container":
            for container in (*pod.spec.init_containers, *pod.spec.containers):
                resources = container.resources
                problems.extend(_bounds(item, "Container", resources.requests, resources.limits))
        elif item.type == "Pod":
            requests, limits = _pod_totals(pod, "requests"), _pod_totals(pod, "limits")
            problems.extend(_bounds(item, "Pod", requests, limits))
    return problems


def _claim_problems(claim: PersistentVolumeClaim, items: list[LimitRangeItem]) -> list[str]:
    requests = claim.spec.resources.requests
    kind = "PersistentVolumeClaim"
    found: list[str | None] = []
    for item in (i for i in items if i.type == kind):
        for name, low in sorted(item.min.items()):
            found.append(_below_min(name, kind, low, requests.get(name)))
        for name, high in sorted(item.max.items()):
            request = requests.get(name)
            if request is not None:
                found.append(_above_max(name, kind, high, request, "request"))
    return [problem for problem in found if problem is not None]


def _refused(info: KindInfo, name: str, problems: list[str]) -> Forbidden:
    # Kubernetes aggregates the errors: one alone as it is, several in brackets.
    reason = problems[0] if len(problems) == 1 else f"[{', '.join(problems)}]"
    return Forbidden(f'{info.plural} "{name}" is forbidden: {reason}', kind=info.kind, name=name)


def limit_ranger(operation: Operation, info: KindInfo, obj: Any, old: Any, lookup: Lookup) -> Any:
    if operation != "CREATE" or not isinstance(obj, Pod | PersistentVolumeClaim):
        return obj
    items = [item for r in _ranges(lookup, obj.metadata.namespace) for item in r.spec.limits]
    if not items:
        return obj
    if isinstance(obj, PersistentVolumeClaim):
        problems = _claim_problems(obj, items)
    else:
        obj = _defaulted(obj, [i for i in items if i.type == "Container"])
        problems = _pod_problems(obj, items)
    if problems:
        raise _refused(info, obj.metadata.name, problems)
    return obj
