"""The public web forms of the permits app, on the shared pieces of casework.public.

- ``LabourImmigrantApplicationForm``: annex 1 of seed 004 (issue / extension), also used for a duplicate of a
  lost or damaged permit (004 §27); the documents of annex 2 row 8 for the web form (an electronic channel)
  come from ``rules.required_documents`` — the one place that list lives.
- ``TerminationNoticeForm``: annex 6, the household employer's notice that the labour contract ended (004 §28).

Every rule is the service's (permits.services): its refusal comes back as a ``ServiceError`` whose
``invalid_params`` name the field it is shown next to (``service_field_names`` maps the names that differ).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from casework.exceptions import ServiceError
from casework.identifiers import validate_iin
from casework.models import Channel, TerritorialUnit
from casework.models.parties import phone_validator
from casework.public.forms import (
    APPLICANT_FIELDS,
    DOCUMENTS_FIELDSET,
    DocumentField,
    PublicApplicationForm,
    PublicDateField,
    validate_person_name,
    validate_printable,
)

from . import rules

CHANNEL = Channel.WEB_FORM

KIND_TITLES = {
    rules.ISSUE: _("Issue of a permit to a labour immigrant"),
    rules.EXTEND: _("Extension of a permit to a labour immigrant"),
    rules.DUPLICATE: _("Copy of a lost or damaged permit"),
}
KIND_DESCRIPTIONS = {
    rules.ISSUE: _(
        "For a foreigner who has come to Kazakhstan to do household work for an individual employer, on the "
        "agreement of intent signed with that employer. The permit is issued for 1 to 12 months within the "
        "quota of the district (004 §19–20)."
    ),
    rules.EXTEND: _(
        "Apply not earlier than 30 and not later than 5 calendar days before the permit expires; with its "
        "extensions a permit runs at most 12 months in total (004 §19, §24–25)."
    ),
    rules.DUPLICATE: _("The copy of a lost or damaged permit is issued on the day of the request (004 §27)."),
}

# Documents a variant offers besides those annex 2 row 8 requires (rules.required_documents).
OPTIONAL_DOCUMENTS = {rules.ISSUE: (), rules.EXTEND: (), rules.DUPLICATE: ("damaged_permit",)}
DOCUMENT_HELP = {
    "iit_advance_receipt": _(
        "Paid for the whole term asked, to the revenue body of the district where you stay (annex 2 row 9 p.6–7)."
    ),
    "passport_with_border_mark": _("The pages with your photo and data and the page with the border-crossing mark."),
    "passport_notarised_copy": _("A notarised copy, with the page bearing the border-crossing mark."),
    "medical_certificate_028": _("Its date of issue is asked above, under “Dates of the documents”."),
    "medical_insurance": _("The policy; its end date is asked above, under “Dates of the documents”."),
    "intention_agreement": _("Signed by the labour immigrant and the employer (004 §11)."),
    "labour_contract": _("The labour contract concluded with the employer."),
    "damaged_permit": _("A scan of the damaged permit, or your statement of its loss (optional)."),
}


def _unit_name(unit: TerritorialUnit) -> str:
    return unit.name_kk if (translation.get_language() or "").startswith("kk") else unit.name_ru


def district_choices() -> list:
    """The bodies that issue permits (004 §4: districts and cities of regional significance), by region."""
    groups: dict[str, list] = {}
    loose = []
    for unit in TerritorialUnit.objects.filter(level=TerritorialUnit.Level.DISTRICT).select_related("parent"):
        if unit.parent is None:
            loose.append((unit.code, _unit_name(unit)))
        else:
            groups.setdefault(_unit_name(unit.parent), []).append((unit.code, _unit_name(unit)))
    return [("", "—"), *loose, *groups.items()]


def _today_max(field: forms.Field) -> None:
    field.widget.attrs["max"] = timezone.localdate().isoformat()


class LabourImmigrantApplicationForm(PublicApplicationForm):
    """Annex 1 (issue / extension) and the duplicate request; ``__init__(kind=...)`` keeps one variant's fields."""

    # The service's invalid_params names (permits.services, permits.api.serializers) that are not field names.
    service_field_names = {
        "employer.iin": "employer_iin",
        "employer.property_unit": "property_unit",
        "employer": "employer_iin",
        "applicant": "passport_number",
    }

    unit = forms.ChoiceField(
        label=_("Local executive body applied to"),
        choices=district_choices,
        help_text=_(
            "The district or city of regional significance where the household work is done: the permit is "
            "valid only there (004 §22)."
        ),
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=200, validators=[validate_printable])
    family_composition = forms.CharField(
        label=_("Family composition"),
        max_length=300,
        validators=[validate_printable],
        help_text=_("Marital status; the spouse's full name and year of birth; the number of children; home phone."),
    )
    term_months = forms.IntegerField(
        label=_("Term, months"),
        help_text=_("From 1 to 12 months; with extensions at most 12 months in total (004 §19)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 12, "inputmode": "numeric"}),
    )
    permit_number = forms.CharField(
        label=_("Number of your permit"),
        max_length=40,
        help_text=_("As printed on the permit."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    intention_agreement_number = forms.CharField(
        label=_("Number of the agreement of intent"),
        max_length=40,
        required=False,
        help_text=_("If the agreement was registered with a number (migration.enbek.kz): it holds your quota unit."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    previous_permit_number = forms.CharField(
        label=_("Number of your current permit (a new permit after 12 months)"),
        max_length=40,
        required=False,
        help_text=_(
            "Only when your permit, with its extensions, has reached 12 months: apply for the new one not later "
            "than 4 calendar days before it expires (004 §26)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    medical_certificate_issued_on = PublicDateField(
        label=_("Medical certificate (form 028/e) issued on"),
        help_text=_("Not more than 12 months ago (004 annex 2 row 8)."),
    )
    border_crossed_on = PublicDateField(
        label=_("Date of the border-crossing mark in the passport"),
        help_text=_("The mark must be within the last 12 months (004 annex 2 row 8)."),
    )
    insurance_valid_until = PublicDateField(
        label=_("Medical insurance valid until"),
        help_text=_("It must cover the whole term asked (004 annex 2 row 8)."),
    )
    employer_name = forms.CharField(
        label=_("Employer's surname, name and patronymic"), max_length=300, validators=[validate_person_name]
    )
    employer_iin = forms.CharField(
        label=_("Employer's IIN"),
        max_length=12,
        min_length=12,
        validators=[validate_iin],
        help_text=_("The household employer is an individual with an IIN (004 §2)."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]{12}", "autocomplete": "off", "data-check": "iin"}
        ),
    )
    employer_address = forms.CharField(
        label=_("Employer's permanent address"), max_length=300, validators=[validate_printable]
    )
    employer_phone = forms.CharField(
        label=_("Employer's phone"),
        max_length=20,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "pattern": r"\+?[0-9 ()\-]{7,20}"}),
    )
    property_address = forms.CharField(
        label=_("Address where the household work is done"),
        max_length=300,
        validators=[validate_printable],
        help_text=_("The employer's own real estate: region or city, street, house, apartment (004 §23)."),
    )
    property_unit = forms.ChoiceField(
        label=_("District where that real estate lies"),
        choices=district_choices,
        help_text=_("It must be the district of the body applied to (004 §23)."),
    )
    employer_consent = forms.BooleanField(
        label=_(
            "I, the employer, intend to engage this labour immigrant in my household once the permit is issued; I "
            "will report their place of residence and work through e-Qonaq (www.eqonaq.kz); I am aware of "
            "liability for violating the migration and tax legislation and consent to the collection and "
            "processing of my personal data needed for this service."
        ),
        error_messages={"required": _("The application needs the employer's consent (annex 1).")},
    )

    KIND_FIELDS = {
        rules.ISSUE: [
            "place_of_birth",
            "family_composition",
            "term_months",
            "intention_agreement_number",
            "previous_permit_number",
            "medical_certificate_issued_on",
            "border_crossed_on",
            "insurance_valid_until",
            "employer_name",
            "employer_iin",
            "employer_address",
            "employer_phone",
            "property_address",
            "property_unit",
            "employer_consent",
        ],
        rules.EXTEND: [
            "place_of_birth",
            "family_composition",
            "permit_number",
            "term_months",
            "border_crossed_on",
            "insurance_valid_until",
            "employer_name",
            "employer_iin",
            "employer_address",
            "employer_phone",
            "property_address",
            "property_unit",
            "employer_consent",
        ],
        rules.DUPLICATE: ["permit_number", "employer_name", "employer_iin"],
    }

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        super().__init__(*args, **kwargs)
        every = {name for names in self.KIND_FIELDS.values() for name in names}
        for name in every - set(self.KIND_FIELDS[kind]):
            del self.fields[name]
        # Annex 1, part A: the labour immigrant's own wording of the shared fields.
        self.fields["address"].label = _("Address of temporary residence in Kazakhstan")
        self.fields["address"].help_text = _("City, district, street, house, apartment.")
        self.fields["residence_country_address"].label = _("Place of permanent residence")
        self.fields["residence_country_address"].help_text = _(
            "Country, region, city, district, settlement, street, house."
        )
        self.fields["phone"].help_text = _("Your mobile phone, with the country code, e.g. +998 90 123 45 67.")
        self.fields["consent"].label = _(
            "I, the labour immigrant, am aware of liability for violating the migration and tax legislation of the "
            "Republic of Kazakhstan and consent to the collection and processing of my personal data needed for this "
            "service."
        )
        for name in ("medical_certificate_issued_on", "border_crossed_on"):
            if name in self.fields:
                _today_max(self.fields[name])
        self._add_document_fields()
        self.fieldsets = self.build_fieldsets()

    def _add_document_fields(self) -> None:
        """Annex 2 row 8 for this kind and the web form channel: one field per required document (the first of
        its alternatives), then the optional ones."""
        required = [alternatives[0] for alternatives in rules.required_documents(self.kind, CHANNEL)]
        for doc_type in required:
            self.fields[doc_type] = DocumentField(doc_type, help_text=DOCUMENT_HELP.get(doc_type, ""))
        for doc_type in OPTIONAL_DOCUMENTS[self.kind]:
            self.fields[doc_type] = DocumentField(doc_type, required=False, help_text=DOCUMENT_HELP.get(doc_type, ""))
        for name in required + list(OPTIONAL_DOCUMENTS[self.kind]):
            field = self.fields[name]
            if "required" in field.error_messages:
                field.widget.attrs["data-msg-required"] = str(field.error_messages["required"])

    def build_fieldsets(self) -> list[tuple]:
        immigrant = list(APPLICANT_FIELDS)
        immigrant.insert(immigrant.index("birth_date") + 1, "place_of_birth")
        immigrant.append("family_composition")
        sets: list[tuple] = [(_("Where to apply"), ["unit"]), (_("The labour immigrant"), immigrant)]
        if self.kind == rules.ISSUE:
            sets.append(
                (_("The permit asked for"), ["term_months", "intention_agreement_number", "previous_permit_number"])
            )
        elif self.kind == rules.EXTEND:
            sets.append((_("The permit to extend"), ["permit_number", "term_months"]))
        else:
            sets.append((_("The permit lost or damaged"), ["permit_number"]))
        sets.append(
            (
                _("The employer (an individual)"),
                [
                    "employer_name",
                    "employer_iin",
                    "employer_address",
                    "employer_phone",
                    "property_address",
                    "property_unit",
                ],
            )
        )
        sets.append(
            (
                _("Dates of the documents"),
                ["medical_certificate_issued_on", "border_crossed_on", "insurance_valid_until"],
            )
        )
        return [*sets, DOCUMENTS_FIELDSET, (_("Consent"), ["consent", "employer_consent"])]

    # --- checks across fields ---------------------------------------------------------------------------

    def clean_permit_number(self):
        return self.cleaned_data["permit_number"].strip().upper()

    def clean_intention_agreement_number(self):
        return self.cleaned_data["intention_agreement_number"].strip().upper()

    def clean_previous_permit_number(self):
        return self.cleaned_data["previous_permit_number"].strip().upper()

    def clean_employer_phone(self):
        return " ".join(self.cleaned_data["employer_phone"].split())

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("medical_certificate_issued_on", "border_crossed_on"):
            value = data.get(name)
            if value and name in self.fields and value > today:
                self.add_error(name, ValidationError(_("This date cannot be in the future."), code="future_date"))
        return data

    def apply_service_error(self, exc: ServiceError) -> None:
        # 004 §20: the quota is the district's, so its refusal is shown next to the body applied to.
        if exc.code == rules.QUOTA_EXHAUSTED and not exc.invalid_params and "unit" in self.fields:
            self.add_error("unit", ValidationError(str(exc.detail), code=exc.code))
            return
        super().apply_service_error(exc)

    # --- what the service takes ---------------------------------------------------------------------------

    def service_input(self, unit: TerritorialUnit):
        """permits.services.ApplicationInput (see register_application and permits.api.serializers)."""
        from .services import ApplicationInput

        data = self.cleaned_data
        applicant = self.applicant_data()
        applicant["place_of_birth"] = data.get("place_of_birth", "")
        applicant["family_composition"] = data.get("family_composition", "")
        employer = {"iin": data["employer_iin"], "name": data["employer_name"]}
        if data.get("employer_address"):
            employer["address"] = data["employer_address"]
        if data.get("employer_phone"):
            employer["phone"] = data["employer_phone"]
        return ApplicationInput(
            kind=self.kind,
            unit=unit,
            applicant=applicant,
            employer=employer,
            channel=CHANNEL,
            term_months=data.get("term_months"),
            permit_number=data.get("permit_number", ""),
            previous_permit_number=data.get("previous_permit_number", ""),
            intention_agreement_number=data.get("intention_agreement_number", ""),
            property_address=data.get("property_address", ""),
            property_unit_code=data.get("property_unit", ""),
            medical_certificate_issued_on=data.get("medical_certificate_issued_on"),
            border_crossed_on=data.get("border_crossed_on"),
            insurance_valid_until=data.get("insurance_valid_until"),
            documents=[document.as_service_dict() for document in self.documents()],
        )


class TerminationNoticeForm(PublicApplicationForm):
    """Annex 6: the employer (an individual) tells the body that issued the permit that the labour contract with
    the labour immigrant ended — within 2 working days of its end (004 §28). The permit ends with it.

    Anyone can reach a public form, so the notice is taken only when the permit number, its date of issue,
    the employer's IIN and the immigrant's surname all match the permit (``matches``).
    """

    service_field_names = {"employer.iin": "employer_iin", "permit": "permit_number"}

    employer_name = forms.CharField(
        label=_("Your surname, name and patronymic (the employer)"), max_length=300, validators=[validate_person_name]
    )
    employer_iin = forms.CharField(
        label=_("Your IIN (the employer)"),
        max_length=12,
        min_length=12,
        validators=[validate_iin],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]{12}", "autocomplete": "off", "data-check": "iin"}
        ),
    )
    immigrant_name = forms.CharField(
        label=_("The labour immigrant's surname and name, as on the permit"),
        max_length=300,
        validators=[validate_person_name],
        help_text=_("In Latin letters, as printed on the permit."),
    )
    immigrant_iin = forms.CharField(
        label=_("The labour immigrant's IIN"),
        max_length=12,
        min_length=12,
        required=False,
        validators=[validate_iin],
        help_text=_("If they have one."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]{12}", "autocomplete": "off", "data-check": "iin"}
        ),
    )
    permit_number = forms.CharField(
        label=_("Permit number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    permit_issued_on = PublicDateField(label=_("Permit issued on"))
    contract_ended_on = PublicDateField(
        label=_("The labour contract was terminated on"),
        help_text=_(
            "Send this notice within 2 working days of that day (004 §28); a later notice is recorded as late."
        ),
    )

    fieldsets = [
        (_("The employer"), ["employer_name", "employer_iin"]),
        (
            _("The labour immigrant and the permit"),
            ["immigrant_name", "immigrant_iin", "permit_number", "permit_issued_on"],
        ),
        (_("The labour contract"), ["contract_ended_on"]),
        (_("Confirmation"), ["consent"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in set(APPLICANT_FIELDS):
            self.fields.pop(name, None)
        self.fields["consent"].label = _(
            "I confirm that I am the employer named in the permit, that the information above is true, and I consent "
            "to the processing of my personal data needed for this notice."
        )
        self.fields["consent"].error_messages["required"] = _(
            "The notice cannot be accepted without your confirmation."
        )
        self.fields["consent"].widget.attrs["data-msg-required"] = str(
            self.fields["consent"].error_messages["required"]
        )
        for name in ("permit_issued_on", "contract_ended_on"):
            _today_max(self.fields[name])

    def clean_permit_number(self):
        return self.cleaned_data["permit_number"].strip().upper()

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("permit_issued_on", "contract_ended_on"):
            value = data.get(name)
            if value and value > today:
                self.add_error(name, ValidationError(_("This date cannot be in the future."), code="future_date"))
        return data

    def matches(self, permit) -> bool:
        """The facts only the employer (or the holder) has, checked against the permit (annex 6 items 4–5)."""
        data = self.cleaned_data

        def letters(text: str) -> str:
            return "".join(ch for ch in text.casefold() if ch.isalpha())

        holder = permit.holder
        surname = letters(holder.surname)
        typed = letters(data["immigrant_name"])
        return (
            permit.employer.iin == data["employer_iin"]
            and permit.issued_on == data["permit_issued_on"]
            and bool(surname)
            and surname in typed
            and (not data.get("immigrant_iin") or not holder.iin or holder.iin == data["immigrant_iin"])
        )
