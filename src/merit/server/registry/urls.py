from django.urls import path

from merit.server.registry import mappings, review, views

app_name = "registry"
urlpatterns = [
    path("workspace/<slug:slug>/accreditation", views.accreditation, name="accreditation"),
    path("workspace/<slug:slug>/grants", views.grants, name="grants"),
    path("workspace/<slug:slug>/grants/<int:pk>/revoke", views.revoke_grant, name="revoke-grant"),
    path("registry/review/", review.review, name="review"),
    path("registry/review/<int:pk>", review.review_application, name="review-application"),
    path("registry/evidence/<int:pk>", review.evidence, name="evidence"),
    path("registry/accreditations/<int:pk>/change", review.change, name="change"),
    path("registry/mappings/", mappings.mappings, name="mappings"),
    path("registry/mappings/<int:pk>/decide", mappings.decide, name="mapping-decide"),
    path("registry/mappings/setting", mappings.setting, name="mapping-setting"),
]
