"""What leaves ``async with Cluster(...)`` and ``with Cluster(...).sync()``: the body's own
exception as itself, a component's failure as one error naming it, and misuse refused at once."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import anyio
import pytest

from kube_actors import Cluster
from kube_actors.actors import Actor, Supervision
from kube_actors.api import Deployment
from kube_actors.errors import ActorEscalated, ComponentFailed, KubeActorsError
from kube_actors.kubelet import NodeConfig
from kube_actors.runtime import FakeRuntime


class Boom(Exception):
    pass


async def test_the_bodys_own_exception_leaves_async_with_as_itself() -> None:
    with pytest.raises(Boom) as caught:
        async with Cluster(nodes=1):
            raise Boom("mine")
    assert type(caught.value) is Boom


async def test_a_timeout_inside_the_block_is_caught_by_except_timeouterror() -> None:
    caught = False
    async with Cluster(nodes=1) as cluster:
        try:
            await cluster.wait_for(Deployment, "absent", timeout=5)
        except TimeoutError:
            caught = True
    assert caught


async def test_a_timeout_leaving_the_block_is_a_timeouterror() -> None:
    with pytest.raises(TimeoutError):
        async with Cluster(nodes=1) as cluster:
            await cluster.wait_for(Deployment, "absent", timeout=5)


def test_the_bodys_own_exception_leaves_sync_as_itself() -> None:
    with pytest.raises(Boom) as caught, Cluster(nodes=1, clock="virtual").sync():
        raise Boom("mine")
    assert type(caught.value) is Boom


class _Crashing(Actor):
    async def receive(self, message: object) -> object:
        raise Boom("the component's bug")


async def _run_a_crashing_actor() -> None:
    async with Cluster() as cluster:
        ref = await cluster.system.spawn(
            _Crashing, name="crashing", supervision=Supervision(max_restarts=0)
        )
        await ref.tell("go")
        await cluster.settle(horizon=60)


async def test_an_actor_that_escalates_stops_the_cluster_with_one_error_naming_it() -> None:
    with pytest.raises(ActorEscalated) as caught:
        await _run_a_crashing_actor()
    assert caught.value.actor == "crashing"
    assert isinstance(caught.value.__cause__, Boom)


class _FailingRuntime(FakeRuntime):
    """A runtime whose own task fails a virtual second after it starts."""

    async def __aenter__(self) -> Self:
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        self._group.start_soon(self._fail)
        return await super().__aenter__()

    async def _fail(self) -> None:
        await anyio.sleep(1)
        raise Boom("the runtime's bug")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await super().__aexit__(exc_type, exc, tb)
        await self._group.__aexit__(exc_type, exc, tb)


async def test_a_failing_component_task_leaves_as_one_error_naming_it() -> None:
    def runtime(config: NodeConfig) -> FakeRuntime:
        return _FailingRuntime()

    with pytest.raises(ComponentFailed) as caught:
        async with Cluster(nodes=1, runtime=runtime) as cluster:
            await cluster.settle(horizon=10)
    assert caught.value.component == "runtime/control-plane"
    assert isinstance(caught.value.__cause__, BaseExceptionGroup | Boom)
    assert "runtime/control-plane" in str(caught.value)


async def test_a_failing_runtime_among_many_fails_the_cluster_naming_its_node() -> None:
    # The runtimes share one task: the others leave through its error, which stays its own.
    def runtime(config: NodeConfig) -> FakeRuntime:
        return _FailingRuntime() if config.name == "node-2" else FakeRuntime()

    with pytest.raises(ComponentFailed) as caught:
        async with Cluster(nodes=4, runtime=runtime) as cluster:
            await cluster.settle(horizon=10)
    assert caught.value.component == "runtime/node-2"


async def test_sync_on_a_running_cluster_is_refused_at_once() -> None:
    async with Cluster(nodes=1) as cluster:
        with pytest.raises(KubeActorsError, match=r"running already.*await its methods"):
            cluster.sync()


async def test_entering_a_running_cluster_again_is_refused() -> None:
    cluster = Cluster()
    async with cluster:
        with pytest.raises(KubeActorsError, match="running already"):
            await cluster.__aenter__()
