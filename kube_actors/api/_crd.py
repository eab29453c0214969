"""CustomResourceDefinition (apiextensions.k8s.io/v1) as a stored kind.

Its spec is kept as Kubernetes' JSON (a read-only mapping): the schema inside is free-form by
nature. The apiserver refuses a CRD that Kubernetes would refuse (``crd_causes``); serving the
kinds a CRD defines is ``register_custom_kind``'s job, which the apiserver calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from kube_actors.errors import FieldCause

from ._base import EMPTY
from ._crd_validation import crd_causes
from ._custom_kind import thaw
from ._meta import ObjectMeta

__all__ = ["CustomResourceDefinition", "validate_custom_resource_definition"]


@attrs.frozen(kw_only=True)
class CustomResourceDefinition:
    """A CustomResourceDefinition; ``spec`` and ``status`` are its JSON as Kubernetes writes it."""

    api_version: ClassVar[str] = "apiextensions.k8s.io/v1"
    kind: ClassVar[str] = "CustomResourceDefinition"

    metadata: ObjectMeta = attrs.field(default=ObjectMeta())
    spec: Mapping[str, Any] = attrs.field(default=EMPTY)
    status: Mapping[str, Any] = attrs.field(default=EMPTY)


def validate_custom_resource_definition(
    obj: CustomResourceDefinition, old: CustomResourceDefinition | None
) -> Iterable[FieldCause]:
    """Kubernetes' checks of a CRD: names, scope, versions, structural schemas."""
    return crd_causes({"metadata": {"name": obj.metadata.name}, "spec": thaw(obj.spec)})
