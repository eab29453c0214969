"""A library's manners: quiet by default, more when asked, and the clock said out loud."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
import structlog

from kube_actors import Cluster
from kube_actors.cluster import RealTimeWarning
from kube_actors.testing import capture_cluster_logs

# A small application: a cluster, a deployment, a deleted pod, and nothing configured.
_APP = textwrap.dedent(
    """
    import sys
    from kube_actors import Cluster
    from kube_actors.api import Deployment, Pod
    from kube_actors.testing import deployment

    SETUP = sys.argv[1]
    if SETUP == "logging":
        import logging
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
    elif SETUP == "structlog":
        import structlog
        structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))

    with Cluster(nodes=2, clock="virtual", seed=1).sync() as cluster:
        cluster.apply(deployment("web", replicas=2))
        cluster.wait_for(Deployment, "web", condition="Available")
        pods = cluster.client.list(Pod, namespace="default")
        cluster.client.delete(Pod, pods[0].metadata.name, namespace="default")
        cluster.settle()
    print("done")
    """
)


def _run_app(setup: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _APP, setup],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_an_application_that_configures_nothing_sees_nothing() -> None:
    run = _run_app("none")
    assert run.stdout == "done\n"
    assert run.stderr == ""


def test_the_environment_variable_shows_debug_events_on_stderr() -> None:
    run = _run_app("none", KUBE_ACTORS_LOG="debug")
    assert run.stdout == "done\n"
    assert "pod_bound" in run.stderr
    assert "cluster_clock" in run.stderr


def test_the_applications_logging_configuration_is_honoured() -> None:
    run = _run_app("logging")
    assert run.stdout == "done\n"
    assert "DEBUG:kube_actors.scheduler:" in run.stderr
    assert "pod_bound" in run.stderr


def test_the_applications_structlog_configuration_is_honoured() -> None:
    run = _run_app("structlog")
    assert run.stdout == "done\n"
    assert "pod_bound" in run.stderr


def test_a_captured_cluster_logs_its_clock_and_capture_leaves_structlog_unconfigured() -> None:
    was_configured = structlog.is_configured()
    with capture_cluster_logs() as logs, Cluster(clock="virtual").sync():
        pass
    assert logs.find("cluster_clock", clock="virtual", chosen="virtual")
    assert structlog.is_configured() == was_configured


@pytest.mark.real_time
async def test_a_cluster_left_on_real_time_in_a_test_warns() -> None:
    with pytest.warns(RealTimeWarning, match="clock='real' if real time is what you mean"):
        async with Cluster():
            pass


@pytest.mark.real_time
async def test_a_cluster_that_says_real_time_does_not_warn() -> None:
    async with Cluster(clock="real"):
        pass


async def test_a_cluster_on_virtual_time_does_not_warn() -> None:
    async with Cluster():
        pass


def test_logging_is_never_configured_by_the_library() -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with Cluster(nodes=1, clock="virtual").sync() as cluster:
        cluster.settle()
    assert root.handlers == handlers
    assert root.level == level


def test_structlogs_defaults_left_by_capture_logs_keep_the_library_quiet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with structlog.testing.capture_logs():
        pass  # leaves structlog "configured", with its defaults back in place
    with Cluster(nodes=1, clock="virtual").sync() as cluster:
        cluster.settle()
    assert capsys.readouterr().out == ""
