"""Regulation versions: every term and limit an act sets, as data with an effective date.

Each service registers its ``Regulation`` dataclass and the versions written in its ``rules.py``
(``register``); those become the ``seeded`` rows of ``casework.RegulationVersion`` (after every migrate
and in ``setup_office``), and an administrator adds an amendment as a new row in the admin — no code
change (STYLE.md "Rules and deadlines"; issue 10).

* ``regulation_on(service, day)``: the version in force on ``day`` (the latest whose effective date has
  come; the earliest known one for older days). A case calls it with its registration date, stores the
  version (``Case.regulation_version``) and is processed under it to the end.
* ``regulation(service, version)``: that version as the service's dataclass, built from the row's JSON
  (every field present with its type; unknown keys refused).

Both answer from a per-process snapshot of the (small) table: one cheap query (row count and last change)
at most every ``REGULATIONS_RECHECK_SECONDS`` (5) tells whether another process changed a version; a save
in this process drops the snapshot at once. Until the rows are loaded the code's versions answer.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import inspect
import logging
import re
import threading
import time
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------------
# The services and their dataclasses
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Codec:
    """How a field whose Python value is not plain JSON (a dict keyed by tuples, a tuple of dataclasses)
    is written to and read from ``RegulationVersion.values``. ``load`` raises ``ValueError`` with a
    sentence the administrator can act on."""

    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]
    help: str = ""  # the JSON shape, shown under the field


@dataclasses.dataclass(frozen=True)
class Service:
    key: str
    label: Any
    regulation_class: type
    seeds: tuple
    version_attr: str = "version"
    effective_attr: str = "effective_from"
    title_attr: str | None = "title"
    codecs: dict[str, Codec] = dataclasses.field(default_factory=dict)
    default_title: str = ""  # the seed rows' legal basis when the dataclass has no title

    @property
    def meta_attrs(self) -> set[str]:
        return {a for a in (self.version_attr, self.effective_attr, self.title_attr) if a}

    @property
    def value_fields(self) -> list[dataclasses.Field]:
        """The dataclass's fields that live in ``values`` (all but version, date and title)."""
        return [f for f in dataclasses.fields(self.regulation_class) if f.name not in self.meta_attrs]

    def type_of(self, name: str) -> Any:
        return _type_hints(self.regulation_class)[name]

    def clause(self, name: str) -> str:
        """The comment next to (or just above) the field in the dataclass: the clause it comes from."""
        return _clause_comments(self.regulation_class).get(name, "")

    def seed_meta(self, seed) -> tuple[str, dt.date, str]:
        title = getattr(seed, self.title_attr) if self.title_attr else self.default_title
        return getattr(seed, self.version_attr), getattr(seed, self.effective_attr), title

    def build(self, version: str, effective_from: dt.date, title: str, values: dict) -> Any:
        meta = {self.version_attr: version, self.effective_attr: effective_from}
        if self.title_attr:
            meta[self.title_attr] = title
        return self.regulation_class(**meta, **load_values(self, values))


SERVICES: dict[str, Service] = {}


def register(
    key: str,
    label,
    regulation_class: type,
    seeds: Iterable,
    *,
    version_attr: str = "version",
    effective_attr: str = "effective_from",
    title_attr: str | None = "title",
    codecs: dict[str, Codec] | None = None,
    default_title: str = "",
) -> Service:
    """Called by each app's rules.py: its dataclass and the versions written in code (the seed rows)."""
    service = Service(
        key,
        label,
        regulation_class,
        tuple(seeds),
        version_attr,
        effective_attr,
        title_attr,
        dict(codecs or {}),
        default_title,
    )
    for seed in service.seeds:  # the code's own versions must pass the checks administrators face
        load_values(service, dump_values(service, seed))
    SERVICES[key] = service
    invalidate()
    return service


def service(key: str) -> Service:
    try:
        return SERVICES[key]
    except KeyError:
        raise LookupError(f"unknown regulated service {key!r}") from None


# --------------------------------------------------------------------------------------------------
# Values <-> JSON, with checks
# --------------------------------------------------------------------------------------------------


