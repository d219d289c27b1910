"""Clerk screens: the two registration queues (searchable by IIN and name, unit-scoped), each step's time
against its norm, the registration screen at the counter, and the report of steps over the norm."""

import datetime as dt

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from casework.access import clerk_unit, scope_to_unit
from casework.actors import Actor
from casework.admin import CaseAdmin, ReadOnlyAdminMixin
from casework.exceptions import ServiceError
from casework.models import Channel

from . import services
from .forms import (
    DecisionForm,
    EndRegistrationForm,
    JobSeekerApplicationForm,
    UnemployedApplicationForm,
    UnemployedDecisionForm,
)
from .models import JobSeekerRegistration, StepTiming, UnemployedRegistration


class StepTimingInline(ReadOnlyAdminMixin, GenericTabularInline):
    model = StepTiming
    ct_field = "case_type"
    ct_fk_field = "case_id"
    extra = 0
    can_delete = False
    fields = ("position", "step_label", "started_at", "finished_at", "took_vs_norm", "clause")
    readonly_fields = fields
    verbose_name_plural = _("steps and their norms")

    @admin.display(description=_("step"))
    def step_label(self, obj):
        return obj.label

    @admin.display(description=_("took / norm"))
    def took_vs_norm(self, obj):
        return _badge(obj)


def _badge(timing: StepTiming):
    css = "overdue" if timing.is_over_norm() else ("on-time" if timing.finished_at else "running")
    return format_html('<span class="deadline {}" title="{}">{}</span>', css, timing.label, timing.display())


class RegistrationAdmin(CaseAdmin):
    """Shared by both queues; ``form_class`` is the application form used at the counter."""

    form_class = None
    register = None  # the service that registers
    list_display = (
        "number",
        "applicant_name",
        "applicant_iin",
        "status_label",
        "step_name",
        "deadline_badge",
        "step_times",
        "due_date",
        "unit",
        "channel",
    )
    list_filter = ("status", "channel", "unit", "residency", "end_reason")
    # Search by IIN (exact), passport, name (the copy on the case and the person's name parts).
    search_fields = (
        "number",
        "=applicant_iin",
        "applicant_passport_key",
        "applicant_name",
        "applicant__surname",
        "applicant__given_name",
    )
    inlines = [StepTimingInline, *CaseAdmin.inlines]
    readonly_fields = (
        *CaseAdmin.readonly_fields,
        "applicant",
        "residency",
        "residence_document_number",
        "applicant_iin",
        "applicant_name",
        "decision",
        "refusal_ground",
        "registered_from",
        "end_reason",
        "ended_on",
        "channel",
        "unit",
        "kind",
        "regulation_version",
    )
    exclude = ("assigned_to",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("applicant").prefetch_related("step_timings")

    @admin.display(description=_("steps: took / norm"))
    def step_times(self, obj):
        timings = sorted(obj.step_timings.all(), key=lambda t: t.position)
        if not timings:
            return "—"
        return format_html_join(" · ", "{}", ((_badge(t),) for t in timings))

    def get_urls(self):
        return [
            path("register/", self.admin_site.admin_view(self.register_view), name=self._url_name("register")),
        ] + super().get_urls()

    def _url_name(self, suffix: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{suffix}"

    def add_view(self, request, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:" + self._url_name("register")))

    def register_kwargs(self, form) -> dict:
        return {}

    def register_view(self, request):
        """The counter: the specialist registers the applicant (channel: at the office, 002-1 §5(1))."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        unit = clerk_unit(request.user)
        form = self.form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if unit is None:
                messages.error(request, _("Your user has no territorial unit; ask the administrator."))
            else:
                try:
                    case = (
                        type(self)
                        .register(
                            applicant=form.applicant(),
                            residency=form.cleaned_data["residency"],
                            residence_document_number=form.cleaned_data.get("residence_document_number", ""),
                            unit=unit,
                            channel=Channel.OFFICE,
                            actor=Actor.clerk(request.user),
                            **self.register_kwargs(form),
                        )
                        .case
                    )
                except ServiceError as exc:
                    messages.error(request, str(exc.detail))
                else:
                    messages.success(request, _("Registered: %(number)s.") % {"number": case.number})
                    return HttpResponseRedirect(reverse("admin:" + self._url_name("change"), args=[case.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Register: %(what)s") % {"what": self.model._meta.verbose_name},
        }
        return TemplateResponse(request, "admin/jobseekers/register.html", context)


@admin.register(JobSeekerRegistration)
class JobSeekerRegistrationAdmin(RegistrationAdmin):
    form_class = JobSeekerApplicationForm
    register = staticmethod(services.register_job_seeker)
    transition_forms = {"prepare_notice": DecisionForm, "end_registration": EndRegistrationForm}


@admin.register(UnemployedRegistration)
class UnemployedRegistrationAdmin(RegistrationAdmin):
    form_class = UnemployedApplicationForm
    register = staticmethod(services.register_unemployed)
    transition_forms = {"decide": UnemployedDecisionForm, "end_registration": EndRegistrationForm}
    list_filter = (*RegistrationAdmin.list_filter, "notify_by")
    readonly_fields = (
        *RegistrationAdmin.readonly_fields,
        "notify_by",
        "decided_on",
        "informed_at",
        "notification_reference",
    )

    def register_kwargs(self, form) -> dict:
        return {"notify_by": form.cleaned_data["notify_by"]}


@admin.register(StepTiming)
class StepTimingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every step against its norm; the "over the norm" filter and the report page list the late ones."""

    list_display = (
        "case_number",
        "step_label",
        "started_at",
        "finished_at",
        "took_vs_norm",
        "over_norm",
        "clause",
        "unit",
    )
    list_filter = ("over_norm", "step", "norm_unit", "regulation_version", "unit")
    search_fields = ("case_number",)
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request).select_related("unit"), request.user)

    @admin.display(description=_("step"))
    def step_label(self, obj):
        return obj.label

    @admin.display(description=_("took / norm"))
    def took_vs_norm(self, obj):
        return _badge(obj)

    def get_urls(self):
        return [
            path("over-norm/", self.admin_site.admin_view(self.report_view), name="jobseekers_steptiming_report"),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "report_url": reverse("admin:jobseekers_steptiming_report")}
        return super().changelist_view(request, extra_context)

    def report_view(self, request):
        """Steps over the norm (002-1 §5, 002-2 §5) in a period: finished late, or running past the norm."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        since = _date(request.GET.get("since")) or today.replace(day=1)
        until = _date(request.GET.get("until")) or today
        rows = services.steps_over_norm(since=since, until=until, user=request.user)[:1000]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Steps over the norm"),
            "rows": [(row, _badge(row)) for row in rows],
            "since": since,
            "until": until,
        }
        return TemplateResponse(request, "admin/jobseekers/steps_over_norm.html", context)


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
