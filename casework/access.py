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


def scope_to_unit(queryset: QuerySet, user, unit_field: str = "unit", *, by_unit_ids: bool = False) -> QuerySet:
    """The part of ``queryset`` the clerk may see.

    ``by_unit_ids``: the same cases, filtered by the ids of the clerk's unit and the units under it (one
    small query first) instead of a join on the units' path. For large lists in a chosen order (the admin
    queue, bench/admin_queue.py): PostgreSQL estimates ``path LIKE 'x/%'`` at one unit, so it expects a
    few hundred cases where a region holds half a million and sorts them all instead of walking an index
    in the queue's order; with the ids it reads the unit column's statistics.
    """
    if sees_all_units(user):
        return queryset
    unit = clerk_unit(user) if user and user.is_active and user.is_staff else None
    if unit is None:
        return queryset.none()
    if by_unit_ids:
        from .models import TerritorialUnit

        ids = list(TerritorialUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        return queryset.filter(**{f"{unit_field}__in": ids})
    return queryset.filter(**{f"{unit_field}__path__startswith": unit.path})


def can_access_case(user, case) -> bool:
    if sees_all_units(user):
        return True
    unit = clerk_unit(user) if user and user.is_active and user.is_staff else None
    return unit is not None and case.unit.path.startswith(unit.path)
