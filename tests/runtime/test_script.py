"""Fake container scripts: durations, annotations and their precedence."""

from __future__ import annotations

import pytest

from kube_actors.runtime import ContainerScript, ExecReply, parse_duration
from kube_actors.runtime._script import image_pull_failures, script_from_annotations


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30.0), ("1m30s", 90.0), ("500ms", 0.5), ("2h", 7200.0), ("2.5", 2.5), ("0", 0.0)],
)
def test_durations_read_as_go_durations_or_plain_seconds(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "30x", "s30", "1m 30s"])
def test_a_malformed_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


def test_every_field_can_be_set_from_annotations() -> None:
    prefix = "fake.kube-actors.io/app."
    annotations = {
        prefix + "start-latency": "1s",
        prefix + "exit-after": "2m",
        prefix + "exit-code": "7",
        prefix + "ready-after": "5s",
        prefix + "liveness-fails-after": "1h",
        prefix + "ignore-sigterm": "true",
        prefix + "sigterm-exit-code": "143",
        prefix + "logs": "one\ntwo",
    }
    assert script_from_annotations(annotations, "app", ContainerScript()) == ContainerScript(
        start_latency=1,
        exit_after=120,
        exit_code=7,
        ready_after=5,
        liveness_fails_after=3600,
        ignore_sigterm=True,
        sigterm_exit_code=143,
        logs=("one", "two"),
    )


def test_a_containers_own_annotations_win_over_the_pods_and_others_are_untouched() -> None:
    annotations = {
        "fake.kube-actors.io/exit-code": "1",
        "fake.kube-actors.io/app.exit-code": "2",
        "fake.kube-actors.io/crash": "true",
        "other.example.com/exit-code": "9",
    }
    base = ContainerScript(ready_after=3)
    app = script_from_annotations(annotations, "app", base)
    sidecar = script_from_annotations(annotations, "sidecar", base)
    assert (app.exit_after, app.exit_code, app.ready_after) == (0.0, 2, 3)
    assert (sidecar.exit_after, sidecar.exit_code) == (0.0, 1)


def test_a_crash_without_an_exit_code_exits_1() -> None:
    crash = script_from_annotations({"fake.kube-actors.io/crash": "true"}, "c", ContainerScript())
    assert crash == ContainerScript.crashing()


def test_image_pull_failures_are_a_comma_separated_list() -> None:
    annotations = {"fake.kube-actors.io/image-pull-fail": " a:1 ,b,, "}
    assert image_pull_failures(annotations) == {"a:1", "b"}
    assert image_pull_failures({}) == frozenset()


def test_exec_answers_come_from_the_exec_annotation_as_json() -> None:
    annotations = {
        "fake.kube-actors.io/exec": '{"cat /etc/hostname": {"stdout": "web\\n"}, '
        '"false": {"stderr": "no", "exitCode": 1}}'
    }
    script = script_from_annotations(annotations, "app", ContainerScript())
    assert script.exec_reply(["cat", "/etc/hostname"]) == ExecReply(stdout="web\n")
    assert script.exec_reply(["false"]) == ExecReply(stderr="no", exit_code=1)
    assert script.exec_reply(["unscripted"]) == ExecReply()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not json", "invalid JSON"),
        ('["ls"]', "use a JSON object"),
        ('{"ls": 3}', "the answer to 'ls' must be an object"),
        ('{"ls": {"exitCode": "x"}}', "exitCode of 'ls' must be an integer"),
    ],
)
def test_a_malformed_exec_annotation_is_refused_naming_it(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"annotation fake\.kube-actors\.io/exec: ") as raised:
        script_from_annotations({"fake.kube-actors.io/exec": value}, "app", ContainerScript())
    assert message in str(raised.value)
