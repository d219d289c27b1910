"""Clerk screens of the qualification certificate service (seed 003).

The work queue is ordered by step deadline with due-soon / overdue highlighting; every status change
is a button that appears only when this clerk may take it in this state, and goes through
``certificates.services`` (never straight to the state machine). Forms collect what a step needs:
the ground of a refusal to accept, the Commission protocol (members present, criteria, the proposed
score with confirm-or-correct), the motivated refusal, the contract's end for an extension.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from casework.access import can_access_case, scope_to_unit
from casework.actors import Actor
from casework.admin import CaseAdmin, HistoryInline, ReadOnlyAdminMixin, TransitionForm
from casework.exceptions import ServiceError
from casework.services import actor_may, available_transitions

from . import rules, services
from .models import (
    Certificate,
    CertificateApplication,
    CommissionMember,
    CommissionProtocol,
    HolderNotice,
    Notification,
    Profession,
    Revocation,
)

# --------------------------------------------------------------------------------------------------
# Transition forms
# --------------------------------------------------------------------------------------------------


class ApplicationTransitionForm(TransitionForm):
    """Base: knows the application it acts on; ``perform`` calls the service."""

    def __init__(self, *args, application: CertificateApplication, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    def perform(self, name: str, actor: Actor):
        step = {
            "register": services.register_application,
            "refer_to_commission": services.refer_to_commission,
        }[name]
        return step(
            self.application,
            actor=actor,
            reason=self.cleaned_data.get("reason", ""),
            expected_version=self.cleaned_data["version"],
        )


class RefuseToAcceptForm(ApplicationTransitionForm):
    ground = forms.ChoiceField(
        label=_("Ground (003 annex 2 row 9, last paragraph)"),
        choices=CertificateApplication.NonAcceptanceGround.choices,
    )
    field_order = ["ground", "reason", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        missing = self.application.missing_required_documents()
        self.fields["reason"].label = _("Which documents are missing or expired")
        if missing:
            self.fields["ground"].help_text = _("Missing: %(m)s") % {
                "m": ", ".join(services._describe_requirement(item) for item in missing)
            }
        else:
            self.initial.setdefault("ground", rules.EXPIRED_DOCUMENTS)

    def perform(self, name, actor):
        return services.refuse_to_accept(
            self.application,
            actor=actor,
            ground=self.cleaned_data["ground"],
            reason=self.cleaned_data["reason"],
            expected_version=self.cleaned_data["version"],
        )


class ProtocolForm(ApplicationTransitionForm):
    """The Commission protocol (003 §9–§10): who was present, each criterion, the score proposed from
    the declaration, confirmed or corrected with a reason, and the recommendation."""

    held_on = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    members_present = forms.ModelMultipleChoiceField(
        label=_("Members present (they sign the protocol)"),
        queryset=CommissionMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    profession_matches = forms.BooleanField(
        label=_("The qualification and education match the listed profession (003 §8)"), required=False, initial=True
    )
    confirmed_education = forms.MultipleChoiceField(
        label=_("Education confirmed (003 §10 1))"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (rules.HIGHER, _("higher education in the specialty — 3 points")),
            (rules.DEGREE, _("academic degree in the specialty — 4 points")),
            (rules.ENGLISH_CERTIFICATE, _("English-teaching certificate — 3 points")),
        ],
    )
    confirmed_experience_years = forms.IntegerField(
        label=_("Experience in the specialty confirmed, whole years (003 §10 2))"), min_value=0, max_value=80
    )
    correction_reason = forms.CharField(
        label=_("Reason, when the confirmed score differs from the proposed one"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recommendation = forms.ChoiceField(label=_("Recommendation"), choices=CommissionProtocol.Recommendation.choices)
    recommended_ground = forms.ChoiceField(
        label=_("Ground of a recommended refusal"),
        required=False,
        choices=[("", "—"), *CertificateApplication.RefusalGround.choices],
    )
    motivation = forms.CharField(label=_("Motivation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = [
        "held_on",
        "members_present",
        "profession_matches",
        "confirmed_education",
        "confirmed_experience_years",
        "correction_reason",
        "recommendation",
        "recommended_ground",
        "motivation",
        "reason",
        "version",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        app = self.application
        self.fields["members_present"].queryset = services.eligible_members(app)
        proposed = rules.score(app.declared_education_kinds(), app.experience_years, app.regulation)
        self.proposed = proposed
        self.initial.setdefault("held_on", timezone.localdate())
        self.initial.setdefault("confirmed_education", app.declared_education_kinds())
        self.initial.setdefault("confirmed_experience_years", app.experience_years)
        self.fields["confirmed_experience_years"].help_text = _(
            "Proposed from the declaration: %(points)d points (%(breakdown)s); pass mark %(mark)d."
        ) % {
            "points": proposed.points,
            "mark": proposed.pass_mark,
            "breakdown": ", ".join(f"{c} {p}" for c, p in proposed.breakdown),
        }
        self.fields["reason"].widget = forms.HiddenInput()

    def perform(self, name, actor):
        data = self.cleaned_data
        return services.record_protocol(
            self.application,
            actor=actor,
            members_present=list(data["members_present"]),
            confirmed_education=data["confirmed_education"],
            confirmed_experience_years=data["confirmed_experience_years"],
            recommendation=data["recommendation"],
            profession_matches=data["profession_matches"],
            recommended_ground=data["recommended_ground"],
            motivation=data["motivation"],
            correction_reason=data["correction_reason"],
            held_on=data["held_on"],
            expected_version=data["version"],
        )


class IssueForm(ApplicationTransitionForm):
    contract_ends_on = forms.DateField(
        label=_("Labour contract ends on (003 §16: the extension runs to it, at most 3 years)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.application.kind == rules.EXTEND:
            self.initial.setdefault("contract_ends_on", self.application.contract_ends_on)
            self.fields["contract_ends_on"].required = True
        else:
            del self.fields["contract_ends_on"]

    def perform(self, name, actor):
        return services.issue_certificate(
            self.application,
            actor=actor,
            reason=self.cleaned_data.get("reason", ""),
            expected_version=self.cleaned_data["version"],
            contract_ends_on=self.cleaned_data.get("contract_ends_on"),
        )


class RefusalForm(ApplicationTransitionForm):
    ground = forms.ChoiceField(label=_("Ground (003 annex 2 row 9)"))
    motivation = forms.CharField(label=_("Motivation (003 §11)"), widget=forms.Textarea(attrs={"rows": 4}))
    field_order = ["ground", "motivation", "version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        grounds = rules.refusal_grounds_for(self.application.kind)
        self.fields["ground"].choices = [c for c in CertificateApplication.RefusalGround.choices if c[0] in grounds]
        protocol = CommissionProtocol.objects.filter(application=self.application).first()
        if protocol is not None:
            self.initial.setdefault("ground", protocol.recommended_ground)
            self.initial.setdefault("motivation", protocol.motivation)
        self.fields["reason"].widget = forms.HiddenInput()

    def perform(self, name, actor):
        return services.refuse_application(
            self.application,
            actor=actor,
            ground=self.cleaned_data["ground"],
            motivation=self.cleaned_data["motivation"],
            expected_version=self.cleaned_data["version"],
        )


# --------------------------------------------------------------------------------------------------
# The work queue
# --------------------------------------------------------------------------------------------------


def transition_url(application, name: str) -> str:
    return reverse("admin:certificates_certificateapplication_transition", args=[application.pk, name])


class DeadlineFilter(admin.SimpleListFilter):
    """Live, on the indexed (status, step_deadline): overdue, due soon (today or the next working day)."""

    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue")), ("due_soon", _("due soon")), ("on_time", _("on time"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_cases = queryset.filter(status__in=CertificateApplication.OPEN_STATES)
        if self.value() == "overdue":
            return open_cases.filter(step_deadline__lt=today)
        if self.value() == "due_soon":
            return open_cases.filter(step_deadline__gte=today, step_deadline__lte=services.due_soon_limit(today))
        if self.value() == "on_time":
            return open_cases.filter(
                Q(step_deadline__gt=services.due_soon_limit(today)) | Q(step_deadline__isnull=True)
            )
        return queryset


class ProtocolInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = CommissionProtocol
    extra = 0
    can_delete = False
    fields = (
        "number",
        "held_on",
        "members",
        "profession_matches",
        "criteria_table",
        "proposed_points",
        "confirmed_points",
        "correction_reason",
        "recommendation",
        "recommended_ground",
        "motivation",
        "recorded_by",
        "recorded_at",
    )
    readonly_fields = fields

    @admin.display(description=_("members present"))
    def members(self, obj):
        return ", ".join(str(m) for m in obj.members_present.all())

    @admin.display(description=_("criteria and points"))
    def criteria_table(self, obj):
        return format_html_join(", ", "{}: {}", ((c["criterion"], c["points"]) for c in obj.criteria))


class OpenFirstStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("open (deadline running)")), *CertificateApplication.Status.choices]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=CertificateApplication.OPEN_STATES)
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(CertificateApplication)
class CertificateApplicationAdmin(CaseAdmin):
    list_display = (
        "number",
        "kind",
        "status_label",
        "late_badge",
        "applicant",
        "profession_code",
        "step_name",
        "deadline_badge",
        "due_date",
        "unit",
        "assigned_to",
    )
    list_filter = (OpenFirstStatusFilter, DeadlineFilter, "kind", "late_filing", "unit", "assigned_to", "channel")
    search_fields = ("number", "applicant__surname", "applicant__passport_number", "certificate__number")
    list_select_related = ("unit", "applicant", "profession", "assigned_to")
    ordering = ("step_deadline", "received_at")
    change_form_template = "admin/certificates/certificateapplication/change_form.html"
    inlines = [ProtocolInline, *CaseAdmin.inlines]
    fieldsets = [
        (
            _("Application"),
            {
                "fields": (
                    "number",
                    "kind",
                    "status",
                    "channel",
                    "regulation_version",
                    "unit",
                    "received_at",
                    "registered_on",
                    "assigned_to",
                )
            },
        ),
        (_("Deadline"), {"fields": ("step_name", "step_deadline", "deadline_explanation", "due_date")}),
        (
            _("Application window"),
            {"fields": ("late_badge", "event_date", "filing_window_ends_on", "late_filing_reason")},
        ),
        (
            _("Applicant and profession"),
            {"fields": ("applicant", "profession", "education_list", "experience_years", "proposed_points")},
        ),
        (
            _("Certificate, employer, contract"),
            {"fields": ("certificate", "reissue_reason", "employer", "contract_concluded_on", "contract_ends_on")},
        ),
        (
            _("Outcome"),
            {
                "fields": (
                    "missing_list",
                    "non_acceptance_ground",
                    "refusal_ground",
                    "refusal_motivation",
                    "refusal_number",
                    "decided_on",
                    "decided_by",
                    "result_certificate",
                )
            },
        ),
    ]
    transition_forms = {
        "register": ApplicationTransitionForm,
        "refer_to_commission": ApplicationTransitionForm,
        "refuse_to_accept": RefuseToAcceptForm,
        "record_protocol": ProtocolForm,
        "issue": IssueForm,
        "refuse": RefusalForm,
    }

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields]
        return [*names, "late_badge", "education_list", "missing_list", "clock_label"]

    def has_add_permission(self, request):
        return False  # applications arrive through the portal API and the public form

    @admin.display(description=_("profession"), ordering="profession__code")
    def profession_code(self, obj):
        return format_html('<span title="{}">{}</span>', obj.profession.name, obj.profession.code)

    @admin.display(description=_("filed late"), ordering="late_filing")
    def late_badge(self, obj):
        if obj.late_filing is None and obj.kind == rules.ISSUE:
            return "—"
        if obj.late_filing is None:
            return format_html(
                '<strong style="color:#b35900" title="{}">{}</strong>', obj.late_filing_reason, _("window not checked")
            )
        if obj.late_filing:
            return format_html(
                '<strong class="late-filing" style="color:#ba2121" title="{}">⚠ {}</strong>',
                obj.late_filing_reason,
                _("LATE"),
            )
        return _("in time")

    @admin.display(description=_("step deadline"), ordering="step_deadline")
    def deadline_badge(self, obj):
        if not obj.step_deadline or obj.status not in obj.OPEN_STATES:
            return "—"
        today = timezone.localdate()
        if obj.step_deadline < today:
            css, label, colour = "overdue", _("overdue"), "#ba2121"
        elif obj.step_deadline <= services.due_soon_limit(today):
            css, label, colour = "due-soon", _("due soon"), "#b35900"
        else:
            css, label, colour = "on-time", "", "inherit"
        return format_html(
            '<span class="deadline {}" style="color:{}" title="{}">{} {}</span>',
            css,
            colour,
            obj.deadline_explanation,
            obj.step_deadline.strftime("%d.%m.%Y"),
            label,
        )

    @admin.display(description=_("declared education"))
    def education_list(self, obj):
        return (
            format_html_join(
                mark_safe("<br>"),  # noqa: S308 (a constant)
                "{} — {} ({})",
                ((item.get("kind"), item.get("specialty"), item.get("document_number")) for item in obj.education),
            )
            or "—"
        )

    @admin.display(description=_("missing documents"))
    def missing_list(self, obj):
        missing = obj.missing_required_documents()
        if not missing:
            return _("none: the set of annex 2 row 8 is complete")
        return ", ".join(services._describe_requirement(item) for item in missing)

    def clerk_transitions(self, obj, actor: Actor) -> list[str]:
        """The steps this clerk may take now. Recording the protocol is offered to the secretary of a referred
        application although its condition (a protocol exists) is met only by the form itself."""
        names = available_transitions(obj, actor)
        if (
            obj.status == CertificateApplication.Status.REFERRED
            and "record_protocol" not in names
            and actor_may(obj, "record_protocol", actor)
        ):
            names.append("record_protocol")
        return names

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["missing_documents"] = [
                services._describe_requirement(m) for m in obj.missing_required_documents()
            ]
            if obj.kind == rules.ISSUE:
                extra_context["proposed_score"] = rules.score(
                    obj.declared_education_kinds(), obj.experience_years, obj.regulation
                )
            extra_context["transitions"] = [
                {"name": name, "label": self.transition_label(name), "url": transition_url(obj, name)}
                for name in self.clerk_transitions(obj, Actor.clerk(request.user))
            ] + self.clock_buttons(request, obj)
            extra_context["clock"] = self.clock_label(obj)
        # The casework base would rebuild the buttons from the FSM alone; go straight to Django's view.
        return admin.ModelAdmin.change_view(self, request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, name):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        actor = Actor.clerk(request.user)
        if name not in self.transition_forms or name not in self.clerk_transitions(obj, actor):
            raise PermissionDenied
        form_class = self.transition_forms[name]
        change_url = reverse("admin:certificates_certificateapplication_change", args=[obj.pk])
        if request.method == "POST":
            form = form_class(request.POST, application=obj)
            if form.is_valid():
                try:
                    form.perform(name, actor)
                except ServiceError as exc:
                    messages.error(request, f"{exc.detail}")
                else:
                    messages.success(request, _("Done: %(action)s.") % {"action": self.transition_label(name)})
                    return HttpResponseRedirect(change_url)
        else:
            form = form_class(initial={"version": obj.version}, application=obj)
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


# --------------------------------------------------------------------------------------------------
# Certificates
# --------------------------------------------------------------------------------------------------


class CertificateHistoryInline(HistoryInline):
    fields = ("at", "transition", "from_state", "to_state", "actor_label", "reason")
    readonly_fields = fields


class NoticeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = HolderNotice
    extra = 0
    fields = ("kind", "event_date", "filed_on", "due_on", "late", "employer", "deadline_explanation")
    readonly_fields = fields


class RevocationInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Revocation
    extra = 0
    fields = ("act_number", "act_date", "control_body", "ground", "details", "revoked_on", "recorded_by")
    readonly_fields = fields


class RevokeForm(forms.Form):
    act_number = forms.CharField(label=_("Control body's act No."), max_length=60)
    act_date = forms.DateField(label=_("Act date"), widget=forms.DateInput(attrs={"type": "date"}))
    control_body = forms.CharField(label=_("Control body (labour / migration)"), max_length=300)
    details = forms.CharField(
        label=_("What work was found (003 §21)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def perform(self, certificate, actor):
        data = self.cleaned_data
        services.revoke_certificate(
            certificate,
            actor=actor,
            act_number=data["act_number"],
            act_date=data["act_date"],
            control_body=data["control_body"],
            details=data["details"],
            expected_version=data["version"],
        )


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason (003 §23 2))"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def perform(self, certificate, actor):
        services.terminate_certificate(
            certificate, actor=actor, reason=self.cleaned_data["reason"], expected_version=self.cleaned_data["version"]
        )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "holder", "profession", "issued_on", "valid_from", "valid_to", "status", "unit")
    list_filter = ("status", "unit")
    search_fields = ("number", "holder__surname", "holder__passport_number")
    list_select_related = ("holder", "profession", "unit")
    date_hierarchy = "valid_to"
    inlines = [RevocationInline, NoticeInline, CertificateHistoryInline]
    change_form_template = "admin/certificates/certificate/change_form.html"
    actions_forms = {"revoke": RevokeForm, "terminate": TerminateForm}

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or can_access_case(request.user, obj))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/lifecycle/<str:name>/",
                self.admin_site.admin_view(self.lifecycle_view),
                name="certificates_certificate_lifecycle",
            ),
        ] + super().get_urls()

    def lifecycle_actions(self, request, obj) -> list[dict]:
        actor = Actor.clerk(request.user)
        return [
            {
                "name": name,
                "label": _("Revoke (control body's act)") if name == "revoke" else _("Terminate"),
                "url": reverse("admin:certificates_certificate_lifecycle", args=[obj.pk, name]),
            }
            for name in self.actions_forms
            if obj.status == Certificate.Status.ACTIVE and actor_may(obj, name, actor)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["lifecycle_actions"] = self.lifecycle_actions(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def lifecycle_view(self, request, object_id, name):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        if name not in {a["name"] for a in self.lifecycle_actions(request, obj)}:
            raise PermissionDenied
        form_class = self.actions_forms[name]
        change_url = reverse("admin:certificates_certificate_change", args=[obj.pk])
        label = _("Revoke (control body's act)") if name == "revoke" else _("Terminate")
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    form.perform(obj, Actor.clerk(request.user))
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


# --------------------------------------------------------------------------------------------------
# Reference data and records
# --------------------------------------------------------------------------------------------------


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_kk", "name_ru", "sector_ru", "activity_ru", "active")
    list_filter = ("active", "sector_ru", "activity_ru")
    search_fields = ("code", "name_kk", "name_ru", "group_kk", "group_ru")
    ordering = ("position", "code")
    fieldsets = [
        (None, {"fields": ("code", "position", "active")}),
        (_("Sector and activity"), {"fields": ("sector_code", "sector_kk", "sector_ru", "activity_kk", "activity_ru")}),
        (_("Profession"), {"fields": ("group_kk", "group_ru", "name_kk", "name_ru")}),
    ]

    def has_delete_permission(self, request, obj=None):
        return False  # an entry leaves the list by being made inactive; applications keep pointing to it


@admin.register(CommissionMember)
class CommissionMemberAdmin(admin.ModelAdmin):
    list_display = ("full_name", "position", "represents", "is_chair", "active", "unit")
    list_filter = ("active", "unit")
    search_fields = ("full_name", "represents")

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request), request.user)


@admin.register(HolderNotice)
class HolderNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("certificate", "kind", "event_date", "filed_on", "due_on", "late")
    list_filter = ("kind", "late")
    search_fields = ("certificate__number",)

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request), request.user, unit_field="certificate__unit")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("certificate", "kind", "recipient", "created_at", "sent_at")
    list_filter = ("kind",)
    search_fields = ("certificate__number", "recipient")

    def get_queryset(self, request):
        # The holder's e-mail and the letter: only for certificates of the clerk's units (casework.access; found by
        # tests/reliability/test_access_matrix.py: every unit's notifications were listed).
        return scope_to_unit(super().get_queryset(request), request.user, unit_field="certificate__unit")
