"""Storefront pages of the orders service: /checkout/… (the purchase) and /orders/… (history)."""

from django.urls import path

from . import views
from .checkout import views as checkout_views

app_name = "orders"

urlpatterns = [
    path("checkout/", checkout_views.start, name="checkout"),
    path("checkout/<uuid:checkout_id>/", checkout_views.status, name="checkout-status"),
    path(
        "checkout/guest/<uuid:checkout_id>/<key:key>/",
        checkout_views.guest_status,
        name="guest-checkout-status",
    ),
    path("orders/guest/<key:number>/<key:key>/", views.guest_order_detail, name="guest-detail"),
    path(
        "orders/guest/<key:number>/<key:key>/cancel/",
        views.guest_cancel_order,
        name="guest-cancel",
    ),
    path(
        "orders/guest/<key:number>/<key:key>/invoice/",
        views.guest_order_invoice,
        name="guest-invoice",
    ),
    path(
        "orders/guest/<key:number>/<key:key>/documents/<key:document>.pdf",
        views.guest_order_document,
        name="guest-document",
    ),
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
