"""`Authorization: Token <key>`: a GIS client or an integration acts as the staff account
its key was issued for, with that account's roles (and no CSRF: no cookie is involved).

A key without an account only files Open311 requests; a revoked or unknown key is a 401.
"""
from __future__ import annotations

from gis.errors import QalaError, problem_response
from gis.models import ApiToken


class BadToken(QalaError):
    status = 401
    code = "bad-token"


class TokenAuthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Token "):
            token = ApiToken.authenticate(header[len("Token "):].strip())
            if token is None or token.user is None or not token.user.is_active:
                return problem_response(BadToken("the API token is unknown, revoked, or not tied to a staff account"))
            request.user = token.user
            request.api_token = token
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
