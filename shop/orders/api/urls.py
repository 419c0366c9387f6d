"""The orders service's slice of /api/v1/: checkout/… and orders/…."""

from django.urls import path

from ..checkout.api import views as checkout_views
from . import views

app_name = "orders-api"

urlpatterns = [
    path("checkout/", checkout_views.StartCheckoutView.as_view(), name="checkout"),
    path(
        "checkout/shipping-options/",
        checkout_views.ShippingOptionsView.as_view(),
        name="checkout-shipping-options",
    ),
    path(
        "checkout/<str:checkout_id>/",
        checkout_views.CheckoutStatusView.as_view(),
        name="checkout-detail",
    ),
    path(
        "orders/guest/<key:number>/",
        views.GuestOrderView.as_view(),
        name="guest-order-detail",
    ),
    path(
        "orders/guest/<key:number>/cancel/",
        views.GuestCancelOrderView.as_view(),
        name="guest-order-cancel",
    ),
    path(
        "orders/guest/<key:number>/invoices/",
        views.GuestOrderInvoicesView.as_view(),
        name="guest-order-invoices",
    ),
    path(
        "orders/guest/<key:number>/invoices/<key:document>/",
        views.GuestOrderInvoicePdfView.as_view(),
        name="guest-order-invoice-pdf",
    ),
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<key:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<key:number>/cancel/", views.CancelOrderView.as_view(), name="order-cancel"),
    path(
        "orders/<key:number>/invoices/",
        views.OrderInvoicesView.as_view(),
        name="order-invoices",
    ),
    path(
        "orders/<key:number>/invoices/<key:document>/",
        views.OrderInvoicePdfView.as_view(),
        name="order-invoice-pdf",
    ),
]
