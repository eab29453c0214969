"""The pytest plugin (pytest loads it from the ``pytest11`` entry point): a fresh cluster
per test on virtual time, its options from a marker, and its logs as data.

    import pytest
    from kube_actors.api import Deployment

    @pytest.mark.cluster(nodes=3)
    async def test_web_becomes_available(cluster, cluster_logs):
        await cluster.apply("web.yaml")
        await cluster.wait_for(Deployment, "web", condition="Available")
        assert cluster_logs.find("pod_bound")

``@pytest.mark.cluster(**options)`` passes its keywords to ``Cluster(...)`` (``nodes``,
``runtime``, ``controllers``, ``seed``...); the defaults are 3 nodes on the fake runtime.
``--kube-actors-nodes`` and ``--kube-actors-runtime`` change the defaults for a run.

No configuration is needed: an ``async def`` test that uses the fixture runs without
``asyncio_mode = "auto"`` or ``@pytest.mark.asyncio`` (the plugin marks it), and
pytest-asyncio's warning about an unset ``asyncio_default_fixture_loop_scope`` is not shown.

How a test gets virtual time. pytest-asyncio asks the ``pytest_asyncio_loop_factories``
hook which loop each async test runs on. This plugin answers it as a *wrapper*: when a
conftest (ours, or a user's) answers, that answer stands; when nobody does, a test that uses
the ``cluster`` fixture gets ``VirtualTimeEventLoop`` and any other test asyncio's own loop,
as without the plugin. The cluster is held by a task of its own (``ClusterHost``), because
pytest-asyncio sets a fixture up and tears it down in two different tasks.
"""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from typing import Any

import pytest

from kube_actors.actors import is_virtual_time
from kube_actors.cluster import Cluster, warn_on_default_real_time

from ._host import ClusterHost
from ._logs import ClusterLogs, capture_cluster_logs

__all__ = ["cluster", "cluster_logs"]

LoopFactories = Mapping[str, Callable[[], asyncio.AbstractEventLoop]]

_WARNED_BEFORE = pytest.StashKey[bool]()

_MARKER = "cluster(**options): options for the test's Cluster(...) (nodes, runtime, controllers...)"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kube_actors")
    group.addoption(
        "--kube-actors-nodes",
        type=int,
        default=3,
        help="nodes of the cluster fixture unless its marker says (default: 3)",
    )
    group.addoption(
        "--kube-actors-runtime",
        choices=["fake", "subprocess"],
        default="fake",
        help="container runtime of the cluster fixture unless its marker says (default: fake)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", _MARKER)
    # A test rarely means real time: a Cluster() left to its default clock says so.
    config.stash[_WARNED_BEFORE] = warn_on_default_real_time(True)
    # The hook belongs to pytest-asyncio; without it (or with -p no:asyncio) pytest would
    # refuse an implementation of an unknown hook, so it is registered only alongside it.
    if config.pluginmanager.hasplugin("asyncio"):
        config.pluginmanager.register(_VirtualTimeForClusterTests(), "kube_actors_virtual_time")
        config.pluginmanager.register(_AsyncioForClusterTests(), "kube_actors_asyncio")
        if not config.getini("asyncio_default_fixture_loop_scope"):
            # pytest-asyncio (configured after this plugin: tryfirst) warns that this option
            # is unset and that its default will become "function". Our fixtures are
            # function-scoped and get their loop per test (see above): the warning would
            # only tell a user who installed kube_actors about a setting they never needed.
            # The filter lasts as long as the configuration's own warning filters.
            warnings.filterwarnings(
                "ignore",
                message='The configuration option "asyncio_default_fixture_loop_scope" is unset',
                category=pytest.PytestDeprecationWarning,
            )


def pytest_unconfigure(config: pytest.Config) -> None:
    # Put back what was there: pytester runs a session inside this one.
    warn_on_default_real_time(config.stash.get(_WARNED_BEFORE, False))


def _wants_cluster(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "cluster" in names or item.get_closest_marker("cluster") is not None


def _uses_cluster(collector: pytest.Collector, function: object) -> bool:
    marks = [*getattr(function, "pytestmark", ()), *collector.iter_markers()]
    if any(mark.name == "cluster" for mark in marks):
        return True
    if any(mark.name == "usefixtures" and "cluster" in mark.args for mark in marks):
        return True
    if not callable(function):
        return False
    try:
        return "cluster" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def _is_async_test(obj: object) -> bool:
    hypothesis = getattr(obj, "hypothesis", None)  # @given wraps the test in a plain def
    inner = getattr(hypothesis, "inner_test", obj)
    return inspect.iscoroutinefunction(inner)


class _AsyncioForClusterTests:
    """An ``async def`` test that uses the ``cluster`` fixture (or marker) runs under
    pytest-asyncio without ``asyncio_mode = "auto"`` nor ``@pytest.mark.asyncio``: the plugin
    marks it as it is collected, as auto mode would (what else could an async test that asks
    for a running cluster want)."""

    @pytest.hookimpl(wrapper=True)
    def pytest_pycollect_makeitem(
        self, collector: pytest.Module | pytest.Class, name: str, obj: object
    ) -> Generator[None, Any, Any]:
        if (
            _is_async_test(obj)
            and not any(m.name == "asyncio" for m in getattr(obj, "pytestmark", ()))
            and _uses_cluster(collector, obj)
        ):
            pytest.mark.asyncio(obj)  # before the item exists, so pytest-asyncio sees it
        return (yield)


class _VirtualTimeForClusterTests:
    @pytest.hookimpl(wrapper=True)
    def pytest_asyncio_loop_factories(
        self, config: pytest.Config, item: pytest.Item
    ) -> Generator[None, LoopFactories | None, LoopFactories]:
        answer = yield
        if answer:
            return answer
        if _wants_cluster(item):
            from kube_actors.actors import VirtualTimeEventLoop

            return {"virtual": VirtualTimeEventLoop}
        return {"asyncio": asyncio.new_event_loop}


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    config = request.config
    options: dict[str, Any] = {
        "nodes": config.getoption("--kube-actors-nodes"),
        "runtime": config.getoption("--kube-actors-runtime"),
    }
    for marker in reversed(list(request.node.iter_markers("cluster"))):
        if marker.args:
            raise pytest.UsageError("@pytest.mark.cluster takes keyword arguments only")
        options.update(marker.kwargs)
    return options


@pytest.fixture
def cluster_logs() -> Iterator[ClusterLogs]:
    """Every structlog event logged during the test, as dicts (see ``ClusterLogs``)."""
    with capture_cluster_logs() as logs:
        yield logs


try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - the cluster fixture needs pytest-asyncio
    pass
else:

    @pytest_asyncio.fixture
    async def cluster(
        request: pytest.FixtureRequest, cluster_logs: ClusterLogs
    ) -> AsyncIterator[Cluster]:
        """A running Cluster, fresh for this test: 3 nodes, fake runtime, in-memory store,
        every built-in controller; ``@pytest.mark.cluster(...)`` changes its options."""
        options = _options(request)
        # The loop was chosen for this test (virtual time, or a conftest's choice): the
        # cluster runs on it on purpose, so it need not warn about real time.
        options.setdefault("clock", "virtual" if is_virtual_time() else "real")
        host = ClusterHost(options)
        running = await host.start()
        try:
            yield running
        finally:
            await host.stop()
