"""Clerk screens shared by every service: unit scoping, the work queue, history, documents and
transition buttons that go through ``casework.services.run_transition`` (never straight to the FSM)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .access import can_access_case, clerk_unit, scope_parties, scope_to_unit
from .actors import Actor
from .exceptions import ServiceError
from .models import Attachment, ClerkProfile, Organisation, Person, Suspension, TerritorialUnit, TransitionLog
from .services import actor_may, available_transitions, run_transition
from .suspension import PERMISSION as STOP_CLOCK_PERMISSION
from .suspension import resume as resume_clock
from .suspension import suspend as stop_clock
from .suspension import suspended_days_so_far

DUE_SOON_WORKING_DAYS = 1


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryInline(ReadOnlyAdminMixin, GenericTabularInline):
    model = TransitionLog
    ct_field = "case_type"
    ct_fk_field = "case_id"
    extra = 0
    can_delete = False
    fields = ("at", "transition", "from_state", "to_state", "actor_label", "reason", "deadline", "deadline_breached")
    readonly_fields = fields
    ordering = ("at", "id")
    verbose_name_plural = _("history")


class AttachmentInline(ReadOnlyAdminMixin, GenericTabularInline):
    model = Attachment
    ct_field = "case_type"
    ct_fk_field = "case_id"
    extra = 0
    fields = ("doc_type", "download", "content_type", "size", "content_check", "uploaded_at", "uploaded_by")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("casework:attachment", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_filename)

    @admin.display(description=_("opens"))
    def content_check(self, obj):
        """casework.documents.check_pending's verdict: the registrar sees a file that cannot be opened."""
        if obj.content_checked_at is None:
            return format_html('<span class="content-check pending">{}</span>', _("not checked yet"))
        if obj.content_problem:
            from casework.documents import describe_problem

            return format_html(
                '<strong class="content-check problem">⚠ {}</strong>', describe_problem(obj.content_problem)
            )
        return format_html('<span class="content-check ok">✓ {}</span>', _("yes"))


class SuspensionInline(ReadOnlyAdminMixin, GenericTabularInline):
    """Stop-the-clock periods, apart from the history, so reviewers see the suspended time separately."""

    model = Suspension
    ct_field = "case_type"
    ct_fk_field = "case_id"
    extra = 0
    fields = (
        "suspended_on",
        "resumed_on",
        "working_days",
        "reason",
        "requested_information",
        "suspended_by_label",
        "resumed_by_label",
        "step_deadline_before",
        "step_deadline_after",
        "due_date_before",
        "due_date_after",
    )
    readonly_fields = fields
    ordering = ("suspended_at", "id")
    verbose_name_plural = _("clock stops (waiting for the applicant)")


