from django.contrib import admin
from django.db import models

from merit.server.accounts.models import ApiToken, AuditEvent, Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "country", "created_at")
    search_fields = ("name", "slug")
    # A homepage typed without a scheme is https (as on the organisation form; Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # noqa: RUF012


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "organisation", "role")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "organisation", "prefix", "scopes", "created_at", "revoked_at")
    readonly_fields = ("prefix", "secret_hash")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "organisation", "actor", "action", "target")
    list_filter = ("action",)
