"""
Gauges read when Prometheus scrapes. A service registers a reader of its
own tables in its ``AppConfig.ready``::

    gauges.register("catalog", metrics.gauges)

where ``metrics.gauges()`` yields prometheus_client metric families
(``GaugeMetricFamily``). The kernel reads no service's tables: what a
deployment reports is what the services it runs registered, each from its
own database. Each reader runs a fixed number of queries whatever the data,
so a scrape costs the same on the first day and the thousandth.

A reader that fails (its database away) leaves its gauges out of that
scrape and says so in ``shop_metrics_source_up{source}``; the scrape
itself still answers.
"""

import logging
from collections.abc import Callable, Iterable

from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

Reader = Callable[[], Iterable[Metric]]

_readers: dict[str, Reader] = {}


def register(source: str, read: Reader) -> None:
    """Read ``read()``'s gauges on every scrape, reported as ``source`` (a service's label)."""
    _readers[source] = read


def sources() -> tuple[str, ...]:
    return tuple(_readers)


class Collector:
    """What every registered reader reports now, and whether each could."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "shop_metrics_source_up",
            "1 if the source's gauges were read in this scrape, 0 if reading them failed.",
            labels=["source"],
        )
        for source, read in _readers.items():
            try:
                families = list(read())
            except Exception:
                logger.exception("Reading the %s gauges for a metrics scrape failed", source)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from families
        yield up


collector = Collector()
