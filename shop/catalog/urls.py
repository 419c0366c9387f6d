from django.urls import path

from . import views
from .cache import page_cache

app_name = "catalog"

LISTING_PARAMS = [*views.FILTER_FIELDS, "page"]

urlpatterns = [
    path("", page_cache(views.home), name="home"),
    path("products/", page_cache(views.product_list, LISTING_PARAMS), name="products"),
    path("c/<slug:slug>/", page_cache(views.category, LISTING_PARAMS), name="category"),
    path("p/<slug:slug>/", page_cache(views.product, ["variant"]), name="product"),
    path("search/", page_cache(views.search, LISTING_PARAMS), name="search"),
]
