"""The pytest plugin, run by pytester in a project of its own (no conftest of ours)."""

from __future__ import annotations

import pytest

TESTS = """
import asyncio

import pytest

from kube_actors.actors import VirtualTimeEventLoop
from kube_actors.api import Deployment, Node
from kube_actors.testing import deployment


@pytest.mark.asyncio
async def test_a_cluster_runs_on_virtual_time_with_three_fake_nodes(cluster):
    assert isinstance(asyncio.get_running_loop(), VirtualTimeEventLoop)
    assert cluster.nodes == ["control-plane", "node-1", "node-2"]
    await cluster.client.create(deployment("web", 2))
    await cluster.settle(horizon=30)
    web = await cluster.client.get(Deployment, "web", namespace="default")
    assert web.status.available_replicas == 2


@pytest.mark.asyncio
@pytest.mark.cluster(nodes=1, seed=7)
async def test_the_marker_picks_the_options(cluster, cluster_logs):
    assert cluster.nodes == ["control-plane"]
    assert cluster.seed == 7
    assert cluster_logs.find("controller_started", controller="replicaset")


@pytest.mark.asyncio
async def test_each_test_has_a_fresh_cluster(cluster):
    assert await cluster.client.list(Deployment, namespace="default") == []


@pytest.mark.asyncio
async def test_other_async_tests_keep_asyncio_own_loop():
    assert not isinstance(asyncio.get_running_loop(), VirtualTimeEventLoop)
"""


@pytest.fixture(autouse=True)
def quiet_config(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")


def test_the_cluster_fixture_marker_and_logs(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_a_conftest_choosing_the_loop_is_obeyed(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import asyncio

def pytest_asyncio_loop_factories(config, item):
    return {"mine": asyncio.new_event_loop}
"""
    )
    pytester.makepyfile(
        test_user="""
import asyncio

import pytest

from kube_actors.actors import VirtualTimeEventLoop


@pytest.mark.asyncio
@pytest.mark.cluster(nodes=1)
async def test_real_time_when_the_project_says_so(cluster):
    assert not isinstance(asyncio.get_running_loop(), VirtualTimeEventLoop)
    await cluster.settle()
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_command_line_sets_the_default_nodes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
import pytest


@pytest.mark.asyncio
async def test_two_nodes(cluster):
    assert len(cluster.nodes) == 2
"""
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--kube-actors-nodes=2")
    result.assert_outcomes(passed=1)


UNCONFIGURED_TESTS = """
import asyncio

from kube_actors.actors import VirtualTimeEventLoop
from kube_actors.api import Deployment
from kube_actors.testing import deployment


async def test_a_cluster_test_runs_without_any_asyncio_configuration(cluster):
    assert isinstance(asyncio.get_running_loop(), VirtualTimeEventLoop)
    await cluster.client.create(deployment("web", 1))
    await cluster.settle(horizon=30)
    web = await cluster.client.get(Deployment, "web", namespace="default")
    assert web.status.available_replicas == 1
"""


def test_a_project_with_no_asyncio_configuration_runs_cluster_tests(
    pytester: pytest.Pytester,
) -> None:
    # A project of the user's: no asyncio_mode, no loop scope, warnings shown, none allowed.
    pytester.makeini("[pytest]\n")
    pytester.makepyfile(test_user=UNCONFIGURED_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=1)
    shown = result.stdout.str() + result.stderr.str()
    assert "is unset" not in shown
    assert "not natively supported" not in shown


SHARED_CLUSTER_TESTS = """
from hypothesis import HealthCheck, given, settings, strategies as st

from kube_actors.api import Deployment
from kube_actors.reconcile import Result


class Noop:
    async def reconcile(self, request):
        return Result()


@settings(max_examples=3, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 3))
async def test_my_controller(cluster, replicas):
    await cluster.add_controller(Noop(), for_=Deployment, name="mine")
"""


def test_sharing_the_fixtures_cluster_across_examples_says_what_happened(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_user=SHARED_CLUSTER_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = " ".join(result.stdout.str().split())
    assert "Is the cluster shared?" in text
    assert "run_with_cluster" in text
