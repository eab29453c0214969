"""``kube-actors up`` in the foreground, and ``kube-actors kubeconfig``: as a user runs them."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml

from kube_actors.cli import main

from ._processes import killed_on_failure, read_until

pytestmark = pytest.mark.real_time


async def test_up_serves_until_sigterm_and_leaves_nothing_behind(tmp_path: Path) -> None:
    data_dir = tmp_path / "state"
    command = [
        sys.executable, "-c", "from kube_actors.cli import main; raise SystemExit(main())",
        "up", "--port", "0", "--runtime", "fake",
        "--data-dir", str(data_dir),
    ]  # fmt: skip
    async with await anyio.open_process(command) as process:
        with killed_on_failure(process):
            assert process.stdout is not None
            with anyio.fail_after(60):
                printed = (await read_until(process.stdout, b"Ctrl-C")).decode()
            assert "Kubernetes control plane is running at https://127.0.0.1:" in printed
            # Fake containers open no socket: the default range, whatever else runs here.
            assert "Services: ClusterIPs from 127.10.0.0/16, NodePorts on 127.0.0.1" in printed
            kubeconfig = data_dir / "kubeconfig"
            assert f"export KUBECONFIG={kubeconfig}" in printed
            config = yaml.safe_load(kubeconfig.read_text())
            assert config["current-context"] == "kube-actors"
            assert (
                config["users"][0]["user"]["token"]
                == (data_dir / "admin.token").read_text().strip()
            )
            assert oct((data_dir / "pki" / "ca.key").stat().st_mode & 0o777) == "0o600"
            # The service-account signing key is kept too, for tokens to outlive a restart.
            assert oct((data_dir / "pki" / "sa.key").stat().st_mode & 0o777) == "0o600"
            process.send_signal(signal.SIGTERM)
            with anyio.fail_after(30):
                assert await process.wait() == 0
    assert process.returncode == 0


def test_kubeconfig_prints_or_merges_keeping_other_contexts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "state"
    data_dir.mkdir()
    ours = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kube-actors", "cluster": {"server": "https://127.0.0.1:6443"}}],
        "users": [{"name": "kube-actors-admin", "user": {"token": "t"}}],
        "contexts": [
            {
                "name": "kube-actors",
                "context": {"cluster": "kube-actors", "user": "kube-actors-admin"},
            }
        ],
        "current-context": "kube-actors",
    }
    (data_dir / "kubeconfig").write_text(yaml.safe_dump(ours))
    assert main(["kubeconfig", "--data-dir", str(data_dir)]) == 0
    assert yaml.safe_load(capsys.readouterr().out) == ours
    theirs = tmp_path / "config"
    theirs.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "prod", "cluster": {"server": "https://prod"}}],
                "users": [{"name": "me", "user": {"token": "secret"}}],
                "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "me"}}],
                "current-context": "prod",
            }
        )
    )
    assert main(["kubeconfig", "--data-dir", str(data_dir), "--merge", str(theirs)]) == 0
    merged = yaml.safe_load(theirs.read_text())
    assert [c["name"] for c in merged["contexts"]] == ["prod", "kube-actors"]
    assert [u["name"] for u in merged["users"]] == ["me", "kube-actors-admin"]
    assert merged["current-context"] == "kube-actors"
    assert main(["kubeconfig", "--data-dir", str(tmp_path / "nothing")]) == 1


async def _up_once(data_dir: Path, then: Callable[[Path], None], *flags: str) -> None:
    """``up`` on ``data_dir`` (and ``flags``) until it is serving, ``then(kubeconfig)`` in a
    thread, SIGTERM."""
    command = [
        sys.executable, "-c", "from kube_actors.cli import main; raise SystemExit(main())",
        "up", "--port", "0", "--runtime", "fake", "--data-dir", str(data_dir), *flags,
    ]  # fmt: skip
    async with await anyio.open_process(command) as process:
        with killed_on_failure(process):
            assert process.stdout is not None
            with anyio.fail_after(60):
                await read_until(process.stdout, b"Ctrl-C")
                await anyio.to_thread.run_sync(then, data_dir / "kubeconfig")
            process.send_signal(signal.SIGTERM)
            with anyio.fail_after(30):
                assert await process.wait() == 0


async def test_up_keeps_its_objects_in_the_data_directory_across_restarts(tmp_path: Path) -> None:
    from kubernetes import client, config

    data_dir = tmp_path / "state"
    made: dict[str, str] = {}

    def core(kubeconfig: Path) -> Any:
        return client.CoreV1Api(
            config.new_client_from_config(config_file=str(kubeconfig))  # type: ignore[no-untyped-call]
        )

    def create(kubeconfig: Path) -> None:
        body = client.V1Namespace(metadata=client.V1ObjectMeta(name="kept"))
        made["uid"] = core(kubeconfig).create_namespace(body).metadata.uid

    def read(kubeconfig: Path) -> None:
        made["found"] = core(kubeconfig).read_namespace("kept").metadata.uid
        port = client.V1ServicePort(port=80)
        body = client.V1Service(
            metadata=client.V1ObjectMeta(name="web"),
            spec=client.V1ServiceSpec(type="NodePort", selector={"app": "web"}, ports=[port]),
        )
        served = core(kubeconfig).create_namespaced_service("kept", body)
        made["node_port"] = served.spec.ports[0].node_port

    await _up_once(data_dir, create)
    assert (data_dir / "store.db").exists()
    # The restart is given a NodePort range of its own (kube-apiserver's flag).
    await _up_once(data_dir, read, "--service-node-port-range", "31000-31009")
    assert made["found"] == made["uid"]
    assert 31000 <= int(made["node_port"]) <= 31009
