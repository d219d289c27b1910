"""Clerk screens for labour-immigrant permits. Applications and revocations use casework.admin.CaseAdmin
(unit-scoped queue, deadline badge, history, transition buttons through run_transition); transitions that
touch the quota or documents go through permits.services via the ``service_transitions`` hook below."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from casework.access import scope_to_unit
from casework.actors import Actor
from casework.admin import CaseAdmin, HistoryInline, ReadOnlyAdminMixin, TransitionForm
from casework.exceptions import ServiceError

from . import quota as quotas
from . import rules, services
from .models import (
    IntentionAgreement,
    LabourImmigrantPermit,
    LabourImmigrantPermitApplication,
    PoliceCheck,
    Quota,
    Revocation,
    TerminationNotice,
)


class PoliceCheckForm(TransitionForm):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            (PoliceCheck.POSITIVE, PoliceCheck.POSITIVE.label),
            (PoliceCheck.NEGATIVE, PoliceCheck.NEGATIVE.label),
        ],
    )
    reference = forms.CharField(label=_("Reference of the police answer"), max_length=100, required=False)

    def transition_kwargs(self) -> dict:
        return {
            "result": self.cleaned_data["result"],
            "reference": self.cleaned_data["reference"],
            "comment": self.cleaned_data.get("reason", ""),
        }


class RefusalForm(TransitionForm):
    ground = forms.ChoiceField(
        label=_("Ground (annex 2 row 9)"), choices=[(k, f"{k}: {v}") for k, v in rules.REFUSAL_GROUNDS.items()]
    )

    def transition_kwargs(self) -> dict:
        return {"ground": self.cleaned_data["ground"], "details": self.cleaned_data.get("reason", "")}


class RefuseToAcceptForm(TransitionForm):
    reasons = forms.CharField(
        label=_("Missing or expired documents, one a line (annex 4)"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def transition_kwargs(self) -> dict:
        return {"reasons": [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]}


class ServiceTransitionsMixin:
    """Transitions whose side effects (quota, documents, outbox) live in permits.services: the button calls
    the service (which itself goes through run_transition) instead of run_transition directly."""

    service_transitions: dict = {}

    def transition_view(self, request, object_id, name):
        handler = self.service_transitions.get(name)
        if handler is None:
            return super().transition_view(request, object_id, name)
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise PermissionDenied
        self.check_transition_permission(request, obj, name)  # GET too: 403 to a clerk who may not take it
        form_class = self.transition_forms.get(name, TransitionForm)
        change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    handler(
                        obj.pk,
                        actor=Actor.clerk(request.user),
                        expected_version=form.cleaned_data["version"],
                        **form.transition_kwargs(),
                    )
                except ServiceError as exc:
                    messages.error(request, f"{exc.detail} [{exc.code}]")
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


def _issue(pk, *, actor, expected_version=None):
    return services.issue_permit(pk, actor=actor, expected_version=expected_version)


def _refuse(pk, *, actor, expected_version=None, ground="", details=""):
    return services.refuse_application(
        pk, ground=ground, details=details, actor=actor, expected_version=expected_version
    )


def _refuse_to_accept(pk, *, actor, expected_version=None, reasons=()):
    return services.refuse_to_accept(pk, list(reasons), actor=actor, expected_version=expected_version)


def _police(pk, *, actor, expected_version=None, result="", reference="", comment=""):
    return services.record_police_check(
        pk, result=result, reference=reference, comment=comment, actor=actor, expected_version=expected_version
    )


@admin.register(LabourImmigrantPermitApplication)
class LabourImmigrantPermitApplicationAdmin(ServiceTransitionsMixin, CaseAdmin):
    list_display = (
        "number",
        "kind",
        "status_label",
        "applicant",
        "employer",
        "term_months",
        "police_check",
        "step_name",
        "deadline_badge",
        "due_date",
        "unit",
        "channel",
    )
    list_filter = ("status", "kind", "channel", "police_check", "unit")
    search_fields = ("number", "applicant__surname", "applicant__passport_number", "employer__iin")
    raw_id_fields = (
        "applicant",
        "employer",
        "intention_agreement",
        "current_permit",
        "result_permit",
        "property_unit",
        "unit",
        "assigned_to",
    )
    readonly_fields = (
        *CaseAdmin.readonly_fields,
        "kind",
        "channel",
        "unit",
        "applicant",
        "employer",
        "term_months",
        "intention_agreement",
        "current_permit",
        "result_permit",
        "property_unit",
        "property_address",
        "medical_certificate_issued_on",
        "border_crossed_on",
        "insurance_valid_until",
        "police_check",
        "police_check_reference",
        "police_check_comment",
        "police_checked_at",
        "not_accepted_reasons",
        "refusal_ground",
        "refusal_details",
        "decided_on",
        "signatures",
        "deadline_missed_on",
        "regulation_version",
    )
    exclude = ("status",)
    transition_forms = {
        "record_police_check": PoliceCheckForm,
        "refuse": RefusalForm,
        "refuse_to_accept": RefuseToAcceptForm,
    }
    service_transitions = {
        "issue": _issue,
        "refuse": _refuse,
        "refuse_to_accept": _refuse_to_accept,
        "record_police_check": _police,
    }

    def has_add_permission(self, request):
        return False  # applications arrive through the API, the public form or the State Corporation


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ("unit", "period_start", "period_end", "total", "reserved", "issued", "free_units", "basis")
    list_filter = ("purpose", "unit")
    readonly_fields = ("reserved", "issued", "free_units")
    change_list_template = "admin/permits/quota/change_list.html"

    @admin.display(description=_("free"))
    def free_units(self, obj):
        return obj.free if obj.pk else "—"

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request).select_related("unit"), request.user)

    def save_model(self, request, obj, form, change):
        if change and obj.total < obj.reserved + obj.issued:
            raise PermissionDenied(_("The quota cannot be lower than the units reserved and issued."))
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="permits_quota_import"),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        result = None
        form = QuotaImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
            result = quotas.import_quotas_csv(text, basis=form.cleaned_data["basis"])
            if result.ok:
                messages.success(
                    request, _("Imported: %(c)s created, %(u)s updated.") % {"c": result.created, "u": result.updated}
                )
                return HttpResponseRedirect(reverse("admin:permits_quota_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "columns": ", ".join(quotas.CSV_COLUMNS),
            "title": _("Import quotas (CSV)"),
        }
        return TemplateResponse(request, "admin/permits/quota/import.html", context)


class QuotaImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Columns: unit_code, period_start, period_end, total"))
    basis = forms.CharField(label=_("Act of the authorised body"), max_length=200, required=False)


@admin.register(IntentionAgreement)
class IntentionAgreementAdmin(admin.ModelAdmin):
    list_display = ("number", "employer", "immigrant", "unit", "signed_on", "reserved_until", "status")
    list_filter = ("status", "unit")
    search_fields = ("number", "employer__iin", "immigrant__surname", "immigrant__passport_number")
    readonly_fields = ("number", "status", "reserved_until", "reservation_explanation", "released_at", "quota")

    def get_queryset(self, request):
        return scope_to_unit(
            super().get_queryset(request).select_related("unit", "employer", "immigrant"), request.user
        )

    def has_add_permission(self, request):
        return False  # through permits.services.sign_intention_agreement (API), which reserves the unit

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LabourImmigrantPermit)
class LabourImmigrantPermitAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "holder",
        "employer",
        "unit",
        "valid_from",
        "valid_to",
        "chain_months",
        "status",
        "holds_quota_unit",
    )
    list_filter = ("status", "unit")
    search_fields = ("number", "holder__surname", "holder__passport_number", "employer__iin")
    readonly_fields = [f.name for f in LabourImmigrantPermit._meta.fields]
    change_form_template = "admin/permits/permit_change_form.html"

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request).select_related("unit", "holder", "employer"), request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("<int:pk>/revoke/", self.admin_site.admin_view(self.revoke_view), name="permits_permit_revoke"),
            path(
                "<int:pk>/terminate/", self.admin_site.admin_view(self.terminate_view), name="permits_permit_terminate"
            ),
            *super().get_urls(),
        ]

    def _permit(self, request, pk, perm):
        permit = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm(perm):
            raise PermissionDenied
        return permit

    def revoke_view(self, request, pk):
        """004 §36: record the control body's act and revoke."""
        permit = self._permit(request, pk, "permits.revoke_labourimmigrantpermit")
        form = RevocationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                rev = services.revoke_permit(permit_id=permit.pk, actor=Actor.clerk(request.user), **form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                messages.success(request, _("Permit revoked: %(n)s.") % {"n": rev.number})
                return HttpResponseRedirect(reverse("admin:permits_revocation_change", args=[rev.pk]))
        return self._form_page(request, permit, form, _("Revoke the permit (004 §36–40)"))

    def terminate_view(self, request, pk):
        """004 §28: an employer's annex 6 notice received on paper."""
        permit = self._permit(request, pk, "permits.terminate_labourimmigrantpermit")
        form = TerminationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notice = services.submit_termination_notice(
                    permit_number=permit.number,
                    employer_iin=permit.employer.iin,
                    contract_ended_on=form.cleaned_data["contract_ended_on"],
                    channel="office",
                    actor=Actor.clerk(request.user),
                )
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                late = _(" — late") if notice.is_late else ""
                messages.success(
                    request, _("Termination notice %(n)s recorded%(late)s.") % {"n": notice.number, "late": late}
                )
                return HttpResponseRedirect(reverse("admin:permits_labourimmigrantpermit_change", args=[permit.pk]))
        return self._form_page(request, permit, form, _("Termination of the labour contract (annex 6)"))

    def _form_page(self, request, permit, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": permit,
            "form": form,
            "title": f"{permit.number}: {title}",
            "change_url": reverse("admin:permits_labourimmigrantpermit_change", args=[permit.pk]),
        }
        return TemplateResponse(request, "admin/permits/permit_action.html", context)


class RevocationForm(forms.Form):
    act_number = forms.CharField(label=_("Number of the control body's act"), max_length=100)
    act_date = forms.DateField(label=_("Date of the act"), widget=forms.DateInput(attrs={"type": "date"}))
    act_body = forms.CharField(label=_("Control body"), max_length=300)
    ground = forms.ChoiceField(label=_("Ground"), choices=Revocation.Ground.choices)
    police_body = forms.CharField(label=_("Territorial internal affairs body"), max_length=300, required=False)


class TerminationForm(forms.Form):
    contract_ended_on = forms.DateField(
        label=_("Contract terminated on"), widget=forms.DateInput(attrs={"type": "date"})
    )


@admin.register(Revocation)
class RevocationAdmin(CaseAdmin):
    list_display = (
        "number",
        "permit",
        "revoked_on",
        "leave_by",
        "act_body",
        "status_label",
        "delivery",
        "deadline_badge",
        "unit",
    )
    list_filter = ("status", "unit")
    search_fields = ("number", "permit__number", "act_number")
    readonly_fields = (
        *CaseAdmin.readonly_fields,
        "permit",
        "act_number",
        "act_date",
        "act_body",
        "ground",
        "revoked_on",
        "leave_by",
        "police_body",
        "delivered_at",
        "delivery_channel",
        "deadline_missed_on",
        "unit",
        "kind",
        "channel",
        "regulation_version",
    )
    exclude = ("status", "assigned_to")

    @admin.display(description=_("delivery to internal affairs"))
    def delivery(self, obj):
        if obj.delivered_at:
            return format_html("✔ {} ({})", obj.delivered_at.strftime("%d.%m.%Y %H:%M"), obj.delivery_channel)
        if obj.is_overdue:
            return format_html('<span class="deadline overdue">{}</span>', _("overdue"))
        return _("pending")

    def has_add_permission(self, request):
        return False  # from the permit's "Revoke" button


@admin.register(TerminationNotice)
class TerminationNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The clerks' queue of annex 6 notices: a web-form notice waits here (``pending_confirmation``) until a clerk
    confirms it (the permit ends) or rejects it with a reason (004 §28; permits.services)."""

    list_display = (
        "number",
        "permit",
        "employer",
        "contract_ended_on",
        "received_at",
        "due_on",
        "is_late",
        "channel",
        "status",
    )
    list_filter = ("status", "is_late", "channel")
    search_fields = ("number", "permit__number", "employer__iin")
    readonly_fields = (
        "number",
        "status",
        "permit",
        "unit",
        "employer",
        "contract_ended_on",
        "received_at",
        "channel",
        "due_on",
        "due_explanation",
        "is_late",
        "declared_facts",
        "recorded_by",
        "decided_at",
        "decided_by",
        "rejection_reason",
    )
    exclude = ("submitted_by", "declared")
    inlines = [HistoryInline]
    change_form_template = "admin/permits/notice_change_form.html"

    def get_queryset(self, request):
        return scope_to_unit(
            super().get_queryset(request).select_related("permit", "employer"), request.user, unit_field="permit__unit"
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(
            "permits.terminate_labourimmigrantpermit"
        )

    @admin.display(description=_("what the notifier declared"))
    def declared_facts(self, obj):
        labels = {
            "employer_name": _("Employer"),
            "employer_iin": _("Employer's IIN"),
            "immigrant_name": _("Labour immigrant"),
            "immigrant_iin": _("Labour immigrant's IIN"),
            "permit_issued_on": _("Permit issued on"),
        }
        rows = [(labels.get(key, key), value) for key, value in (obj.declared or {}).items() if value]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}: {}", ((str(label), value) for label, value in rows))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_decide": request.user.has_perm("permits.terminate_labourimmigrantpermit"),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="permits_terminationnotice_confirm",
            ),
            path(
                "<int:pk>/reject/",
                self.admin_site.admin_view(self.reject_view),
                name="permits_terminationnotice_reject",
            ),
            *super().get_urls(),
        ]

    def _notice(self, request, pk):
        notice = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("permits.terminate_labourimmigrantpermit"):
            raise PermissionDenied
        return notice

    def confirm_view(self, request, pk):
        """The clerk has checked the web-form notice against the permit: the permit ends (004 §28)."""
        notice = self._notice(request, pk)
        form = forms.Form(request.POST if request.method == "POST" else None)  # a button, nothing to fill
        if request.method == "POST" and form.is_valid():
            try:
                notice = services.confirm_termination_notice(
                    notice.pk, actor=Actor.clerk(request.user), expected_version=notice.version
                )
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                messages.success(
                    request, _("Notice %(n)s confirmed: permit %(p)s ended.") % {"n": notice.number, "p": notice.permit}
                )
            return HttpResponseRedirect(reverse("admin:permits_terminationnotice_change", args=[notice.pk]))
        return self._form_page(request, notice, form, _("Confirm the termination notice: the permit ends"))

    def reject_view(self, request, pk):
        notice = self._notice(request, pk)
        form = NoticeRejectionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                notice = services.reject_termination_notice(
                    notice.pk,
                    reason=form.cleaned_data["reason"],
                    actor=Actor.clerk(request.user),
                    expected_version=notice.version,
                )
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                messages.success(request, _("Notice %(n)s rejected; the permit is unchanged.") % {"n": notice.number})
                return HttpResponseRedirect(reverse("admin:permits_terminationnotice_change", args=[notice.pk]))
        return self._form_page(request, notice, form, _("Reject the termination notice"))

    def _form_page(self, request, notice, form, title):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": notice.permit,
            "notice": notice,
            "form": form,
            "title": f"{notice.number}: {title}",
            "change_url": reverse("admin:permits_terminationnotice_change", args=[notice.pk]),
        }
        return TemplateResponse(request, "admin/permits/permit_action.html", context)


class NoticeRejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason of the rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("e.g. the employer denies sending it; the contract has not ended"),
    )


# Foreign-labour permits to employers (seed 000): their screens live beside their models.
from .foreign_labour import admin as foreign_labour_admin  # noqa: E402, F401
