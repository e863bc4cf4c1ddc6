from django.urls import path

from merit.server.accounts import views

app_name = "accounts"
urlpatterns = [
    path("start", views.start, name="start"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup-sent"),
    path("verify/resend", views.resend_verification, name="verify-resend"),
    path("verify/<str:token>", views.verify, name="verify"),
    path("organisations/new", views.organisation_new, name="organisation-new"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password-reset-sent"),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("invitations/<str:token>", views.invitation, name="invitation"),
]
