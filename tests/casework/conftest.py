import pytest
from django.utils import timezone

from casework.models import Channel
from tests.caseapp.models import DemoCase
from tests.factories import DistrictFactory, PersonFactory


@pytest.fixture
def make_case(db):
    def make(unit=None, applicant=True, **kwargs):
        return DemoCase.objects.create(
            number=kwargs.pop("number", f"DC-2026-{DemoCase.objects.count() + 1:06d}"),
            kind="issue",
            channel=Channel.OFFICE,
            regulation_version="test",
            unit=unit or DistrictFactory(),
            received_at=timezone.now(),
            applicant=PersonFactory() if applicant else None,
            **kwargs,
        )

    return make
