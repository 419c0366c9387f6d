from django.urls import path

from . import views

app_name = "promotions"

urlpatterns = [
    path("gift-cards/balance/", views.balance, name="gift-card-balance"),
]
