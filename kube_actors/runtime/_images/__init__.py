"""The built-in images' programs: small standard-library scripts run with the current Python.

They are run as files (``python -S path/echoserver.py``), not as modules, so a container
starts without importing kube_actors. Each reads its pod from the downward-API variables
(``POD_NAME``, ``POD_NAMESPACE``, ``POD_IP``, ``NODE_NAME``) and its port from ``PORT``,
listens on the pod's IP only, and exits 0 on SIGTERM as a well-behaved server does.
"""
