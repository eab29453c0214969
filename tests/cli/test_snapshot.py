"""``kube-actors snapshot``: save while a cluster runs, restore into a new data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from kube_actors import Cluster
from kube_actors.api import Deployment
from kube_actors.cli import main

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: nginx}]}
"""


async def test_a_snapshot_saved_while_the_cluster_runs_restores_into_a_new_data_dir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, restored = tmp_path / "data", tmp_path / "restored"
    async with Cluster(store=f"sqlite:///{data}/store.db", nodes=1) as cluster:
        await cluster.apply(WEB)
        await cluster.wait_for(Deployment, "web", condition="Available")
        web = await cluster.client.get(Deployment, "web", namespace="default")
        # The command line, from outside, and the cluster's own, while it runs.
        assert main(["snapshot", "save", str(tmp_path / "cli.db"), "--data-dir", str(data)]) == 0
        await cluster.save_snapshot(tmp_path / "own.db")
        await cluster.scale(Deployment, "web", 3)
    assert "Snapshot saved at" in capsys.readouterr().out

    assert main(["snapshot", "restore", str(tmp_path / "cli.db"), "--data-dir", str(restored)]) == 0
    assert main(["snapshot", "restore", str(tmp_path / "own.db"), "--data-dir", str(restored)]) == 1
    assert "exists: restore into a new data directory" in capsys.readouterr().out
    async with Cluster(store=f"sqlite:///{restored}/store.db") as cluster:
        again = await cluster.client.get(Deployment, "web", namespace="default")
        assert again.metadata.uid == web.metadata.uid
        assert again.spec.replicas == 2  # as of the snapshot, not the scale after it


def test_status_refuses_a_file_that_is_not_a_snapshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a snapshot")
    assert main(["snapshot", "status", str(junk)]) == 1
    assert "is not a kube-actors store" in capsys.readouterr().out
    assert main(["snapshot", "restore", str(junk), "--data-dir", str(tmp_path / "d")]) == 1
    assert not (tmp_path / "d" / "store.db").exists()
