"""The runtime package's public names are pinned."""

from __future__ import annotations

import kube_actors.runtime as runtime


def test_the_runtime_package_exports_the_protocol_both_runtimes_and_their_types() -> None:
    assert runtime.__all__ == sorted(runtime.__all__)
    assert runtime.__all__ == [
        "ANNOTATION_PREFIX",
        "ContainerConfig",
        "ContainerRuntime",
        "ContainerScript",
        "ContainerState",
        "ContainerStatus",
        "ExecResult",
        "FakeRuntime",
        "Image",
        "ImageCatalog",
        "LogOptions",
        "LoopbackPool",
        "Mount",
        "PodSandboxConfig",
        "PodSandboxStatus",
        "ProbeKind",
        "ProbeOutcome",
        "ProbeResult",
        "SandboxState",
        "SubprocessRuntime",
        "check_log_options",
        "container_config_for",
        "http_get_probe",
        "parse_duration",
        "sandbox_config_for",
        "tcp_socket_probe",
    ]
    for name in runtime.__all__:
        assert getattr(runtime, name) is not None
