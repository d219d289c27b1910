"""Forms of the job-seeker services: the application (public web form and the clerk's registration
screen share it) and the inputs of the admin's transition buttons."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.admin import TransitionForm
from casework.countries import validate_alpha3
from casework.identifiers import validate_iin
from casework.models import TerritorialUnit
from casework.public.forms import (
    APPLICANT_FIELDSET,
    CONSENT_FIELDSET,
    DOCUMENTS_FIELDSET,
    DocumentField,
    PublicApplicationForm,
)

from . import rules
from .models import DECISIONS, REFUSE

FIELD_OF = {
    "applicant.iin": "iin",
    "applicant.citizenship": "citizenship",
    "applicant.phone": "phone",
    "applicant.email": "email",
}


class ApplicationForm(forms.Form):
    """Who the applicant is (standard §9: identity document; residence permit or kandas certificate)."""

    residency = forms.ChoiceField(label=_("I am"), choices=rules.RESIDENCY_CHOICES, initial=rules.CITIZEN)
    surname = forms.CharField(label=_("Surname"), max_length=100)
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        required=False,
        validators=[validate_iin],
        help_text=_("12 digits; required for citizens of Kazakhstan."),
    )
    citizenship = forms.CharField(
        label=_("Citizenship (ISO code)"), max_length=3, initial=rules.KAZAKHSTAN, validators=[validate_alpha3]
    )
    passport_number = forms.CharField(label=_("Identity document / passport No."), max_length=30)
    residence_document_number = forms.CharField(
        label=_("Residence permit / kandas certificate No."),
        max_length=30,
        required=False,
        help_text=_("For kandases, foreigners and stateless persons."),
    )
    address = forms.CharField(label=_("Address"), max_length=300)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean_citizenship(self):
        return self.cleaned_data["citizenship"].upper()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        problems = rules.applicant_problems(
            data.get("residency", ""),
            data.get("citizenship", ""),
            data.get("iin", ""),
            data.get("residence_document_number", ""),
        )
        problems += self.extra_problems(data)
        for name, code, reason in problems:
            self.add_error(FIELD_OF.get(name, name), forms.ValidationError(reason, code=code))
        return data

    def extra_problems(self, data) -> list:
        return []

    def applicant(self) -> dict:
        fields = (
            "surname",
            "given_name",
            "patronymic",
            "birth_date",
            "citizenship",
            "passport_number",
            "iin",
            "address",
            "phone",
            "email",
        )
        return {name: self.cleaned_data.get(name) or ("" if name != "birth_date" else None) for name in fields}


class JobSeekerApplicationForm(ApplicationForm):
    pass


class UnemployedApplicationForm(ApplicationForm):
    notify_by = forms.ChoiceField(
        label=_("Inform me of the decision by"),
        choices=rules.NOTIFY_CHANNELS,
        widget=forms.RadioSelect,
        initial=rules.SMS,
    )

    def extra_problems(self, data) -> list:
        return rules.contact_problems(data.get("notify_by", ""), data.get("phone", ""), data.get("email", ""))


# --- admin transition forms ---------------------------------------------------------------------------


class DecisionForm(TransitionForm):
    """002-1 §5(2) / 002-2 §5(3): register, or refuse on a ground of standard §10."""

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    refusal_ground = forms.ChoiceField(
        label=_("Refusal ground"), choices=[("", "—"), *rules.REFUSAL_GROUNDS], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == REFUSE and not data.get("refusal_ground"):
            self.add_error("refusal_ground", _("A refusal needs its ground (standard §10)."))
        return data

    def transition_kwargs(self) -> dict:
        return {"decision": self.cleaned_data["decision"], "refusal_ground": self.cleaned_data["refusal_ground"]}


class UnemployedDecisionForm(DecisionForm):
    registered_from = forms.DateField(
        label=_("Registered as unemployed from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the day the application was registered at the centre."),
    )

    def transition_kwargs(self) -> dict:
        return {**super().transition_kwargs(), "registered_from": self.cleaned_data.get("registered_from")}


class EndRegistrationForm(TransitionForm):
    end_reason = forms.ChoiceField(label=_("The registration ends because"), choices=rules.END_REASONS)

    def transition_kwargs(self) -> dict:
        return {"end_reason": self.cleaned_data["end_reason"]}


# --- the public web form (casework.public) ---------------------------------------------------------


def _district_units():
    return TerritorialUnit.objects.filter(level=TerritorialUnit.Level.DISTRICT).order_by("path")


class PublicRegistrationForm(PublicApplicationForm):
    """The applicant's identity (shared public form) and the residence basis of seed 002."""

    residency = forms.ChoiceField(
        label=_("I am"), choices=rules.RESIDENCY_CHOICES, initial=rules.CITIZEN, widget=forms.RadioSelect
    )
    residence_document_number = forms.CharField(
        label=_("Residence permit / kandas certificate No."),
        max_length=30,
        required=False,
        help_text=_("For kandases, foreigners and stateless persons."),
    )
    unit = forms.ModelChoiceField(
        label=_("Employment centre of"), queryset=TerritorialUnit.objects.none(), empty_label="—"
    )
    identity_document = DocumentField("identity_document", required=False)
    residence_permit = DocumentField("residence_permit", required=False)

    fieldsets = [
        (_("Residence"), ["residency", "residence_document_number", "unit"]),
        APPLICANT_FIELDSET,
        DOCUMENTS_FIELDSET,
        CONSENT_FIELDSET,
    ]
    service_field_names = {"applicant": "iin", "residency": "residency"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("residence_country_address", None)  # not asked by seed 002
        for name in ("passport_issued_on", "passport_issuer"):
            self.fields[name].required = False
        self.fields["unit"].queryset = _district_units()
        self.fields["citizenship"].initial = rules.KAZAKHSTAN
        self.fields["iin"].help_text = _("12 digits; required for citizens of Kazakhstan.")

    def clean(self):
        data = super().clean()
        problems = rules.applicant_problems(
            data.get("residency", ""),
            data.get("citizenship", "") or "",
            data.get("iin", "") or "",
            data.get("residence_document_number", ""),
        )
        problems += self.extra_problems(data)
        for name, code, reason in problems:
            field = FIELD_OF.get(name, name)
            if field in self.fields and field not in self.errors:
                self.add_error(field, forms.ValidationError(reason, code=code))
        return data

    def extra_problems(self, data) -> list:
        return []


class PublicJobSeekerForm(PublicRegistrationForm):
    pass


class PublicUnemployedForm(PublicRegistrationForm):
    notify_by = forms.ChoiceField(
        label=_("Inform me of the decision by"),
        choices=rules.NOTIFY_CHANNELS,
        widget=forms.RadioSelect,
        initial=rules.SMS,
    )
    fieldsets = [
        (_("Residence"), ["residency", "residence_document_number", "unit"]),
        APPLICANT_FIELDSET,
        (_("How to inform you"), ["notify_by"]),
        DOCUMENTS_FIELDSET,
        CONSENT_FIELDSET,
    ]

    def extra_problems(self, data) -> list:
        return rules.contact_problems(
            data.get("notify_by", ""), data.get("phone", "") or "", data.get("email", "") or ""
        )
