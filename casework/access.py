"""Least privilege by territorial unit: a clerk sees the cases of their unit and the units under it.

Only superusers and the administrator role see every unit. A staff user with no unit sees nothing.
"""

from django.db.models import QuerySet

from .roles import ADMINISTRATOR


def sees_all_units(user) -> bool:
    return bool(user and user.is_active and (user.is_superuser or user.groups.filter(name=ADMINISTRATOR).exists()))


def clerk_unit(user):
    profile = getattr(user, "clerk_profile", None)
    return profile.unit if profile is not None else None


def scope_to_unit(queryset: QuerySet, user, unit_field: str = "unit") -> QuerySet:
    """The part of ``queryset`` the clerk may see."""
    if sees_all_units(user):
        return queryset
    unit = clerk_unit(user) if user and user.is_active and user.is_staff else None
    if unit is None:
        return queryset.none()
    return queryset.filter(**{f"{unit_field}__path__startswith": unit.path})


def can_access_case(user, case) -> bool:
    if sees_all_units(user):
        return True
    unit = clerk_unit(user) if user and user.is_active and user.is_staff else None
    return unit is not None and case.unit.path.startswith(unit.path)
