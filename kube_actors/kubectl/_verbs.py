"""kubectl's verbs over a ``Client``: wait, scale, set image, rollout status and undo,
describe, events. ``Cluster`` offers each as a method; they are functions here so that any
client (a test's, an application's) can use them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import anyio

from ..actors import wall_clock
from ..api import Deployment, Event, Node, get_condition, kind_info, replicas_patch
from ..client import Client
from ..errors import ApiError, Gone, KubeActorsError, ServiceUnavailable
from ._describe import describe_text, related_to

__all__ = [
    "Condition",
    "describe",
    "events_for",
    "rollout_status",
    "scale",
    "set_image",
    "wait_for",
]

#: What ``wait_for`` waits on: a condition type ("Available", "Ready=False"), "delete",
#: or a predicate on the object.
Condition = str | Callable[[Any], bool]

#: The back-off of a wait whose list or watch failed (client-go's reflector: 800 ms to 30 s).
_RETRY_INITIAL = 0.8
_RETRY_MAX = 30.0

#: Go's zero time: an Event without lastTimestamp sorts first, as in kubectl.
_ZERO_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)


def _predicate(condition: Condition) -> Callable[[Any], bool]:
    """``condition`` as a test of an object: kubectl's ``--for`` forms, or the callable."""
    if callable(condition):
        return condition
    text = condition.removeprefix("condition=")
    kind, _, wanted = text.partition("=")
    if not kind:
        raise ValueError(f"condition {condition!r} names no condition type")
    kind, wanted = kind.lower(), (wanted or "True").lower()

    def holds(obj: Any) -> bool:
        status = getattr(obj, "status", None)
        for found in getattr(status, "conditions", ()):
            if found.type.lower() == kind:
                return bool(found.status.lower() == wanted)
        return False

    return holds


async def wait_for(
    client: Client,
    kind: type[Any],
    name: str,
    *,
    namespace: str = "",
    condition: Condition = "Ready",
    timeout: float = 60.0,
) -> Any:
    """Like ``kubectl wait``: return the object once ``condition`` holds (None for "delete"
    once it is gone); ``TimeoutError`` naming what was awaited after ``timeout`` seconds on
    the running clock. Watches; never polls."""
    deleting = condition == "delete"
    holds = _predicate("Ready") if deleting else _predicate(condition)
    what = f"{kind.__name__} {namespace + '/' if namespace else ''}{name}"
    by_name = f"metadata.name={name}"
    backoff = _RETRY_INITIAL
    try:
        with anyio.fail_after(timeout):
            while True:
                # kubectl's UntilWithSync: list (the list's resourceVersion is the store's,
                # never too old to watch from), then watch from it. An ERROR event, a Gone
                # (the apiserver restarted or compacted past it) or an apiserver that is
                # down (503) all end in a fresh list, the last after a back-off.
                try:
                    page = await client.list_page(kind, namespace=namespace, field_selector=by_name)
                    current = page.items[0] if page.items else None
                    if current is None and deleting:
                        return None
                    if current is not None and not deleting and holds(current):
                        return current
                    stream = await client.watch(
                        kind,
                        namespace=namespace,
                        field_selector=by_name,
                        resource_version=page.resource_version,
                    )
                except (Gone, ServiceUnavailable):
                    await anyio.sleep(backoff)
                    backoff = min(backoff * 2, _RETRY_MAX)
                    continue
                backoff = _RETRY_INITIAL
                try:
                    async for event in stream:
                        if event.type == "ERROR":
                            break  # watch again from a fresh list
                        if deleting and event.type == "DELETED":
                            return None
                        if not deleting and event.obj is not None and holds(event.obj):
                            return event.obj
                finally:
                    stream.close()
    except TimeoutError:
        awaited = "deletion" if deleting else f"condition {condition!r}"
        raise TimeoutError(f"timed out after {timeout} s waiting for {awaited} of {what}") from None


