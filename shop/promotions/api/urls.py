from django.urls import path

from . import views

app_name = "promotions-api"

urlpatterns = [
    path("balance/", views.GiftCardBalanceView.as_view(), name="gift-card-balance"),
]
