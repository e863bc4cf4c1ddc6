"""The language switcher: every page's form posts here (``site/language.html``).

Django's ``set_language`` does the work (it checks ``next`` against the host, sets the language cookie, which the
locale middleware reads on every later request); a signed-in user's choice is also saved on their
:class:`~merit.server.accounts.models.Account`, so that it follows them to another browser, where
:class:`PreferenceMiddleware` applies it until the browser has a cookie of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from merit.server.accounts.models import Account

CODES = frozenset(code for code, _name in settings.LANGUAGES)


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    response = set_language(request)
    code = request.POST.get("language", "")
    if code in CODES and request.user.is_authenticated:
        Account.objects.update_or_create(user_id=request.user.pk, defaults={"language": code})
    return response


def languages(request: HttpRequest) -> dict[str, object]:
    """Context processor: the switcher's languages, each named in itself (``settings.LANGUAGES`` untranslated:
    Django's ``get_available_languages`` would give "Engelska" on a Swedish page)."""
    return {"merit_languages": settings.LANGUAGES}


def saved(request: HttpRequest) -> str | None:
    """The signed-in user's saved language, if any."""
    if not request.user.is_authenticated:
        return None
    code = Account.objects.filter(user_id=request.user.pk).values_list("language", flat=True).first()
    return code if code in CODES else None


class PreferenceMiddleware:
    """After authentication: a signed-in user whose browser has no language cookie gets their saved language (and
    the cookie, so later requests need no database look-up)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = None
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            code = saved(request)
            if code:
                translation.activate(code)
                request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if code and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
