"""The default roles: created once, and what they lost added back on the next start."""

from __future__ import annotations

import attrs

from kube_actors import Cluster
from kube_actors.api import ClusterRole, ClusterRoleBinding
from kube_actors.server._bootstrap_policy import (
    bootstrap_cluster_role_bindings,
    bootstrap_cluster_roles,
    reconcile_bootstrap_policy,
)


async def test_reconciling_twice_duplicates_nothing_and_restores_lost_rules() -> None:
    async with Cluster(scheduler=False, controllers=()) as cluster:
        client = cluster.client
        await reconcile_bootstrap_policy(client)
        roles = await client.list(ClusterRole)
        bindings = await client.list(ClusterRoleBinding)
        assert len(roles) == len(bootstrap_cluster_roles())
        assert len(bindings) == len(bootstrap_cluster_role_bindings())
        basic = await client.get(ClusterRole, "system:basic-user")
        await client.update(attrs.evolve(basic, rules=basic.rules[:1]))
        await reconcile_bootstrap_policy(client)
        assert len(await client.list(ClusterRole)) == len(roles)
        restored = await client.get(ClusterRole, "system:basic-user")
        assert restored.rules == basic.rules
