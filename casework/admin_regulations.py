"""Admin of the regulation versions (casework.regulations): the versions of each service, and "add a new
version" prefilled from the one in force, every term its own typed field with its clause as help text.

A version comes into force after today; once in force, applied to a case, or written in the code it is
read-only (history is not changed). Only the administrator role holds ``casework.add_regulationversion``.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import regulations
from .models import RegulationVersion

TERM_PREFIX = "term_"


def _plain(tp) -> type | None:
    return tp if tp in (int, bool, str) else None


class RegulationVersionForm(forms.ModelForm):
    """Base of the per-service form ``version_form`` builds (one declared field per term)."""

    service_key: str = ""
    term_names: tuple[str, ...] = ()
    json_terms: frozenset[str] = frozenset()

    class Meta:
        model = RegulationVersion
        fields = ("version", "effective_from", "title", "note")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service = self.service_key
        source = self.instance.values if self.instance.pk else self._in_force_values()
        for name in self.term_names:
            if name in source and not self.is_bound:
                value = source[name]
                self.initial[TERM_PREFIX + name] = (
                    json.dumps(value, ensure_ascii=False) if name in self.json_terms else value
                )
        self.checked_values: dict | None = None

    def _in_force_values(self) -> dict:
        try:
            items = regulations.entries(self.service_key)
        except LookupError:
            return {}
        today = timezone.localdate()
        in_force = [e for e in items if e.effective_from <= today] or items
        return dict(in_force[-1].values) if in_force else {}

    def clean(self):
        cleaned = super().clean()
        values = {}
        for name in self.term_names:
            field = TERM_PREFIX + name
            if field not in cleaned:
                continue  # the field's own error is shown
            raw = cleaned[field]
            if name in self.json_terms:
                try:
                    values[name] = json.loads(raw)
                except (TypeError, ValueError) as exc:
                    self.add_error(field, gettext("Not valid JSON: %(error)s") % {"error": exc})
                    continue
            else:
                values[name] = raw
        try:
            self.checked_values = regulations.validate_version(
                self.service_key,
                cleaned.get("version", ""),
                cleaned.get("effective_from"),
                values,
                instance=self.instance,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                if key in self.term_names:
                    field = TERM_PREFIX + key
                    if field in self.errors or field not in cleaned:
                        continue
                    self.add_error(field, messages)
                elif key in ("version", "effective_from", "title", "note"):
                    if key not in self.errors:
                        self.add_error(key, messages)
                else:
                    self.add_error(None, messages)
        return cleaned

    def save(self, commit=True):
        self.instance.service = self.service_key
        self.instance.values = self.checked_values
        return super().save(commit=commit)


def version_form(service_key: str) -> type[RegulationVersionForm]:
    """A form class for this service: each term of its dataclass as a typed field, help = its clause."""
    svc = regulations.service(service_key)
    attrs: dict = {"service_key": service_key}
    names, json_terms = [], set()
    for f in svc.value_fields:
        tp = _plain(svc.type_of(f.name)) if f.name not in svc.codecs else None
        codec = svc.codecs.get(f.name)
        help_text = svc.clause(f.name)
        if tp is int:
            field = forms.IntegerField(label=f.name, min_value=0, help_text=help_text)
        elif tp is bool:
            field = forms.BooleanField(label=f.name, required=False, help_text=help_text)
        elif tp is str:
            field = forms.CharField(label=f.name, required=False, help_text=help_text)
        else:
            json_terms.add(f.name)
            shape = codec.help if codec else ""
            field = forms.CharField(
                label=f.name,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 90, "class": "vLargeTextField"}),
                help_text=" ".join(
                    str(x) for x in (help_text, shape, gettext("JSON, as in the version in force.")) if x
                ),
            )
        attrs[TERM_PREFIX + f.name] = field
        names.append(f.name)
    attrs["term_names"] = tuple(names)
    attrs["json_terms"] = frozenset(json_terms)
    return type(f"RegulationVersionForm_{service_key.replace('.', '_')}", (RegulationVersionForm,), attrs)


class ServiceFilter(admin.SimpleListFilter):
    title = _("service")
    parameter_name = "service"

    def lookups(self, request, model_admin):
        return [(key, svc.label) for key, svc in sorted(regulations.SERVICES.items())]

    def queryset(self, request, queryset):
        return queryset.filter(service=self.value()) if self.value() else queryset


@admin.register(RegulationVersion)
class RegulationVersionAdmin(admin.ModelAdmin):
    list_display = ("service_name", "version", "effective_from", "title", "origin", "in_force", "cases", "created_by")
    list_display_links = ("version",)
    list_filter = (ServiceFilter,)
    search_fields = ("version", "title")
    ordering = ("service", "-effective_from")
    list_select_related = ("created_by",)
    change_list_template = "admin/casework/regulationversion/change_list.html"
    LOCKED_FIELDS = (
        "service_name",
        "version",
        "effective_from",
        "title",
        "terms",
        "note",
        "origin",
        "cases",
        "created_by",
        "created_at",
    )

    # --- list -------------------------------------------------------------------------------------

    @admin.display(description=_("service"), ordering="service")
    def service_name(self, obj) -> str:
        svc = regulations.SERVICES.get(obj.service)
        return f"{svc.label} ({obj.service})" if svc else obj.service

    @admin.display(description=_("origin"))
    def origin(self, obj) -> str:
        return gettext("written in the code") if obj.seeded else gettext("added by an administrator")

    @admin.display(description=_("in force today"), boolean=True)
    def in_force(self, obj) -> bool:
        try:
            items = regulations.entries(obj.service)
        except LookupError:
            return False
        today = timezone.localdate()
        current = [e for e in items if e.effective_from <= today]
        return bool(current) and current[-1].version == obj.version

    @admin.display(description=_("applied to cases"), boolean=True)
    def cases(self, obj) -> bool:
        return regulations.applied_to_cases(obj.service, obj.version)

    @admin.display(description=_("terms and limits"))
    def terms(self, obj):
        svc = regulations.SERVICES.get(obj.service)
        rows = []
        for key, value in (obj.values or {}).items():
            clause = svc.clause(key) if svc else ""
            shown = value if isinstance(value, (int, str, bool)) else json.dumps(value, ensure_ascii=False)
            rows.append((key, shown, clause))
        return format_html(
            "<table><tbody>{}</tbody></table>",
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
        )

    # --- permissions: history is read-only --------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and regulations.is_locked(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and regulations.is_locked(obj))

    # --- forms ------------------------------------------------------------------------------------

    def _service_key(self, request, obj=None) -> str:
        if obj is not None and obj.pk:
            return obj.service
        key = request.GET.get("service", "")
        return key if key in regulations.SERVICES else ""

    def _editable(self, request, obj) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if not self._editable(request, obj) or not self._service_key(request, obj):
            return ((None, {"fields": self.LOCKED_FIELDS}),)
        form = version_form(self._service_key(request, obj))
        return (
            (None, {"fields": ("service_name", "version", "effective_from", "title")}),
            (
                _("Terms and limits (prefilled from the version in force)"),
                {"fields": tuple(TERM_PREFIX + n for n in form.term_names)},
            ),
            (None, {"fields": ("note",)}),
        )

    def get_readonly_fields(self, request, obj=None):
        if not self._editable(request, obj):
            return self.LOCKED_FIELDS
        return ("service_name",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        key = self._service_key(request, obj)
        if key and self._editable(request, obj):
            return version_form(key)
        return forms.modelform_factory(RegulationVersion, fields=())

    def add_view(self, request, form_url="", extra_context=None):
        if not self._service_key(request):
            if not self.has_add_permission(request):
                return super().add_view(request, form_url, extra_context)  # the usual 403
            return TemplateResponse(
                request,
                "admin/casework/regulationversion/choose_service.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": gettext("Add a new regulation version: which service?"),
                    "services": sorted((svc.label, key) for key, svc in regulations.SERVICES.items()),
                },
            )
        svc = regulations.service(self._service_key(request))
        extra_context = {
            **(extra_context or {}),
            "title": gettext("New regulation version of %(service)s") % {"service": svc.label},
        }
        return super().add_view(request, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "regulated_services": sorted((svc.label, key) for key, svc in regulations.SERVICES.items()),
        }
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
