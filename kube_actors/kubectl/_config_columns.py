"""``kubectl get`` columns of ConfigMaps and Secrets, as Kubernetes' printers define them."""

from __future__ import annotations

from typing import Any

from ..api import ConfigMap, Secret
from ._columns import AGE, NAME, Column

__all__ = ["CONFIG_COLUMNS"]

CONFIG_COLUMNS: dict[type[Any], tuple[Column, ...]] = {
    ConfigMap: (
        NAME,
        Column(
            name="Data",
            type="integer",
            description="Count of the keys in data and binaryData.",
            cell=lambda c, now: len(c.data) + len(c.binary_data),
        ),
        AGE,
    ),
    Secret: (
        NAME,
        Column(name="Type", description="The type of the secret.", cell=lambda s, now: s.type),
        Column(
            name="Data",
            type="integer",
            description="Count of the keys in data.",
            cell=lambda s, now: len(s.data),
        ),
        AGE,
    ),
}
