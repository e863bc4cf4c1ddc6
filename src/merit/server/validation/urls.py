from django.urls import path

from merit.server.validation import learner, views

app_name = "validation"
urlpatterns = [
    path("passport/validation/", learner.cases, name="learner-cases"),
    path("passport/validation/apply", learner.apply, name="learner-apply"),
    path("passport/validation/<int:pk>/", learner.case, name="learner-case"),
    path("passport/validation/<int:pk>/withdraw", learner.withdraw, name="learner-withdraw"),
    path("workspace/<slug:slug>/validation/", views.cases, name="cases"),
    path("workspace/<slug:slug>/validation/workplace", views.workplace, name="workplace"),
    path("workspace/<slug:slug>/validation/<int:pk>/", views.case, name="case"),
    path("workspace/<slug:slug>/validation/<int:pk>/decide", views.decide, name="decide"),
    path("workspace/<slug:slug>/validation/<int:pk>/site", views.site, name="site"),
    path("workspace/<slug:slug>/validation/evidence/<int:pk>", views.evidence, name="evidence"),
]
