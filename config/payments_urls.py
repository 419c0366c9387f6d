"""
The addresses of payments run as a service of its own
(``config.payments_settings``): its pages, its API, its admin, the probes
and the internal endpoint other services call. Nothing of the storefront.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from shop.core.views import not_found, server_error

urlpatterns = [
    path("", include("shop.core.urls")),  # probes, favicon, other services' calls
    path("admin/", admin.site.urls),
    path("api/v1/payments/", include("shop.payments.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("payments/", include("shop.payments.urls")),
]

handler404 = not_found
handler500 = server_error
