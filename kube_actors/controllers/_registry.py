"""The built-in controllers by name, in the order kube-controller-manager starts them.

Each controller module adds itself here with one line: ``"name": module``. Every module
follows one template: ``COMPONENT`` (the client's and the Events' source name, as
kube-controller-manager names the controller), ``WORKERS``, keyword-only reconciler
constructors, a per-reconcile ``_Sync`` where one is needed, and ``controller(context)`` last.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from . import (
    clusterroleaggregation,
    cronjob,
    csrapproving,
    csrsigning,
    daemonset,
    deployment,
    disruption,
    endpoints,
    endpointslice,
    endpointslicemirroring,
    garbagecollector,
    horizontal,
    job,
    namespace,
    nodelifecycle,
    persistentvolume,
    podgc,
    replicaset,
    resourcequota,
    serviceaccount,
    statefulset,
    ttl_after_finished,
)
from ._context import BuiltinController

__all__ = ["BUILTIN_COMPONENTS", "BUILTIN_CONTROLLERS"]

_MODULES: Mapping[str, ModuleType] = {
    "nodelifecycle": nodelifecycle,
    "replicaset": replicaset,
    "deployment": deployment,
    "daemonset": daemonset,
    "job": job,
    "cronjob": cronjob,
    "statefulset": statefulset,
    "endpoints": endpoints,
    "endpointslice": endpointslice,
    "endpointslicemirroring": endpointslicemirroring,
    "persistentvolume-binder": persistentvolume,
    "ttl-after-finished": ttl_after_finished,
    "disruption": disruption,
    "horizontalpodautoscaling": horizontal,
    "podgc": podgc,
    "resourcequota": resourcequota,
    "serviceaccount": serviceaccount,
    "namespace": namespace,
    "garbagecollector": garbagecollector,
    "clusterrole-aggregation": clusterroleaggregation,
    "csrsigning": csrsigning,
    "csrapproving": csrapproving,
}

BUILTIN_CONTROLLERS: Mapping[str, BuiltinController] = {
    name: module.controller for name, module in _MODULES.items()
}

#: Each built-in controller's component name: its client's (what faults aim at) and the
#: source of its Events, one name for both.
BUILTIN_COMPONENTS: Mapping[str, str] = {
    name: module.COMPONENT for name, module in _MODULES.items()
}
