"""Least privilege by territorial unit: a clerk sees the cases of their unit and the units under it.

Only superusers and the administrator role see every unit. A staff user with no unit sees nothing.
"""

import operator
from functools import cache, reduce

from django.db.models import Exists, OuterRef, Q, QuerySet

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


def visible_unit_ids(user) -> list[int] | None:
    """The ids of the clerk's unit and the units under it (one small query); None: every unit."""
    if sees_all_units(user):
        return None
    unit = clerk_unit(user) if user and user.is_active and user.is_staff else None
    if unit is None:
        return []
    from .models import TerritorialUnit

    return list(TerritorialUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def _unit_lookup(model) -> str | None:
    """How rows of ``model`` reach their territorial unit: their own ``unit``, or the ``unit`` of a case / permit
    they belong to (one hop, e.g. a requested worker's application, a holder notice's certificate)."""
    from .models import TerritorialUnit

    def own_unit(m) -> bool:
        return any(f.name == "unit" and f.related_model is TerritorialUnit for f in m._meta.concrete_fields)

    if own_unit(model):
        return "unit"
    for f in model._meta.concrete_fields:
        if f.many_to_one or f.one_to_one:
            if f.related_model is not TerritorialUnit and own_unit(f.related_model):
                return f"{f.name}__unit"
    return None


@cache
def party_relations(model) -> tuple[tuple[type, str, str], ...]:
    """Every (model, field, unit lookup) through which an object of ``model`` (Person, Organisation) is a party
    of something held by a territorial unit: applicant, holder, employer, complainant, job seeker, transferee...

    Found from the relations of every installed model (a new service's parties count without an edit here); a
    relation of a model that reaches no unit grants nothing. Read from each model's own fields, not from
    ``model._meta.related_objects``: that reverse list is cached by the first caller, and one made while the apps
    were still loading lacks the later apps' relations (seen here: only certificates' were listed).
    """
    from django.apps import apps

    found = []
    for related in apps.get_models():
        if related._meta.proxy:
            continue
        for f in (*related._meta.concrete_fields, *related._meta.many_to_many):
            if f.is_relation and f.related_model is model:
                lookup = _unit_lookup(related)
                if lookup is not None:
                    found.append((related, f.name, lookup))
    return tuple(found)


def scope_parties(queryset: QuerySet, user) -> QuerySet:
    """The persons / organisations the clerk may see (least privilege, README "Roles"): the parties of a case,
    permit or certificate of the clerk's units, and those a clerk registered in the admin in one of these units
    (``registered_in``, set by casework.admin.PartyAdmin: a registrar sees and picks the person they just added
    before it is a party of anything); the administrator role sees all.

    One EXISTS per relation (casework.access.party_relations), each an index probe on the relation's foreign key
    (Django indexes every ForeignKey), and ``registered_in_id IN (...)`` on the party's own foreign-key index, all
    with the unit ids of the clerk (one small query first): no join on the units' path, no query per row.
    """
    ids = visible_unit_ids(user)
    if ids is None:
        return queryset
    if not ids:
        return queryset.none()
    visible = [
        Exists(related._base_manager.filter(**{field: OuterRef("pk"), f"{lookup}__in": ids}))
        for related, field, lookup in party_relations(queryset.model)
    ]
    if any(f.name == "registered_in" for f in queryset.model._meta.concrete_fields):
        visible.append(Q(registered_in_id__in=ids))
    if not visible:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, visible))
