"""Kubernetes' documentation's manifests, unchanged, for the tests that apply them.

One copy each, so that a test of the in-process API and a test with the real kubectl apply
the same text.
"""

from __future__ import annotations

__all__ = ["CONFIGURED_DEPLOYMENT", "HELLO_CRONJOB", "WEB_STATEFULSET"]

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

# concepts/workloads/controllers/statefulset (its StorageClass named as the example names it,
# served by the local-path provisioner, keeping the volumes as the tutorial expects)
WEB_STATEFULSET = """
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx # has to match .spec.template.metadata.labels
  serviceName: "nginx"
  replicas: 3 # by default is 1
  minReadySeconds: 10 # by default is 0
  template:
    metadata:
      labels:
        app: nginx # has to match .spec.selector.matchLabels
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      storageClassName: "my-storage-class"
      resources:
        requests:
          storage: 1Gi
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: my-storage-class
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
"""

# tasks/configure-pod-container/configure-pod-configmap ("Configure all key-value pairs in a
# ConfigMap as container environment variables") and concepts/configuration/secret ("Using
# Secrets as files from a Pod"), in a Deployment as an application runs them
CONFIGURED_DEPLOYMENT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: special-config
  namespace: default
data:
  SPECIAL_LEVEL: very
  SPECIAL_TYPE: charm
---
apiVersion: v1
kind: Secret
metadata:
  name: mysecret
type: Opaque
data:
  username: YWRtaW4=
  password: MWYyZDFlMmU2N2Rm
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: configured
  labels:
    app: configured
spec:
  replicas: 2
  selector:
    matchLabels:
      app: configured
  template:
    metadata:
      labels:
        app: configured
    spec:
      containers:
      - name: test-container
        image: registry.k8s.io/busybox
        command: [ "/bin/sh", "-c", "env; ls /etc/foo; sleep 3600" ]
        envFrom:
        - configMapRef:
            name: special-config
        volumeMounts:
        - name: foo
          mountPath: "/etc/foo"
          readOnly: true
      volumes:
      - name: foo
        secret:
          secretName: mysecret
          optional: false
"""
