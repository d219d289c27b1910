"""The base public application form every service extends (DOMAIN.md §1, §8).

A service form subclasses ``PublicApplicationForm``, adds its own fields and one ``DocumentField``
per required document type, and lists its sections in ``fieldsets``::

    class PermitForm(PublicApplicationForm):
        employer_bin = forms.CharField(...)
        contract = DocumentField("labour_contract", label=_("Labour contract"))
        fieldsets = [APPLICANT_FIELDSET, (_("Employer"), ["employer_bin"]), DOCUMENTS_FIELDSET, CONSENT_FIELDSET]

Every rule is checked on the server (errors are shown next to their field); the browser script
(static/public/forms.js) only repeats the simple checks on blur and shows the upload progress.
"""

import datetime as dt
import gettext as gettext_module
import re
from dataclasses import dataclass

import pycountry
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from casework.countries import EXTRA_CODES, validate_alpha3
from casework.documents import DOCUMENT_TYPES, clean_filename, validate_document
from casework.exceptions import InvalidDocument, ServiceError
from casework.identifiers import validate_iin
from casework.models.parties import phone_validator

# --- citizenship -------------------------------------------------------------------------------

_COUNTRY_TRANSLATIONS: dict[str, gettext_module.NullTranslations] = {}


def _country_translation(language: str) -> gettext_module.NullTranslations:
    if language not in _COUNTRY_TRANSLATIONS:
        _COUNTRY_TRANSLATIONS[language] = gettext_module.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
        )
    return _COUNTRY_TRANSLATIONS[language]


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-3 codes named in the current language (pycountry's kk/ru translations)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    tr = _country_translation(language)
    countries = sorted(
        ((c.alpha_3, tr.gettext(c.name)) for c in pycountry.countries), key=lambda item: item[1].casefold()
    )
    stateless = [(code, str(_("Stateless person"))) for code in EXTRA_CODES]
    return [("", "—")] + stateless + countries


# --- field validators --------------------------------------------------------------------------

NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’.\-][^\W\d_]*)*$")


def validate_person_name(value: str) -> None:
    """Letters of any alphabet, with spaces, hyphens, apostrophes and dots between them."""
    if not NAME_RE.match(value):
        raise ValidationError(_("Use letters only (spaces, hyphens and apostrophes are allowed)."), code="invalid_name")


def validate_printable(value: str) -> None:
    if any(not ch.isprintable() for ch in value) or "<" in value or ">" in value:
        raise ValidationError(_("This text contains characters that are not allowed."), code="invalid_characters")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PublicDateField(forms.DateField):
    """An ISO date from <input type=date>; typed dd.mm.yyyy also accepted when the browser has no picker."""

    widget = DateInput
    input_formats = ["%Y-%m-%d", "%d.%m.%Y"]


# --- documents ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadedDocument:
    """A checked upload, ready for a service: what it is (by content), its label and its bytes."""

    doc_type: str
    filename: str
    content: bytes
    content_type: str

    def as_service_dict(self) -> dict:
        return {"type": self.doc_type, "filename": self.filename, "content": self.content}


class DocumentField(forms.FileField):
    """One document of one type: PDF, JPEG or PNG by content (casework.documents), at most 10 MB."""

    widget = forms.ClearableFileInput

    def __init__(self, doc_type: str, *args, **kwargs):
        self.doc_type = doc_type
        kwargs.setdefault("label", capfirst(DOCUMENT_TYPES.get(doc_type, doc_type)))
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG, up to 10 MB. Several pages: one PDF file."))
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", _("Attach this document."))
        super().__init__(*args, **kwargs)
        self.widget = forms.FileInput(
            attrs={
                "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
                "data-max-bytes": str(settings.UPLOAD_MAX_BYTES),
                "data-doc-type": doc_type,
            }
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size).1f MB; at most %(max)d MB is accepted.")
                % {"size": upload.size / 1048576, "max": settings.UPLOAD_MAX_BYTES // 1048576},
                code="file_too_large",
            )
        upload.seek(0)
        content = upload.read()
        try:
            mime = validate_document(self.doc_type, upload.name, content, field=self.doc_type)
        except InvalidDocument as exc:
            raise ValidationError(str(exc.detail), code=exc.code) from None
        return UploadedDocument(self.doc_type, clean_filename(upload.name), content, mime)


