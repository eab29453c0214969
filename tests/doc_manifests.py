"""Kubernetes' documentation's manifests, unchanged, for the tests that apply them.

One copy each, so that a test of the in-process API and a test with the real kubectl apply
the same text.
"""

from __future__ import annotations

__all__ = ["HELLO_CRONJOB"]

# concepts/workloads/controllers/cron-jobs
HELLO_CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
"""
