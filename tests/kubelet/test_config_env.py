"""ConfigMaps and Secrets as a container's environment: envFrom, valueFrom, and what is missing."""

from __future__ import annotations

from typing import Any

from kube_actors import Cluster
from kube_actors.api import Event, Pod, load_manifests
from kube_actors.runtime import ContainerRuntime

MANIFESTS = """
apiVersion: v1
kind: ConfigMap
metadata: {name: game-config, namespace: default}
data:
  player_initial_lives: "3"
  ui_properties_file_name: user-interface.properties
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: default}
type: Opaque
stringData:
  password: hunter2
"""

POD = """
apiVersion: v1
kind: Pod
metadata: {name: game, namespace: default, labels: {app: game}}
spec:
  nodeName: control-plane
  containers:
  - name: app
    image: busybox
    resources: {limits: {memory: 64Mi}, requests: {cpu: 250m}}
    envFrom:
    - configMapRef: {name: game-config}
      prefix: GAME_
    env:
    - name: DB_PASSWORD
      valueFrom: {secretKeyRef: {name: db, key: password}}
    - name: LIVES
      valueFrom: {configMapKeyRef: {name: game-config, key: player_initial_lives}}
    - name: GREETING
      value: "lives=$(LIVES) $$(LIVES)"
    - name: APP_LABEL
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
    - name: MEMORY_MI
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    - name: CPU_MILLIS
      valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}
    - name: MAYBE
      valueFrom: {configMapKeyRef: {name: absent, key: k, optional: true}}
"""


async def _env(runtime: ContainerRuntime) -> dict[str, str]:
    [container] = await runtime.list_containers()
    config: Any = runtime._container(container.id).config  # type: ignore[attr-defined]
    return dict(config.envs)


async def _waiting(cluster: Cluster, name: str) -> tuple[str, str]:
    pod = await cluster.client.get(Pod, name, namespace="default")
    [status] = pod.status.container_statuses
    assert status.state.waiting is not None
    return status.state.waiting.reason, status.state.waiting.message


async def test_env_from_config_maps_secrets_fields_and_resources() -> None:
    async with Cluster(nodes=1) as cluster:
        for obj in load_manifests(MANIFESTS + "---" + POD):
            await cluster.client.create(obj)
        await cluster.settle()
        env = await _env(cluster.runtime("control-plane"))
    assert env["GAME_player_initial_lives"] == "3"
    assert env["GAME_ui_properties_file_name"] == "user-interface.properties"
    assert env["DB_PASSWORD"] == "hunter2"
    assert env["LIVES"] == "3"
    assert env["GREETING"] == "lives=3 $(LIVES)"
    assert env["APP_LABEL"] == "game"
    assert env["MEMORY_MI"] == "64"
    assert env["CPU_MILLIS"] == "250"
    assert "MAYBE" not in env


async def test_a_missing_secret_holds_the_container_until_it_exists() -> None:
    async with Cluster(nodes=1) as cluster:
        [pod] = load_manifests(POD)
        await cluster.client.create(load_manifests(MANIFESTS)[0])
        await cluster.client.create(pod)
        await cluster.settle(horizon=5)
        assert await _waiting(cluster, "game") == (
            "CreateContainerConfigError",
            'secret "db" not found',
        )
        events = await cluster.client.list(Event, namespace="default")
        assert ("Warning", "Failed", 'Error: secret "db" not found') in {
            (e.type, e.reason, e.message) for e in events
        }
        await cluster.client.create(load_manifests(MANIFESTS)[1])
        await cluster.settle(horizon=15)
        running = await cluster.client.get(Pod, "game", namespace="default")
    assert running.status.phase == "Running"
    assert running.status.container_statuses[0].state.running is not None


async def test_a_missing_key_names_the_config_map() -> None:
    bad = POD.replace("key: player_initial_lives", "key: lives")
    async with Cluster(nodes=1) as cluster:
        for obj in load_manifests(MANIFESTS + "---" + bad):
            await cluster.client.create(obj)
        await cluster.settle(horizon=5)
        assert await _waiting(cluster, "game") == (
            "CreateContainerConfigError",
            "couldn't find key lives in ConfigMap default/game-config",
        )


async def test_command_and_args_expand_variables_from_the_containers_environment() -> None:
    pod = POD.replace(
        "    image: busybox\n",
        '    image: busybox\n    command: ["echo", "$(LIVES)"]\n'
        '    args: ["--ip=$(MY_IP)", "$$(LIVES)", "$(UNKNOWN)"]\n',
    ).replace(
        "    - name: MAYBE\n",
        "    - name: MY_IP\n      valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
        "    - name: MAYBE\n",
    )
    async with Cluster(nodes=1) as cluster:
        for obj in load_manifests(MANIFESTS + "---" + pod):
            await cluster.client.create(obj)
        await cluster.settle()
        runtime = cluster.runtime("control-plane")
        [container] = await runtime.list_containers()
        config: Any = runtime._container(container.id).config  # type: ignore[attr-defined]
        running = await cluster.client.get(Pod, "game", namespace="default")
    assert config.command == ("echo", "3")
    assert config.args == (f"--ip={running.status.pod_ip}", "$(LIVES)", "$(UNKNOWN)")
