"""kubectl's side of the API, usable over any ``Client``.

``apply`` (kubectl's three-way merge on the last-applied configuration), the verbs
(``wait_for``, ``scale``, ``set_image``, ``rollout_status``, ``rollback``, ``describe``,
``events_for``, ``expose``, ``resolve_all``) and the printers (``table``, ``describe_text``,
``age``): what ``kubectl get`` and ``kubectl describe`` show. ``Cluster`` offers each verb as a
method; they are functions here so that an application's or a test's own client can use them,
and so that the HTTP API's Table output and the command line print the same columns.

This package depends only on ``api``, ``client`` and ``errors``: it is a client of the API, as
kubectl is, and never reaches into a component.
"""

from ._apply import LAST_APPLIED as LAST_APPLIED
from ._apply import ApplyAction as ApplyAction
from ._apply import ApplyResult as ApplyResult
from ._apply import Source as Source
from ._apply import apply as apply
from ._apply import objects_of as objects_of
from ._columns import Column as Column
from ._columns import human_duration as human_duration
from ._describe import Related as Related
from ._describe import describe_text as describe_text
from ._describe import related_to as related_to
from ._drain import EVICTION_RETRY as EVICTION_RETRY
from ._drain import cordon as cordon
from ._drain import drain as drain
from ._drain import uncordon as uncordon
from ._expose import expose as expose
from ._expose import resolve_all as resolve_all
from ._kind_columns import columns_for as columns_for
from ._pod_cells import pod_ready as pod_ready
from ._pod_cells import pod_restarts as pod_restarts
from ._pod_cells import pod_status_reason as pod_status_reason
from ._printers import age as age
from ._printers import table as table
from ._rollout import rollback as rollback
from ._verbs import Condition as Condition
from ._verbs import describe as describe
from ._verbs import events_for as events_for
from ._verbs import rollout_status as rollout_status
from ._verbs import scale as scale
from ._verbs import set_image as set_image
from ._verbs import wait_for as wait_for

__all__ = [
    "EVICTION_RETRY",
    "LAST_APPLIED",
    "ApplyAction",
    "ApplyResult",
    "Column",
    "Condition",
    "Related",
    "Source",
    "age",
    "apply",
    "columns_for",
    "cordon",
    "describe",
    "describe_text",
    "drain",
    "events_for",
    "expose",
    "human_duration",
    "objects_of",
    "pod_ready",
    "pod_restarts",
    "pod_status_reason",
    "related_to",
    "resolve_all",
    "rollback",
    "rollout_status",
    "scale",
    "set_image",
    "table",
    "uncordon",
    "wait_for",
]
