"""Errors to HTTP, in one place: every API error is an RFC 9457 ``application/problem+json`` document that is also
a VC-API error response (``id``: the error's code, ``message``: what went wrong), so clients of either read it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from merit.core.errors import CouldNotVerifyError, InvalidError, MeritError
from merit.core.recipients import RecipientError
from merit.server.accounts.services import AuthenticationFailed, PermissionDenied
from merit.server.bulk.rows import UploadError
from merit.server.issuing import recipients
from merit.server.issuing.requests import CredentialExists, NoKeyForSuite
from merit.server.issuing.search import BadQuery

PROBLEM = "application/problem+json"
BASE = "https://purl.org/merit/problems/"


def problem(status: int, title: str, detail: str, kind: str, **extra: Any) -> HttpResponse:
    """One error answer: RFC 9457 members (``type``, ``title``, ``status``, ``detail``) and the VC-API's (``id``,
    ``message``), with any ``extra`` members (such as ``errors``) after them."""
    body = {"type": BASE + kind, "title": title, "status": status, "detail": detail, "id": kind, "message": detail}
    body.update(extra)
    dumps = {"ensure_ascii": False, "allow_nan": False}
    return JsonResponse(body, status=status, content_type=PROBLEM, json_dumps_params=dumps)


def install(api: NinjaAPI) -> None:
    """Register the mapping on ``api``."""

    @api.exception_handler(AuthenticationFailed)
    def unauthenticated(request: HttpRequest, exc: AuthenticationFailed) -> HttpResponse:
        response = problem(401, "Unauthorized", str(exc), "unauthorized")
        response["WWW-Authenticate"] = 'Bearer realm="merit"'
        return response

    @api.exception_handler(AuthenticationError)
    def ninja_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return unauthenticated(
            request, AuthenticationFailed("an API token is required (Authorization: Bearer mrt_...)")
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, "Forbidden", str(exc), "forbidden")

    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return problem(404, "Not Found", "no such resource in your organisation", "not-found")

    @api.exception_handler(DataError)
    def not_storable(request: HttpRequest, exc: DataError) -> HttpResponse:
        # A value a schema or a service did not bound (too long, out of range, text PostgreSQL cannot hold): the
        # client's error, and the writes were in one transaction, so nothing was saved.
        detail = "a value in the request is too long or cannot be stored; nothing was saved"
        return problem(400, "Bad Request", detail, "invalid-value")

    @api.exception_handler(ValidationError)
    def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"loc": e.get("loc"), "msg": e.get("msg")} for e in exc.errors]
        first = errors[0]["msg"] if errors else "invalid request"
        return problem(422, "Unprocessable Content", f"invalid request: {first}", "invalid-request", errors=errors)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, MeritError):  # django-ninja wraps what the body parser raised.
            return api.on_exception(request, exc.__cause__)
        return problem(exc.status_code, "Error", str(exc), "http-error")

    @api.exception_handler(UploadError)
    def invalid_upload(request: HttpRequest, exc: UploadError) -> HttpResponse:
        return problem(400, "Bad Request", str(exc), "invalid-upload")

    @api.exception_handler(CredentialExists)
    def conflict(request: HttpRequest, exc: CredentialExists) -> HttpResponse:
        return problem(409, "Conflict", exc.message, exc.code)

    @api.exception_handler(NoKeyForSuite)
    def no_key(request: HttpRequest, exc: NoKeyForSuite) -> HttpResponse:
        return problem(422, "Unprocessable Content", exc.message, exc.code)

    @api.exception_handler(CouldNotVerifyError)
    def could_not(request: HttpRequest, exc: CouldNotVerifyError) -> HttpResponse:
        return problem(422, "Could Not Process", exc.message, exc.code)

    @api.exception_handler(RecipientError)
    def bad_recipient(request: HttpRequest, exc: RecipientError) -> HttpResponse:
        return problem(400, "Bad Request", recipients.message(exc), exc.code, reason=exc.reason)

    @api.exception_handler(BadQuery)
    def bad_query(request: HttpRequest, exc: BadQuery) -> HttpResponse:
        return problem(400, "Bad Request", exc.message, "invalid-query", parameter=exc.parameter)

    @api.exception_handler(InvalidError)
    def invalid(request: HttpRequest, exc: InvalidError) -> HttpResponse:
        return problem(400, "Bad Request", exc.message, exc.code)

    @api.exception_handler(MeritError)
    def merit_error(request: HttpRequest, exc: MeritError) -> HttpResponse:
        return problem(400, "Bad Request", exc.message, exc.code)
