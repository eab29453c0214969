"""The ``kube-actors`` command's own surface: its version, its help, and bad names refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from kube_actors import Cluster, __version__
from kube_actors._log import get_logger
from kube_actors.cli import main
from kube_actors.cli._logging import configure_logging
from kube_actors.cli._snapshot import store_file


def test_version_prints_the_packages_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"kube-actors {__version__}"


def test_the_actors_command_has_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["actors", "--help"])
    assert "supervised restart" in capsys.readouterr().out


def test_an_unknown_workload_is_an_error_listing_the_valid_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bench", "scheduler", "--workload", "nonsense"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "no workload named 'nonsense'" in error
    assert "SchedulingBasic/500Nodes" in error


def test_the_benchmarks_help_lists_workloads_and_defaults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["bench", "scheduler", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "TopologySpreading/5000Nodes" in text
    assert "(default: framework)" in text


@pytest.fixture
def restored_structlog() -> Iterator[None]:
    was_configured, saved = structlog.is_configured(), structlog.get_config()
    yield
    structlog.reset_defaults()
    if was_configured:
        structlog.configure(**saved)


@pytest.mark.usefixtures("restored_structlog")
def test_the_commands_logs_go_to_stderr_and_its_output_to_stdout(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["actors"]) == 0
    out, err = capsys.readouterr()
    assert "relay-2 restarts: 1" in out
    assert "actor_crashed" not in out
    assert "actor_crashed" in err  # the demo's injected crash, an error


@pytest.mark.usefixtures("restored_structlog")
def test_the_environment_variable_sets_the_commands_level(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBE_ACTORS_LOG", "info")
    configure_logging()  # what main() does before running a command
    log = get_logger("kube_actors.test")
    log.info("shown_at_info", n=1)
    log.debug("hidden_at_info", n=2)
    out, err = capsys.readouterr()
    assert out == ""
    assert "shown_at_info" in err
    assert "hidden_at_info" not in err


@pytest.mark.usefixtures("restored_structlog")
def test_up_refuses_etcd_servers_that_are_not_host_and_port(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["up", "--etcd-servers", "http://127.0.0.1", "--data-dir", "/nonexistent/x"])
    assert code == 2
    assert "--etcd-servers: etcd endpoint 'http://127.0.0.1' needs a host and a port" in (
        capsys.readouterr().out
    )


@pytest.mark.usefixtures("restored_structlog")
def test_up_names_the_etcd_tls_file_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    servers = ["--etcd-servers", "https://127.0.0.1:2379", "--data-dir", "/nonexistent/x"]
    code = main(["up", *servers, "--etcd-cafile", "/nonexistent/ca.crt"])
    assert code == 2
    assert "--etcd-cafile /nonexistent/ca.crt: No such file or directory" in (
        capsys.readouterr().out
    )
    code = main(["up", "--etcd-certfile", "c.crt", "--data-dir", "/nonexistent/x"])
    assert code == 2
    assert "--etcd-keyfile need --etcd-servers" in capsys.readouterr().out


@pytest.mark.usefixtures("restored_structlog")
def test_up_refuses_an_event_ttl_that_is_no_duration(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["up", "--event-ttl", "an hour", "--data-dir", "/nonexistent/x"])
    assert code == 2
    assert "--event-ttl: invalid duration 'an hour'" in capsys.readouterr().out


@pytest.mark.usefixtures("restored_structlog")
def test_up_refuses_a_service_range_that_is_no_network(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["up", "--service-cluster-ip-range", "10.0.0.0/33", "--data-dir", "/nonexistent"])
    assert code == 2
    assert "--service-cluster-ip-range: '10.0.0.0/33' is not an IPv4 network" in (
        capsys.readouterr().out
    )


@pytest.mark.usefixtures("restored_structlog")
def test_up_refuses_a_node_port_range_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["up", "--service-node-port-range", "32767-30000", "--data-dir", "/nonexistent"])
    assert code == 2
    assert "--service-node-port-range: end port cannot be less than start port: 32767-30000" in (
        capsys.readouterr().out
    )


@pytest.mark.usefixtures("restored_structlog")
def test_up_refuses_a_service_range_other_than_its_stores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = f"sqlite://{store_file(str(tmp_path)).resolve()}"  # where `up` keeps it
    with Cluster(store=store, service_cidr="127.210.0.0/24", clock="real").sync():
        pass
    argv = ["up", "--data-dir", str(tmp_path), "--nodes", "0", "--runtime", "fake", "--port", "0"]
    code = main([*argv, "--service-cluster-ip-range", "127.0.0.0/16"])
    assert code == 1
    out = capsys.readouterr().out
    assert "--service-cluster-ip-range: the Service range 127.0.0.0/16" in out
    assert "store holds, 127.210.0.0/24" in out
