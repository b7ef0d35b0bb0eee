"""Who may open which face of the map: roles are Django groups, staff may open all.

Anonymous visitors are sent to the login page; a signed-in user without the role
gets a plain 403 page naming the role, never a bare error.
"""
from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from gis.workflow.roles import roles_of

OPERATOR = ("operator", "inspector", "supervisor", "admin")
PLANNER = ("planner", "supervisor", "admin")
SUPERVISOR = ("supervisor", "admin")


def has_role(user, roles: tuple[str, ...]) -> bool:
    """Staff may open every face; others need one of the roles (groups read once per request)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or bool(roles_of(user) & set(roles))


def role_required(roles: tuple[str, ...]):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "web:login")
            if not has_role(request.user, roles):
                return render(request, "web/forbidden.html", {"roles": roles}, status=403)
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


def faces(user) -> dict[str, bool]:
    """Which links the header shows."""
    return {"operator": has_role(user, OPERATOR), "planner": has_role(user, PLANNER),
            "dashboard": has_role(user, SUPERVISOR)}
