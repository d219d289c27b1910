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

from casework.countries import validate_alpha3
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
    country_choices,
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
    the labour immigrant ended — within 2 working days of its end (004 §28). The permit ends once a clerk
    confirms it (permits.services.notice_needs_confirmation).

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


# --------------------------------------------------------------------------------------------------------------
# Foreign-labour permit to an employer (seed 000): issue, re-issue, extension; ordinary or intra-corporate
# --------------------------------------------------------------------------------------------------------------

# URL slug → (kind, intra_corporate); the six sub-services of 000 §5.
FL_VARIANTS = {
    "issue": ("issue", False),
    "reissue": ("reissue", False),
    "extend": ("extend", False),
    "transfer-issue": ("issue", True),
    "transfer-reissue": ("reissue", True),
    "transfer-extend": ("extend", True),
}
FL_TITLES = {
    "issue": _("Permit to attract foreign labour: issue"),
    "reissue": _("Permit to attract foreign labour: re-issue"),
    "extend": _("Permit to attract foreign labour: extension"),
    "transfer-issue": _("Intra-corporate transfer: issue of a permit"),
    "transfer-reissue": _("Intra-corporate transfer: re-issue of a permit"),
    "transfer-extend": _("Intra-corporate transfer: extension of a permit"),
}
FL_DESCRIPTIONS = {
    "issue": _(
        "The employer asks for a number of foreign workers by profession, qualification category, term and place "
        "of work. The Commission on foreign-labour permits reviews the application; after the letter the employer "
        "submits the fee payment within 10 working days (000 §5)."
    ),
    "reissue": _("The permit is re-issued when its data change (for example the employer's name) (000 §5)."),
    "extend": _(
        "The permit's term is extended; after the letter the employer submits the fee payment within 10 working "
        "days (000 §5)."
    ),
    "transfer-issue": _(
        "For foreign employees transferred within a company group: name each transferee. The Commission reviews "
        "the application; no fee is charged (000 §5)."
    ),
    "transfer-reissue": _("The intra-corporate transfer permit is re-issued when its data change (000 §5)."),
    "transfer-extend": _("The intra-corporate transfer permit's term is extended (000 §5)."),
}
FL_DOCUMENT_HELP = {
    "flp_workers_list": _("Each worker's profession, qualification category, education and experience."),
    "flp_transfer_decision": _("The foreign company's decision to transfer the employees, with a translation."),
    "flp_reissue_grounds": _("The documents showing what changed."),
    "flp_extension_grounds": _("The documents justifying the need to extend the permit."),
}
WORKER_ROWS = 3
TRANSFEREE_ROWS = 3
CONSENT_FIELDSET_FL = (_("Confirmation"), ["consent"])


def region_choices() -> list:
    """The providers of foreign-labour permits: the regions' employment coordination departments (000 §1)."""
    regions = TerritorialUnit.objects.filter(level=TerritorialUnit.Level.REGION)
    return [("", "—"), *((unit.code, _unit_name(unit)) for unit in regions)]


def territory_choices() -> list:
    """The place of work: the whole region (empty) or one of its districts."""
    return [("", _("The whole region applied to")), *district_choices()[1:]]


def category_choices() -> list:
    from .foreign_labour import rules as fl_rules

    return [("", "—"), *((code, label) for code, label in fl_rules.CATEGORIES.items())]


