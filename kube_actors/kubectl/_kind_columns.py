"""Kubernetes' ``kubectl get`` columns for every kind: which definition a kind gets.

Column names, types, priorities and cell values follow Kubernetes' server-side printers
(``pkg/printers/internalversion/printers.go``); the built-in kinds' are in ``_core_columns``
and ``_workload_columns``, a user kind's come from its ``printer_columns``.
"""

from __future__ import annotations

from typing import Any

from ..api import kind_info
from ._certificate_columns import CERTIFICATE_COLUMNS
from ._columns import Column, declared_columns
from ._config_columns import CONFIG_COLUMNS
from ._core_columns import CORE_COLUMNS
from ._discovery_columns import DISCOVERY_COLUMNS
from ._network_columns import NETWORK_COLUMNS
from ._ops_columns import OPS_COLUMNS
from ._rbac_columns import RBAC_COLUMNS
from ._workload_columns import WORKLOAD_COLUMNS

__all__ = ["columns_for"]

BUILT_IN: dict[type[Any], tuple[Column, ...]] = {
    **CORE_COLUMNS,
    **CONFIG_COLUMNS,
    **DISCOVERY_COLUMNS,
    **NETWORK_COLUMNS,
    **WORKLOAD_COLUMNS,
    **OPS_COLUMNS,
    **RBAC_COLUMNS,
    **CERTIFICATE_COLUMNS,
}


def columns_for(kind: type[Any]) -> tuple[Column, ...]:
    """The columns of ``kind``: Kubernetes' own, the kind's declared ones, or NAME and AGE."""
    built_in = BUILT_IN.get(kind)
    if built_in is not None:
        return built_in
    try:
        declared = kind_info(kind).printer_columns
    except KeyError:
        declared = ()
    return declared_columns(declared)
