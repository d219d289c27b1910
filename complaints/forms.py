"""The public complaint form: from the status page of one's own application (casework.public)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.public.forms import DocumentField, validate_printable

from . import rules


def validate_complaint_text(value: str) -> None:
    """The complaint is typed in a textarea: its line breaks and tabs are text (a browser sends them as CR LF);
    any other control character or markup is refused as in every public field."""
    validate_printable(value.replace("\r\n", "").replace("\n", "").replace("\r", "").replace("\t", ""))


class PublicComplaintForm(forms.Form):
    case = forms.ChoiceField(label=_("Application"))
    subject = forms.ChoiceField(
        label=_("What do you complain about?"), choices=list(rules.SUBJECTS.items()), widget=forms.RadioSelect
    )
    addressee = forms.ChoiceField(
        label=_("To whom is the complaint addressed?"),
        choices=list(rules.ADDRESSEES.items()),
        initial=rules.PROVIDER,
        widget=forms.RadioSelect,
        help_text=_(
            "The service provider considers it within 5 working days of registration, the quality-control "
            "body within 15 working days (003 §25–26, 004 §33–34)."
        ),
    )
    text = forms.CharField(
        label=_("Your complaint"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        validators=[validate_complaint_text],
    )
    evidence = DocumentField("complaint_evidence", label=_("Supporting document (optional)"), required=False)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [(item.handle, f"{item.case.number} — {item.service.title}") for item in cases]
