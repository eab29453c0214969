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
from ._service_allocator import DEFAULT_NODE_PORTS as DEFAULT_NODE_PORTS
from ._service_allocator import DEFAULT_SERVICE_CIDR as DEFAULT_SERVICE_CIDR
from ._service_allocator import parse_node_port_range as parse_node_port_range
from ._service_range import check_service_range as check_service_range
from ._service_range import first_service_ip as first_service_ip
from ._service_range import parse_service_cidr as parse_service_cidr
from ._service_range import recorded_service_range as recorded_service_range
from ._token_volume import ROOT_CA_CONFIG_MAP as ROOT_CA_CONFIG_MAP
from ._token_volume import TOKEN_MOUNT_PATH as TOKEN_MOUNT_PATH
from ._tokens import DEFAULT_ISSUER as DEFAULT_ISSUER
from ._tokens import TokenClaims as TokenClaims
from ._tokens import TokenIssuer as TokenIssuer

__all__ = [
    "AGGREGATED_VERSIONS",
    "AdmissionPlugin",
    "ApiServer",
    "DEFAULT_ISSUER",
    "DEFAULT_NODE_PORTS",
    "DEFAULT_PLUGINS",
    "DEFAULT_SERVICE_CIDR",
    "Lookup",
    "Operation",
    "ROOT_CA_CONFIG_MAP",
    "TOKEN_MOUNT_PATH",
    "TokenClaims",
    "TokenIssuer",
    "check_service_range",
    "default_plugins",
    "default_tolerations",
    "first_service_ip",
    "parse_node_port_range",
    "parse_service_cidr",
    "recorded_service_range",
]
