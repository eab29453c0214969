"""Validation of a Pod's status write, as Kubernetes' ``ValidatePodStatusUpdate`` does it.

The status strategy puts the stored spec back before validating (a status write cannot
change the spec), so only the status is checked here: custom condition types, the pod and
host IPs, the nominated node, the QoS class (immutable), and that a container which may
not restart stays terminated. Kubernetes does not check container statuses against the
spec's containers, nor a condition's status: neither is checked here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Final

from kube_actors.errors import FieldCause

from . import _checks as c
from . import _field as f
from ._container import ContainerStatus
from ._names import is_dns1123_subdomain
from ._pod import Pod, PodSpec, PodStatus

__all__ = ["validate_pod_status"]

Causes = list[FieldCause]

#: The conditions the system sets, whose types are not checked (``validatePodConditions``).
_SYSTEM_CONDITIONS: Final = frozenset({"PodScheduled", "Ready", "Initialized"})
_IP_DETAIL: Final = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
_FAMILY_DETAIL: Final = "may specify no more than one IP for each IP family"
_NOT_TERMINATED: Final = "may not be transitioned to non-terminated state"


def validate_pod_status(pod: Pod, old: Pod) -> Causes:
    """The problems of ``pod``'s status, written over ``old`` (``pod`` has ``old``'s spec).

    Every status write of every Pod comes here: each check is begun only when it can
    fail (the types checked before are remembered by ``qualified_names``, an unchanged
    value was checked when it was written)."""
    status, old_status = pod.status, old.status
    custom = [x.type for x in status.conditions if x.type not in _SYSTEM_CONDITIONS]
    causes = _condition_types(status) if custom and c.qualified_names("", custom) else []
    nominated = status.nominated_node_name
    if nominated and nominated != old_status.nominated_node_name:
        causes.extend(
            f.invalid("status.nominatedNodeName", nominated, problem)
            for problem in is_dns1123_subdomain(nominated)
        )
    if status.qos_class != old_status.qos_class:
        causes.extend(c.immutable("status.qosClass", status.qos_class, old_status.qos_class))
    spec = old.spec
    if old_status.container_statuses and spec.restart_policy != "Always":
        causes.extend(
            _state_transitions(
                status.container_statuses,
                old_status.container_statuses,
                "status.containerStatuses",
                spec.restart_policy,
            )
        )
    if old_status.init_container_statuses:
        causes.extend(_init_state_transitions(status, old_status, spec))
    if status.pod_ip != old_status.pod_ip or status.pod_ips != old_status.pod_ips:
        causes.extend(_pod_ips(status))
    if status.host_ip != old_status.host_ip or status.host_ips != old_status.host_ips:
        causes.extend(_host_ips(status))
    return causes


def _condition_types(status: PodStatus) -> Causes:
    """``validatePodConditions``: a type the system does not set must be a qualified name.
    Kubernetes hands it the path "metadata" (and names the field "Type"): its causes are
    spelled so."""
    causes: Causes = []
    for i, condition in enumerate(status.conditions):
        if condition.type not in _SYSTEM_CONDITIONS:
            at = f.child(f.index("metadata.conditions", i), "Type")
            causes.extend(c.qualified_names(at, (condition.type,)))
    return causes


def _state_transitions(
    new: Sequence[ContainerStatus],
    old: Sequence[ContainerStatus],
    path: str,
    restart_policy: str,
    sidecars: frozenset[str] = frozenset(),
) -> Causes:
    """``ValidateContainerStateTransition``: a terminated container that may not restart
    (a restart policy of Never, or OnFailure after a success) may not leave that state."""
    if restart_policy == "Always":
        return []
    causes: Causes = []
    for i, before in enumerate(old):
        terminated = before.state.terminated
        if terminated is None or before.name in sidecars:
            continue
        if terminated.exit_code != 0 and restart_policy == "OnFailure":
            continue
        for after in new:
            if after.name == before.name and after.state.terminated is None:
                causes.append(f.forbidden(f.child(f.index(path, i), "state"), _NOT_TERMINATED))
    return causes


def _init_state_transitions(status: PodStatus, old: PodStatus, spec: PodSpec) -> Causes:
    """The same for init containers, but for sidecars (restartable init containers)."""
    sidecars = frozenset(x.name for x in spec.init_containers if x.restart_policy == "Always")
    return _state_transitions(
        status.init_container_statuses,
        old.init_container_statuses,
        "status.initContainerStatuses",
        spec.restart_policy,
        sidecars,
    )


def _pod_ips(status: PodStatus) -> Causes:
    """``validatePodIPs``."""
    ips = _converted(status.pod_ip, [x.ip for x in status.pod_ips])
    if not ips:
        return []
    path = "status.podIPs"
    causes = _invalid_ips(path, ips)
    if len(ips) > 1:
        causes.extend(_families(path, ips))
        causes.extend(_duplicates(path, ips))
    return causes


def _host_ips(status: PodStatus) -> Causes:
    """``validateHostIPs``: as ``validatePodIPs``, and the first must be the hostIP."""
    ips = _converted(status.host_ip, [x.ip for x in status.host_ips])
    if not ips:
        return []
    path = "status.hostIPs"
    causes: Causes = []
    if status.host_ip != ips[0]:
        at = f.child(f.index(path, 0), "ip")
        causes.append(f.invalid(at, ips[0], "must be equal to `hostIP`"))
    causes.extend(_invalid_ips(path, ips))
    if len(ips) > 1:
        causes.extend(_duplicates(path, ips))
        causes.extend(_families(path, ips))
    return causes


def _converted(ip: str, ips: list[str]) -> list[str]:
    """The IPs Kubernetes converts a v1 status to, and validates: the list, or ``[ip]``
    when the single field is set and the list is empty or starts elsewhere (it wins)."""
    if ip and (not ips or ips[0] != ip):
        return [ip]
    return ips


def _invalid_ips(path: str, ips: list[str]) -> Causes:
    return [f.invalid(f.index(path, i), ip, _IP_DETAIL) for i, ip in enumerate(ips) if not _ip(ip)]


def _families(path: str, ips: list[str]) -> Causes:
    if _dual_stack(ips) and len(ips) <= 2:
        return []
    return [f.invalid(path, [{"ip": ip} for ip in ips], _FAMILY_DETAIL)]


def _duplicates(path: str, ips: list[str]) -> Causes:
    seen: set[str] = set()
    causes: Causes = []
    for i, ip in enumerate(ips):
        if ip in seen:
            causes.append(f.duplicate(f.index(path, i), {"ip": ip}))
        seen.add(ip)
    return causes


def _parsed(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address Go's ``netutils.ParseIPSloppy`` reads, or None: IPv4 octets may have
    leading zeros (read as decimal); no IPv6 zone (``%eth0``)."""
    if "%" in value:
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        parts = value.split(".")
        if len(parts) != 4 or not all(p.isdigit() and p.isascii() for p in parts):
            return None
        try:
            return ipaddress.IPv4Address(".".join(str(int(p)) for p in parts))
        except ValueError:
            return None


def _ip(value: str) -> bool:
    # A dotted-quad IPv4 address (a cluster's pod and host IPs) is told by one match,
    # where parsing it costs ipaddress' dozens of calls; anything else is parsed.
    return _IPV4.fullmatch(value) is not None or _parsed(value) is not None


#: An IPv4 address as Go's sloppy parser reads it: four decimal octets up to 255, leading
#: zeros allowed.
_OCTET = r"0*(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4: Final = re.compile(rf"{_OCTET}(?:\.{_OCTET}){{3}}", re.ASCII)


def _dual_stack(ips: list[str]) -> bool:
    """``netutils.IsDualStackIPStrings``: both an IPv4 and an IPv6 address among them
    (an IPv4-mapped IPv6 address counts as IPv4, as Go reads it)."""
    families = set()
    for ip in ips:
        parsed = _parsed(ip)
        if parsed is None:
            return False  # Go reports an error, then the family cause
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            families.add(4)
        else:
            families.add(parsed.version)
    return families == {4, 6}
