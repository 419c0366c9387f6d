from django.urls import path

from . import views
from .cache import page_cache

app_name = "catalog"

urlpatterns = [
    path("", page_cache(views.home), name="home"),
    path("products/", page_cache(views.product_list), name="products"),
    path("c/<slug:slug>/", page_cache(views.category), name="category"),
    path("p/<slug:slug>/", page_cache(views.product), name="product"),
    path("search/", page_cache(views.search), name="search"),
]
