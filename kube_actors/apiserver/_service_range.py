"""The cluster's Service range, recorded in the store as kube-apiserver records it.

kube-apiserver keeps its ClusterIP allocator in etcd under ``/registry/ranges/serviceips``: a
``RangeAllocation`` whose ``range`` is the ``--service-cluster-ip-range`` the cluster was made
with. Every API server of the cluster reads it; one started with another range refuses to run
("the provided network does not match the current range"), because the ClusterIPs the
Services hold belong to the stored one. The same holds here, with the range alone (the
allocations themselves are rebuilt from the Services, ``_service_allocator``):

- the first API server on an empty store records its range (``record_service_range``, a
  compare-and-swap: of two starting at once on one store, the first write wins and the other
  allocates from it);
- a control plane given no range (``Cluster()`` without ``service_cidr``, ``kube-actors up``
  without ``--service-cluster-ip-range``) takes the recorded one: a restart keeps its
  ClusterIPs, and every process of one cluster over a shared etcd uses the same range;
- one given a range that differs from the recorded one is refused (``check_service_range``:
  ``ServiceRangeMismatch``, which names both ranges and what to do).
"""

from __future__ import annotations

import ipaddress
from typing import Final

from kube_actors.actors import ActorRef
from kube_actors.errors import ServiceRangeMismatch
from kube_actors.etcd import Compare, Put, Range, RangeResponse, Txn

from ._keys import ROOT

__all__ = [
    "SERVICE_RANGE_KEY",
    "check_service_range",
    "first_service_ip",
    "parse_service_cidr",
    "record_service_range",
    "recorded_service_range",
]

#: Where kube-apiserver keeps the ClusterIP allocator's range.
SERVICE_RANGE_KEY: Final = f"{ROOT}ranges/serviceips"

#: kube-apiserver refuses IPv4 service ranges wider than a /12 (its bitmap would be too big).
_WIDEST_PREFIX: Final = 12


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


def check_service_range(given: str, recorded: str | None) -> None:
    """``ServiceRangeMismatch`` if the store records a range other than the ``given`` one."""
    if recorded is None or recorded == given:
        return
    raise ServiceRangeMismatch(
        f"the Service range {given} (service_cidr, --service-cluster-ip-range) does not "
        f"match the range this cluster's store holds, {recorded}: its Services' ClusterIPs "
        f"are in {recorded}. Give every control plane of the cluster {recorded}, or no range "
        "at all to use the stored one"
    )


async def recorded_service_range(etcd: ActorRef) -> str | None:
    """The range the store holds, None if it holds none (a cluster that never started)."""
    return _range_of(await etcd.ask(Range(key=SERVICE_RANGE_KEY)))


async def record_service_range(etcd: ActorRef, cidr: str) -> str:
    """Record ``cidr`` if the store holds no range yet; the range it holds then."""
    answer = await etcd.ask(
        Txn(
            compare=[Compare.create_revision(SERVICE_RANGE_KEY, "=", 0)],
            success=[Put(key=SERVICE_RANGE_KEY, value=_record(cidr))],
            failure=[Range(key=SERVICE_RANGE_KEY)],
        )
    )
    if answer.succeeded:
        return cidr
    [found] = answer.responses
    assert isinstance(found, RangeResponse)
    return _range_of(found) or cidr


def _record(cidr: str) -> dict[str, str]:
    return {"apiVersion": "v1", "kind": "RangeAllocation", "range": cidr}


def _range_of(found: RangeResponse) -> str | None:
    if not found.kvs:
        return None
    value = found.kvs[0].value
    cidr = value.get("range") if isinstance(value, dict) else None
    return str(cidr) if cidr else None
