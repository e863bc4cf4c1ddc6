from django.urls import path

from merit.server.stacking import views

app_name = "stacking"
urlpatterns = [
    path("<slug:slug>/awards/new", views.award, name="award"),
]
