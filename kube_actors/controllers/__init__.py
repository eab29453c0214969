"""Kubernetes' built-in controllers, one module each, and the table ``Cluster`` starts them from."""

from ._context import AccessReview as AccessReview
from ._context import BuiltinController as BuiltinController
from ._context import ControllerContext as ControllerContext
from ._context import SigningAuthority as SigningAuthority
from ._registry import BUILTIN_COMPONENTS as BUILTIN_COMPONENTS
from ._registry import BUILTIN_CONTROLLERS as BUILTIN_CONTROLLERS

__all__ = [
    "BUILTIN_COMPONENTS",
    "BUILTIN_CONTROLLERS",
    "AccessReview",
    "BuiltinController",
    "ControllerContext",
    "SigningAuthority",
]
