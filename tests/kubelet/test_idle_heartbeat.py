"""An idle kubelet's heartbeat: the Lease renewed every 10 s, and the node's status checked
against the watched Node without entering the report (nothing to report), until the report
is due again (5 minutes) or the status differs."""

from __future__ import annotations

import gc
from types import MethodType
from typing import Any

import pytest

from kube_actors import Cluster
from kube_actors.api import Lease, Node, evolve
from kube_actors.kubelet import Kubelet


async def test_an_idle_kubelet_reports_its_status_only_when_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    general = Kubelet._report_node_status
    entered: list[str] = []

    async def counted(self: Kubelet, *args: Any, **kwargs: Any) -> None:
        entered.append(self.node.name)
        await general(self, *args, **kwargs)

    monkeypatch.setattr(Kubelet, "_report_node_status", counted)
    async with Cluster(nodes=2, clock="virtual") as cluster:
        await cluster.settle()
        # Until its Node watch has delivered a batch (the first bookmark, at a minute) the
        # kubelet reads the Node to check it: the report is entered, as it always was.
        await cluster.settle(horizon=60)
        leases = await cluster.client.list(Lease, namespace="kube-node-lease")
        names = sorted(lease.metadata.name for lease in leases)
        entered.clear()
        await cluster.settle(horizon=60)
        assert entered == []  # six heartbeats each, nothing to report
        renewed = await cluster.client.list(Lease, namespace="kube-node-lease")
        renewals = zip(leases, renewed, strict=True)
        assert all(new.spec.renew_time != old.spec.renew_time for old, new in renewals)
        await cluster.settle(horizon=200)
        assert sorted(entered) == names  # the report due every 5 minutes

        # A status that is not what the kubelet reports is reported at the next heartbeat.
        node = await cluster.client.get(Node, names[-1])
        ready = [c for c in node.status.conditions if c.type == "Ready"]
        wrong = [evolve(c, status="Unknown") for c in ready]
        others = [c for c in node.status.conditions if c.type != "Ready"]
        await cluster.client.update_status(
            evolve(node, status=evolve(node.status, conditions=(*others, *wrong)))
        )
        entered.clear()
        await cluster.settle(horizon=10)
        assert entered == [names[-1]]
        node = await cluster.client.get(Node, names[-1])
        assert [c.status for c in node.status.conditions if c.type == "Ready"] == ["True"]


async def test_an_idle_heartbeat_leaves_no_new_kubelet_callback_behind() -> None:
    # What a heartbeat leaves alive is what the collector's oldest generation grows by, and
    # its full collections rescan the whole cluster each time it has grown by a quarter:
    # the kubelet's callbacks are bound once, not for each timer and renewal.
    async with Cluster(nodes=3, clock="virtual") as cluster:
        await cluster.settle()
        await cluster.settle(horizon=65)
        before = await cluster.client.list(Lease, namespace="kube-node-lease")
        was_enabled = gc.isenabled()
        gc.collect()  # every object alive moves to the oldest generation
        gc.disable()  # and only what is made from now on is young
        try:
            await cluster.settle(horizon=10)
            young = gc.get_objects(0) + gc.get_objects(1)
            callbacks = [
                o for o in young if type(o) is MethodType and isinstance(o.__self__, Kubelet)
            ]
            del young
        finally:
            if was_enabled:
                gc.enable()
        after = await cluster.client.list(Lease, namespace="kube-node-lease")
    renewals = zip(before, after, strict=True)
    assert all(new.spec.renew_time != old.spec.renew_time for old, new in renewals)
    assert callbacks == []
