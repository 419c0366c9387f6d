"""Storefront pages of the orders service: /checkout/… (the purchase) and /orders/… (history)."""

from django.urls import path  # noqa: F401

app_name = "orders"

urlpatterns = []
