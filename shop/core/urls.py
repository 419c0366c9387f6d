"""
What every deployment serves, the shop and a service running alone alike:
the probes, the metrics (for the scraper only: ``shop.core.metrics.access``),
the favicon, and the internal endpoint other services call
(``shop.core.remote``; never routed from the public).
"""

from django.urls import path

from . import health
from .metrics import views as metrics_views
from .remote import views as remote_views
from .views import favicon

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_views.metrics, name="metrics"),
    path("favicon.ico", favicon),
    path("internal/<str:app>/<str:function>/", remote_views.call, name="internal-call"),
]
