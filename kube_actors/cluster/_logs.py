"""``kubectl logs`` for a Cluster: find the pod's container on its node, read its log.

The options are the API's ``PodLogOptions``, the one type ``Cluster.logs``, ``Cluster.follow_logs``
and the ``pods/log`` subresource share; following is a separate call (an async iterator),
which the subresource streams.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import attrs

from ..actors import wall_clock
from ..api import Pod, PodLogOptions, requested_container
from ..client import Client
from ..errors import BadRequest, NotFound
from ..runtime import ContainerRuntime, LogOptions

__all__ = ["LogRequest", "find_log", "follow", "log_options", "read_log", "runtime_options"]


@attrs.frozen(kw_only=True)
class LogRequest:
    """Where a container's log is: its runtime, sandbox and container name."""

    runtime: ContainerRuntime
    sandbox_id: str
    container: str


def log_options(
    pod: str,
    options: PodLogOptions,
    container: str | None = None,
    previous: bool = False,
) -> PodLogOptions:
    """``options``, with the shorthands ``container`` and ``previous`` written in, checked as
    Kubernetes checks them (``Invalid`` for kind PodLogOptions)."""
    if container is not None:
        options = attrs.evolve(options, container=container)
    if previous:
        options = attrs.evolve(options, previous=True)
    options.check(pod)
    return options


def runtime_options(options: PodLogOptions) -> LogOptions:
    """The runtime's part of ``options``; ``since_seconds`` counts back from the cluster's
    clock."""
    since_time = options.since_time
    if options.since_seconds is not None:
        since_time = wall_clock() - dt.timedelta(seconds=options.since_seconds)
    return LogOptions(
        limit_bytes=options.limit_bytes,
        tail_lines=options.tail_lines,
        since_time=since_time,
        timestamps=options.timestamps,
    )


async def find_log(
    client: Client,
    runtime_of: dict[str, ContainerRuntime],
    pod: str,
    container: str,
    namespace: str,
) -> LogRequest:
    """The log of ``container`` (which may be left empty for a one-container pod); refused
    as the apiserver words it when no such container is there to read."""
    found = await client.get(Pod, pod, namespace=namespace)
    container = requested_container(found, container)
    if not found.spec.node_name:
        raise BadRequest(
            f'container "{container}" in pod "{pod}" is waiting to start: ContainerCreating'
        )
    runtime = runtime_of.get(found.spec.node_name)
    if runtime is not None:
        for sandbox in reversed(await runtime.list_pod_sandboxes()):
            if sandbox.config.uid == found.metadata.uid:
                return LogRequest(runtime=runtime, sandbox_id=sandbox.id, container=container)
    raise NotFound(f'pod "{pod}" has no containers on its node (yet)')


async def read_log(request: LogRequest, options: PodLogOptions) -> str:
    """The log as ``options`` asks for it, read at once."""
    if options == PodLogOptions(container=options.container):
        # everything, from the current instance: a runtime written before log options
        # still serves this
        return await request.runtime.logs(request.sandbox_id, request.container)
    return await request.runtime.logs(
        request.sandbox_id,
        request.container,
        previous=options.previous,
        options=runtime_options(options),
    )


async def follow(request: LogRequest, options: PodLogOptions) -> AsyncIterator[str]:
    """The log as ``options`` asks for it, then each new piece until the container exits."""
    async for text in request.runtime.follow_logs(
        request.sandbox_id,
        request.container,
        previous=options.previous,
        options=runtime_options(options),
    ):
        yield text
