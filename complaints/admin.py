"""Clerk screens for complaints: the queue by due date, the challenged case shown on the complaint's page,
registration at the office, and decision buttons that go through complaints.services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from casework.actors import Actor
from casework.admin import CaseAdmin, TransitionForm
from casework.exceptions import ServiceError
from casework.models import Channel, TransitionLog

from . import rules, services
from .models import Complaint


class ForwardForm(TransitionForm):
    reviewing_body = forms.CharField(label=_("Reviewing body"), max_length=300)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"reviewing_body": data["reviewing_body"], "reason": data.get("reason", "")}


class ReasonOnlyForm(TransitionForm):
    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data.get("reason", "")}


class GrantByProviderForm(TransitionForm):
    corrective_action = forms.CharField(
        label=_("Corrective action that satisfies the complaint in full"), widget=forms.Textarea(attrs={"rows": 3})
    )
    reopen = forms.BooleanField(label=_("Reopen the challenged application"), required=False)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "corrective_action": data["corrective_action"],
            "decision": data.get("reason", ""),
            "reopen": data["reopen"],
        }


class GrantForm(GrantByProviderForm):
    extent = forms.ChoiceField(label=_("Granted"), choices=list(rules.EXTENTS.items()))
    corrective_action = forms.CharField(label=_("Corrective action taken"), widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "extent": self.cleaned_data["extent"]}


class RejectForm(TransitionForm):
    reason = forms.CharField(label=_("Reasons for the rejection"), widget=forms.Textarea(attrs={"rows": 4}))

    def service_kwargs(self) -> dict:
        return {"reasons": self.cleaned_data["reason"]}


class ComplaintIntakeForm(forms.Form):
    """A complaint received at the office (paper or in person), registered by the registrar."""

    application_number = forms.CharField(label=_("Number of the challenged application"), max_length=40)
    subject = forms.ChoiceField(label=_("What is challenged"), choices=list(rules.SUBJECTS.items()))
    addressee = forms.ChoiceField(label=_("Addressed to"), choices=list(rules.ADDRESSEES.items()))
    complainant_role = forms.ChoiceField(label=_("The complainant is"), choices=list(rules.COMPLAINANT_ROLES.items()))
    surname = forms.CharField(label=_("Surname"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=30, required=False)
    iin = forms.CharField(label=_("IIN"), max_length=12, required=False)
    bin = forms.CharField(label=_("Employer's BIN"), max_length=12, required=False)
    applicant_passport_number = forms.CharField(
        label=_("Represented applicant's passport number"), max_length=30, required=False
    )
    applicant_birth_date = forms.DateField(label=_("Represented applicant's birth date"), required=False)
    document_number = forms.CharField(label=_("Challenged document number (optional)"), max_length=40, required=False)
    text = forms.CharField(label=_("The complaint"), widget=forms.Textarea(attrs={"rows": 6}))
    power_of_attorney = forms.FileField(label=_("Power of attorney (for a representative)"), required=False)
    evidence = forms.FileField(label=_("Supporting document"), required=False)

    def service_data(self) -> dict:
        data = self.cleaned_data
        documents = []
        for field, doc_type in (("power_of_attorney", rules.POWER_OF_ATTORNEY), ("evidence", "complaint_evidence")):
            upload = data.get(field)
            if upload:
                documents.append(services.DocumentUpload(doc_type, upload.name, upload.read()))
        identity = {key: data.get(key) or "" for key in ("surname", "given_name", "passport_number", "iin", "bin")}
        identity["birth_date"] = data.get("birth_date")
        return {
            "application_number": data["application_number"].strip(),
            "subject": data["subject"],
            "addressee": data["addressee"],
            "complainant_role": data["complainant_role"],
            "complainant": identity,
            "on_behalf_of": {
                "passport_number": data.get("applicant_passport_number") or "",
                "birth_date": data.get("applicant_birth_date"),
            },
            "document_number": data.get("document_number") or "",
            "text": data["text"],
            "documents": documents,
        }


@admin.register(Complaint)
class ComplaintAdmin(CaseAdmin):
    list_display = (
        "number",
        "subject",
        "addressee",
        "status_label",
        "challenged_number",
        "registered_on",
        "deadline_badge",
        "due_date",
        "forwarded_late",
        "clock_label",
        "unit",
    )
    list_filter = ("status", "addressee", "subject", "forwarded_late", "channel", "unit")
    search_fields = ("number", "challenged_number")
    ordering = ("due_date", "received_at")  # the complaints queue: by due date
    fields = (
        "challenged_case",
        "subject",
        "addressee",
        "complainant_label",
        "text",
        "reviewing_body",
        "assigned_to",
        "number",
        "channel",
        "received_at",
        "registered_on",
        "step_name",
        "step_deadline",
        "due_date",
        "deadline_explanation",
        "forwarded_on",
        "forwarded_late",
        "review_started_on",
        "decision_summary",
        "clock_label",
        "version",
    )
    readonly_fields = (
        "challenged_case",
        "subject",
        "addressee",
        "complainant_label",
        "text",
        "number",
        "channel",
        "received_at",
        "registered_on",
        "step_name",
        "step_deadline",
        "due_date",
        "deadline_explanation",
        "forwarded_on",
        "forwarded_late",
        "review_started_on",
        "decision_summary",
        "clock_label",
        "version",
    )
    transition_forms = {
        "forward": ForwardForm,
        "start_review": ReasonOnlyForm,
        "grant_by_provider": GrantByProviderForm,
        "grant": GrantForm,
        "reject": RejectForm,
    }

    @admin.display(description=_("complainant"))
    def complainant_label(self, obj):
        return f"{obj.complainant_name} ({obj.get_complainant_role_display()})"

    @admin.display(description=_("decision"))
    def decision_summary(self, obj):
        if not obj.decided_on:
            return "—"
        parts = [obj.get_status_display()]
        if obj.extent:
            parts.append(obj.get_extent_display())
        if obj.decided_by_provider:
            parts.append(str(_("by the provider itself, not forwarded")))
        return format_html(
            "<p><strong>{}</strong> ({})</p><p>{}</p><p>{} {}</p>",
            ", ".join(str(p) for p in parts),
            obj.decided_on.strftime("%d.%m.%Y"),
            obj.decision_text,
            _("Corrective action:"),
            obj.corrective_action or "—",
        )

    @admin.display(description=_("challenged application"))
    def challenged_case(self, obj):
        """The challenged case inline: its number (linked), status, dates, and its history."""
        case = obj.challenged
        if case is None:
            return obj.challenged_number
        try:
            url = reverse(f"admin:{case._meta.app_label}_{case._meta.model_name}_change", args=[case.pk])
        except NoReverseMatch:
            url = ""
        state = getattr(case, f"get_{getattr(case, 'STATE_FIELD', 'status')}_display", lambda: "")()
        history = TransitionLog.objects.filter(
            case_type=ContentType.objects.get_for_model(case), case_id=case.pk
        ).order_by("at", "id")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.at.strftime("%d.%m.%Y %H:%M"),
                    r.transition,
                    r.from_state or "—",
                    r.to_state,
                    r.actor_label,
                    r.reason,
                )
                for r in history
            ),
        )
        extra = []
        if obj.challenged_document_id:
            extra.append(format_html("<p>{} {}</p>", _("Challenged document:"), obj.challenged_document.number))
        if obj.challenged_action_id:
            a = obj.challenged_action
            extra.append(
                format_html("<p>{} {} ({})</p>", _("Challenged action:"), a.transition, a.at.strftime("%d.%m.%Y %H:%M"))
            )
        return format_html(
            '<div class="challenged-case" id="challenged-case"><p><a href="{}">{}</a> — {} · {}: {} · {}: {}</p>{}'
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table></div>",
            url or "#",
            case.number,
            case._meta.verbose_name,
            _("status"),
            state,
            _("due"),
            case.due_date.strftime("%d.%m.%Y") if case.due_date else "—",
            format_html_join("", "{}", ((e,) for e in extra)),
            _("at"),
            _("action"),
            _("status"),
            _("by"),
            _("reason"),
            rows,
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ComplaintIntakeForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                complaint = services.file_complaint(
                    form.service_data(), channel=Channel.OFFICE, actor=Actor.clerk(request.user)
                )
            except ServiceError as exc:
                messages.error(request, f"{exc.detail}")
            else:
                messages.success(
                    request,
                    _("Complaint %(number)s registered; due %(due)s.")
                    % {"number": complaint.number, "due": complaint.due_date.strftime("%d.%m.%Y")},
                )
                return HttpResponseRedirect(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "action_label": _("Register the complaint"),
            "change_url": reverse("admin:complaints_complaint_changelist"),
            "title": _("Register a complaint received at the office"),
        }
        return TemplateResponse(request, "admin/complaints/intake_form.html", context)

    def transition_view(self, request, object_id, name):
        """Like CaseAdmin's, but each action goes through its service (reopening, decision letter)."""
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj) or name not in services.ACTIONS:
            raise PermissionDenied
        self.check_transition_permission(request, obj, name)  # GET too: 403 to a clerk who may not take it
        form_class = self.transition_forms[name]
        change_url = reverse("admin:complaints_complaint_change", args=[obj.pk])
        if request.method == "POST":
            form = form_class(request.POST)
            if form.is_valid():
                try:
                    services.ACTIONS[name](
                        obj,
                        actor=Actor.clerk(request.user),
                        expected_version=form.cleaned_data["version"],
                        **form.service_kwargs(),
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
