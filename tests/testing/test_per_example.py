"""``run_with_cluster``: a fresh cluster for each hypothesis example."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.actors import is_virtual_time
from kube_actors.api import Deployment
from kube_actors.errors import KubeActorsError
from kube_actors.reconcile import Request, Result
from kube_actors.testing import deployment, run_with_cluster


class _Noop:
    async def reconcile(self, request: Request) -> Result:
        return Result()


@settings(max_examples=5, deadline=None)
@given(replicas=st.integers(0, 3))
def test_each_example_gets_a_fresh_cluster_on_virtual_time(replicas: int) -> None:
    async def check(cluster: Cluster) -> int:
        assert is_virtual_time()
        assert await cluster.client.list(Deployment, namespace="default") == []
        # The same controller name in every example: a shared cluster would refuse it.
        await cluster.add_controller(_Noop(), for_=Deployment, name="mine")
        await cluster.client.create(deployment("web", replicas))
        await cluster.settle(horizon=30)
        web = await cluster.client.get(Deployment, "web", namespace="default")
        return web.status.available_replicas

    assert run_with_cluster(check, nodes=2) == replicas


def test_what_the_check_raises_leaves_as_itself() -> None:
    async def check(cluster: Cluster) -> None:
        await cluster.wait_for(Deployment, "absent", timeout=1)

    with pytest.raises(TimeoutError):
        run_with_cluster(check)


async def test_inside_a_running_loop_it_says_what_to_do_instead() -> None:
    async def check(cluster: Cluster) -> None:
        pass

    with pytest.raises(KubeActorsError, match="plain 'def' test"):
        run_with_cluster(check)
