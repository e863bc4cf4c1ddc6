from django.urls import path

from merit.server.passport import account, pathway_views, sharing, views

app_name = "passport"
urlpatterns = [
    path("", views.home, name="home"),
    path("credentials/<int:pk>/", views.credential, name="credential"),
    path("credentials/<int:pk>/credential.json", views.download, name="download"),
    path("credentials/<int:pk>/credential.pdf", views.pdf, name="pdf"),
    path("credentials/<int:pk>/remove", views.remove, name="remove"),
    path("credentials/<int:pk>/linkedin", sharing.linkedin, name="linkedin"),
    path("import", views.import_credential, name="import"),
    path("map", views.competence_map, name="map"),
    path("pathways/", pathway_views.overview, name="pathways"),
    path("pathways/<int:pk>/", pathway_views.pathway, name="pathway"),
    path("pathways/<int:pk>/follow", pathway_views.follow, name="follow-qualification"),
    path("pathways/<int:pk>/unfollow", pathway_views.unfollow, name="unfollow-qualification"),
    path("shares", sharing.shares, name="shares"),
    path("shares/<int:pk>/revoke", sharing.revoke, name="revoke-share"),
    path("presentation", sharing.presentation, name="presentation"),
    path("account", account.account, name="account"),
    path("account/addresses/<int:pk>/remove", account.remove_address, name="remove-address"),
    path("addresses/verify/<str:token>", account.verify_address, name="verify-address"),
    path("account/export", account.export, name="export"),
    path("account/delete", account.delete, name="delete"),
]
