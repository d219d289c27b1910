"""Clerk screens of foreign-labour permits (seed 000 §7: office, responsible officer, the Commission, the head).

The application's queue is casework.admin.CaseAdmin (unit-scoped, deadline badge, history, attachments); its
buttons call permits.foreign_labour.services (which go through run_transition). The Commission's decisions are
taken from the meeting's protocol screen, the fee from the fee-payment screens, the lapse by the job: those
transitions have no button of their own. Imported by ``permits.admin``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from casework.access import scope_to_unit
from casework.actors import Actor
from casework.admin import CaseAdmin, ReadOnlyAdminMixin, TransitionForm
from casework.exceptions import ServiceError
from casework.models import NumberSequence

from ..admin import ServiceTransitionsMixin
from . import services as flp
from .models import (
    AgendaItem,
    CommissionMeeting,
    CommissionMember,
    FeePayment,
    FLPStatus,
    ForeignLabourPermit,
    ForeignLabourPermitApplication,
    RequestedWorker,
    ServiceJournalEntry,
)

FORM_TEMPLATE = "admin/permits/flp/form.html"


class RefusalForm(TransitionForm):
    reason = forms.CharField(
        label=_("Reasons of the refusal (printed in the motivated refusal)"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def transition_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class IssueForm(TransitionForm):
    collected_by = forms.CharField(label=_("Collected by (full name)"), max_length=200)
    collector_document = forms.CharField(label=_("Identity document / IIN"), max_length=100, required=False)
    power_of_attorney = forms.CharField(label=_("Power of attorney"), max_length=200, required=False)
    signed = forms.BooleanField(label=_("The recipient signed the service journal"), required=True)

    def transition_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "collected_by": data["collected_by"],
            "collector_document": data["collector_document"],
            "power_of_attorney": data["power_of_attorney"],
        }


def _complete_check(pk, *, actor, expected_version=None):
    return flp.complete_check(pk, actor=actor, expected_version=expected_version)


def _send_letter(pk, *, actor, expected_version=None):
    return flp.send_letter(pk, actor=actor, expected_version=expected_version)


def _sign(pk, *, actor, expected_version=None):
    return flp.sign_permit(pk, actor=actor, expected_version=expected_version)


def _issue(pk, *, actor, expected_version=None, **kwargs):
    return flp.issue_permit(pk, actor=actor, expected_version=expected_version, **kwargs)


def _refuse(pk, *, actor, expected_version=None, reason=""):
    return flp.refuse_application(pk, reason=reason, actor=actor, expected_version=expected_version)


class RequestedWorkerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequestedWorker
    extra = 0
    fields = ("profession", "qualification_category", "count", "territory", "transferee")
    readonly_fields = fields


class FeePaymentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FeePayment
    extra = 0
    fields = ("submitted_at", "channel", "amount", "paid_on", "payment_reference", "status", "reviewed_by")
    readonly_fields = fields
    show_change_link = True


class FeeAtOfficeForm(forms.Form):
    document = forms.FileField(label=_("Copy of the payment document (PDF, JPEG, PNG)"))
    amount = forms.DecimalField(label=_("Amount, tenge"), max_digits=14, decimal_places=2, required=False)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)


@admin.register(ForeignLabourPermitApplication)
class ForeignLabourPermitApplicationAdmin(ServiceTransitionsMixin, CaseAdmin):
    list_display = (
        "number",
        "kind",
        "intra_corporate",
        "status_label",
        "employer",
        "step_name",
        "deadline_badge",
        "fee_due_on",
        "due_date",
        "unit",
        "channel",
    )
    list_filter = ("status", "kind", "intra_corporate", "channel", "unit")
    search_fields = ("number", "employer__name", "employer__bin", "employer__iin")
    inlines = [RequestedWorkerInline, FeePaymentInline, *CaseAdmin.inlines]
    readonly_fields = (
        *CaseAdmin.readonly_fields,
        "kind",
        "intra_corporate",
        "channel",
        "unit",
        "employer",
        "term_months",
        "sending_company",
        "current_permit",
        "result_permit",
        "reissue_reason",
        "changes",
        "registered_at",
        "referred_on",
        "commission_decided_on",
        "approved_on",
        "letter_sent_on",
        "fee_due_on",
        "fee_due_explanation",
        "signature_requested_at",
        "signature_due_at",
        "signed_at",
        "signed_by",
        "issued_at",
        "refused_at_step",
        "refusal_reason",
        "decided_on",
        "lapsed_on",
        "signer_id",
        "signature",
        "deadline_missed_on",
        "regulation_version",
    )
    exclude = ("status", "signed_payload")
    change_form_template = "admin/permits/flp/application_change_form.html"
    transition_forms = {"refuse": RefusalForm, "issue": IssueForm}
    service_transitions = {
        "refer_to_commission": _complete_check,
        "approve_for_letter": _complete_check,
        "approve_for_signature": _complete_check,
        "send_letter": _send_letter,
        "sign": _sign,
        "issue": _issue,
        "refuse": _refuse,
    }
    # Taken elsewhere: the Commission's protocol screen, the fee-payment screens, the lapse job.
    no_button = ("commission_approves", "commission_approves_transfer", "fee_paid", "lapse")

    def has_add_permission(self, request):
        return False  # through the API, the public form or flp.submit_foreign_labour_application

    def render_change_form(self, request, context, *args, **kwargs):
        context["transitions"] = [t for t in context.get("transitions", []) if t["name"] not in self.no_button]
        return super().render_change_form(request, context, *args, **kwargs)

    def transition_view(self, request, object_id, name):
        if name in self.no_button:
            raise PermissionDenied
        return super().transition_view(request, object_id, name)

    def get_urls(self):
        return [
            path(
                "<int:pk>/fee/",
                self.admin_site.admin_view(self.fee_view),
                name="permits_foreignlabourpermitapplication_fee",
            ),
            *super().get_urls(),
        ]

    def fee_view(self, request, pk):
        """The employer brings the copy of the fee payment to the office (000 §5)."""
        app = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("permits.confirm_flp_fee"):
            raise PermissionDenied
        form = FeeAtOfficeForm(request.POST or None, request.FILES or None)
        change_url = reverse("admin:permits_foreignlabourpermitapplication_change", args=[app.pk])
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                flp.submit_fee_proof(
                    app.pk,
                    filename=data["document"].name,
                    content=data["document"].read(),
                    channel="office",
                    actor=Actor.clerk(request.user),
                    amount=data["amount"],
                    paid_on=data["paid_on"],
                    payment_reference=data["payment_reference"],
                )
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                messages.success(request, _("Fee payment recorded; confirm it in the fee payments."))
                return HttpResponseRedirect(change_url)
        return _form_page(self, request, form, _("Record a fee payment received at the office"), change_url, [str(app)])


def _form_page(model_admin, request, form, label, change_url, intro=(), subforms=()):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "subforms": subforms,
        "intro": intro,
        "title": label,
        "action_label": label,
        "change_url": change_url,
    }
    return TemplateResponse(request, FORM_TEMPLATE, context)


# --- fee payments: the clerk confirms or rejects ------------------------------------------------------------


class RejectFeeForm(forms.Form):
    reason = forms.CharField(label=_("Why the copy is not accepted"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(FeePayment)
class FeePaymentAdmin(admin.ModelAdmin):
    list_display = ("application", "submitted_at", "channel", "amount", "paid_on", "payment_reference", "status")
    list_filter = ("status", "channel")
    search_fields = ("application__number", "payment_reference")
    readonly_fields = [f.name for f in FeePayment._meta.fields]
    actions = ["confirm"]

    def get_queryset(self, request):
        return scope_to_unit(
            super().get_queryset(request).select_related("application"), request.user, unit_field="application__unit"
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Confirm the selected fee payments"), permissions=["confirm"])
    def confirm(self, request, queryset):
        for payment in queryset:
            try:
                flp.confirm_fee(payment.pk, actor=Actor.clerk(request.user))
            except ServiceError as exc:
                messages.error(request, f"{payment}: {exc.detail} [{exc.code}]")
            else:
                messages.success(request, _("Confirmed: %(p)s") % {"p": payment.application.number})

    def has_confirm_permission(self, request):
        return request.user.has_perm("permits.confirm_flp_fee")

    def get_urls(self):
        return [
            path("<int:pk>/reject/", self.admin_site.admin_view(self.reject_view), name="permits_feepayment_reject"),
            *super().get_urls(),
        ]

    def reject_view(self, request, pk):
        payment = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_confirm_permission(request):
            raise PermissionDenied
        form = RejectFeeForm(request.POST or None)
        back = reverse("admin:permits_feepayment_changelist")
        if request.method == "POST" and form.is_valid():
            try:
                flp.reject_fee(payment.pk, reason=form.cleaned_data["reason"], actor=Actor.clerk(request.user))
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                return HttpResponseRedirect(back)
        return _form_page(self, request, form, _("Reject the fee payment"), back, [str(payment)])


# --- the Commission -----------------------------------------------------------------------------------------


@admin.register(CommissionMember)
class CommissionMemberAdmin(admin.ModelAdmin):
    list_display = ("full_name", "role", "position", "unit", "is_active")
    list_filter = ("role", "is_active", "unit")
    search_fields = ("full_name",)

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request), request.user)


class AgendaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("position", "application", "decision", "reasons")
    readonly_fields = fields


class AgendaForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications referred to the Commission"),
        queryset=ForeignLabourPermitApplication.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )


class ProtocolForm(forms.Form):
    members_present = forms.ModelMultipleChoiceField(
        label=_("Members present"), queryset=CommissionMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(AgendaItem.Decision.APPROVE, _("issue the permit")), (AgendaItem.Decision.REFUSE, _("refuse"))],
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


@admin.register(CommissionMeeting)
class CommissionMeetingAdmin(admin.ModelAdmin):
    list_display = ("number", "held_on", "unit", "status", "protocol_recorded_at")
    list_filter = ("status", "unit")
    fields = ("number", "unit", "held_on", "place", "status", "members_present", "protocol_recorded_at")
    readonly_fields = ("number", "status", "members_present", "protocol_recorded_at")
    inlines = [AgendaInline]
    change_form_template = "admin/permits/flp/meeting_change_form.html"

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request), request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:  # planning a meeting: who was present and the protocol come later
            return ("unit", "held_on", "place")
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if obj.status != CommissionMeeting.Status.PLANNED:
            return [*self.readonly_fields, "unit", "held_on", "place"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.number = NumberSequence.next_number(flp.PROTOCOL_PREFIX, obj.held_on.year)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/agenda/",
                self.admin_site.admin_view(self.agenda_view),
                name="permits_commissionmeeting_agenda",
            ),
            path(
                "<int:pk>/protocol/",
                self.admin_site.admin_view(self.protocol_view),
                name="permits_commissionmeeting_protocol",
            ),
            *super().get_urls(),
        ]

    def _meeting(self, request, pk) -> CommissionMeeting:
        meeting = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("permits.record_flp_commission"):
            raise PermissionDenied
        return meeting

    def agenda_view(self, request, pk):
        meeting = self._meeting(request, pk)
        form = AgendaForm(request.POST or None)
        form.fields["applications"].queryset = ForeignLabourPermitApplication.objects.filter(
            status=FLPStatus.REFERRED, unit__path__startswith=meeting.unit.path
        ).exclude(agenda_items__meeting__status=CommissionMeeting.Status.PLANNED)
        back = reverse("admin:permits_commissionmeeting_change", args=[meeting.pk])
        if request.method == "POST" and form.is_valid():
            for app in form.cleaned_data["applications"]:
                try:
                    flp.put_on_agenda(meeting.pk, app.pk, actor=Actor.clerk(request.user))
                except ServiceError as exc:
                    messages.error(request, f"{app}: {exc.detail} [{exc.code}]")
            return HttpResponseRedirect(back)
        return _form_page(self, request, form, _("Put referred applications on the agenda"), back, [str(meeting)])

    def protocol_view(self, request, pk):
        """000 §8(3): the protocol — members present, each application's decision and its reasons."""
        meeting = self._meeting(request, pk)
        items = list(meeting.agenda.select_related("application__employer"))
        form = ProtocolForm(request.POST or None)
        form.fields["members_present"].queryset = CommissionMember.objects.filter(is_active=True, unit=meeting.unit)
        subforms = [
            {
                "title": f"{item.position}. {item.application.number} — {item.application.employer}",
                "form": DecisionForm(request.POST or None, prefix=f"item{item.application_id}"),
                "app_id": item.application_id,
            }
            for item in items
        ]
        back = reverse("admin:permits_commissionmeeting_change", args=[meeting.pk])
        if request.method == "POST" and form.is_valid() and all(s["form"].is_valid() for s in subforms):
            decisions = {
                s["app_id"]: flp.Decision(s["form"].cleaned_data["decision"], s["form"].cleaned_data["reasons"])
                for s in subforms
            }
            try:
                flp.record_protocol(
                    meeting.pk,
                    decisions=decisions,
                    members_present=[m.pk for m in form.cleaned_data["members_present"]],
                    actor=Actor.clerk(request.user),
                )
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                messages.success(request, _("Protocol %(n)s recorded.") % {"n": meeting.number})
                return HttpResponseRedirect(back)
        return _form_page(self, request, form, _("Record the protocol"), back, [str(meeting)], subforms)