# --- the base form ------------------------------------------------------------------------------

APPLICANT_FIELDS = [
    "surname",
    "given_name",
    "patronymic",
    "birth_date",
    "citizenship",
    "passport_number",
    "passport_issued_on",
    "passport_issuer",
    "iin",
    "address",
    "phone",
    "email",
    "residence_country_address",
]
APPLICANT_FIELDSET = (_("Applicant"), APPLICANT_FIELDS)
DOCUMENTS_FIELDSET = (_("Documents"), "__documents__")
CONSENT_FIELDSET = (_("Consent"), ["consent"])


class PublicApplicationForm(forms.Form):
    """Applicant identity, documents (one ``DocumentField`` per type) and consent: shared by every service."""

    required_css_class = "required"
    fieldsets: list[tuple] = [APPLICANT_FIELDSET, DOCUMENTS_FIELDSET, CONSENT_FIELDSET]
    # A service error's invalid_params name -> form field, where the names differ ("applicant.surname" works alone).
    service_field_names: dict[str, str] = {}

    surname = forms.CharField(label=_("Surname"), max_length=100, validators=[validate_person_name])
    given_name = forms.CharField(label=_("Given name"), max_length=100, validators=[validate_person_name])
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=100,
        required=False,
        validators=[validate_person_name],
        help_text=_("If you have one."),
    )
    birth_date = PublicDateField(label=_("Date of birth"))
    citizenship = forms.ChoiceField(
        label=_("Citizenship"),
        choices=country_choices,
        validators=[validate_alpha3],
        help_text=_("The country whose passport you hold, or “Stateless person”."),
    )
    passport_number = forms.CharField(
        label=_("Passport (identity document) number"),
        max_length=30,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9\- ]{3,30}$", _("Use the letters and digits as printed in the document."), code="invalid"
            )
        ],
    )
    passport_issued_on = PublicDateField(label=_("Date of issue"))
    passport_issuer = forms.CharField(label=_("Issued by"), max_length=200, validators=[validate_printable])
    iin = forms.CharField(
        label=_("IIN"),
        max_length=12,
        min_length=12,
        required=False,
        validators=[validate_iin],
        help_text=_("Individual identification number, 12 digits — if you have been given one in Kazakhstan."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{12}", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label=_("Address in Kazakhstan"),
        max_length=300,
        validators=[validate_printable],
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        validators=[phone_validator],
        help_text=_("With the country code, e.g. +7 701 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "pattern": r"\+?[0-9 ()\-]{7,20}"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    residence_country_address = forms.CharField(
        label=_("Address in the country of residence"), max_length=300, validators=[validate_printable]
    )
    consent = forms.BooleanField(
        label=_("I consent to the collection and processing of my personal data needed to provide this service."),
        error_messages={"required": _("The application cannot be accepted without your consent.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        for name in ("birth_date", "passport_issued_on"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("max", today.isoformat())
        if "birth_date" in self.fields:
            self.fields["birth_date"].widget.attrs.setdefault("min", "1900-01-01")
        for name in ("surname", "given_name", "patronymic"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("autocomplete", "off")
                self.fields[name].widget.attrs.setdefault("data-check", "person-name")
        if "iin" in self.fields:
            self.fields["iin"].widget.attrs.setdefault("data-check", "iin")
        # The browser script shows each field's own "required" message (forms.js).
        for field in self.fields.values():
            if "required" in field.error_messages:
                field.widget.attrs.setdefault("data-msg-required", str(field.error_messages["required"]))

    # -- the sections, for the template --
    @property
    def document_field_names(self) -> list[str]:
        return [name for name, f in self.fields.items() if isinstance(f, DocumentField)]

    def sections(self) -> list[dict]:
        """[{legend, fields: [BoundField], documents: bool}] in the order of ``fieldsets``; unknown names skipped."""
        result = []
        for legend, names in self.fieldsets:
            is_documents = names == "__documents__"
            if is_documents:
                names = self.document_field_names
            bound = [self[name] for name in names if name in self.fields]
            if bound:
                result.append({"legend": legend, "fields": bound, "documents": is_documents})
        return result

    # -- cross-field checks --
    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        if value > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."), code="future_date")
        if value < dt.date(1900, 1, 1):
            raise ValidationError(_("Check the year of birth."), code="invalid_date")
        return value

    def clean_passport_issued_on(self):
        value = self.cleaned_data["passport_issued_on"]
        # Optional on some services' forms (job seekers): an empty date is None, nothing to compare.
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("The date of issue cannot be in the future."), code="future_date")
        return value

    def clean_passport_number(self):
        return self.cleaned_data["passport_number"].replace(" ", "").upper()

    def clean_phone(self):
        return " ".join(self.cleaned_data["phone"].split())

    def clean(self):
        data = super().clean()
        birth, issued = data.get("birth_date"), data.get("passport_issued_on")
        if birth and issued and issued < birth:
            self.add_error(
                "passport_issued_on",
                ValidationError(_("The date of issue is before the date of birth."), code="before_birth"),
            )
        return data

    # -- what the services take --
    def applicant_data(self) -> dict:
        """The applicant as casework.models.Person fields."""
        data = self.cleaned_data
        person_fields = [
            "surname",
            "given_name",
            "patronymic",
            "birth_date",
            "citizenship",
            "passport_number",
            "passport_issued_on",
            "passport_issuer",
            "iin",
            "address",
            "phone",
            "email",
            "residence_country_address",
        ]
        return {name: data[name] for name in person_fields if name in data}

    def documents(self) -> list[UploadedDocument]:
        return [self.cleaned_data[name] for name in self.document_field_names if self.cleaned_data.get(name)]

    def apply_service_error(self, exc: ServiceError) -> None:
        """Show a service's refusal next to the fields it names (ServiceError.invalid_params), else on top."""
        placed = False
        for param in exc.invalid_params or []:
            name = self.field_for_param(str(param.get("name", "")))
            reason = param.get("reason") or exc.detail
            if name:
                self.add_error(name, ValidationError(str(reason), code=param.get("code") or exc.code))
                placed = True
            else:
                self.add_error(None, ValidationError(str(reason), code=param.get("code") or exc.code))
                placed = True
        if not placed:
            self.add_error(None, ValidationError(str(exc.detail), code=exc.code))

    def field_for_param(self, name: str) -> str | None:
        if not name:
            return None
        candidates = [name, self.service_field_names.get(name, "")]
        parts = name.replace("[", ".").replace("]", "").split(".")
        candidates += [parts[-1], "_".join(parts), self.service_field_names.get(parts[0], "")]
        for candidate in candidates:
            if candidate in self.fields:
                return candidate
        # documents.2.content_base64: the third document sent, i.e. the third document field filled in
        if parts[0] == "documents" and len(parts) > 1 and parts[1].isdigit():
            filled = [n for n in self.document_field_names if getattr(self, "cleaned_data", {}).get(n)]
            if int(parts[1]) < len(filled):
                return filled[int(parts[1])]
        # documents.<type>: the field of that document type
        for field_name in self.document_field_names:
            if self.fields[field_name].doc_type in parts:
                return field_name
        return None


class TrackingForm(forms.Form):
    number = forms.CharField(
        label=_("Application number"),
        max_length=40,
        help_text=_("As printed on your receipt, e.g. QC-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    access_code = forms.CharField(
        label=_("Access code"),
        max_length=64,
        strip=True,
        help_text=_("The secret code shown once on your receipt."),
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()
