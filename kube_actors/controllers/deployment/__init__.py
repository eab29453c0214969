"""The Deployment controller: rolls a Deployment's Pod template out through ReplicaSets.

kube-controller-manager's ``pkg/controller/deployment``, along its files: ``_controller``
(``deployment_controller.go``: the reconciler, its watches, one reconcile), ``_sync``
(``sync.go``: the new and old ReplicaSets, scaling, history, status), ``_progress``
(``progress.go``: the Progressing condition and its deadline), ``_rolling`` and ``_recreate``
(the two strategies) and ``_util`` (``deployment/util``: the arithmetic, as pure functions).
``rollback`` (``kubectl rollout undo``) lives with kubectl, in ``kube_actors.kubectl``.

Each template a Deployment has had is one ReplicaSet, named
``<deployment>-<pod-template-hash>`` (see ``api.template_hash``), whose selector and template
carry the ``pod-template-hash`` label so the ReplicaSets never share a Pod. The ReplicaSet
whose template is the Deployment's is the *new* one; the rest are *old*. A reconcile:

1. claims the Deployment's ReplicaSets (adopting matching orphans, releasing the rest);
2. when paused, or when only ``replicas`` changed (a *scaling event*), just scales: the one
   active ReplicaSet takes the new size, or during a rollout the difference is shared out in
   proportion to each ReplicaSet's size (*proportional scaling*), within ``maxSurge``;
3. otherwise rolls out. **RollingUpdate** scales the new ReplicaSet up while the total stays
   within ``replicas + maxSurge`` and the old ones down while at least
   ``replicas - maxUnavailable`` Pods stay available (``maxSurge`` 25 % rounded up,
   ``maxUnavailable`` 25 % rounded down; never both 0). **Recreate** scales every old
   ReplicaSet to 0, waits until none of their Pods is left running, then scales the new one up;
4. keeps ``revisionHistoryLimit`` (10) old ReplicaSets of 0 replicas, deleting older ones;
5. writes the status — ``replicas``, ``updatedReplicas``, ``readyReplicas``,
   ``availableReplicas``, ``unavailableReplicas`` — with the conditions ``Available``
   (at least ``replicas - maxUnavailable`` available) and ``Progressing``, which turns to
   ``ProgressDeadlineExceeded`` when no progress was seen for ``progressDeadlineSeconds``
   (600): the reconcile comes back at that very moment to check.

Revisions: the new ReplicaSet gets ``deployment.kubernetes.io/revision`` one above every old
one, and the Deployment carries the same. ``rollback`` (``kubectl rollout undo``) copies an
earlier ReplicaSet's template back into the Deployment; that ReplicaSet then becomes the new
one again and so takes the newest revision, its former one kept in ``revision-history``.

Events as Kubernetes words them: ``ScalingReplicaSet`` "Scaled up replica set web-6d4f8b7c9
from 0 to 2" (and "Scaled down ..."), ``FailedCreate`` when a ReplicaSet cannot be created,
``SelectingAll`` for an empty selector.
"""

from ._controller import COMPONENT as COMPONENT
from ._controller import WORKERS as WORKERS
from ._controller import DeploymentReconciler as DeploymentReconciler
from ._controller import controller as controller

__all__ = ["COMPONENT", "WORKERS", "DeploymentReconciler", "controller"]
