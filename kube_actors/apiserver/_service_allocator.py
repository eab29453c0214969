"""ClusterIPs and NodePorts: what the apiserver hands a Service, as Kubernetes' registry does.

Kubernetes' ``pkg/registry/core/service/ipallocator`` and ``portallocator`` keep a bitmap of
the service CIDR and of the node-port range; here they are a set each:

- a ClusterIP comes from ``127.10.0.0/16`` (a loopback range of its own, apart from the
  nodes' ``127.0.x.y`` and the pods' ``127.64.0.0/10``), from a cursor that moves on past each
  allocation, so an address given back is handed out again only after the rest of the range
  went round: a kube-proxy still closing the old listener never meets its successor;
- a NodePort comes from 30000-32767 as Kubernetes' port allocator draws one: at random, from
  the upper band first (the range less its lowest ``min(max(16, size/16), 128)`` ports, which
  are left for Services that name their port), the lower band only once the upper is full;
- an explicit ``clusterIP`` or ``nodePort`` is honoured, or refused with Kubernetes' words if
  it is taken or out of range; ``clusterIP: None`` (headless) and ExternalName get no address;
- an update carries the allocated values over when the new object leaves them empty (as
  ``kubectl apply`` of the original manifest does), allocates NodePorts for ports that gained
  one, and frees what the Service no longer uses; a delete frees everything;
- at start the apiserver rebuilds the sets from the stored Services, so allocations survive a
  restart; afterwards it marks what every Service written to the store holds (``observe``),
  its own writes and other apiservers' over the same store alike, so several apiservers
  (``Cluster(control_planes=3)``, several ``kube-actors up`` on one etcd) do not hand out an
  address another one gave. Kubernetes makes that exact with a compare-and-swap on the
  allocation bitmap kept in etcd (or one ``IPAddress`` object per ClusterIP); here two
  apiservers allocating within the same store round trip may still draw one value.

Each owner is remembered (``namespace/name``), so a create that names the values the same
Service already holds is left to fail as AlreadyExists rather than as a taken address.

Writes go through a ``Reservation``: what it allocated is given back if the write fails (an
exception inside the ``with``), and what it frees is freed only once the write succeeded.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Final

from kube_actors.api import Service, ServicePort, evolve, namespaced_name
from kube_actors.errors import ApiError, FieldCause, Invalid

__all__ = [
    "DEFAULT_NODE_PORTS",
    "DEFAULT_SERVICE_CIDR",
    "Reservation",
    "ServiceAllocator",
    "parse_node_port_range",
]

DEFAULT_SERVICE_CIDR: Final = "127.10.0.0/16"
DEFAULT_NODE_PORTS: Final = (30000, 32767)
_HIGHEST_PORT: Final = 65535


def parse_node_port_range(text: str, *, field: str = "service_node_port_range") -> tuple[int, int]:
    """The first and last port of a NodePort range written as kube-apiserver's
    ``--service-node-port-range`` takes it: ``30000-32767``, ``30000+2767`` (the first and
    how many more) or one port; ``ValueError`` naming ``field``."""
    value = text.strip()
    try:
        if "-" in value and "+" not in value:
            first_text, last_text = value.split("-", 1)
            first, last = int(first_text), int(last_text)
        elif "+" in value and "-" not in value:
            first_text, more_text = value.split("+", 1)
            first = int(first_text)
            last = first + int(more_text)
        else:
            first = last = int(value)
    except ValueError:
        raise ValueError(f"{field}: unable to parse port range: {text!r}") from None
    if first < 1 or last > _HIGHEST_PORT:
        raise ValueError(f"{field}: ports must be between 1 and {_HIGHEST_PORT}: {text}")
    if last < first:
        raise ValueError(f"{field}: end port cannot be less than start port: {text}")
    return first, last


_NO_ADDRESS: Final = ("", "None")


def _needs_cluster_ip(service: Service) -> bool:
    return service.spec.type != "ExternalName" and service.spec.cluster_ip != "None"


def _needs_node_ports(service: Service) -> bool:
    return service.spec.type in ("NodePort", "LoadBalancer")


class _Range:
    """Numbers ``first..last`` handed out from a moving cursor, each with its owner."""

    def __init__(self, first: int, last: int, *, skip: Callable[[int], bool] | None = None):
        self.first, self.last = first, last
        self._skip = skip or (lambda _: False)
        self._owners: dict[int, str] = {}
        self._cursor = first
        self._size: int | None = None

    @property
    def size(self) -> int:
        """How many numbers the range holds; counted when first asked (a /16 of ClusterIPs
        is 65,000 checks, which every apiserver start would otherwise pay)."""
        if self._size is None:
            self._size = sum(1 for n in range(self.first, self.last + 1) if not self._skip(n))
        return self._size

    def __contains__(self, value: int) -> bool:
        return self.first <= value <= self.last and not self._skip(value)

    def owner(self, value: int) -> str | None:
        return self._owners.get(value)

    def take(self, value: int, owner: str) -> None:
        self._owners[value] = owner

    def give_back(self, value: int, owner: str) -> None:
        if self._owners.get(value) == owner:
            del self._owners[value]

    def next_free(self, owner: str) -> int | None:
        if len(self._owners) >= self.size:
            return None
        span = self.last - self.first + 1
        for step in range(span):
            value = self.first + (self._cursor - self.first + step) % span
            if value not in self._owners and not self._skip(value):
                self._cursor = self.first + (value - self.first + 1) % span
                self._owners[value] = owner
                return value
        return None

    def random_free(self, owner: str, rng: random.Random) -> int | None:
        """A free number drawn as Kubernetes' ``randomScanStrategyWithOffset``: a random
        start in the upper band, scanning on (and round) to a free one; then the lower band."""
        span = self.last - self.first + 1
        offset = 0 if span < 16 else min(max(16, span // 16), 128)
        for low, high in ((self.first + offset, self.last), (self.first, self.first + offset - 1)):
            width = high - low + 1
            if width <= 0:
                continue
            start = rng.randrange(width)
            for step in range(width):
                value = low + (start + step) % width
                if value not in self._owners and not self._skip(value):
                    self._owners[value] = owner
                    return value
        return None

    def used(self) -> int:
        return len(self._owners)


class ServiceAllocator:
    """The apiserver's ClusterIP and NodePort allocators."""

    def __init__(
        self,
        service_cidr: str = DEFAULT_SERVICE_CIDR,
        node_ports: tuple[int, int] = DEFAULT_NODE_PORTS,
    ) -> None:
        network = ipaddress.IPv4Network(service_cidr)
        self.service_cidr = str(network)
        self.node_ports = node_ports
        self.node_port_range = f"{node_ports[0]}-{node_ports[1]}"
        self.ips = _Range(
            int(network.network_address) + 1,
            int(network.broadcast_address) - 1,
            skip=lambda n: n & 0xFF in (0, 255),  # nothing that looks like a network
        )
        self.ports = _Range(node_ports[0], node_ports[1])
        #: Where NodePorts are drawn from; the apiserver gives its seeded generator.
        self.rng = random.Random(0)

    def rebuild(self, services: Iterable[Service]) -> None:
        """Mark what the stored Services hold (at start, before any write)."""
        for service in services:
            owner = namespaced_name(service)
            ip = service.spec.cluster_ip
            if ip not in _NO_ADDRESS:
                value = _ip_value(ip)
                if value is not None and value in self.ips:
                    self.ips.take(value, owner)
            for port in service.spec.ports:
                if port.node_port and port.node_port in self.ports:
                    self.ports.take(port.node_port, owner)

    def observe(self, old: Service | None, new: Service | None) -> None:
        """A Service changed in the store (written by any apiserver): what ``old`` held and
        ``new`` no longer does is free, what ``new`` holds is taken."""
        if old is not None:
            self.release(old)
        if new is not None:
            self.rebuild((new,))

    def reserving(self) -> Reservation:
        """A reservation for one write: ``with allocator.reserving() as r: obj = r.create(obj)``."""
        return Reservation(self)

    def release(self, obj: Any) -> None:
        """Free what a deleted Service held (anything else is ignored)."""
        if not isinstance(obj, Service):
            return
        owner = namespaced_name(obj)
        value = _ip_value(obj.spec.cluster_ip)
        if value is not None:
            self.ips.give_back(value, owner)
        for port in obj.spec.ports:
            if port.node_port:
                self.ports.give_back(port.node_port, owner)


