from django.urls import path

from merit.server.qualifications import views

app_name = "qualifications"
urlpatterns = [
    path("qualifications/", views.catalogue, name="catalogue"),
    path("qualifications/<int:pk>/", views.detail, name="detail"),
    path("qualifications/<int:pk>/elm.jsonld", views.elm, name="elm"),
    path("qualifications/<int:pk>/loq.xml", views.loq, name="loq"),
    path("qualifications/<int:pk>/qualification.json", views.as_json, name="json"),
    path("workspace/<slug:slug>/qualifications/import", views.import_page, name="import"),
    path("workspace/<slug:slug>/qualifications/import/<str:key>", views.import_check, name="import-check"),
    path("workspace/<slug:slug>/qualifications/import/<str:key>/apply", views.import_apply, name="import-apply"),
]
