"""The serviceaccount controller: a ``default`` ServiceAccount in every active namespace.

Kubernetes' ``pkg/controller/serviceaccount`` (the ServiceAccountsController). Requests name
a Namespace; one is queued when a Namespace is added or changed, and when a ServiceAccount
named ``default`` changes or is deleted (so a deleted one comes back). Reconcile reads both
from the shared informers' caches and creates what is missing:

- a namespace that is gone or not ``Active`` (Terminating) gets nothing;
- ``AlreadyExists`` means the cache was behind: the account is there, nothing to do;
- ``Forbidden`` (the namespace began terminating meanwhile) and ``NotFound`` (it went) are
  the end of it as well.

Kubernetes records no Events here, and neither does this controller.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..api import Namespace, ObjectMeta, ServiceAccount
from ..client import Client, SharedInformer
from ..errors import AlreadyExists, Forbidden, NotFound
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext

__all__ = [
    "COMPONENT",
    "DEFAULT_SERVICE_ACCOUNTS",
    "ServiceAccountsReconciler",
    "WORKERS",
    "controller",
]

#: The Event source and client name, as kube-controller-manager names this controller.
COMPONENT = "service-account-controller"
#: One worker (kube-controller-manager's ``--concurrent-serviceaccount-token-syncs`` is 5).
WORKERS = 1

#: The accounts every namespace gets (the controller's ``ServiceAccounts`` option).
DEFAULT_SERVICE_ACCOUNTS = ("default",)


class ServiceAccountsReconciler:
    """Creates the missing default accounts of the namespace a request names."""

    def __init__(
        self,
        *,
        client: Client,
        namespaces: SharedInformer[Namespace],
        accounts: SharedInformer[ServiceAccount],
        names: Iterable[str] = DEFAULT_SERVICE_ACCOUNTS,
    ) -> None:
        self.client = client
        self.namespaces = namespaces
        self.accounts = accounts
        self.names = tuple(names)

    async def reconcile(self, request: Request) -> Result:
        namespace = self.namespaces.indexer.get(request.name)
        if namespace is None or namespace.status.phase != "Active":
            return Result()
        for name in self.names:
            if self.accounts.indexer.get(name, request.name) is None:
                await self._create(request.name, name)
        return Result()

    async def _create(self, namespace: str, name: str) -> None:
        account = ServiceAccount(metadata=ObjectMeta(name=name, namespace=namespace))
        try:
            await self.client.create(account)
        except (AlreadyExists, Forbidden, NotFound) as error:
            reconcile_log().debug("service_account_not_created", name=name, reason=error.reason)
            return
        reconcile_log().info("service_account_created", name=name)

    def requests_for(self, account: Any) -> Iterable[Request]:
        """A changed or deleted account queues its namespace if it is one of ours."""
        meta = account.metadata
        if meta.name in self.names:
            yield Request("", meta.namespace)


def controller(context: ControllerContext) -> ControllerSpec:
    """The serviceaccount controller on the cluster's shared informers."""
    reconciler = ServiceAccountsReconciler(
        client=context.client,
        namespaces=context.informers.informer(Namespace),
        accounts=context.informers.informer(ServiceAccount),
    )
    return ControllerSpec(
        for_=Namespace,
        watches=[(ServiceAccount, reconciler.requests_for)],
        reconciler=reconciler,
        workers=WORKERS,
        name="serviceaccount",
    )
