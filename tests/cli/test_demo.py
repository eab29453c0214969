from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from kube_actors.cli import main
from kube_actors.cli._demo import demo
from kube_actors.cli._walkthrough import walkthrough


def test_the_actors_demo_shows_the_ring_the_restart_the_hour_and_the_trace() -> None:
    out = io.StringIO()
    demo(Console(file=out, width=120))
    text = out.getvalue()
    assert "relay-2 restarts: 1" in text
    assert "360 beats over 3600 simulated s" in text
    assert "- -> relay-0 tell Link" in text
    assert "the last token hop is #" in text


def test_the_walkthrough_runs_the_concept_docs_story_and_its_ten_steps() -> None:
    out = io.StringIO()
    walkthrough(Console(file=out, width=160), runtime="fake", trace=True)
    text = out.getvalue()
    for command in (
        "kubectl get nodes",
        "kubectl create deployment hello-nginx --image=nginx --port=8080 --replicas=2",
        "kubectl describe pod hello-nginx-",
        "kubectl scale deployment hello-nginx --replicas=5",
        "kubectl rollout status deployment/hello-nginx",
    ):
        assert command in text
    assert 'deployment "hello-nginx" successfully rolled out' in text
    assert "kubectl expose deployment hello-nginx --type=NodePort --port=8080" in text
    assert "NodePort  127.10.0.1" in text
    assert "Successfully assigned default/hello-nginx-" in text
    assert "NotReady" in text  # the stopped node
    assert "Terminating" in text  # its pods, evicted
    assert "controller/deployment -> kube-apiserver: ask Create ReplicaSet" in text
    assert "kube-scheduler -> kube-apiserver: ask Create Binding" in text
    assert "(not seen in this run)" not in text
    steps = text[text.index("ten steps, as they happened") :]
    ids = re.findall(r"^    #(\d+) ", steps, re.M)
    assert len(ids) == 10
    assert len(set(ids)) == 10, "each step points at a message of its own"
    assert "timer _Dispatch (caused by #" in steps  # step 7: woken by the Binding's watch
    assert "'s ask Create Binding)" in steps
    assert "tell RecordEvent Started" in steps  # step 8


def test_the_command_line_requires_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([])
    assert "demo" in capsys.readouterr().err
