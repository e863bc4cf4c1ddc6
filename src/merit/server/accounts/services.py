"""Accounts services, the one place that writes the accounts tables: API tokens (stored hashed, scoped,
revocable), sign-up with e-mail verification, organisations' creation, profile and logo. Members and invitations
are in :mod:`merit.server.accounts.members`."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from merit.server.accounts.models import Account, ApiToken, Membership, Organisation, Role
from merit.server.issuing.services import audit, create_organisation

SCOPES = ("design", "issue", "status", "read")


class AuthenticationFailed(Exception):
    """A missing, malformed, unknown or revoked token (HTTP 401)."""


class PermissionDenied(Exception):
    """The token or user may not do this (HTTP 403)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(organisation: Organisation, name: str, scopes: list[str], actor: str) -> tuple[ApiToken, str]:
    """Create a token; the returned secret is shown once and never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation, name=name, prefix=prefix, secret_hash=_hash(secret), scopes=sorted(set(scopes))
    )
    audit(organisation, actor, "token.created", name, scopes=token.scopes)
    return token, f"mrt_{prefix}_{secret}"


def revoke_token(token: ApiToken, actor: str) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(token.organisation, actor, "token.revoked", token.name)


def authenticate(header: str | None, scope: str) -> ApiToken:
    """The token named by an ``Authorization: Bearer`` header, checked for ``scope``."""
    if not header or not header.startswith("Bearer "):
        raise AuthenticationFailed("an API token is required (Authorization: Bearer mrt_...)")
    parts = header.removeprefix("Bearer ").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "mrt":
        raise AuthenticationFailed("the API token is malformed")
    token = ApiToken.objects.select_related("organisation").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parts[2])):
        raise AuthenticationFailed("the API token is not valid")
    if token.revoked_at is not None:
        raise AuthenticationFailed("the API token has been revoked")
    if scope not in token.scopes:
        raise PermissionDenied(f"the API token lacks the '{scope}' scope")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


# Sign-up and e-mail verification.

VERIFY_SALT = "merit.accounts.verify-email"
VERIFY_MAX_AGE = timedelta(days=3)


class LinkInvalid(Exception):
    """A verification link that was tampered with or names an address the account no longer has (HTTP 400)."""


class LinkExpired(LinkInvalid):
    """A verification link older than :data:`VERIFY_MAX_AGE` (HTTP 410)."""


def normalise_email(email: str) -> str:
    """The form in which Merit stores and compares e-mail addresses."""
    return email.strip().lower()


def sign_up(email: str, name: str, password: str, next_url: str = "") -> bool:
    """Create an account whose e-mail address still needs verifying, and send the verification link; returns
    whether an account was created (for the server's own use: never tell the person signing up).

    If the address already has an account, nothing is created and its owner gets a note instead, so that the
    person signing up cannot tell the two cases apart.
    """
    email = normalise_email(email)
    users = get_user_model()
    existing = users.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = users.objects.create_user(username=email, email=email, password=password, first_name=name)
                Account.objects.create(user=user)
        except IntegrityError:
            existing = users.objects.filter(username__iexact=email).first()
        else:
            send_verification_email(user, next_url)
            return True
    # Hashing the password anyway keeps the response time close to that of a real sign-up.
    make_password(password)
    if existing is not None and existing.email:
        subject = _("Someone tried to create a Merit account with your address")
        send_account_email(existing.email, subject, "existing_account", {})
    return False


def verification_token(user: AbstractBaseUser, next_url: str = "") -> str:
    email = normalise_email(getattr(user, "email", ""))
    return signing.dumps({"user": user.pk, "email": email, "next": next_url}, salt=VERIFY_SALT)


def send_verification_email(user: AbstractBaseUser, next_url: str = "") -> None:
    url = f"{settings.BASE_URL}/accounts/verify/{verification_token(user, next_url)}"
    context = {"url": url, "days": VERIFY_MAX_AGE.days}
    send_account_email(getattr(user, "email", ""), _("Confirm your e-mail address for Merit"), "verify", context)


def verify_email(token: str) -> tuple[AbstractBaseUser, str]:
    """Mark the account named by a verification link as verified; returns it and where to go next."""
    user, next_url, _first = confirm_email(token)
    return user, next_url


def confirm_email(token: str) -> tuple[AbstractBaseUser, str, bool]:
    """:func:`verify_email`, and whether this was the link's first use (the address was not verified before)."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except signing.BadSignature as exc:
        raise LinkInvalid from exc
    user = get_user_model().objects.filter(pk=data.get("user")).first()
    if user is None or normalise_email(user.email) != data.get("email"):
        raise LinkInvalid
    first = mark_verified(user)
    return user, str(data.get("next") or ""), first


def mark_verified(user: AbstractBaseUser) -> bool:
    """Record that the user controls their e-mail address (a verification or password-reset link was used);
    returns whether it was not recorded before."""
    account, _created = Account.objects.get_or_create(user_id=user.pk)
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
        return True
    return False


def is_verified(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return Account.objects.filter(user_id=user.pk, email_verified_at__isnull=False).exists()


def send_account_email(to: str, subject: str, template: str, context: dict[str, Any]) -> None:
    """Send ``accounts/email/<template>.txt``, in the language of the current request, to one address."""
    body = render_to_string(f"accounts/email/{template}.txt", {**context, "base_url": settings.BASE_URL})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


# Organisations: creation, profile and logo.

LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
PROFILE_FIELDS = ("name", "country", "region", "registration_id", "homepage", "linkedin_id", "time_zone")


class NotVerified(Exception):
    """The account's e-mail address has not been verified yet (HTTP 403)."""


class LogoRejected(ValueError):
    """An uploaded logo that is not a PNG or JPEG image of at most :data:`LOGO_MAX_BYTES`."""


def logo_type(content: bytes) -> str:
    """The logo's media type, read from its first bytes (never its name); raises :class:`LogoRejected`."""
    if len(content) > LOGO_MAX_BYTES:
        raise LogoRejected(_("The logo is larger than 512 KB."))
    for magic, media_type in LOGO_TYPES:
        if content.startswith(magic):
            return media_type
    raise LogoRejected(_("The logo must be a PNG or JPEG image."))


def _free_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_organisation_for(user: AbstractBaseUser, *, name: str, country: str, **profile: Any) -> Organisation:
    """Create an organisation with its first signing key and make ``user`` its owner."""
    if not is_verified(user):
        raise NotVerified
    actor = user.get_username()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                organisation = create_organisation(slug=_free_slug(name), name=name, country=country, **profile)
                Membership.objects.create(user_id=user.pk, organisation=organisation, role=Role.OWNER)
                audit(organisation, actor, "member.joined", actor, role=Role.OWNER.value)
                return organisation
        except IntegrityError:
            # Someone took the same slug at the same moment; the next attempt picks another.
            continue
    raise IntegrityError("could not find a free slug")


def update_profile(organisation: Organisation, actor: str, logo: bytes | None = None, **fields: Any) -> list[str]:
    """Change the organisation's profile (and logo); returns the names of the fields that changed."""
    changed = [name for name in PROFILE_FIELDS if name in fields and getattr(organisation, name) != fields[name]]
    for name in changed:
        setattr(organisation, name, fields[name])
    if logo is not None:
        organisation.logo_type = logo_type(logo)
        organisation.logo = logo
        changed += ["logo", "logo_type"]
    if changed:
        organisation.save(update_fields=changed)
        audit(organisation, actor, "organisation.updated", organisation.slug, fields=changed)
    return changed
