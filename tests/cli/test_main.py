"""The ``kube-actors`` command's own surface: its version, its help, and bad names refused."""

from __future__ import annotations

import pytest

from kube_actors import __version__
from kube_actors.cli import main


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
