"""Packing endpoints into EndpointSlices with little churn: the plan of one port set.

Kubernetes' EndpointSlice reconciler (``pkg/controller/endpointslice/reconciler.go`` and
``staging/.../endpointslice/reconciler.go``) changes as few slices as it can when endpoints
come and go, so that kube-proxies re-read little. ``plan_slices`` plans the slices of one set
of ports in the same spirit:

1. every existing slice keeps the endpoints that are still wanted (updated in place when they
   changed) and drops the rest; a slice that changed is to be updated, one left empty is to
   be deleted;
2. the endpoints no slice holds yet fill the slices being updated anyway, then the existing
   slices with room, then slices being deleted (reused instead of deleted and created), and
   last new slices of at most ``max_per_slice``. (Kubernetes creates the new slices before
   it tops up unchanged ones; filling first writes fewer objects, which is what it aims at.)

Endpoints are keyed by their first address; within a slice they keep their order, new ones
are appended in address order, so the same inputs always give the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from ..api import Endpoint, EndpointSlice

__all__ = ["SlicePlan", "endpoint_key", "plan_slices"]


def endpoint_key(endpoint: Endpoint) -> str:
    return endpoint.addresses[0] if endpoint.addresses else ""


@attrs.frozen(kw_only=True)
class SlicePlan:
    """What to write for one port set: endpoints of new slices, changed and deleted slices."""

    create: tuple[tuple[Endpoint, ...], ...] = ()
    #: Existing slices (by name) and the endpoints they are to hold from now on.
    update: Mapping[str, tuple[Endpoint, ...]] = attrs.field(factory=dict)
    delete: tuple[str, ...] = ()


def plan_slices(
    existing: Sequence[EndpointSlice],
    desired: Mapping[str, Endpoint],
    *,
    max_per_slice: int,
) -> SlicePlan:
    """The least churn that makes ``existing`` hold exactly ``desired`` (keyed by address)."""
    pending = dict(desired)
    held: dict[str, list[Endpoint]] = {}
    changed: list[str] = []
    emptied: list[str] = []
    unchanged: list[str] = []
    for slice_ in existing:
        name = slice_.metadata.name
        kept: list[Endpoint] = []
        for endpoint in slice_.endpoints:
            key = endpoint_key(endpoint)
            wanted = pending.pop(key, None)
            if wanted is not None:
                kept.append(wanted)
        held[name] = kept
        if not kept:
            emptied.append(name)
        elif tuple(kept) != slice_.endpoints:
            changed.append(name)
        else:
            unchanged.append(name)
    new = [pending[k] for k in sorted(pending)]
    # Fill the slices being written anyway, then those with room, then reuse emptied ones.
    for name in (*changed, *unchanged, *emptied):
        room = max_per_slice - len(held[name])
        if not new or room <= 0:
            continue
        held[name].extend(new[:room])
        del new[:room]
        if name in unchanged:
            unchanged.remove(name)
            changed.append(name)
        elif name in emptied:
            emptied.remove(name)
            changed.append(name)
    create = tuple(tuple(new[i : i + max_per_slice]) for i in range(0, len(new), max_per_slice))
    return SlicePlan(
        create=create,
        update={name: tuple(held[name]) for name in changed},
        delete=tuple(emptied),
    )
