"""The built-in controllers by name, in the order kube-controller-manager starts them.

Each controller module adds itself here with one line: ``"name": module.controller``.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import (
    daemonset,
    deployment,
    endpoints,
    garbagecollector,
    job,
    namespace,
    nodelifecycle,
    persistentvolume,
    podgc,
    replicaset,
    serviceaccount,
    statefulset,
    ttl_after_finished,
)
from ._context import BuiltinController

__all__ = ["BUILTIN_CONTROLLERS"]

BUILTIN_CONTROLLERS: Mapping[str, BuiltinController] = {
    "nodelifecycle": nodelifecycle.controller,
    "replicaset": replicaset.controller,
    "deployment": deployment.controller,
    "daemonset": daemonset.controller,
    "job": job.controller,
    "statefulset": statefulset.controller,
    "endpoints": endpoints.controller,
    "persistentvolume-binder": persistentvolume.controller,
    "ttl-after-finished": ttl_after_finished.controller,
    "podgc": podgc.controller,
    "serviceaccount": serviceaccount.controller,
    "namespace": namespace.controller,
    "garbagecollector": garbagecollector.controller,
}
