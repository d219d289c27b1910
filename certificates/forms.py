"""The public application form for a qualification certificate (003 annex 1), one variant per sub-service.

Annex 1 asks, for every sub-service: the applicant (name, passport No./date/issuer, address, phone,
address and phone in the country of residence), the profession and sector from the list, the
employer (name and BIN/IIN) for an extension, the consent to personal data processing and the
attachments; annex 2 row 8 says which documents each sub-service needs (``rules.required_documents``
is the one place that list lives).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework.documents import DOCUMENT_TYPES
from casework.identifiers import identifier_error
from casework.public.forms import (
    APPLICANT_FIELDSET,
    CONSENT_FIELDSET,
    DOCUMENTS_FIELDSET,
    DocumentField,
    PublicApplicationForm,
    PublicDateField,
    validate_printable,
)

from . import rules
from .models import Profession

KIND_TITLES = {
    rules.ISSUE: _("Issue of a certificate"),
    rules.EXTEND: _("Extension of a certificate"),
    rules.REISSUE: _("Re-issue of a certificate"),
    rules.DUPLICATE: _("Duplicate of a certificate"),
}
KIND_DESCRIPTIONS = {
    rules.ISSUE: _(
        "A first certificate for work in an in-demand profession of the list. The Commission assesses your "
        "education and experience (at least 6 points are needed)."
    ),
    rules.EXTEND: _(
        "You have concluded a labour contract: the certificate is extended for the contract's term, at most "
        "3 years. Apply within 5 working days of concluding the contract (003 §16–17)."
    ),
    rules.REISSUE: _(
        "Your surname, name, patronymic or identity document changed, or you changed employer. Apply within "
        "5 working days of the change; you get a certificate with a new number (003 §19, §22)."
    ),
    rules.DUPLICATE: _(
        "Your certificate was lost or damaged. Apply within 5 working days of the loss or damage; the "
        "duplicate keeps the number (003 §22-1)."
    ),
}

EDUCATION_LABELS = {
    rules.HIGHER: _("Higher education in the specialty"),
    rules.DEGREE: _("Academic degree in the specialty"),
    rules.ENGLISH_CERTIFICATE: _("English-teaching certificate"),
}

# The documents each variant offers (annex 2 row 8); which of them are required is rules.required_documents.
DOCUMENT_FIELDS = {
    rules.ISSUE: ["identity_document", "education_document", "english_certificate", "work_experience"],
    rules.EXTEND: ["labour_contract", "previous_certificate"],
    rules.REISSUE: ["changed_identity_document", "labour_contract"],
    rules.DUPLICATE: ["identity_document", "work_experience"],
}
DOCUMENT_HELP = {
    "identity_document": _("The pages with your photo and data."),
    "education_document": _(
        "Recognised or nostrified diploma (or degree certificate) with its notarised translation into Kazakh "
        "or Russian."
    ),
    "english_certificate": _("With its notarised translation into Kazakh or Russian."),
    "work_experience": _(
        "Notarised copy of the document proving your work experience, with its translation into Kazakh or Russian."
    ),
    "labour_contract": _("The copy of the labour contract with the employer."),
    "previous_certificate": _("Optional: the office has it, but a copy helps to find it."),
    "changed_identity_document": _("The identity document with the changed name, number or series."),
}


def profession_choices() -> list:
    """The active catalogue grouped by sector and kind of activity, in the page's language (kk, else ru)."""
    groups: dict[str, list] = {}
    for entry in Profession.objects.filter(active=True).order_by("position", "code"):
        heading = f"{entry.localized('sector')} — {entry.localized('activity')}"
        groups.setdefault(heading, []).append((entry.code, entry.name))
    return [("", "—"), *groups.items()]


