"""Roles are Django groups; an executor user belongs to one organization (StaffMember).

The services check roles themselves (`require`), so the web pages, the API and the CLI
cannot forget to: a missing role is a NoRole error, never a silent write.
"""
from __future__ import annotations

from django.contrib.auth.models import Group

from gis.workflow.errors import NoRole

ROLES = ("operator", "inspector", "executor", "planner", "supervisor", "editor", "admin")


def ensure_groups(**kwargs) -> None:
    """Create the role groups (post_migrate hook; idempotent)."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def roles_of(user) -> set[str]:
    if user is None or not user.is_active:
        return set()
    if user.is_superuser:
        return set(ROLES)
    cached = getattr(user, "_qala_roles", None)
    if cached is None:
        cached = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._qala_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    held = roles_of(user)
    return "admin" in held or bool(held & set(roles))


def require(user, *roles: str, doing: str = "this") -> None:
    if not has_role(user, *roles):
        who = getattr(user, "username", None) or "an anonymous user"
        raise NoRole(f"{who} may not {doing}: it needs the role {' or '.join(roles)}",
                     required=list(roles))


def grant(user, role: str, organization=None) -> None:
    """Give a user a role; an executor must name its organization."""
    from layers.staff import StaffMember

    if role not in ROLES:
        raise NoRole(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if role == "executor":
        if organization is None:
            raise NoRole("an executor belongs to an organization: name it")
        StaffMember.objects.update_or_create(user=user, defaults={"organization": organization})
    user.groups.add(Group.objects.get(name=role))
    user._qala_roles = None


def organization_of(user):
    from layers.staff import StaffMember

    member = StaffMember.objects.filter(user=user).select_related("organization").first()
    return member.organization if member else None


def visible_appeals(user, queryset=None):
    """The appeals a user may see: an executor only its organization's, staff all, others none."""
    from layers.appeals import Appeal

    qs = Appeal.objects.all() if queryset is None else queryset
    held = roles_of(user)
    if held - {"executor"}:
        return qs
    if "executor" in held:
        org = organization_of(user)
        return qs.filter(executor=org) if org else qs.none()
    return qs.none()
