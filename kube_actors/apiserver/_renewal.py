"""A Lease renewal on the apiserver's update path: what it stores, known from what it is.

Every kubelet renews its node's Lease every 10 s by sending back the Lease it last wrote with
only ``spec.renewTime`` moved: at 1,000 nodes a hundred updates a second, most of what an idle
cluster does. For such an update the steps of the general path have known outcomes, which
this module works out without walking the objects:

- defaulting and ``prepare_for_update`` leave it as sent: a Lease has no defaults, no
  generation and no status, and its metadata is the stored object's;
- its managedFields are the stored ones with the renewing manager's time moved, when that
  manager alone owns ``spec.renewTime`` (``record_rewrite``: what ``record_update`` gives
  for a change of values only, without comparing the objects to find that change);
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

from kube_actors.api import KindInfo, Lease, LeaseSpec, evolve, record_rewrite

__all__ = ["is_renewal", "renewed"]

#: The fields of a Lease's spec other than ``renewTime``, as one tuple (one C call).
_OTHER_SPEC_FIELDS: Final = operator.attrgetter(
    *(a.name for a in attrs.fields(LeaseSpec) if a.name != "renew_time")
)
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
        and obj.metadata == current.metadata
        and _OTHER_SPEC_FIELDS(spec) == _OTHER_SPEC_FIELDS(stored)
    )


def renewed(info: KindInfo, lease: Lease, *, manager: str, now: dt.datetime) -> Lease | None:
    """The renewal ``lease`` (``is_renewal``) with its managedFields as the update records
    them, or None when ``manager`` does not alone own ``renewTime`` (a first renewal by
    another manager): the general path then records it."""
    meta = lease.metadata
    managed = record_rewrite(
        meta.managed_fields,
        _RENEW_TIME,
        manager=manager,
        api_version=info.api_version,
        now=now,
    )
    if managed is None:
        return None
    if managed == meta.managed_fields:
        return lease
    return evolve(lease, metadata=evolve(meta, managed_fields=managed))
