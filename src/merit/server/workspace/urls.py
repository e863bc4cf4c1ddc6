from django.urls import path

from merit.server.workspace import designer, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/specifications/", designer.specifications, name="specifications"),
    path("<slug:slug>/specifications/new", designer.designer, name="designer-new"),
    path("<slug:slug>/specifications/check", designer.check, name="designer-check"),
    path("<slug:slug>/specifications/<slug:key>/", designer.designer, name="designer"),
    path("<slug:slug>/esco", designer.esco_search, name="esco"),
    path("<slug:slug>/specifications/<int:spec_id>/upload", views.upload, name="upload"),
    path("<slug:slug>/specifications/<int:spec_id>/issue", views.issue_one, name="issue-one"),
    path("<slug:slug>/jobs/<int:job_id>", views.job, name="job"),
    path("<slug:slug>/credentials/<int:credential_pk>/status", views.change_status, name="change-status"),
]
