from django.urls import path

from . import views

app_name = "cart"

urlpatterns = [
    path("", views.cart_page, name="cart"),
    path("add/", views.add_to_cart, name="add"),
    path("estimate/", views.estimate_country, name="estimate"),
    path("voucher/", views.enter_voucher, name="voucher"),
    path("voucher/remove/", views.remove_voucher, name="remove-voucher"),
    path("lines/<int:line_id>/", views.update_line, name="update-line"),
    path("lines/<int:line_id>/remove/", views.remove_line, name="remove-line"),
]
