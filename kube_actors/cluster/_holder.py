"""Where a cluster holds what must be entered and left in one task: runtimes, the data plane.

A container runtime (or the host's data plane) is an async context manager that may own a
task group, so it is entered and left in one task. ``hold`` gives one such resource a task
of its own. ``ResourceHolder`` holds many in one task, entering each as it is asked for and
leaving them all, the newest first, when released: the nodes' runtimes, thousands in a
large cluster, each with a task of its own would cost a task's objects and its start a
node, for a task that only waits.

Either way a resource that fails, entering or later, fails the cluster with
``ComponentFailed`` naming it, its error chained.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType

import anyio
import anyio.abc

from ..errors import ComponentFailed

__all__ = ["ResourceHolder", "hold"]

Resource = contextlib.AbstractAsyncContextManager[object]


async def hold(
    resource: Resource,
    release: anyio.Event,
    component: str,
    *,
    task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED,
) -> None:
    """Enter ``resource``, report started, and leave it once ``release`` is set."""
    async with _held(resource, component):
        task_status.started()
        await release.wait()


@contextlib.asynccontextmanager
async def _held(resource: Resource, component: str) -> AsyncIterator[None]:
    try:
        async with resource:
            yield
    except ComponentFailed:
        raise  # another resource's failure, leaving through this one
    except Exception as error:
        raise ComponentFailed(component) from error


class ResourceHolder:
    """Resources entered in the one task that runs ``run`` (started in the actor system's
    task group), and left there, the newest first, after ``release``."""

    def __init__(self) -> None:
        self._asked: list[tuple[Resource, str, asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._released = False

    async def hold(self, resource: Resource, component: str) -> None:
        """Returns once ``resource`` is entered; raises ``ComponentFailed`` if it failed to."""
        entered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._asked.append((resource, component, entered))
        self._wake.set()
        await entered

    def release(self) -> None:
        """Leave every resource held (``run`` returns once they are left)."""
        self._released = True
        self._wake.set()

    async def run(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        async with contextlib.AsyncExitStack() as stack:
            task_status.started()
            while True:
                await self._wake.wait()
                self._wake.clear()
                asked, self._asked = self._asked, []
                for resource, component, entered in asked:
                    try:
                        await _enter(resource, component)
                        stack.push_async_exit(_Leave(resource, component))
                    except ComponentFailed as error:
                        if not entered.done():
                            entered.set_exception(error)
                    else:
                        if not entered.done():
                            entered.set_result(None)
                if self._released:
                    return


# What ``_held`` does, for the holder's exit stack without a generator for each resource:
# its frame, its context manager and their exits were five objects a node, kept all along.


async def _enter(resource: Resource, component: str) -> None:
    try:
        await type(resource).__aenter__(resource)
    except ComponentFailed:
        raise
    except Exception as error:
        raise ComponentFailed(component) from error


class _Leave:
    """Leaves one held resource (an exit stack's callback): its failure is ``ComponentFailed``
    naming it, another resource's passes through."""

    __slots__ = ("_component", "_resource")

    def __init__(self, resource: Resource, component: str) -> None:
        self._resource = resource
        self._component = component

    async def __call__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        resource = self._resource
        try:
            return await type(resource).__aexit__(resource, exc_type, exc, traceback)
        except ComponentFailed:
            raise
        except Exception as error:
            raise ComponentFailed(self._component) from error
