from django.urls import path

from . import views

app_name = "catalog-api"

urlpatterns = [
    path("categories/", views.CategoryTreeView.as_view(), name="categories"),
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("variants/<str:sku>/", views.VariantView.as_view(), name="variant"),
    path(
        "variants/<str:sku>/stock-adjustments/",
        views.StockAdjustmentView.as_view(),
        name="stock-adjustments",
    ),
    path("stock/", views.BulkStockView.as_view(), name="stock"),
]
