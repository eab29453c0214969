"""metrics-server: scrapes the kubelets' Summaries, serves ``metrics.k8s.io`` to the
apiserver (``kubectl top``, the HPA's resource metrics)."""

from ._server import DEFAULT_METRIC_RESOLUTION as DEFAULT_METRIC_RESOLUTION
from ._server import MetricsServer as MetricsServer
from ._server import Scrape as Scrape

__all__ = ["DEFAULT_METRIC_RESOLUTION", "MetricsServer", "Scrape"]
