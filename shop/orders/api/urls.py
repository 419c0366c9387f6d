"""The orders service's slice of /api/v1/: checkout/… and orders/…."""

from django.urls import path  # noqa: F401

app_name = "orders-api"

urlpatterns = []
