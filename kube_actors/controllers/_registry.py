"""The built-in controllers by name, in the order kube-controller-manager starts them.

Each controller module adds itself here with one line: ``"name": module.controller``.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import garbagecollector, namespace, replicaset, serviceaccount
from ._context import BuiltinController

__all__ = ["BUILTIN_CONTROLLERS"]

BUILTIN_CONTROLLERS: Mapping[str, BuiltinController] = {
    "serviceaccount": serviceaccount.controller,
    "namespace": namespace.controller,
    "replicaset": replicaset.controller,
    "garbagecollector": garbagecollector.controller,
}
