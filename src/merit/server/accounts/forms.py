"""The forms of the account and organisation pages; services do the writing."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from merit.server.accounts.countries import CODES
from merit.server.accounts.models import Role
from merit.server.accounts.services import LOGO_MAX_BYTES, SCOPES, LogoRejected, logo_type

SCOPE_LABELS = {
    "design": _("design: create and publish micro-credential specifications"),
    "issue": _("issue: issue credentials"),
    "status": _("status: revoke, suspend and reinstate credentials"),
    "read": _("read: read specifications, credentials and the audit log"),
}


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(label=_("Your name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password and not like your name or address."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = get_user_model()(
                username=data.get("email", ""), email=data.get("email", ""), first_name=data.get("name", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


def _country(value: str) -> str:
    code = value.strip().upper()
    if code not in CODES:
        raise ValidationError(_("Enter a two-letter ISO 3166-1 country code, such as SE, FI or PL."))
    return code


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Legal name"), max_length=300)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        help_text=_("The two-letter ISO 3166-1 code, such as SE for Sweden."),
        widget=forms.TextInput(attrs={"size": 3, "autocomplete": "country"}),
    )
    region = forms.CharField(label=_("Region (optional)"), max_length=200, required=False)
    registration_id = forms.CharField(label=_("Registration number (optional)"), max_length=200, required=False)
    homepage = forms.URLField(
        label=_("Homepage (optional)"), required=False, assume_scheme="https", widget=forms.URLInput(attrs={"size": 40})
    )

    def clean_country(self) -> str:
        return _country(self.cleaned_data["country"])


def _zones() -> list[tuple[str, str]]:
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    return [(zone, zone.replace("_", " ")) for zone in ["UTC", *zones]]


class ProfileForm(OrganisationForm):
    linkedin_id = forms.RegexField(
        label=_("LinkedIn organisation id (optional)"),
        regex=r"^[0-9]{1,20}$",
        max_length=20,
        required=False,
        help_text=_(
            "The number in the address of your LinkedIn page's admin view (linkedin.com/company/12345678/admin)."
            " With it, learners who add a credential to their LinkedIn profile show your logo."
        ),
        error_messages={"invalid": _("Enter the number only, such as 12345678.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 22}),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_zones,
        required=False,
        help_text=_(
            "Dates without a time in uploaded spreadsheets, such as 2027-12-31, are read in this time zone, and the "
            "e-mails to learners give times in it."
        ),
    )

    def clean_time_zone(self) -> str:
        value = str(self.cleaned_data.get("time_zone") or "")
        if not value:
            return ""  # The country's time zone.
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(_("Choose a time zone from the list.")) from exc
        return value

    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("A PNG or JPEG image of at most 512 KB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def clean_logo(self) -> bytes | None:
        file = self.cleaned_data.get("logo")
        if not file:
            return None
        content = file.read(LOGO_MAX_BYTES + 1)
        try:
            logo_type(content)
        except LogoRejected as exc:
            raise ValidationError(str(exc)) from exc
        return bytes(content)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, such as “student records system”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(scope, SCOPE_LABELS[scope]) for scope in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
