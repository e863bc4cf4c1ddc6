from django.urls import path

from merit.server.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("receipt/<str:public_id>.json", views.receipt, name="receipt"),
]