async def scale(
    client: Client, kind: type[Any], name: str, replicas: int, *, namespace: str
) -> Any:
    """``kubectl scale``: set the wanted replicas through the kind's scale subresource
    (``spec.replicas``, or the path a CRD's ``subresources.scale`` names)."""
    if replicas < 0:
        raise KubeActorsError(f"replicas must be 0 or more, not {replicas}")
    patch = replicas_patch(kind_info(kind), replicas)
    return await client.patch(kind, name, patch, namespace=namespace)


async def set_image(
    client: Client, kind: type[Any], name: str, images: dict[str, str], *, namespace: str
) -> Any:
    """``kubectl set image``: the named containers of the pod template get new images."""
    current = await client.get(kind, name, namespace=namespace)
    names = {c.name for c in current.spec.template.spec.containers}
    unknown = sorted(set(images) - names)
    if unknown:
        raise KubeActorsError(f"unable to find container named {unknown[0]!r}")
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": n, "image": i} for n, i in images.items()]}
            }
        }
    }
    return await client.patch(kind, name, patch, namespace=namespace, patch_type="strategic")


def _rollout_message(d: Deployment) -> tuple[str, bool]:
    """kubectl's rollout status line for a Deployment, and whether the rollout is done."""
    name, status = d.metadata.name, d.status
    wanted = d.spec.replicas if d.spec.replicas is not None else 1
    if d.metadata.generation > status.observed_generation:
        return "Waiting for deployment spec update to be observed...", False
    progressing = get_condition(status.conditions, "Progressing")
    if progressing is not None and progressing.reason == "ProgressDeadlineExceeded":
        raise KubeActorsError(f'deployment "{name}" exceeded its progress deadline')
    prefix = f'Waiting for deployment "{name}" rollout to finish: '
    if status.updated_replicas < wanted:
        return (
            f"{prefix}{status.updated_replicas} out of {wanted} new replicas have been updated...",
            False,
        )
    if status.replicas > status.updated_replicas:
        pending = status.replicas - status.updated_replicas
        return f"{prefix}{pending} old replicas are pending termination...", False
    if status.available_replicas < status.updated_replicas:
        return (
            f"{prefix}{status.available_replicas} of {status.updated_replicas} updated "
            "replicas are available...",
            False,
        )
    return f'deployment "{name}" successfully rolled out', True


async def rollout_status(
    client: Client,
    name: str,
    *,
    namespace: str,
    on_progress: Callable[[str], None] | None = None,
    timeout: float = 600.0,
) -> str:
    """``kubectl rollout status deployment/<name>``: wait for the rollout; each new progress
    line goes to ``on_progress``; returns the final line."""
    last = ""

    def done(d: Any) -> bool:
        nonlocal last
        line, finished = _rollout_message(d)
        if line != last and on_progress is not None:
            on_progress(line)
        last = line
        return finished

    await wait_for(client, Deployment, name, namespace=namespace, condition=done, timeout=timeout)
    return last


async def events_for(client: Client, obj: Any) -> list[Event]:
    """The Events about ``obj``, in kubectl describe's order.

    kubectl lists them by the object's uid (a Node's also by its name, which is how kubelets
    refer to their node), in the store's order (by name: an Event's name ends in its creation
    time), then sorts them by lastTimestamp keeping that order among equals.
    """
    meta = obj.metadata
    try:
        events = await client.list(Event, namespace=meta.namespace or "default")
    except ApiError:
        return []
    refs = [meta.uid, meta.name] if isinstance(obj, Node) else [meta.uid]
    listed = [e for ref in refs for e in sorted(events, key=_name) if e.involved_object.uid == ref]
    return sorted(listed, key=_last_seen)


def _name(event: Event) -> str:
    return event.metadata.name


def _last_seen(event: Event) -> dt.datetime:
    return event.last_timestamp or _ZERO_TIME


async def describe(client: Client, kind: type[Any], name: str, *, namespace: str = "") -> str:
    """``kubectl describe``."""
    obj = await client.get(kind, name, namespace=namespace)
    events = await events_for(client, obj)
    return describe_text(obj, events, wall_clock(), await related_to(client, obj))
