"""
``/metrics``: every counter of this deployment's processes on this host
(all of them in multiprocess mode, this process's otherwise) and the gauges
the installed services read now, in Prometheus' text format.
"""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4, REGISTRY, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from . import access, gauges, processes


class _Scrape:
    """The collectors of one scrape, as ``generate_latest`` reads a registry."""

    def __init__(self, *collectors):
        self.collectors = collectors

    def collect(self):
        for collector in self.collectors:
            yield from collector.collect()


def scrape() -> bytes:
    path = processes.directory()
    if path is None:
        counted = REGISTRY
    else:
        path.mkdir(parents=True, exist_ok=True)  # emptied by hand meanwhile: nothing counted yet
        counted = MultiProcessCollector(None, path=str(path))
    return generate_latest(_Scrape(counted, gauges.collector))


@never_cache
@require_safe
def metrics(request):
    refused = access.refusal(request)
    if refused is not None:
        return JsonResponse(
            {"detail": refused.detail, "code": refused.code}, status=refused.status_code
        )
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
