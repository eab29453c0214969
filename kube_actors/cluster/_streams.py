"""``kubectl exec`` and ``kubectl port-forward`` for a Cluster: the Pod's node's runtime asked
to stream, as the kubelet asks it.

``exec`` runs a command to its end and gives back its stdout, stderr and exit code
(``ExecOutput``); ``open_exec`` gives the live session (the HTTP server streams it to
kubectl). ``port_forward`` listens on a local port and carries each connection to the pod's
port, for as long as its ``async with`` lasts.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence

import anyio
import anyio.abc
import attrs

from .._log import get_logger
from ..api import Pod
from ..client import Client
from ..errors import BadRequest, ContainerRuntimeError, NotFound
from ..kubelet import pod_sandbox, running_container, streaming
from ..runtime import ContainerRuntime, ExecSession

__all__ = ["ExecOutput", "default_container", "forward_port", "run_to_end", "runtime_of"]

_log = get_logger("kube_actors.cluster")
_CHUNK = 1 << 18

#: kubectl's annotation naming the container its verbs pick when none is given.
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


@attrs.frozen(kw_only=True)
class ExecOutput:
    """What ``Cluster.exec`` gives back: the command's stdout, stderr and exit code."""

    stdout: str
    stderr: str
    exit_code: int


def default_container(pod: Pod, container: str | None) -> str:
    """``container``, or the one kubectl would pick: the annotated default, else the first."""
    if container:
        if container not in [c.name for c in pod.spec.containers]:
            raise BadRequest(f"container {container} is not valid for pod {pod.metadata.name}")
        return container
    named = pod.metadata.annotations.get(DEFAULT_CONTAINER, "")
    return named or pod.spec.containers[0].name


async def runtime_of(
    client: Client, runtimes: dict[str, ContainerRuntime], pod: str, namespace: str
) -> tuple[Pod, ContainerRuntime]:
    """The Pod and its node's runtime; ``BadRequest`` as the apiserver words it when the Pod
    has no node or has finished."""
    found = await client.get(Pod, pod, namespace=namespace)
    if not found.spec.node_name:
        raise BadRequest(f"pod {pod} does not have a host assigned")
    phase = found.status.phase if found.status is not None else ""
    if phase in ("Succeeded", "Failed"):
        raise BadRequest(
            f"cannot exec into a container in a completed pod; current phase is {phase}"
        )
    runtime = runtimes.get(found.spec.node_name)
    if runtime is None:
        raise NotFound(f'node "{found.spec.node_name}" of pod "{pod}" is not in this cluster')
    return found, runtime


async def open_exec(
    runtime: ContainerRuntime,
    pod: Pod,
    container: str,
    command: Sequence[str],
    *,
    stdin: bool,
    tty: bool,
) -> ExecSession:
    container_id = await running_container(runtime, pod, container)
    return await streaming(runtime).open_exec(container_id, command, stdin=stdin, tty=tty)


async def attach(
    runtime: ContainerRuntime, pod: Pod, container: str, *, stdin: bool
) -> ExecSession:
    container_id = await running_container(runtime, pod, container)
    return await streaming(runtime).attach(container_id, stdin=stdin)


async def run_to_end(session: ExecSession, stdin: bytes | None) -> ExecOutput:
    """Feed ``stdin`` (then its end), read both outputs, wait for the exit code."""
    out: list[bytes] = []
    err: list[bytes] = []

    async def read(stream: anyio.abc.ByteReceiveStream | None, into: list[bytes]) -> None:
        if stream is not None:
            async for chunk in stream:
                into.append(chunk)

    async def feed() -> None:
        if session.stdin is not None:
            with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError):
                if stdin:
                    await session.stdin.send(stdin)
                await session.stdin.aclose()

    async with session, anyio.create_task_group() as tg:
        tg.start_soon(feed)
        tg.start_soon(read, session.stdout, out)
        tg.start_soon(read, session.stderr, err)
        code = await session.wait()
    return ExecOutput(
        stdout=b"".join(out).decode("utf-8", "replace"),
        stderr=b"".join(err).decode("utf-8", "replace"),
        exit_code=code,
    )


async def _splice(
    source: anyio.abc.ByteReceiveStream, sink: anyio.abc.ByteStream | anyio.abc.ByteSendStream
) -> None:
    with contextlib.suppress(
        anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError
    ):
        try:
            while True:
                # Bigger reads than iteration's 64 KiB: fewer trips through the loop.
                await sink.send(await source.receive(_CHUNK))
        except anyio.EndOfStream:
            if isinstance(sink, anyio.abc.ByteStream):
                await sink.send_eof()


async def _carry(
    connection: anyio.abc.SocketStream, runtime: ContainerRuntime, sandbox_id: str, port: int
) -> None:
    async with connection:
        try:
            upstream = await streaming(runtime).port_forward(sandbox_id, port)
        except ContainerRuntimeError as error:
            # kubectl drops the connection and reports why; so does this.
            _log.warning("port_forward_failed", port=port, error=str(error))
            return
        async with upstream, anyio.create_task_group() as tg:
            tg.start_soon(_splice, connection, upstream)
            await _splice(upstream, connection)
            tg.cancel_scope.cancel()


@contextlib.asynccontextmanager
async def forward_port(
    runtime: ContainerRuntime, pod: Pod, port: int, *, address: str, local_port: int
) -> AsyncIterator[tuple[str, int]]:
    """Listen on ``address:local_port`` (0: a free port) and carry every connection to
    ``port`` of the pod; yields where it listens."""
    sandbox_id = await pod_sandbox(runtime, pod)
    streaming(runtime)
    listener = await anyio.create_tcp_listener(local_host=address, local_port=local_port)
    bound = listener.extra(anyio.abc.SocketAttribute.local_address)
    async with listener, anyio.create_task_group() as tg:

        async def serve() -> None:
            async def handle(connection: anyio.abc.SocketStream) -> None:
                await _carry(connection, runtime, sandbox_id, port)

            await listener.serve(handle)

        tg.start_soon(serve)
        try:
            yield str(bound[0]), int(bound[1])
        finally:
            tg.cancel_scope.cancel()
