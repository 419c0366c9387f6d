from django.urls import path

from ..cache import page_cache
from . import views

app_name = "catalog-api"

urlpatterns = [
    path(
        "categories/", page_cache(views.CategoryTreeView.as_view(), priced=False), name="categories"
    ),
    path(
        "products/",
        page_cache(views.ProductListView.as_view(), views.LIST_PARAMS),
        name="product-list",
    ),
    path(
        "products/<slug:slug>/",
        page_cache(views.ProductDetailView.as_view()),
        name="product-detail",
    ),
    path("variants/<key:sku>/", views.VariantView.as_view(), name="variant"),
    path(
        "variants/<key:sku>/stock-adjustments/",
        views.StockAdjustmentView.as_view(),
        name="stock-adjustments",
    ),
    path("stock/", views.BulkStockView.as_view(), name="stock"),
]
