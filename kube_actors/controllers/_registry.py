"""The built-in controllers by name, in the order kube-controller-manager starts them.

Each controller module adds itself here with one line: ``"name": module.controller``.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import garbagecollector, namespace, replicaset, serviceaccount
from ._context import BuiltinController
from . import job
from . import statefulset
from . import ttl_after_finished

__all__ = ["BUILTIN_CONTROLLERS"]

BUILTIN_CONTROLLERS: Mapping[str, BuiltinController] = {
    "job": job.controller,
    "statefulset": statefulset.controller,
    "ttl-after-finished": ttl_after_finished.controller,
    "serviceaccount": serviceaccount.controller,
    "namespace": namespace.controller,
    "replicaset": replicaset.controller,
    "garbagecollector": garbagecollector.controller,
}
