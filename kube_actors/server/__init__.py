"""The HTTP face of the apiserver: what it serves besides the apiserver's own answers.

Pure functions the HTTP server calls: the OpenAPI v3 index and documents
(``openapi_v3_index``, ``openapi_v3_document``, ``openapi_v3_hash``), ``meta.k8s.io/v1``
Tables for ``kubectl get`` (``table_for``) and the decoding of Kubernetes' protobuf request
bodies (``decode_protobuf``).
"""

from ._openapi import openapi_v3_document as openapi_v3_document
from ._openapi import openapi_v3_hash as openapi_v3_hash
from ._openapi import openapi_v3_index as openapi_v3_index
from ._tables import table_for as table_for

__all__ = [
    "openapi_v3_document",
    "openapi_v3_hash",
    "openapi_v3_index",
    "table_for",
]