def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def dump_value(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): dump_value(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [dump_value(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dump_values(service: Service, regulation_obj) -> dict:
    out = {}
    for f in service.value_fields:
        value = getattr(regulation_obj, f.name)
        codec = service.codecs.get(f.name)
        out[f.name] = codec.dump(value) if codec else dump_value(value)
    return out


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load_value(tp: Any, data: Any, path: str) -> Any:
    """``data`` (decoded JSON) checked against the type annotation ``tp``; ``ValueError`` says what is wrong."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is type(None):
        if data is not None:
            raise ValueError(gettext("%(path)s: must be empty (null).") % {"path": path})
        return None
    if origin in (typing.Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                return load_value(option, data, path)
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError(errors[0] if len(errors) == 1 else "; ".join(errors))
    if tp is bool:
        if not isinstance(data, bool):
            raise ValueError(
                gettext("%(path)s: yes or no (true/false) is expected, not %(v)s.")
                % {"path": path, "v": _describe(data)}
            )
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError(
                gettext("%(path)s: a whole number is expected, not %(v)s.") % {"path": path, "v": _describe(data)}
            )
        if data < 0:
            raise ValueError(gettext("%(path)s: must not be negative (%(v)s).") % {"path": path, "v": data})
        return data
    if tp is str:
        if not isinstance(data, str):
            raise ValueError(gettext("%(path)s: text is expected, not %(v)s.") % {"path": path, "v": _describe(data)})
        return data
    if tp is dt.date:
        try:
            return dt.date.fromisoformat(data)
        except (TypeError, ValueError):
            raise ValueError(
                gettext("%(path)s: a date YYYY-MM-DD is expected, not %(v)s.") % {"path": path, "v": _describe(data)}
            ) from None
    if origin is dict or tp is dict:
        if not isinstance(data, dict):
            raise ValueError(
                gettext("%(path)s: an object {…} is expected, not %(v)s.") % {"path": path, "v": _describe(data)}
            )
        key_type, value_type = args or (str, Any)
        return {
            load_value(key_type, k, f"{path}[{k}]"): load_value(value_type, v, f"{path}[{k}]") for k, v in data.items()
        }
    if origin is tuple or tp is tuple:
        if not isinstance(data, (list, tuple)):
            raise ValueError(
                gettext("%(path)s: a list […] is expected, not %(v)s.") % {"path": path, "v": _describe(data)}
            )
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(load_value(args[0], item, f"{path}[{i}]") for i, item in enumerate(data))
        if args and len(args) != len(data):
            raise ValueError(
                gettext("%(path)s: a list of %(n)s items is expected, not %(v)s.")
                % {"path": path, "n": len(args), "v": _describe(data)}
            )
        if not args:
            return tuple(data)
        return tuple(load_value(a, item, f"{path}[{i}]") for i, (a, item) in enumerate(zip(args, data, strict=True)))
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise ValueError(
                gettext("%(path)s: an object {…} is expected, not %(v)s.") % {"path": path, "v": _describe(data)}
            )
        hints = _type_hints(tp)
        names = [f.name for f in dataclasses.fields(tp)]
        unknown = sorted(set(data) - set(names))
        missing = [n for n in names if n not in data]
        if unknown:
            raise ValueError(gettext("%(path)s: unknown key(s) %(k)s.") % {"path": path, "k": ", ".join(unknown)})
        if missing:
            raise ValueError(gettext("%(path)s: missing key(s) %(k)s.") % {"path": path, "k": ", ".join(missing)})
        return tp(**{n: load_value(hints[n], data[n], f"{path}.{n}") for n in names})
    if tp is Any:
        return data
    raise TypeError(f"{path}: no JSON form for {tp!r}; register a Codec for this field")


def load_values(service: Service, values: Any) -> dict:
    """The dataclass's keyword arguments from ``values``; ``ValidationError`` keyed by field otherwise
    (every key present, each of its type, nothing unknown)."""
    if not isinstance(values, dict):
        raise ValidationError({"values": [_("The terms must be an object {name: value}.")]})
    names = [f.name for f in service.value_fields]
    errors: dict[str, list[str]] = {}
    for key in sorted(set(values) - set(names)):
        errors.setdefault("values", []).append(
            gettext("Unknown term %(key)s: %(service)s has no such number.") % {"key": key, "service": service.key}
        )
    out = {}
    for name in names:
        if name not in values:
            errors.setdefault(name, []).append(gettext("%(key)s is missing: every term must be given.") % {"key": name})
            continue
        codec = service.codecs.get(name)
        try:
            out[name] = codec.load(values[name]) if codec else load_value(service.type_of(name), values[name], name)
        except ValueError as exc:
            errors.setdefault(name, []).append(str(exc))
            continue
        shape = _seed_keys(service).get(name)
        if shape is not None and set(out[name]) != shape:
            # A term per sub-service (or per education kind): the code looks each one up, so all must be there.
            unknown, missing = sorted(set(out[name]) - shape), sorted(shape - set(out[name]))
            errors.setdefault(name, []).append(
                gettext("%(key)s: the keys are %(wanted)s (unknown: %(unknown)s; missing: %(missing)s).")
                % {
                    "key": name,
                    "wanted": ", ".join(sorted(shape)),
                    "unknown": ", ".join(unknown) or "—",
                    "missing": ", ".join(missing) or "—",
                }
            )
    if errors:
        raise ValidationError(errors)
    return out


def _seed_keys(service: Service) -> dict[str, set]:
    """For each plain dict term, the keys of the latest version written in code."""
    if not service.seeds:
        return {}
    latest = max(service.seeds, key=lambda seed: getattr(seed, service.effective_attr))
    return {
        f.name: set(getattr(latest, f.name))
        for f in service.value_fields
        if f.name not in service.codecs and isinstance(getattr(latest, f.name), dict)
    }


# The clause comments of a dataclass, for the admin's help texts.
_FIELD_LINE = re.compile(r"^(?P<indent>\s+)(?P<name>\w+)\s*:[^#]*?(?:#\s*(?P<comment>.*))?$")
_COMMENT_LINE = re.compile(r"^\s+#\s?(?P<text>.*)$")


def _clause_comments(cls: type) -> dict[str, str]:
    cached = _comment_cache.get(cls)
    if cached is not None:
        return cached
    names = {f.name for f in dataclasses.fields(cls)}
    try:
        lines = inspect.getsource(cls).splitlines()
    except (OSError, TypeError):
        lines = []
    found: dict[str, str] = {}
    above: list[str] = []
    for line in lines:
        comment = _COMMENT_LINE.match(line)
        if comment:
            above.append(comment.group("text").strip())
            continue
        field_line = _FIELD_LINE.match(line)
        if field_line and field_line.group("name") in names and field_line.group("name") not in found:
            trailing = (field_line.group("comment") or "").strip()
            text = trailing or " ".join(above)
            if text:
                found[field_line.group("name")] = text.replace("noqa: S105 — ", "")
        above = []
    _comment_cache[cls] = found
    return found


_comment_cache: dict[type, dict[str, str]] = {}

# --------------------------------------------------------------------------------------------------
# The snapshot: every version of every service, per process
# --------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Entry:
    service: str
    version: str
    effective_from: dt.date
    title: str
    seeded: bool
    values: dict
    regulation: Any


@dataclasses.dataclass
class _Snapshot:
    stamp: Any
    by_service: dict[str, list[Entry]]
    recheck_at: float = float("-inf")


_lock = threading.Lock()
_snapshot: _Snapshot | None = None
_monotonic = time.monotonic


def _recheck_seconds() -> float:
    return float(getattr(settings, "REGULATIONS_RECHECK_SECONDS", 5.0))


def _read_stamp() -> tuple:
    """Every row's id and last change: a few dozen rows at most, one indexed scan; any added, changed or
    removed row changes it (whatever the clocks of the processes that wrote it)."""
    from .models import RegulationVersion

    return tuple(RegulationVersion.objects.order_by("id").values_list("id", "updated_at"))


def _code_entries(svc: Service) -> list[Entry]:
    entries = []
    for seed in svc.seeds:
        version, effective_from, title = svc.seed_meta(seed)
        entries.append(Entry(svc.key, version, effective_from, title, True, dump_values(svc, seed), seed))
    return sorted(entries, key=lambda e: e.effective_from)


def _build(stamp) -> _Snapshot:
    from .models import RegulationVersion

    rows: dict[str, list[Entry]] = {}
    for row in RegulationVersion.objects.order_by("service", "effective_from"):
        svc = SERVICES.get(row.service)
        if svc is None:
            continue
        try:
            built = svc.build(row.version, row.effective_from, row.title, row.values)
        except (ValidationError, TypeError) as exc:
            # A row the current code cannot read (e.g. a term the code no longer has): the version it would
            # give cannot be applied, so it is left out rather than applied half.
            logger.error("regulation version %s %s is not readable and is ignored: %s", row.service, row.version, exc)
            continue
        rows.setdefault(row.service, []).append(
            Entry(row.service, row.version, row.effective_from, row.title, row.seeded, row.values, built)
        )
    by_service = {key: rows.get(key) or _code_entries(svc) for key, svc in SERVICES.items()}
    return _Snapshot(stamp, by_service)


def _current() -> _Snapshot:
    global _snapshot
    snap = _snapshot
    if snap is not None and _monotonic() < snap.recheck_at:
        return snap
    with _lock:
        snap = _snapshot
        if snap is not None and _monotonic() < snap.recheck_at:
            return snap
        stamp = _read_stamp()
        if snap is None or snap.stamp != stamp:
            snap = _build(stamp)
        snap.recheck_at = _monotonic() + _recheck_seconds()
        _snapshot = snap
        return snap


def invalidate(**_kwargs) -> None:
    """Forget the snapshot of this process (a version was saved here; tests call it between cases)."""
    global _snapshot
    with _lock:
        _snapshot = None


def entries(service_key: str) -> list[Entry]:
    """Every version of the service, oldest first."""
    service(service_key)
    return list(_current().by_service.get(service_key, ()))


def _entry_on(service_key: str, day: dt.date) -> Entry:
    items = _current().by_service.get(service_key) or _code_entries(service(service_key))
    index = bisect.bisect_right([e.effective_from for e in items], day) - 1
    return items[max(index, 0)]


def entry(service_key: str, version: str, *, reload_on_miss: bool = True) -> Entry:
    for attempt in (0, 1):
        for item in _current().by_service.get(service_key) or _code_entries(service(service_key)):
            if item.version == version:
                return item
        if attempt == 0 and reload_on_miss:
            invalidate()  # maybe added by another process since the last check
        else:
            break
    raise LookupError(f"unknown regulation version {version!r} of {service_key}")


def regulation_on(service_key: str, day: dt.date) -> Any:
    """The version in force on ``day``: the latest whose effective date has come (the earliest known for
    older days)."""
    return _entry_on(service_key, day).regulation


def regulation(service_key: str, version: str) -> Any:
    """The version a case recorded; ``LookupError`` when the service has no such version."""
    return entry(service_key, version).regulation


def current(service_key: str) -> Any:
    return regulation_on(service_key, timezone.localdate())


def previous_entry(item: Entry) -> Entry | None:
    items = _current().by_service.get(item.service) or []
    earlier = [e for e in items if e.effective_from < item.effective_from]
    return earlier[-1] if earlier else None


# --------------------------------------------------------------------------------------------------
# What changed, for the history of the cases registered under a version
# --------------------------------------------------------------------------------------------------


def changes(old: dict, new: dict) -> list[tuple[str, Any, Any]]:
    """(term, old, new) for every term that differs; objects are compared key by key."""
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend((f"{key}.{k}", va, vb) for k, va, vb in changes(a, b))
        else:
            out.append((key, a, b))
    return out


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def describe_changes(found: list[tuple[str, Any, Any]]) -> str:
    if not found:
        return gettext("no term changed")
    return "; ".join(f"{key}: {_show(a)} → {_show(b)}" for key, a, b in found)


def registration_note(case) -> tuple[str, dict] | None:
    """For the first history entry of a case: the version it is processed under (``details``) and, when
    that version was added by an administrator rather than written in the code, the sentence
    "processed under regulation … in force from …: what changed" (``reason``)."""
    service_key = getattr(type(case), "REGULATION_SERVICE", "")
    version = getattr(case, "regulation_version", "")
    if not service_key or not version or service_key not in SERVICES:
        return None
    try:
        item = entry(service_key, version, reload_on_miss=False)  # the service just read it from the snapshot
    except LookupError:
        return None
    details = {"service": service_key, "version": item.version, "effective_from": item.effective_from.isoformat()}
    if item.seeded:
        return "", details
    before = previous_entry(item)
    found = changes(before.values, item.values) if before else []
    details["changed"] = {key: [a, b] for key, a, b in found}
    if before:
        details["previous_version"] = before.version
    text = gettext("Processed under regulation %(version)s in force from %(date)s: %(changes)s.") % {
        "version": item.version,
        "date": f"{item.effective_from:%d.%m.%Y}",
        "changes": describe_changes(found),
    }
    return text, details


# --------------------------------------------------------------------------------------------------
# Rows: the code's versions, used versions, adding a version
# --------------------------------------------------------------------------------------------------


def sync_seeds(**_kwargs) -> int:
    """Load the versions written in code as rows (idempotent: an existing row is left as it is, except that
    a term the code added since is filled in from the code's version of the same name)."""
    from django.db import connection

    from .models import RegulationVersion

    if RegulationVersion._meta.db_table not in connection.introspection.table_names():
        return 0  # migrated backwards past casework.0011
    created = 0
    for svc in SERVICES.values():
        for seed in svc.seeds:
            version, effective_from, title = svc.seed_meta(seed)
            values = dump_values(svc, seed)
            row = RegulationVersion.objects.filter(service=svc.key, version=version).first()
            if row is None:
                if RegulationVersion.objects.filter(service=svc.key, effective_from=effective_from).exists():
                    continue  # an administrator's version already holds that day
                RegulationVersion.objects.create(
                    service=svc.key,
                    version=version,
                    effective_from=effective_from,
                    title=title[:300],
                    values=values,
                    seeded=True,
                )
                created += 1
            elif row.seeded and set(values) - set(row.values or {}):
                row.values = {**values, **(row.values or {})}
                row.save(update_fields=["values", "updated_at"])
    invalidate()
    return created


def case_models(service_key: str) -> list[type]:
    """The concrete case models processed under this service's regulation (``REGULATION_SERVICE``)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if getattr(model, "REGULATION_SERVICE", "") == service_key and hasattr(model, "regulation_version")
    ]


def applied_to_cases(service_key: str, version: str) -> bool:
    """Whether any case was registered under the version (EXISTS: stops at the first one)."""
    return any(model._base_manager.filter(regulation_version=version).exists() for model in case_models(service_key))


def is_locked(row) -> str:
    """Why this version can no longer be changed or deleted ("" when it can): the code's own versions,
    versions already in force, and versions any case was registered under are history."""
    if row.pk is None:
        return ""
    if row.seeded:
        return gettext("written in the code")
    if row.effective_from <= timezone.localdate():
        return gettext("already in force")
    if applied_to_cases(row.service, row.version):
        return gettext("already applied to cases")
    return ""


def validate_version(
    service_key: str,
    version: str,
    effective_from: dt.date | None,
    values: Any,
    *,
    today: dt.date | None = None,
    instance=None,
) -> dict:
    """Every check a new (or a not yet used) version must pass; returns the checked values (JSON) or raises
    ``ValidationError`` keyed by field. Nothing is written."""
    from .models import RegulationVersion

    errors: dict[str, list[str]] = {}
    try:
        svc = service(service_key)
    except LookupError:
        raise ValidationError({"service": [_("Unknown service.")]}) from None
    today = today or timezone.localdate()
    others = RegulationVersion.objects.filter(service=service_key)
    if instance is not None and instance.pk:
        others = others.exclude(pk=instance.pk)
    version = (version or "").strip()
    if not version:
        errors.setdefault("version", []).append(gettext("Name the version (e.g. the amending order and its date)."))
    elif others.filter(version=version).exists():
        errors.setdefault("version", []).append(
            gettext("%(service)s already has a version %(version)s.") % {"service": service_key, "version": version}
        )
    if effective_from is None:
        errors.setdefault("effective_from", []).append(gettext("Give the date the version comes into force."))
    else:
        if effective_from <= today:
            errors.setdefault("effective_from", []).append(
                gettext(
                    "A new version comes into force after today (%(today)s): cases already registered keep the "
                    "version they were registered under, so history cannot be changed."
                )
                % {"today": f"{today:%d.%m.%Y}"}
            )
        clash = others.filter(effective_from=effective_from).first()
        if clash is not None:
            errors.setdefault("effective_from", []).append(
                gettext("Version %(version)s already comes into force on %(date)s.")
                % {"version": clash.version, "date": f"{effective_from:%d.%m.%Y}"}
            )
    if instance is not None and instance.pk:
        reason = is_locked(instance)
        if reason:
            errors.setdefault("__all__", []).append(
                gettext("This version can no longer be changed: %(reason)s.") % {"reason": reason}
            )
    checked = None
    try:
        checked = dump_values(svc, svc.build(version or "-", effective_from or today, "", values))
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return checked


def add_version(
    service_key: str,
    *,
    version: str,
    effective_from: dt.date,
    title: str,
    values: dict,
    user,
    note: str = "",
    today: dt.date | None = None,
):
    """An administrator adds an amendment: checked in full first, so a refusal changes nothing."""
    from .exceptions import NotPermitted
    from .models import RegulationVersion

    if not (user is not None and user.is_active and user.has_perm("casework.add_regulationversion")):
        raise NotPermitted(_("Only an administrator adds regulation versions."))
    checked = validate_version(service_key, version, effective_from, values, today=today)
    if not (title or "").strip():
        raise ValidationError({"title": [_("Name the act (or the amending act) that sets these terms.")]})
    return RegulationVersion.objects.create(
        service=service_key,
        version=version.strip(),
        effective_from=effective_from,
        title=title.strip(),
        values=checked,
        note=note,
        created_by=user,
    )


def connect_signals() -> None:
    from .models import RegulationVersion

    post_save.connect(invalidate, sender=RegulationVersion, dispatch_uid="casework.regulations.saved")
    post_delete.connect(invalidate, sender=RegulationVersion, dispatch_uid="casework.regulations.deleted")