class Reservation:
    """Allocations for one write: undone if the write fails, releases done if it succeeds."""

    def __init__(self, allocator: ServiceAllocator) -> None:
        self.allocator = allocator
        self._taken: list[tuple[_Range, int, str]] = []
        self._freed: list[tuple[_Range, int, str]] = []

    def __enter__(self) -> Reservation:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            for pool, value, owner in self._taken:
                pool.give_back(value, owner)
        else:
            for pool, value, owner in self._freed:
                pool.give_back(value, owner)
        self._taken.clear()
        self._freed.clear()

    def cancel(self) -> None:
        """Undo this reservation now (a dry run): what it took goes back, nothing is freed."""
        for pool, value, owner in self._taken:
            pool.give_back(value, owner)
        self._taken.clear()
        self._freed.clear()

    # ------------------------------------------------------------------------ writes

    def create(self, obj: Any) -> Any:
        """A new Service with its ClusterIP and NodePorts (anything else as it is)."""
        if not isinstance(obj, Service):
            return obj
        return self._allocate(obj, None)

    def update(self, new: Any, old: Any) -> Any:
        """The updated Service with the values it keeps, and any new NodePorts."""
        if not isinstance(new, Service) or not isinstance(old, Service):
            return new
        new = _carry_over(new, old)
        new = self._allocate(new, old)
        owner = namespaced_name(old)
        kept_ports = {p.node_port for p in new.spec.ports if p.node_port}
        for port in old.spec.ports:
            if port.node_port and port.node_port not in kept_ports:
                self._freed.append((self.allocator.ports, port.node_port, owner))
        old_ip = _ip_value(old.spec.cluster_ip)
        if old_ip is not None and old.spec.cluster_ip != new.spec.cluster_ip:
            self._freed.append((self.allocator.ips, old_ip, owner))
        return new

    # -------------------------------------------------------------------- allocation

    def _allocate(self, service: Service, old: Service | None) -> Service:
        owner = namespaced_name(service)
        spec = service.spec
        causes: list[FieldCause] = []
        cluster_ip = spec.cluster_ip
        if not _needs_cluster_ip(service):
            if spec.type == "ExternalName":
                cluster_ip = ""
        elif not cluster_ip:
            cluster_ip = self._any_ip(owner)
        elif old is None or old.spec.cluster_ip != cluster_ip:
            causes.extend(self._this_ip(cluster_ip, owner))
        ports: list[ServicePort] = []
        for i, port in enumerate(spec.ports):
            if not _needs_node_ports(service):
                ports.append(port)
                continue
            held = old is not None and any(p.node_port == port.node_port for p in old.spec.ports)
            if not port.node_port:
                port = evolve(port, node_port=self._any_port(owner))
            elif not held:
                causes.extend(self._this_port(port.node_port, owner, i))
            ports.append(port)
        if causes:
            raise Invalid.for_object("Service", service.metadata.name, causes)
        cluster_ips = (cluster_ip,) if cluster_ip else ()
        return evolve(
            service,
            spec=evolve(spec, cluster_ip=cluster_ip, cluster_ips=cluster_ips, ports=ports),
        )

    def _any_ip(self, owner: str) -> str:
        value = self.allocator.ips.next_free(owner)
        if value is None:
            raise ApiError("Internal error occurred: failed to allocate a serviceIP: range is full")
        self._taken.append((self.allocator.ips, value, owner))
        return str(ipaddress.IPv4Address(value))

    def _this_ip(self, ip: str, owner: str) -> list[FieldCause]:
        pool = self.allocator.ips
        value = _ip_value(ip)
        at = "spec.clusterIPs[0]"
        if value is None or value not in pool:
            detail = (
                f"failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. "
                f"The range of valid IPs is {self.allocator.service_cidr}"
            )
            return [_invalid(at, f'"{ip}"', detail)]
        holder = pool.owner(value)
        if holder == owner:
            return []  # the same Service holds it: the write will fail as AlreadyExists
        if holder is not None:
            detail = f"failed to allocate IP {ip}: provided IP is already allocated"
            return [_invalid(at, f'"{ip}"', detail)]
        pool.take(value, owner)
        self._taken.append((pool, value, owner))
        return []

    def _any_port(self, owner: str) -> int:
        value = self.allocator.ports.random_free(owner, self.allocator.rng)
        if value is None:
            raise ApiError("Internal error occurred: failed to allocate a nodePort: range is full")
        self._taken.append((self.allocator.ports, value, owner))
        return value

    def _this_port(self, port: int, owner: str, index: int) -> list[FieldCause]:
        pool = self.allocator.ports
        at = f"spec.ports[{index}].nodePort"
        if port not in pool:
            detail = (
                "provided port is not in the valid range. The range of valid ports is "
                f"{self.allocator.node_port_range}"
            )
            return [_invalid(at, str(port), detail)]
        holder = pool.owner(port)
        if holder == owner:
            return []
        if holder is not None:
            return [_invalid(at, str(port), "provided port is already allocated")]
        pool.take(port, owner)
        self._taken.append((pool, port, owner))
        return []


def _carry_over(new: Service, old: Service) -> Service:
    """Kubernetes' patchAllocatedValues: what the update leaves empty, the old object had."""
    spec = new.spec
    cluster_ip = spec.cluster_ip
    if not cluster_ip and spec.type != "ExternalName" and old.spec.cluster_ip:
        cluster_ip = old.spec.cluster_ip
    ports = list(spec.ports)
    if _needs_node_ports(new) and _needs_node_ports(old):
        for i, port in enumerate(ports):
            if port.node_port:
                continue
            for previous in old.spec.ports:
                same = (previous.port, previous.protocol) == (port.port, port.protocol)
                if same and previous.node_port:
                    ports[i] = evolve(port, node_port=previous.node_port)
                    break
    if cluster_ip == spec.cluster_ip and ports == list(spec.ports):
        return new
    return evolve(new, spec=evolve(spec, cluster_ip=cluster_ip, ports=ports))


def _invalid(field: str, value: str, detail: str) -> FieldCause:
    return FieldCause(field=field, message=f"Invalid value: {value}: {detail}")


def _ip_value(ip: str) -> int | None:
    if ip in _NO_ADDRESS:
        return None
    try:
        return int(ipaddress.IPv4Address(ip))
    except ValueError:
        return None