class CertificateApplicationForm(PublicApplicationForm):
    """Every field any variant uses; ``__init__(kind=...)`` keeps those of one sub-service."""

    # The service's invalid_params names (API.md) that differ from this form's field names.
    service_field_names = {
        "personal_data_consent": "consent",
        "employer": "employer_name",
        "employer.bin": "employer_identifier",
        "employer.iin": "employer_identifier",
        "labour_contract.concluded_on": "contract_concluded_on",
        "labour_contract.ends_on": "contract_ends_on",
        "labour_contract": "contract_concluded_on",
        "education": "has_higher",
    }

    profession = forms.ChoiceField(
        label=_("Profession from the list of in-demand professions"),
        choices=profession_choices,
        help_text=_("The profession and its priority sector (kind of economic activity) from the approved list."),
    )
    # 003 §10 1): the education the Commission scores.
    has_higher = forms.BooleanField(label=EDUCATION_LABELS[rules.HIGHER], required=False)
    higher_specialty = forms.CharField(
        label=_("Specialty (higher education)"), max_length=300, required=False, validators=[validate_printable]
    )
    higher_document_number = forms.CharField(
        label=_("Diploma number"), max_length=100, required=False, validators=[validate_printable]
    )
    has_degree = forms.BooleanField(label=EDUCATION_LABELS[rules.DEGREE], required=False)
    degree_specialty = forms.CharField(
        label=_("Specialty (academic degree)"), max_length=300, required=False, validators=[validate_printable]
    )
    degree_document_number = forms.CharField(
        label=_("Degree certificate number"), max_length=100, required=False, validators=[validate_printable]
    )
    has_english_certificate = forms.BooleanField(label=EDUCATION_LABELS[rules.ENGLISH_CERTIFICATE], required=False)
    english_document_number = forms.CharField(
        label=_("English-teaching certificate number"),
        max_length=100,
        required=False,
        validators=[validate_printable],
    )
    # 003 §10 2).
    experience_years = forms.IntegerField(
        label=_("Work experience in the specialty, whole years"),
        min_value=0,
        max_value=80,
        help_text=_("Completed years only: 3 years and 11 months is 3."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    certificate_number = forms.CharField(
        label=_("Number of your certificate"),
        max_length=40,
        help_text=_("As printed on the certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    reissue_reason = forms.ChoiceField(
        label=_("What changed"),
        choices=[
            (rules.IDENTITY_CHANGE, _("My surname, name, patronymic or identity document (number, series)")),
            (rules.EMPLOYER_CHANGE, _("My employer (a new labour contract)")),
        ],
        widget=forms.RadioSelect,
    )
    event_date = PublicDateField(label=_("Date of the event"))
    employer_name = forms.CharField(
        label=_("Employer's name"), max_length=300, required=False, validators=[validate_printable]
    )
    employer_identifier = forms.CharField(
        label=_("Employer's BIN or IIN"),
        max_length=12,
        min_length=12,
        required=False,
        help_text=_("12 digits: the BIN of a company, or the IIN of an individual employer."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{12}", "data-check": "iin"}),
    )
    contract_concluded_on = PublicDateField(label=_("Labour contract concluded on"))
    contract_ends_on = PublicDateField(label=_("Labour contract ends on"))

    identity_document = DocumentField("identity_document", help_text=DOCUMENT_HELP["identity_document"])
    education_document = DocumentField(
        "education_document", required=False, help_text=DOCUMENT_HELP["education_document"]
    )
    english_certificate = DocumentField(
        "english_certificate", required=False, help_text=DOCUMENT_HELP["english_certificate"]
    )
    work_experience = DocumentField("work_experience", help_text=DOCUMENT_HELP["work_experience"])
    labour_contract = DocumentField("labour_contract", help_text=DOCUMENT_HELP["labour_contract"])
    previous_certificate = DocumentField(
        "previous_certificate", required=False, help_text=DOCUMENT_HELP["previous_certificate"]
    )
    changed_identity_document = DocumentField(
        "changed_identity_document", required=False, help_text=DOCUMENT_HELP["changed_identity_document"]
    )

    KIND_FIELDS = {
        rules.ISSUE: [
            "profession",
            "has_higher",
            "higher_specialty",
            "higher_document_number",
            "has_degree",
            "degree_specialty",
            "degree_document_number",
            "has_english_certificate",
            "english_document_number",
            "experience_years",
        ],
        rules.EXTEND: [
            "certificate_number",
            "profession",
            "employer_name",
            "employer_identifier",
            "contract_concluded_on",
            "contract_ends_on",
        ],
        rules.REISSUE: [
            "certificate_number",
            "profession",
            "reissue_reason",
            "event_date",
            "employer_name",
            "employer_identifier",
        ],
        rules.DUPLICATE: ["certificate_number", "profession", "event_date"],
    }
    EMPLOYER_LEGEND = {
        rules.EXTEND: _("Employer (the labour contract)"),
        rules.REISSUE: _("New employer (only when the employer changed)"),
    }

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)
        keep = set(self.KIND_FIELDS[kind]) | set(DOCUMENT_FIELDS[kind])
        all_service_fields = {name for names in self.KIND_FIELDS.values() for name in names}
        all_documents = {name for names in DOCUMENT_FIELDS.values() for name in names}
        for name in (all_service_fields | all_documents) - keep:
            del self.fields[name]
        # Annex 1 puts the phone with the address in the country of residence.
        self.fields["residence_country_address"].label = _("Address and phone in the country of residence")
        if kind == rules.EXTEND:
            for name in ("employer_name", "employer_identifier"):
                self.fields[name].required = True
                self.fields[name].widget.attrs["required"] = True
            self.fields["labour_contract"].required = True
            self.fields["contract_concluded_on"].help_text = _(
                "Apply within 5 working days of this date (003 §17); a later application is accepted but "
                "flagged to the office."
            )
        if kind == rules.REISSUE:
            self.fields["labour_contract"].required = False
            self.fields["event_date"].label = _("Date of the change")
            self.fields["event_date"].help_text = _(
                "The date of the new identity document or of the new labour contract. Apply within 5 working days "
                "of it (003 §22)."
            )
            self.fields["reissue_reason"].help_text = _(
                "For a change of name or document, fill in the applicant's data as they are now."
            )
        if kind == rules.DUPLICATE:
            self.fields["event_date"].label = _("Date of the loss or damage")
            self.fields["event_date"].help_text = _("Apply within 5 working days of it (003 §22-1).")
        if kind == rules.ISSUE:
            for name, help_text in (
                ("english_certificate", _("Attach it when you declare an English-teaching certificate.")),
                ("education_document", DOCUMENT_HELP["education_document"]),
            ):
                self.fields[name].help_text = help_text
        for name in ("contract_concluded_on", "event_date"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("max", self.fields["birth_date"].widget.attrs.get("max"))
        self.fieldsets = self.build_fieldsets()

    def build_fieldsets(self) -> list[tuple]:
        sets = [APPLICANT_FIELDSET]
        if self.kind == rules.ISSUE:
            sets += [
                (_("Profession"), ["profession"]),
                (
                    _("Education (003 §10)"),
                    [
                        "has_higher",
                        "higher_specialty",
                        "higher_document_number",
                        "has_degree",
                        "degree_specialty",
                        "degree_document_number",
                        "has_english_certificate",
                        "english_document_number",
                    ],
                ),
                (_("Work experience (003 §10)"), ["experience_years"]),
            ]
        else:
            sets.append((_("The certificate"), ["certificate_number", "profession", "reissue_reason", "event_date"]))
        if self.kind in self.EMPLOYER_LEGEND:
            sets.append(
                (
                    self.EMPLOYER_LEGEND[self.kind],
                    [
                        "employer_name",
                        "employer_identifier",
                        "contract_concluded_on",
                        "contract_ends_on",
                    ],
                )
            )
        return [*sets, DOCUMENTS_FIELDSET, CONSENT_FIELDSET]

    # --- checks across fields ---------------------------------------------------------------------

    def clean_certificate_number(self):
        return self.cleaned_data["certificate_number"].strip().upper()

    def clean_employer_identifier(self):
        value = self.cleaned_data["employer_identifier"].strip()
        if value:
            error = identifier_error(value)
            if error:
                raise ValidationError(_("BIN / IIN: %(reason)s") % {"reason": error[1]}, code=error[0])
        return value

    def education_items(self) -> list[dict]:
        data, items = self.cleaned_data, []
        if data.get("has_higher"):
            items.append(
                {
                    "kind": rules.HIGHER,
                    "specialty": data.get("higher_specialty", ""),
                    "document_number": data.get("higher_document_number", ""),
                }
            )
        if data.get("has_degree"):
            items.append(
                {
                    "kind": rules.DEGREE,
                    "specialty": data.get("degree_specialty", ""),
                    "document_number": data.get("degree_document_number", ""),
                }
            )
        if data.get("has_english_certificate"):
            items.append(
                {
                    "kind": rules.ENGLISH_CERTIFICATE,
                    "specialty": "",
                    "document_number": data.get("english_document_number", ""),
                }
            )
        return items

    def clean(self):
        data = super().clean()
        if self.kind == rules.ISSUE:
            for flag, specialty in (("has_higher", "higher_specialty"), ("has_degree", "degree_specialty")):
                if data.get(flag) and not data.get(specialty):
                    self.add_error(specialty, ValidationError(_("Name the specialty."), code="required"))
        employer_needed = self.kind == rules.EXTEND or (
            self.kind == rules.REISSUE and data.get("reissue_reason") == rules.EMPLOYER_CHANGE
        )
        if employer_needed:
            for name in ("employer_name", "employer_identifier"):
                if name in self.fields and not data.get(name) and name not in self.errors:
                    self.add_error(name, ValidationError(self.fields[name].error_messages["required"], code="required"))
        ends, begins = data.get("contract_ends_on"), data.get("contract_concluded_on")
        if ends and begins and ends < begins:
            self.add_error(
                "contract_ends_on",
                ValidationError(_("The contract cannot end before it begins."), code="invalid_period"),
            )
        for name in ("event_date", "contract_concluded_on"):
            value = data.get(name)
            if (
                value
                and name in self.fields
                and self.fields[name].widget.attrs.get("max")
                and (value.isoformat() > self.fields[name].widget.attrs["max"])
            ):
                self.add_error(name, ValidationError(_("This date cannot be in the future."), code="future_date"))
        self.check_required_documents(data)
        return data

    def check_required_documents(self, data) -> None:
        """Annex 2 row 8 for this sub-service (and, for an issue, the education declared)."""
        if self.kind == rules.REISSUE and not data.get("reissue_reason"):
            return  # which document is needed depends on the reason, which has its own error
        education = [item["kind"] for item in self.education_items()] if self.kind == rules.ISSUE else []
        required = rules.required_documents(
            self.kind, reissue_reason=data.get("reissue_reason", ""), education=education
        )
        by_type = {self.fields[name].doc_type: name for name in self.document_field_names}
        for alternatives in required:
            names = [by_type[t] for t in alternatives if t in by_type]
            if not names or any(data.get(name) for name in names):
                continue
            if any(name in self.errors for name in names):
                continue  # the file was refused: that error says more
            if len(names) == 1:
                message = _("Attach this document.")
            else:
                message = _("Attach one of: %(documents)s.") % {
                    "documents": "; ".join(str(DOCUMENT_TYPES[t]) for t in alternatives)
                }
            self.add_error(names[0], ValidationError(message, code="required"))

    # --- what the service takes -------------------------------------------------------------------

    def service_kwargs(self) -> dict:
        """Keyword arguments of certificates.services.submit_application (its docstring)."""
        data = self.cleaned_data
        kwargs = {
            "kind": self.kind,
            "applicant": self.applicant_data(),
            "profession": data["profession"],
            "documents": [document.as_service_dict() for document in self.documents()],
            "personal_data_consent": bool(data.get("consent")),
        }
        if self.kind == rules.ISSUE:
            kwargs["education"] = self.education_items()
            kwargs["experience_years"] = data["experience_years"]
        else:
            kwargs["certificate_number"] = data["certificate_number"]
        if self.kind in (rules.REISSUE, rules.DUPLICATE):
            kwargs["event_date"] = data.get("event_date")
        if self.kind == rules.REISSUE:
            kwargs["reissue_reason"] = data["reissue_reason"]
        employer_given = data.get("employer_name") and data.get("employer_identifier")
        if employer_given and (self.kind == rules.EXTEND or data.get("reissue_reason") == rules.EMPLOYER_CHANGE):
            identifier = data["employer_identifier"]
            # A company has a BIN, an individual employer an IIN: the 5th digit of a BIN is 4, 5 or 6 (the
            # kind of entity), of an IIN the tens of the birth day (0–3).
            key = "bin" if identifier[4] in "456" else "iin"
            kwargs["employer"] = {"name": data["employer_name"], key: identifier}
        if self.kind == rules.EXTEND:
            kwargs["labour_contract"] = {
                "concluded_on": data["contract_concluded_on"],
                "ends_on": data["contract_ends_on"],
            }
        return kwargs
