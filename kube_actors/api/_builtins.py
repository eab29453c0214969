"""Registers Kubernetes' built-in kinds, with their defaulting and validation hooks."""

from __future__ import annotations

from ._apps import DaemonSet, Deployment, ReplicaSet, StatefulSet
from ._batch import Job
from ._core import Binding, Event, Lease, Namespace, PriorityClass, ServiceAccount
from ._node import Node
from ._pod import Pod
from ._registry import register_kind
from ._service import Endpoints, Service

__all__: list[str] = []

register_kind(Namespace, namespaced=False)
register_kind(Node, namespaced=False)
register_kind(Pod)
register_kind(Service)
register_kind(Endpoints, plural="endpoints")
register_kind(ServiceAccount)
register_kind(Event)
register_kind(Binding)
register_kind(Deployment)
register_kind(ReplicaSet)
register_kind(DaemonSet)
register_kind(StatefulSet)
register_kind(Job)
register_kind(Lease)
register_kind(PriorityClass, namespaced=False)
