from permits import services
from permits.models import ApplicationStatus, Quota

from .conftest import application_input, get_app, issue_through


def test_issue_flow_takes_a_quota_unit_004_s20(unit, quota, job):
    app, _code = services.register_application(application_input(unit), actor=job)
    assert app.status == ApplicationStatus.UNDER_POLICE_CHECK
    assert app.number.startswith("LIP-")
    app = issue_through(app, job)
    assert app.status == ApplicationStatus.ISSUED
    q = Quota.objects.get(pk=quota.pk)
    assert (q.issued, q.reserved) == (1, 0)
    assert get_app(app.pk).result_permit.valid_to
