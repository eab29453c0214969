"""The cluster's Service range, recorded in the store as kube-apiserver records it.

kube-apiserver keeps its ClusterIP allocator in etcd under ``/registry/ranges/serviceips``: a
``RangeAllocation`` whose ``range`` is the ``--service-cluster-ip-range`` the cluster was made
with. Every API server of the cluster reads it; one started with another range refuses to run
("the provided network does not match the current range"), because the ClusterIPs the
Services hold belong to the stored one. The same holds here, with the range alone (the
allocations themselves are rebuilt from the Services, ``_service_allocator``):

- the first control plane on an empty store records its range;
- a control plane given no range (``Cluster()`` without ``service_cidr``, ``kube-actors up``
  without ``--service-cluster-ip-range``) takes the recorded one: a restart keeps its
  ClusterIPs, and every process of one cluster over a shared etcd uses the same range;
- a control plane given a range that differs from the recorded one is refused with
  ``ServiceRangeMismatch``, which says both ranges and what to do.
"""

from __future__ import annotations

import ipaddress
from typing import Final

import attrs

from kube_actors.actors import ActorRef
from kube_actors.errors import ServiceRangeMismatch
from kube_actors.etcd import Compare, Put, Range, Txn

from ._keys import ROOT

__all__ = [
    "SERVICE_RANGE_KEY",
    "WantedServiceRange",
    "agree_service_range",
    "first_service_ip",
    "parse_service_cidr",
    "recorded_service_range",
]

#: Where kube-apiserver keeps the ClusterIP allocator's range.
SERVICE_RANGE_KEY: Final = f"{ROOT}ranges/serviceips"

#: kube-apiserver refuses IPv4 service ranges wider than a /12 (its bitmap would be too big).
_WIDEST_PREFIX: Final = 12


@attrs.frozen(kw_only=True)
class WantedServiceRange:
    """The range a control plane starts with: ``cidr``, and whether it was ``given`` (by
    the user: it must match the recorded one) or only proposed (the recorded one wins)."""

    cidr: str
    given: bool


def parse_service_cidr(cidr: str, *, field: str = "service_cidr") -> str:
    """``cidr`` in its normal form (``127.11.0.0/16``); ``ValueError`` naming ``field``."""
    try:
        network = ipaddress.IPv4Network(cidr)
    except ValueError as error:
        raise ValueError(f"{field}: {cidr!r} is not an IPv4 network ({error})") from None
    if network.prefixlen < _WIDEST_PREFIX:
        raise ValueError(
            f"{field}: {cidr} is too large; for 32-bit addresses, the mask must be >= "
            f"{_WIDEST_PREFIX}"
        )
    if network.num_addresses < 4:
        raise ValueError(f"{field}: {cidr} holds no address for a Service (use /30 or wider)")
    return str(network)


def first_service_ip(cidr: str) -> str:
    """The first address of the range, which Kubernetes keeps for the ``kubernetes`` Service."""
    return str(ipaddress.IPv4Network(cidr).network_address + 1)


async def agree_service_range(etcd: ActorRef, wanted: WantedServiceRange) -> str:
    """The range the cluster runs with: the recorded one, or ``wanted`` recorded now if the
    store holds none (a compare-and-swap, so two control planes starting at once on an empty
    store agree on the first one written). ``ServiceRangeMismatch`` if ``wanted`` was given
    and the store holds another."""
    recorded = await recorded_service_range(etcd)
    if recorded is None:
        written = await etcd.ask(
            Txn(
                compare=[Compare.create_revision(SERVICE_RANGE_KEY, "=", 0)],
                success=[Put(key=SERVICE_RANGE_KEY, value=_record(wanted.cidr))],
            )
        )
        recorded = wanted.cidr if written.succeeded else await recorded_service_range(etcd)
    if recorded is None or recorded == wanted.cidr or not wanted.given:
        return recorded or wanted.cidr
    raise ServiceRangeMismatch(
        f"the Service range {wanted.cidr} (service_cidr, --service-cluster-ip-range) does "
        f"not match the range this cluster's store holds, {recorded}: its Services' ClusterIPs "
        f"are in {recorded}. Give every control plane of the cluster {recorded}, or no range "
        "at all to use the stored one"
    )


def _record(cidr: str) -> dict[str, str]:
    return {"apiVersion": "v1", "kind": "RangeAllocation", "range": cidr}


async def recorded_service_range(etcd: ActorRef) -> str | None:
    """The range the store holds, None if it holds none (a cluster that never started)."""
    found = await etcd.ask(Range(key=SERVICE_RANGE_KEY))
    if not found.kvs:
        return None
    value = found.kvs[0].value
    cidr = value.get("range") if isinstance(value, dict) else None
    return str(cidr) if cidr else None
