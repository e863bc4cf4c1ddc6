from django.urls import path

from merit.server.workspace import credentials, designer, issue_one, organisation, units, views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/specifications/", designer.specifications, name="specifications"),
    path("<slug:slug>/specifications/new", designer.designer, name="designer-new"),
    path("<slug:slug>/specifications/check", designer.check, name="designer-check"),
    path("<slug:slug>/specifications/<slug:key>/", designer.designer, name="designer"),
    path("<slug:slug>/specifications/<slug:key>/units", units.units, name="units"),
    path("<slug:slug>/specifications/<slug:key>/units/<int:pk>/remove", units.remove, name="unit-remove"),
    path("<slug:slug>/esco", designer.esco_search, name="esco"),
    path("<slug:slug>/specifications/<int:spec_id>/upload", views.upload, name="upload"),
    path("<slug:slug>/specifications/<int:spec_id>/issue", issue_one.issue_one, name="issue-one"),
    path("<slug:slug>/jobs/<int:job_id>", views.job, name="job"),
    path("<slug:slug>/jobs/<int:job_id>/retry", views.retry_job, name="retry-job"),
    path("<slug:slug>/jobs/<int:job_id>/results.csv", views.job_export, name="job-export"),
    path("<slug:slug>/credentials/", credentials.credentials, name="credentials"),
    path("<slug:slug>/credentials.csv", credentials.credentials_csv, name="credentials-csv"),
    path("<slug:slug>/credentials/revoke", credentials.bulk_status, name="bulk-status"),
    path("<slug:slug>/credentials/<int:credential_pk>/", credentials.credential, name="credential"),
    path("<slug:slug>/credentials/<int:credential_pk>/status", credentials.change_status, name="change-status"),
    path("<slug:slug>/credentials/<int:credential_pk>/erase", credentials.erase_learner, name="erase-learner"),
    path("<slug:slug>/members", organisation.members_page, name="members"),
    path("<slug:slug>/members/invite", organisation.invite, name="invite"),
    path("<slug:slug>/members/<int:membership_pk>/role", organisation.change_role, name="change-role"),
    path("<slug:slug>/members/<int:membership_pk>/remove", organisation.remove, name="remove-member"),
    path(
        "<slug:slug>/invitations/<int:invitation_pk>/revoke", organisation.revoke_invitation, name="revoke-invitation"
    ),
    path("<slug:slug>/tokens", organisation.tokens, name="tokens"),
    path("<slug:slug>/tokens/<int:token_pk>/revoke", organisation.revoke_token, name="revoke-token"),
    path("<slug:slug>/profile", organisation.profile, name="profile"),
    path("<slug:slug>/profile/rotate-key", organisation.rotate, name="rotate-key"),
]
