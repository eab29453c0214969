"""A Lease renewal on the apiserver's update path: what it stores, known from what it is.

Every kubelet renews its node's Lease every 10 s by sending back the Lease it last wrote with
only ``spec.renewTime`` moved: at 1,000 nodes a hundred updates a second, most of what an idle
cluster does. For such an update the steps of the general path have known outcomes, which
this module works out without walking the objects:

- defaulting and ``prepare_for_update`` leave it as sent: a Lease has no defaults, no
  generation and no status, and its metadata is the stored object's;
- its managedFields are the stored ones with the renewing manager's time moved, when that
  manager alone owns ``spec.renewTime`` (``record_rewrite``: what ``record_update`` gives
  for a change of values only, without comparing the objects to find that change); when the
  renewing manager's Update is the Lease's only entry (a kubelet's Lease, which nobody else
  writes), that entry with the new time and API version, without ``record_rewrite``'s
  gathering and sorting of every manager's entry (``_sole_owner_renewed``);
- its size bound is the stored Lease's (``size_bound`` writes every time at its longest),
  which passed the size check when it was written: the check would pass again;
- validation passes, as it did for the stored Lease: no rule looks at ``renewTime`` (a
  Lease's rules check its duration and transitions, its metadata's are ratcheted on an
  update and the metadata is the stored one's, and the integer ranges are of fields the
  renewal leaves as they were).

Admission and the versioned write still run, as for any update (``ApiServer``); a renewal
admission changes takes the general path, validation included.
"""

from __future__ import annotations

import datetime as dt
import operator
from typing import Any, Final

import attrs

from kube_actors.api import (
    KindInfo,
    Lease,
    LeaseSpec,
    ManagedFieldsEntry,
    ObjectMeta,
    evolver,
    record_rewrite,
)

__all__ = ["is_renewal", "renewed"]

#: The fields of a Lease's spec other than ``renewTime``, as one tuple (one C call).
_OTHER_SPEC_FIELDS: Final = operator.attrgetter(
    *(a.name for a in attrs.fields(LeaseSpec) if a.name != "renew_time")
)
#: ``evolve`` of the three objects a renewal copies, without its call (``evolver``).
_evolve_lease: Final = evolver(Lease)
_evolve_meta: Final = evolver(ObjectMeta)
_evolve_entry: Final = evolver(ManagedFieldsEntry)
#: What comparing the stored Lease with its renewal finds modified (``compare_objects``).
_RENEW_TIME: Final[dict[str, Any]] = {"f:spec": {"f:renewTime": {}}}


def is_renewal(info: KindInfo, obj: Any, current: Any) -> bool:
    """Whether the update of ``current`` to ``obj`` only moves a Lease's ``renewTime``:
    the metadata the stored one's (resourceVersion and managedFields too), the rest of the
    spec the same, a renew time on both sides and a different one."""
    if type(obj) is not Lease or type(current) is not Lease or info.default is not None:
        return False
    spec, stored = obj.spec, current.spec
    return (
        spec.renew_time is not None
        and stored.renew_time is not None
        and spec.renew_time != stored.renew_time
        # The renewing kubelet sends the very metadata it was answered, which the watch
        # cache holds too (the apiserver stamps one copy for both): mostly no comparison.
        and (obj.metadata is current.metadata or obj.metadata == current.metadata)
        and _OTHER_SPEC_FIELDS(spec) == _OTHER_SPEC_FIELDS(stored)
    )


def renewed(
    lease: Lease, *, manager: str, api_version: str, now: dt.datetime, resource_version: str
) -> Lease | None:
    """The renewal ``lease`` (``is_renewal``) with its managedFields as the update in
    ``api_version`` (the Lease kind's) records them and ``resource_version`` (the one its
    write is foreseen to get), or None when ``manager`` does not alone own ``renewTime`` (a
    first renewal by another manager): the general path then records it."""
    meta = lease.metadata
    managed = _sole_owner_renewed(meta.managed_fields, manager, api_version, now)
    if managed is None:
        managed = record_rewrite(
            meta.managed_fields,
            _RENEW_TIME,
            manager=manager,
            api_version=api_version,
            now=now,
        )
    if managed is None:
        return None
    # A renewal's foreseen resourceVersion is a new one: mostly no comparison of entries.
    if meta.resource_version == resource_version and managed == meta.managed_fields:
        return lease
    changed = _evolve_meta(meta, managed_fields=managed, resource_version=resource_version)
    return _evolve_lease(lease, metadata=changed)


def _sole_owner_renewed(
    entries: tuple[ManagedFieldsEntry, ...], manager: str, api_version: str, now: dt.datetime
) -> tuple[ManagedFieldsEntry, ...] | None:
    """What ``record_rewrite`` gives for a renewal when ``entries`` is the renewing
    manager's Update alone, owning ``renewTime``: that entry, stamped ``now`` in
    ``api_version``. None for any other managedFields (``record_rewrite`` then decides).

    It rests on what ``record_rewrite`` does with one entry: nothing to cap (one entry is
    under the limit), nobody else's entry to take ``renewTime`` from or to sort, and the
    manager's own entry built anew as an Update of its unchanged set, at ``now``."""
    match entries:
        case (entry,):  # one entry (a sequence pattern: no ``len`` call)
            fields = entry.fields_v1
        case _:
            return None
    if entry.manager != manager or entry.operation != "Update" or entry.subresource:
        return None
    # Whether the entry's set holds ``spec.renewTime`` itself (``_RENEW_TIME`` is within
    # it): a leaf, or a node that is a member itself.
    spec = fields.get("f:spec") if fields else None
    renew_time = None if spec is None else spec.get("f:renewTime")
    if renew_time is None or (renew_time and "." not in renew_time):
        return None
    if entry.api_version == api_version and entry.fields_type == "FieldsV1":
        # The usual renewal: only the time moves (one field to set in the copy).
        return entries if entry.time == now else (_evolve_entry(entry, time=now),)
    return (_evolve_entry(entry, api_version=api_version, time=now, fields_type="FieldsV1"),)
