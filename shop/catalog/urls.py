from django.urls import path

from . import views
from .cache import page_cache

app_name = "catalog"

LISTING_PARAMS = [*views.FILTER_FIELDS, "page"]


def shared(view, params=()):
    """A page that differs between visitors in its header alone (decision 0036)."""
    return page_cache(view, params, visitors=True)


urlpatterns = [
    path("", page_cache(views.home), name="home"),
    # The home page is not: staff see a hint there when there are no categories.
    path("products/", shared(views.product_list, LISTING_PARAMS), name="products"),
    path("c/<slug:slug>/", shared(views.category, LISTING_PARAMS), name="category"),
    path("p/<slug:slug>/", shared(views.product, ["variant"]), name="product"),
    path("search/", shared(views.search, LISTING_PARAMS), name="search"),
]