# --- the permit and the service journal ----------------------------------------------------------------------


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reasons of the revocation"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(ForeignLabourPermit)
class ForeignLabourPermitAdmin(admin.ModelAdmin):
    list_display = ("number", "employer_name", "intra_corporate", "workers_total", "valid_from", "valid_to", "status")
    list_filter = ("status", "intra_corporate", "unit")
    search_fields = ("number", "employer__name", "employer__bin", "employer__iin")
    readonly_fields = [f.name for f in ForeignLabourPermit._meta.fields]
    change_form_template = "admin/permits/flp/permit_change_form.html"

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request).select_related("unit", "employer"), request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/revoke/",
                self.admin_site.admin_view(self.revoke_view),
                name="permits_foreignlabourpermit_revoke",
            ),
            *super().get_urls(),
        ]

    def revoke_view(self, request, pk):
        permit = get_object_or_404(self.get_queryset(request), pk=pk)
        if not request.user.has_perm("permits.revoke_foreignlabourpermit"):
            raise PermissionDenied
        form = RevokeForm(request.POST or None)
        back = reverse("admin:permits_foreignlabourpermit_change", args=[permit.pk])
        if request.method == "POST" and form.is_valid():
            try:
                flp.revoke_permit(permit.pk, reason=form.cleaned_data["reason"], actor=Actor.clerk(request.user))
            except ServiceError as exc:
                messages.error(request, f"{exc.detail} [{exc.code}]")
            else:
                return HttpResponseRedirect(back)
        return _form_page(self, request, form, _("Revoke"), back, [str(permit)])


@admin.register(ServiceJournalEntry)
class ServiceJournalEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The journal of the public service (000 §6(6)): read-only records, printable."""

    list_display = ("number", "collected_at", "application", "permit", "document_number", "collected_by", "recorded_by")
    search_fields = ("number", "application__number", "permit__number", "collected_by")
    date_hierarchy = "collected_at"
    change_list_template = "admin/permits/flp/journal_change_list.html"

    def get_queryset(self, request):
        return scope_to_unit(super().get_queryset(request).select_related("application", "permit"), request.user)

    def get_urls(self):
        return [
            path("print/", self.admin_site.admin_view(self.print_view), name="permits_servicejournalentry_print"),
            *super().get_urls(),
        ]

    def print_view(self, request):
        """The journal as a printable page; ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` limits the period."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        entries = self.get_queryset(request).order_by("collected_at", "id")
        first, last = parse_date(request.GET.get("from") or ""), parse_date(request.GET.get("to") or "")
        if first:
            entries = entries.filter(collected_at__date__gte=first)
        if last:
            entries = entries.filter(collected_at__date__lte=last)
        context = {"entries": entries, "first": first, "last": last, "title": _("Journal of the public service")}
        return TemplateResponse(request, "admin/permits/flp/journal_print.html", context)
