from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import include, path

from merit.server import landing, language, views
from merit.server.accounts import views as accounts
from merit.server.api import api
from merit.server.delivery import views as delivery
from merit.server.passport import sharing
from merit.server.passport import views as passport

urlpatterns = [
    path("", landing.home, name="landing"),
    path("favicon.ico", landing.favicon, name="favicon"),
    path("language", language.switch, name="set-language"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth.LogoutView.as_view(), name="logout"),
    path("accounts/", include("merit.server.accounts.urls")),
    path("workspace/", include("merit.server.workspace.urls")),
    path("workspace/", include("merit.server.stacking.urls")),
    path("verify/", include("merit.server.portal.urls")),
    path("orgs/<slug:slug>/did.json", views.did_document, name="did-document"),
    path("orgs/<slug:slug>/logo", accounts.logo, name="organisation-logo"),
    path("status/<slug:slug>/<str:purpose>/<int:sequence>", views.status_list, name="status-list"),
    path("ns/eu-mc/v1", views.merit_context, name="merit-context"),
    path("passport/", include("merit.server.passport.urls")),
    path("s/<str:token>", sharing.shared, name="shared"),
    path("claim/<str:token>/passport", passport.claim, name="claim-passport"),
    path("claim/<str:token>", delivery.claim, name="claim"),
    path("claim/<str:token>/credential.json", delivery.download, name="claim-download"),
    path("claim/<str:token>/credential.pdf", delivery.pdf, name="claim-pdf"),
    path("", include("merit.server.registry.urls")),
    path("", include("merit.server.validation.urls")),
    path("", include("merit.server.qualifications.urls")),
    path("", api.urls),
]

handler400 = "merit.server.requestchecks.bad_request"
handler403 = "merit.server.requestchecks.forbidden"
handler404 = "merit.server.requestchecks.page_not_found"
