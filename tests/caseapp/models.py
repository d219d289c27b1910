from django.db import models
from django_fsm import FSMField, transition

from casework.models import Case, Person
from casework.services import condition


@condition("The applicant must be recorded before registration.")
def has_applicant(case) -> bool:
    return case.applicant_id is not None


class DemoCase(Case):
    NUMBER_PREFIX = "DC"
    OPEN_STATES = ("received", "registered")

    status = FSMField(
        default="received",
        protected=True,
        choices=[
            ("received", "received"),
            ("registered", "registered"),
            ("decided", "decided"),
            ("refused", "refused"),
        ],
    )
    applicant = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        permissions = [("register_democase", "Can register a demo case"), ("decide_democase", "Can decide")]

    @transition(
        field=status,
        source="received",
        target="registered",
        conditions=[has_applicant],
        permission="caseapp.register_democase",
    )
    def register(self):
        pass

    @transition(field=status, source="registered", target="decided", permission="caseapp.decide_democase")
    def decide(self):
        pass

    @transition(field=status, source=["received", "registered"], target="refused", permission="caseapp.decide_democase")
    def refuse(self):
        pass
