from csp.decorators import csp_update
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from shop.core.api.views import api_root
from shop.core.views import not_found, server_error

# (name, URL name) of each app's API, listed at /api/v1/ as the apps land.
API_RESOURCES = (
    ("catalog/categories", "catalog-api:categories"),
    ("catalog/products", "catalog-api:product-list"),
    ("accounts/me", "accounts-api:me"),
    ("accounts/addresses", "accounts-api:address-list"),
    ("cart", "cart-api:cart"),
    ("checkout", "orders-api:checkout"),
    ("orders", "orders-api:order-list"),
    ("gift-cards/balance", "promotions-api:gift-card-balance"),
)

# Swagger UI under the site's Content-Security-Policy: its start-up script is a
# file of its own (/api/docs/?script), not inline, and its stylesheet draws
# icons from data: URLs.
api_docs = csp_update({"img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

api_v1 = [
    path("", api_root, {"resources": API_RESOURCES}, name="api-root"),
    path("catalog/", include("shop.catalog.api.urls")),
    path("accounts/", include("shop.accounts.api.urls")),
    path("cart/", include("shop.cart.api.urls")),
    path("gift-cards/", include("shop.promotions.api.urls")),
    path("", include("shop.orders.api.urls")),
]
if apps.is_installed("shop.payments"):  # else payments runs as a service of its own
    api_v1.append(path("payments/", include("shop.payments.api.urls")))
if apps.is_installed("shop.webhooks"):
    api_v1.append(path("webhooks/", include("shop.webhooks.api.urls")))

urlpatterns = [
    path("", include("shop.core.urls")),  # probes, favicon, other services' calls
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="swagger-ui"),
    path("accounts/", include("shop.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("cart/", include("shop.cart.urls")),
    path("", include("shop.orders.urls")),
    path("", include("shop.promotions.urls")),
    path("_allauth/", include("shop.accounts.headless_urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("", include("shop.catalog.urls")),
]

if apps.is_installed("shop.payments"):
    urlpatterns.insert(-1, path("payments/", include("shop.payments.urls")))

handler404 = not_found
handler500 = server_error

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
