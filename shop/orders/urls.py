"""Storefront pages of the orders service: /checkout/… (the purchase) and /orders/… (history)."""

from django.urls import path

from . import views
from .checkout import views as checkout_views

app_name = "orders"

urlpatterns = [
    path("checkout/", checkout_views.start, name="checkout"),
    path("checkout/<uuid:checkout_id>/", checkout_views.status, name="checkout-status"),
    path("orders/", views.order_list, name="list"),
    path("orders/<key:number>/", views.order_detail, name="detail"),
    path("orders/<key:number>/cancel/", views.cancel_order, name="cancel"),
    path("orders/<key:number>/invoice/", views.order_invoice, name="invoice"),
    path(
        "orders/<key:number>/documents/<key:document>.pdf",
        views.order_document,
        name="document",
    ),
]
