"""The apiserver actor: CRUD, status, watch cache and fan-out, admission, optimistic
concurrency, finalizers and graceful deletion."""

from ._actor import ApiServer as ApiServer
from ._admission import DEFAULT_PLUGINS as DEFAULT_PLUGINS
from ._admission import AdmissionPlugin as AdmissionPlugin
from ._admission import Lookup as Lookup
from ._admission import Operation as Operation
from ._admission import default_plugins as default_plugins
from ._admission import default_tolerations as default_tolerations
from ._aggregator import AGGREGATED_VERSIONS as AGGREGATED_VERSIONS
from ._token_volume import ROOT_CA_CONFIG_MAP as ROOT_CA_CONFIG_MAP
from ._token_volume import TOKEN_MOUNT_PATH as TOKEN_MOUNT_PATH
from ._tokens import DEFAULT_ISSUER as DEFAULT_ISSUER
from ._tokens import TokenClaims as TokenClaims
from ._tokens import TokenIssuer as TokenIssuer

__all__ = [
    "AGGREGATED_VERSIONS",
    "DEFAULT_ISSUER",
    "DEFAULT_PLUGINS",
    "ROOT_CA_CONFIG_MAP",
    "TOKEN_MOUNT_PATH",
    "AdmissionPlugin",
    "ApiServer",
    "Lookup",
    "Operation",
    "TokenClaims",
    "TokenIssuer",
    "default_plugins",
    "default_tolerations",
]