class ForeignLabourApplicationForm(PublicApplicationForm):
    """The employer's application (000 §4–§5); ``__init__(variant=...)`` keeps one sub-service's fields.

    Ordinary issue: up to ``WORKER_ROWS`` lines of workers asked for (profession, category, number, place of
    work); intra-corporate issue: up to ``TRANSFEREE_ROWS`` named transferees. Larger requests go through the
    portal (the API takes any number) or the office.
    """

    consent_label = _(
        "On behalf of the employer I confirm that the information is true, and consent to the processing of the "
        "personal data in this application (of the transferees too) needed for this service."
    )

    unit = forms.ChoiceField(
        label=_("Region applied to"),
        choices=region_choices,
        help_text=_("The region's employment coordination department issues the permit (000 §1)."),
    )
    employer_kind = forms.ChoiceField(
        label=_("The employer is"),
        choices=[
            ("", "—"),
            ("legal_entity", _("a legal entity (BIN)")),
            ("entrepreneur", _("an individual entrepreneur (IIN)")),
        ],
    )
    employer_identifier = forms.CharField(
        label=_("BIN or IIN"),
        max_length=12,
        min_length=12,
        help_text=_("12 digits: the BIN of a legal entity, the IIN of an individual entrepreneur."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "pattern": "[0-9]{12}", "autocomplete": "off", "data-check": "iin"}
        ),
    )
    employer_name = forms.CharField(label=_("Employer's name"), max_length=300, validators=[validate_printable])
    employer_address = forms.CharField(label=_("Employer's address"), max_length=300, validators=[validate_printable])
    employer_phone = forms.CharField(
        label=_("Employer's phone"),
        max_length=20,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "pattern": r"\+?[0-9 ()\-]{7,20}"}),
    )
    employer_email = forms.EmailField(
        label=_("Employer's e-mail"),
        max_length=254,
        required=False,
        help_text=_("The letter and the notices about the application are sent here."),
    )
    term_months = forms.IntegerField(
        label=_("Term, months"),
        widget=forms.NumberInput(attrs={"min": 1, "max": 36, "inputmode": "numeric"}),
    )
    permit_number = forms.CharField(
        label=_("Number of the permit"),
        max_length=40,
        help_text=_("As printed on the permit."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    reissue_reason = forms.CharField(
        label=_("What changed"),
        max_length=300,
        validators=[validate_printable],
        help_text=_("The ground of the re-issue."),
    )
    sending_company = forms.CharField(
        label=_("Foreign company sending the transferees"), max_length=300, validators=[validate_printable]
    )

    def __init__(self, *args, variant: str, **kwargs):
        from .foreign_labour import rules as fl_rules

        self.variant = variant
        self.kind, self.intra_corporate = FL_VARIANTS[variant]
        super().__init__(*args, **kwargs)
        for name in APPLICANT_FIELDS:
            self.fields.pop(name, None)
        self.fields["consent"].label = self.consent_label
        self.service_field_names = {
            "employer": "employer_identifier",
            "employer.bin": "employer_identifier",
            "employer.iin": "employer_identifier",
            "intra_corporate": "permit_number",
        }
        if self.kind == fl_rules.REISSUE:
            del self.fields["term_months"]
        else:
            top = 12 if self.kind == fl_rules.EXTEND or not self.intra_corporate else 36
            self.fields["term_months"].help_text = _("From 1 to %(top)s months.") % {"top": top}
            self.fields["term_months"].widget.attrs["max"] = top
        if self.kind == fl_rules.ISSUE:
            del self.fields["permit_number"]
        if self.kind != fl_rules.REISSUE:
            del self.fields["reissue_reason"]
        if not (self.intra_corporate and self.kind == fl_rules.ISSUE):
            del self.fields["sending_company"]
        self.row_names: list[list[str]] = []
        if self.intra_corporate:
            self._add_transferee_rows(required_first=self.kind == fl_rules.ISSUE)
        else:
            self._add_worker_rows(required_first=self.kind == fl_rules.ISSUE)
        self._add_document_fields()
        self.fieldsets = self.build_fieldsets()

    # --- the lines ----------------------------------------------------------------------------------------

    def _line_fields(self, prefix: str) -> dict:
        return {
            f"{prefix}_profession": forms.CharField(
                label=_("Profession"), max_length=200, required=False, validators=[validate_printable]
            ),
            f"{prefix}_category": forms.ChoiceField(
                label=_("Qualification category"), choices=category_choices, required=False
            ),
            f"{prefix}_territory": forms.ChoiceField(
                label=_("Place of work"), choices=territory_choices, required=False
            ),
        }

    def _require_first_row(self, row: int, names: list[str], required_first: bool) -> None:
        """An issue names at least one line: its fields (but the place of work) are marked required."""
        if row != 1 or not required_first:
            return
        for name in names:
            if not name.endswith("_territory"):
                field = self.fields[name]
                field.required = True
                field.widget.attrs["data-msg-required"] = str(field.error_messages["required"])

    def _add_worker_rows(self, required_first: bool) -> None:
        for row in range(1, WORKER_ROWS + 1):
            prefix = f"worker{row}"
            fields = self._line_fields(prefix)
            fields[f"{prefix}_count"] = forms.IntegerField(
                label=_("Number of workers"),
                min_value=1,
                max_value=10000,
                required=False,
                widget=forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            )
            order = [f"{prefix}_profession", f"{prefix}_category", f"{prefix}_count", f"{prefix}_territory"]
            for name in order:
                self.fields[name] = fields[name]
            self.row_names.append(order)
            self._require_first_row(row, order, required_first)
            self.service_field_names[f"workers.{row - 1}.territory"] = f"{prefix}_territory"
            self.service_field_names[f"workers.{row - 1}"] = f"{prefix}_profession"
        self.service_field_names["workers"] = "worker1_profession"
        self._required_rows = 1 if required_first else 0

    def _add_transferee_rows(self, required_first: bool) -> None:
        for row in range(1, TRANSFEREE_ROWS + 1):
            prefix = f"transferee{row}"
            names = {
                f"{prefix}_surname": forms.CharField(
                    label=_("Surname"), max_length=100, required=False, validators=[validate_person_name]
                ),
                f"{prefix}_given_name": forms.CharField(
                    label=_("Given name"), max_length=100, required=False, validators=[validate_person_name]
                ),
                f"{prefix}_birth_date": PublicDateField(label=_("Date of birth"), required=False),
                f"{prefix}_citizenship": forms.ChoiceField(
                    label=_("Citizenship"), choices=country_choices, required=False, validators=[validate_alpha3]
                ),
                f"{prefix}_passport_number": forms.CharField(
                    label=_("Passport number"), max_length=30, required=False, validators=[validate_printable]
                ),
                **self._line_fields(prefix),
            }
            _today_max(names[f"{prefix}_birth_date"])
            for name, field in names.items():
                self.fields[name] = field
            self.row_names.append(list(names))
            self._require_first_row(row, list(names), required_first)
            self.service_field_names[f"transferees.{row - 1}.territory"] = f"{prefix}_territory"
            self.service_field_names[f"transferees.{row - 1}"] = f"{prefix}_surname"
            for part in ("surname", "given_name", "birth_date", "citizenship", "passport_number"):
                self.service_field_names[f"transferees.{row - 1}.person.{part}"] = f"{prefix}_{part}"
        self.service_field_names["transferees"] = "transferee1_surname"
        self._required_rows = 1 if required_first else 0

    def _add_document_fields(self) -> None:
        from .foreign_labour import rules as fl_rules

        for alternatives in fl_rules.missing_documents(self.kind, self.intra_corporate, []):
            doc_type = alternatives.split("|")[0]
            field = DocumentField(doc_type, help_text=FL_DOCUMENT_HELP.get(doc_type, ""))
            field.widget.attrs["data-msg-required"] = str(field.error_messages["required"])
            self.fields[doc_type] = field

    def build_fieldsets(self) -> list[tuple]:
        sets: list[tuple] = [
            (_("Where to apply"), ["unit"]),
            (
                _("The employer"),
                [
                    "employer_kind",
                    "employer_identifier",
                    "employer_name",
                    "employer_address",
                    "employer_phone",
                    "employer_email",
                ],
            ),
            (_("The permit"), ["permit_number", "reissue_reason", "term_months", "sending_company"]),
        ]
        for row, names in enumerate(self.row_names, start=1):
            legend = _("Transferee %(n)s") if self.intra_corporate else _("Foreign workers asked for, line %(n)s")
            sets.append((legend % {"n": row}, names))
        return [*sets, DOCUMENTS_FIELDSET, CONSENT_FIELDSET_FL]

    # --- checks -----------------------------------------------------------------------------------------------

    def clean_permit_number(self):
        return self.cleaned_data["permit_number"].strip().upper()

    def clean_employer_phone(self):
        return " ".join(self.cleaned_data["employer_phone"].split())

    def clean(self):
        from casework.identifiers import identifier_error

        data = super().clean()
        identifier = data.get("employer_identifier")
        if identifier:
            error = identifier_error(identifier)
            if error:
                self.add_error(
                    "employer_identifier",
                    ValidationError(_("BIN / IIN: %(reason)s") % {"reason": error[1]}, code=error[0]),
                )
        for row, names in enumerate(self.row_names, start=1):
            filled = [name for name in names if data.get(name) not in (None, "")]
            optional = {n for n in names if n.endswith("_territory")}
            if filled and not set(filled) <= optional or row <= self._required_rows:
                for name in names:
                    if name in optional or data.get(name) not in (None, "") or name in self.errors:
                        continue
                    self.add_error(name, ValidationError(_("This field is required."), code="required"))
        return data

    # --- what the service takes ---------------------------------------------------------------------------

    def lines(self) -> tuple[list[dict], list[dict]]:
        data = self.cleaned_data
        workers, transferees = [], []
        for names in self.row_names:
            prefix = names[0].split("_", 1)[0]
            if not data.get(f"{prefix}_profession"):
                continue
            line = {
                "profession": data[f"{prefix}_profession"],
                "qualification_category": data[f"{prefix}_category"],
                "territory": data.get(f"{prefix}_territory") or "",
            }
            if self.intra_corporate:
                line["person"] = {
                    "surname": data[f"{prefix}_surname"],
                    "given_name": data[f"{prefix}_given_name"],
                    "birth_date": data[f"{prefix}_birth_date"],
                    "citizenship": data[f"{prefix}_citizenship"],
                    "passport_number": data[f"{prefix}_passport_number"].replace(" ", "").upper(),
                }
                transferees.append(line)
            else:
                line["count"] = data[f"{prefix}_count"]
                workers.append(line)
        return workers, transferees

    def service_input(self, unit: TerritorialUnit):
        """permits.foreign_labour.services.ForeignLabourApplicationInput (its docstring)."""
        from .foreign_labour.services import ForeignLabourApplicationInput

        data = self.cleaned_data
        key = "bin" if data["employer_kind"] == "legal_entity" else "iin"
        employer = {
            key: data["employer_identifier"],
            "name": data["employer_name"],
            "address": data.get("employer_address", ""),
            "phone": data.get("employer_phone", ""),
            "email": data.get("employer_email", ""),
        }
        workers, transferees = self.lines()
        return ForeignLabourApplicationInput(
            kind=self.kind,
            unit=unit,
            employer=employer,
            channel=CHANNEL,
            intra_corporate=self.intra_corporate,
            term_months=data.get("term_months"),
            workers=workers,
            transferees=transferees,
            sending_company=data.get("sending_company", ""),
            permit_number=data.get("permit_number", ""),
            reissue_reason=data.get("reissue_reason", ""),
            documents=[document.as_service_dict() for document in self.documents()],
        )


class FeeProofForm(PublicApplicationForm):
    """The employer's copy of the fee payment (000 §5: within 10 working days of the letter), sent with the
    application's number and access code (the same proof as tracking: nothing else identifies the sender)."""

    number = forms.CharField(
        label=_("Application number"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. FLP-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    access_code = forms.CharField(
        label=_("Access code"),
        max_length=64,
        help_text=_("The secret code shown once on your receipt."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    paid_on = PublicDateField(label=_("Paid on"))
    payment_reference = forms.CharField(
        label=_("Payment document number"), max_length=100, required=False, validators=[validate_printable]
    )
    amount = forms.DecimalField(label=_("Amount, tenge"), max_digits=12, decimal_places=2, min_value=0, required=False)
    fee_payment_proof = DocumentField(
        "fee_payment_proof", help_text=_("The payment order or receipt, as a PDF, JPEG or PNG file.")
    )

    fieldsets = [
        (_("The application"), ["number", "access_code"]),
        (_("The payment"), ["paid_on", "payment_reference", "amount"]),
        DOCUMENTS_FIELDSET,
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [*APPLICANT_FIELDS, "consent"]:
            self.fields.pop(name, None)
        _today_max(self.fields["paid_on"])
        self.service_field_names = {"document": "fee_payment_proof"}

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean(self):
        data = super().clean()
        paid_on = data.get("paid_on")
        if paid_on and paid_on > timezone.localdate():
            self.add_error("paid_on", ValidationError(_("This date cannot be in the future."), code="future_date"))
        return data