class StopClockForm(forms.Form):
    reason = forms.CharField(label=_("Why the clock stops"), widget=forms.Textarea(attrs={"rows": 3}))
    requested_information = forms.CharField(
        label=_("Information requested from the applicant"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ResumeClockForm(forms.Form):
    note = forms.CharField(
        label=_("Note (e.g. what the applicant supplied)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    """The default form behind a transition button: a reason, and the version the clerk saw."""

    reason = forms.CharField(label=_("Reason / comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def transition_kwargs(self) -> dict:
        return {}


class EstimatedCountPaginator(Paginator):
    """The queue's page count without counting a million rows (bench/admin_queue.py).

    On PostgreSQL the planner's row estimate of the (filtered, unit-scoped) query is taken when it is
    large — ``pg_class.reltuples`` behind it, no table scan — and an exact COUNT only below
    ``EXACT_BELOW`` rows, where the filters narrow the query to an index range (overdue, due soon, one
    status) and counting is cheap. "About 480,000" is as useful to a clerk as the exact figure.
    """

    EXACT_BELOW = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        if connection.vendor == "postgresql" and hasattr(queryset, "query"):
            try:
                sql, params = queryset.order_by().query.sql_with_params()
            except EmptyResultSet:  # .none(): a clerk with no unit sees nothing
                return 0
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                import json

                plan = json.loads(plan)
            estimate = int(plan[0]["Plan"]["Plan Rows"])
            if estimate >= self.EXACT_BELOW:
                return estimate
        return super().count


class CaseAdmin(admin.ModelAdmin):
    """Base admin for every service's application model."""

    # The queue at a million cases: no full-table COUNT for the "n total" link, estimated page counts.
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    list_display = (
        "number",
        "kind",
        "status_label",
        "step_name",
        "deadline_badge",
        "due_date",
        "clock_label",
        "unit",
        "channel",
    )
    list_filter = ("kind", "channel", "unit", "assigned_to")
    search_fields = ("number",)
    ordering = ("step_deadline", "received_at")
    inlines = [AttachmentInline, HistoryInline, SuspensionInline]
    readonly_fields = (
        "number",
        "version",
        "registered_on",
        "step_name",
        "step_deadline",
        "due_date",
        "deadline_explanation",
        "received_at",
        "clock_label",
    )
    change_form_template = "admin/casework/case_change_form.html"
    # transition name -> form class (subclass of TransitionForm) for transitions that need input
    transition_forms: dict[str, type[TransitionForm]] = {}

    def get_queryset(self, request):
        # The changelist applies list_select_related only to a queryset without select_related: name them
        # here too, or every queue row costs a query per related object (found by bench/admin_queue.py).
        extra = self.list_select_related if isinstance(self.list_select_related, list | tuple) else ()
        queryset = super().get_queryset(request).select_related("unit", *extra)
        return scope_to_unit(queryset, request.user, by_unit_ids=True)  # planner-friendly (bench/admin_queue.py)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or can_access_case(request.user, obj))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_access_case(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return False  # cases are records; they end by transitions, never by deletion

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("step deadline"), ordering="step_deadline")
    def deadline_badge(self, obj):
        if not obj.step_deadline:
            return "—"
        today = timezone.localdate()
        if obj.step_deadline < today:
            css, label = "overdue", _("overdue")
        elif obj.step_deadline == today:
            css, label = "due-soon", _("due today")
        else:
            css, label = "on-time", ""
        return format_html(
            '<span class="deadline {}" title="{}">{} {}</span>',
            css,
            obj.deadline_explanation,
            obj.step_deadline.strftime("%d.%m.%Y"),
            label,
        )

    @admin.display(description=_("clock stopped"), ordering="suspended_working_days")
    def clock_label(self, obj):
        """Suspended time, shown apart from the deadline: "stopped since 20.03.2026 · 2 WD in total"."""
        total = suspended_days_so_far(obj)
        if obj.suspended_since:
            return format_html(
                '<span class="clock stopped">{} {} · {}</span>',
                _("stopped since"),
                obj.suspended_since.strftime("%d.%m.%Y"),
                _("%(n)d WD in total") % {"n": total},
            )
        if total:
            return _("%(n)d WD in total") % {"n": total}
        return "—"

    def clock_buttons(self, request, obj) -> list[dict]:
        user = request.user
        if not (user.has_perm(STOP_CLOCK_PERMISSION) and can_access_case(user, obj)):
            return []
        info = self.model._meta.app_label, self.model._meta.model_name
        open_states = getattr(obj, "OPEN_STATES", ())
        if obj.suspended_since:
            name, label = "resume_clock", _("Resume the clock")
        elif not open_states or getattr(obj, getattr(obj, "STATE_FIELD", "status")) in open_states:
            name, label = "stop_clock", _("Stop the clock (waiting for the applicant)")
        else:
            return []
        return [{"name": name, "label": label, "url": reverse(f"admin:{info[0]}_{info[1]}_clock", args=[obj.pk])}]

    def clock_view(self, request, object_id):
        """Stop or resume the case's clock (casework.suspension), with a reason / note."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj) or not self.clock_buttons(request, obj):
            raise PermissionDenied
        stopping = obj.suspended_since is None
        form_class = StopClockForm if stopping else ResumeClockForm
        label = self.clock_buttons(request, obj)[0]["label"]
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                data, actor = form.cleaned_data, Actor.clerk(request.user)
                try:
                    if stopping:
                        stop_clock(
                            obj,
                            data["reason"],
                            actor,
                            requested_information=data["requested_information"],
                            expected_version=data["version"],
                        )
                    else:
                        resume_clock(obj, actor, note=data["note"], expected_version=data["version"])
                except ServiceError as exc:
                    messages.error(request, f"{exc.detail}")
                else:
                    messages.success(request, _("Done: %(action)s.") % {"action": label})
                    return HttpResponseRedirect(change_url)
        else:
            form = form_class(initial={"version": obj.version})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "action_label": label,
            "change_url": change_url,
            "title": f"{obj.number}: {label}",
        }
        return TemplateResponse(request, "admin/casework/transition_form.html", context)

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/clock/",
                self.admin_site.admin_view(self.clock_view),
                name=f"{info[0]}_{info[1]}_clock",
            ),
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            info = self.model._meta.app_label, self.model._meta.model_name
            extra_context["transitions"] = [
                {
                    "name": name,
                    "label": self.transition_label(name),
                    "url": reverse("admin:{}_{}_transition".format(*info), args=[obj.pk, name]),
                }
                for name in available_transitions(obj, Actor.clerk(request.user))
            ] + self.clock_buttons(request, obj)
            extra_context["clock"] = self.clock_label(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_label(self, name: str) -> str:
        method = getattr(self.model, name, None)
        custom = getattr(getattr(method, "_django_fsm", None), "transitions", {})
        for transition in custom.values():
            label = transition.custom.get("label")
            if label:
                return str(label)
        return name.replace("_", " ")

    def check_transition_permission(self, request, obj, name: str) -> None:
        """A step's form answers like its POST would: 403 to a clerk who may not take the step (the transition's
        FSM permission and the case's unit, casework.services.actor_may — the check run_transition makes), on
        GET too; before, the form opened to every clerk who may view the case (access matrix). The state and the
        conditions are left to the service, which explains them on the form."""
        try:
            allowed = actor_may(obj, name, Actor.clerk(request.user))
        except ServiceError:  # not a transition of this model
            allowed = False
        if not allowed:
            raise PermissionDenied

    def transition_view(self, request, object_id, name):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        self.check_transition_permission(request, obj, name)
        form_class = self.transition_forms.get(name, TransitionForm)
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            form = form_class(request.POST, request.FILES)
            if form.is_valid():
                try:
                    run_transition(
                        self.model,
                        obj.pk,
                        name,
                        actor=Actor.clerk(request.user),
                        reason=form.cleaned_data.get("reason", ""),
                        expected_version=form.cleaned_data["version"],
                        **form.transition_kwargs(),
                    )
                except ServiceError as exc:
                    messages.error(request, f"{exc.detail}")
                else:
                    messages.success(request, _("Done: %(action)s.") % {"action": self.transition_label(name)})
                    return HttpResponseRedirect(change_url)
        else:
            form = form_class(initial={"version": obj.version})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "form": form,
            "action_label": self.transition_label(name),
            "change_url": change_url,
            "title": f"{obj.number}: {self.transition_label(name)}",
        }
        return TemplateResponse(request, "admin/casework/transition_form.html", context)


class ClerkProfileInline(admin.StackedInline):
    model = ClerkProfile
    can_delete = False
    verbose_name_plural = _("territorial unit")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class ClerkUserAdmin(UserAdmin):
    inlines = [ClerkProfileInline]


@admin.register(TerritorialUnit)
class TerritorialUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_kk", "level", "parent")
    search_fields = ("code", "name_ru", "name_kk")
    list_filter = ("level",)


class PartyAdmin(admin.ModelAdmin):
    """Persons and organisations (IIN, BIN, passport): a clerk sees only the parties of the cases, permits and
    certificates of their units (casework.access.scope_parties); the administrator role sees all. Found by
    tests/reliability/test_access_matrix.py: every clerk listed every unit's parties.

    An out-of-scope party's pages answer like an out-of-scope case's: the admin's "doesn't exist" (get_object
    finds nothing in this queryset). The autocomplete and raw-id lookups of other forms go through this queryset
    too, so they offer the in-scope parties only.

    A party a clerk adds here is registered in the clerk's unit (``registered_in``), so that unit's clerks (and
    those of the units above it) see and pick it before it is a party of anything; an administrator without a
    unit leaves it empty (they see every party anyway)."""

    show_full_result_count = False  # no second COUNT over the scoped table for the "n total" link
    readonly_fields = ("registered_in",)

    def get_queryset(self, request):
        return scope_parties(super().get_queryset(request), request.user)

    def save_model(self, request, obj, form, change):
        if not change and obj.registered_in_id is None:
            unit = clerk_unit(request.user)
            obj.registered_in_id = unit.pk if unit is not None else None
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(PartyAdmin):
    list_display = ("surname", "given_name", "patronymic", "citizenship", "birth_date")
    search_fields = ("surname", "given_name", "iin", "passport_number")
    ordering = ("-id",)  # newest first, on the primary key's index (stable pages, autocomplete included)


@admin.register(Organisation)
class OrganisationAdmin(PartyAdmin):
    list_display = ("name", "kind", "bin", "iin")
    search_fields = ("name", "bin", "iin")
    ordering = ("-id",)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("case_number", "at", "transition", "from_state", "to_state", "actor_label", "deadline_breached")
    list_filter = ("transition", "deadline_breached")
    search_fields = ("case_number",)
    date_hierarchy = "at"

    def get_queryset(self, request):
        """Only the history of what the clerk may see (casework.access): the log holds every unit's cases, their
        numbers, reasons and clerks (found by tests/reliability/test_access_matrix.py: every unit's was listed)."""
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.db.models import Q

        from .access import sees_all_units

        queryset = super().get_queryset(request)
        if sees_all_units(request.user):
            return queryset
        visible = Q(pk__in=[])
        for model in apps.get_models():
            if any(f.name == "unit" and f.related_model is TerritorialUnit for f in model._meta.fields):
                visible |= Q(
                    case_type=ContentType.objects.get_for_model(model),
                    case_id__in=scope_to_unit(model._base_manager.all(), request.user).values("pk"),
                )
        return queryset.filter(visible)


from . import admin_api  # noqa: E402, F401  API clients, webhooks, outbox, idempotency records
