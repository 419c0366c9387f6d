from django.urls import path

from . import views

app_name = "cart-api"

urlpatterns = [
    path("", views.CartView.as_view(), name="cart"),
    path("items/", views.CartItemsView.as_view(), name="items"),
    path("items/<int:line_id>/", views.CartItemView.as_view(), name="item"),
    path("voucher/", views.CartVoucherView.as_view(), name="voucher"),
]
