"""kubectl's verbs over a ``Client``: wait, scale, set image, rollout status and undo,
describe, events. ``Cluster`` offers each as a method; they are functions here so that any
client (a test's, an application's) can use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio

from ..actors import wall_clock
from ..api import Deployment, Event, get_condition, kind_info, replicas_patch
from ..client import Client
from ..errors import ApiError, Gone, KubeActorsError, ServiceUnavailable
from ._printers import describe_text

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
    """The Events about ``obj`` (matched by uid), oldest first."""
    meta = obj.metadata
    try:
        events = await client.list(Event, namespace=meta.namespace or "default")
    except ApiError:
        return []
    mine = [e for e in events if e.involved_object.uid == meta.uid]
    return sorted(mine, key=_event_order)


def _event_order(event: Event) -> tuple[Any, int]:
    # As kubectl's SortableEvents: by lastTimestamp, else eventTime. Timestamps have whole
    # seconds; within one, Kubernetes' list order (Event names carry their creation time)
    # keeps the order they were made in, which the store's order gives here.
    when = event.last_timestamp or event.event_time or wall_clock()
    return (when, int(event.metadata.resource_version or 0))


async def describe(client: Client, kind: type[Any], name: str, *, namespace: str = "") -> str:
    """``kubectl describe``."""
    obj = await client.get(kind, name, namespace=namespace)
    return describe_text(obj, await events_for(client, obj), wall_clock())
