"""A Lease renewal whose manager's Update is the Lease's only managedFields entry (every
kubelet's Lease) takes ``_renewal``'s shorter way to its managedFields: the same entries
``record_rewrite`` gives, for any such entry, and ``record_rewrite`` itself for the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_actors import Cluster
from kube_actors.api import Lease, LeaseSpec, ManagedFieldsEntry, ObjectMeta, evolve, record_rewrite
from kube_actors.apiserver import _renewal

_RENEW_TIME: dict[str, Any] = {"f:spec": {"f:renewTime": {}}}
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

#: Field sets around ``spec.renewTime``: owned as a leaf, as a member with children, as a
#: node with children only (not owned itself), absent, or beside other fields.
_field_sets = st.sampled_from(
    [
        {"f:spec": {"f:renewTime": {}}},
        {"f:spec": {"f:renewTime": {".": {}, "f:x": {}}}},
        {"f:spec": {"f:renewTime": {"f:x": {}}}},
        {"f:spec": {"f:holderIdentity": {}}},
        {"f:spec": {"f:holderIdentity": {}, "f:renewTime": {}, "f:leaseDurationSeconds": {}}},
        {"f:metadata": {"f:ownerReferences": {}}, "f:spec": {"f:renewTime": {}}},
        {"f:metadata": {"f:labels": {}}},
        {"f:spec": {}},
        {},
    ]
)
_entries = st.builds(
    ManagedFieldsEntry,
    manager=st.sampled_from(["kubelet", "other"]),
    operation=st.sampled_from(["Update", "Apply"]),
    api_version=st.sampled_from(["coordination.k8s.io/v1", "coordination.k8s.io/v1beta1"]),
    time=st.sampled_from([_EPOCH, _EPOCH + dt.timedelta(seconds=10)]),
    fields_type=st.sampled_from(["FieldsV1", ""]),
    fields_v1=_field_sets,
    subresource=st.sampled_from(["", "status"]),
)


@given(
    entries=st.lists(_entries, max_size=3).map(tuple),
    api_version=st.sampled_from(["coordination.k8s.io/v1", "coordination.k8s.io/v1beta1"]),
    seconds=st.sampled_from([0, 10, 20]),
)
def test_the_sole_owners_renewal_gives_what_record_rewrite_gives(
    entries: tuple[ManagedFieldsEntry, ...], api_version: str, seconds: int
) -> None:
    now = _EPOCH + dt.timedelta(seconds=seconds)
    short = _renewal._sole_owner_renewed(entries, "kubelet", api_version, now)
    general = record_rewrite(
        entries, _RENEW_TIME, manager="kubelet", api_version=api_version, now=now
    )
    if short is not None:
        assert short == general
    sole = len(entries) == 1 and entries[0].operation == "Update"
    if sole and not entries[0].subresource and general is not None:
        assert short is not None  # every renewal of a kubelet's own Lease takes it


def _lease(name: str) -> Lease:
    return Lease(
        metadata=ObjectMeta(name=name, namespace="kube-node-lease"),
        spec=LeaseSpec(holder_identity=name, lease_duration_seconds=40, renew_time=_EPOCH),
    )


async def test_a_kubelets_renewals_are_recorded_without_record_rewrite(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Lease's one manager renewing: its entry moves to the renewal's time, and
    ``record_rewrite`` is not asked; another manager's renewal still asks it."""
    asked: list[str] = []

    def counted(entries: Any, modified: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["manager"])
        return record_rewrite(entries, modified, **kwargs)

    monkeypatch.setattr(_renewal, "record_rewrite", counted)
    async with Cluster(controllers=(), scheduler=False, nodes=0) as cluster:
        client = cluster.client
        current = await client.create(_lease("node-a"), field_manager="kubelet")
        (created,) = current.metadata.managed_fields
        for seconds in (10, 20):
            renew = _EPOCH + dt.timedelta(seconds=seconds)
            renewal = evolve(current, spec=evolve(current.spec, renew_time=renew))
            current = await client.update(renewal, field_manager="kubelet")
            (entry,) = current.metadata.managed_fields
            assert entry == evolve(created, time=entry.time)
        assert asked == []
        renewal = evolve(current, spec=evolve(current.spec, renew_time=_EPOCH))
        await client.update(renewal, field_manager="someone-else")
        assert asked == ["someone-else"]
