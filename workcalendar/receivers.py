"""Keeps the precomputed calendar in step with CalendarOverride and announces changes.

Connected in WorkcalendarConfig.ready(). Uses the model signals (not save()/delete() overrides) so
that the admin's bulk delete, which deletes row by row with pre/post_delete, is covered too.
QuerySet.update() on CalendarOverride bypasses this and must not be used.
"""

from django.db import transaction
from django.db.models import F

from . import services
from .models import CalendarOverride, CalendarVersion
from .signals import calendar_changed


def bump_version(using: str) -> None:
    updated = CalendarVersion.objects.using(using).filter(pk=1).update(number=F("number") + 1)
    if not updated:
        CalendarVersion.objects.using(using).get_or_create(pk=1, defaults={"number": 1})


def announce(dates, using: str) -> None:
    """Bump the version now (inside the caller's transaction) and send the signal once it commits."""
    dates = sorted({d for d in dates if d is not None})
    bump_version(using)
    services.note_local_change(using)

    def after_commit() -> None:
        services.committed_local_change()
        calendar_changed.send(sender=CalendarOverride, dates=dates)

    transaction.on_commit(after_commit, using=using)


def override_saved(sender, instance: CalendarOverride, created: bool, using: str, **kwargs) -> None:
    dates = [instance.date]
    loaded = getattr(instance, "_loaded_date", None)
    if loaded is not None and loaded != instance.date:
        dates.append(loaded)
    instance._loaded_date = instance.date
    announce(dates, using)


def override_deleted(sender, instance: CalendarOverride, using: str, **kwargs) -> None:
    announce([instance.date, getattr(instance, "_loaded_date", None)], using)
