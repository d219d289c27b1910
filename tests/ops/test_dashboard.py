"""The office's dashboard: exact figures on generated data, unit scoping, permission, SVG, CSV and XLSX."""

import csv
import datetime as dt
import io
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from openpyxl import load_workbook

from casework.dashboard import queries
from casework.models import TransitionLog
from casework.roles import HEAD, OFFICER
from complaints.models import Complaint
from permits.models import Quota
from tests.caseapp.models import DemoCase
from tests.factories import ClerkFactory, DistrictFactory, RegionFactory, aware

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 19)  # a Thursday, ISO week 2026-W12
PERIOD = queries.Period.covering(dt.date(2026, 3, 2), TODAY)  # W10, W11, W12
URL = "/admin/dashboard/"


class Office:
    def __init__(self):
        self.region = RegionFactory(code="470000000")
        self.district = DistrictFactory(code="471010000", parent=self.region)
        self.other = RegionFactory(code="750000000")
        self.serial = 0

    def case(self, unit, received, status="received", step_deadline=None, suspended=False):
        self.serial += 1
        return DemoCase.objects.create(
            number=f"DC-2026-{self.serial:06d}",
            kind="demo",
            channel="office",
            regulation_version="test",
            unit=unit,
            received_at=aware(*received),
            status=status,
            step_deadline=step_deadline,
            suspended_since=dt.date(2026, 3, 17) if suspended else None,
        )

    def log(self, case, at, from_state, to_state, deadline=None, breached=False):
        with mock.patch.object(timezone, "now", lambda: aware(*at)):
            TransitionLog.objects.create(
                case_type=ContentType.objects.get_for_model(case),
                case_id=case.pk,
                case_number=case.number,
                transition=f"{from_state}->{to_state}",
                from_state=from_state,
                to_state=to_state,
                actor_label="test",
                deadline=deadline,
                deadline_breached=breached,
            )

    def complaint(self, unit, against, status, extent=""):
        self.serial += 1
        return Complaint.objects.create(
            number=f"CMP-2026-{self.serial:06d}",
            kind="complaint",
            channel="office",
            regulation_version="test",
            unit=unit,
            received_at=aware(2026, 3, 12),
            status=status,
            extent=extent,
            subject="decision",
            addressee="provider",
            challenged_type=ContentType.objects.get_for_model(against),
            challenged_id=against.pk,
            challenged_number=against.number,
            complainant_role="applicant",
            text="-",
        )


@pytest.fixture
def office():
    o = Office()
    r, d, x = o.region, o.district, o.other
    c1 = o.case(r, (2026, 3, 3), "decided")
    o.log(c1, (2026, 3, 4), "received", "registered", deadline=dt.date(2026, 3, 5))
    o.log(c1, (2026, 3, 10), "registered", "decided", deadline=dt.date(2026, 3, 12))
    c2 = o.case(d, (2026, 3, 4), "refused")
    o.log(c2, (2026, 3, 16), "received", "refused", deadline=dt.date(2026, 3, 6), breached=True)
    c3 = o.case(r, (2026, 3, 10), "registered", step_deadline=dt.date(2026, 3, 17))
    o.log(c3, (2026, 3, 11), "received", "registered", deadline=dt.date(2026, 3, 12))
    o.log(c3, (2026, 3, 13), "registered", "registered", deadline=dt.date(2026, 3, 16))  # recomputed: not a step
    o.case(r, (2026, 3, 17), "received", step_deadline=dt.date(2026, 3, 25))
    o.case(r, (2026, 3, 16), "received", step_deadline=dt.date(2026, 3, 18), suspended=True)  # clock stopped
    c6 = o.case(x, (2026, 3, 10), "received", step_deadline=dt.date(2026, 3, 11))  # another region
    o.log(c6, (2026, 3, 11), "received", "received", deadline=dt.date(2026, 3, 11))
    o.case(r, (2026, 2, 20), "registered", step_deadline=dt.date(2026, 2, 27))  # overdue since before the window

    period = {"period_start": dt.date(2026, 1, 1), "period_end": dt.date(2026, 12, 31)}
    Quota.objects.create(unit=r, total=10, reserved=2, issued=3, **period)
    Quota.objects.create(unit=d, total=5, reserved=0, issued=5, **period)
    Quota.objects.create(unit=x, total=7, reserved=1, issued=1, **period)
    Quota.objects.create(unit=r, total=99, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))

    o.complaint(r, c1, "granted", "full")
    o.complaint(d, c2, "rejected")
    o.complaint(r, c3, "granted", "partial")
    o.complaint(r, c3, "under_review")
    o.complaint(x, c6, "registered")
    return o


@pytest.fixture(autouse=True)
def office_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def head_of_region(office):
    return ClerkFactory(unit=office.region, roles=[HEAD])


def flow_of(board, key="caseapp.democase"):
    return next(f for f in board.flow if f.key == key)


def test_received_decided_overdue_per_iso_week_for_the_head_of_the_region(office, head_of_region):
    board = queries.build(head_of_region, PERIOD, TODAY)
    flow = flow_of(board)
    assert flow.weeks == ["2026-W10", "2026-W11", "2026-W12"]
    assert flow.received == [2, 1, 2]
    assert flow.decided == [0, 1, 1]
    assert flow.overdue == [0, 0, 1]  # c3 (deadline 17.03); the suspended case is not overdue
    assert flow.overdue_total == 2  # and c7, overdue since February


def test_the_administrator_sees_every_unit(office):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 12)
    flow = flow_of(queries.build(admin, PERIOD, TODAY))
    assert flow.received == [2, 2, 2]
    assert flow.overdue == [0, 1, 1]
    assert flow.overdue_total == 3


def test_the_head_of_the_district_sees_the_district_only(office):
    head = ClerkFactory(unit=office.district, roles=[HEAD])
    board = queries.build(head, PERIOD, TODAY)
    assert flow_of(board).received == [1, 0, 0]
    assert [(q.unit_code, q.total, q.reserved, q.issued, q.left) for q in board.quotas] == [("471010000", 5, 0, 5, 0)]


def test_step_deadline_compliance_is_the_share_of_status_changes_in_time(office, head_of_region):
    rows = [r for r in queries.build(head_of_region, PERIOD, TODAY).compliance if r.service == "Demo cases"]
    assert [(r.state, r.transitions, r.in_time, r.late) for r in rows] == [
        ("received", 3, 2, 1),
        ("registered", 1, 1, 0),
    ]
    assert rows[0].share == pytest.approx(2 / 3)


def test_quota_use_per_unit_in_force_today(office, head_of_region):
    quotas = queries.build(head_of_region, PERIOD, TODAY).quotas
    assert [(q.unit_code, q.total, q.reserved, q.issued, q.left) for q in quotas] == [
        ("470000000", 10, 2, 3, 5),
        ("471010000", 5, 0, 5, 0),
    ]


def test_complaints_per_service_and_outcome(office, head_of_region):
    [entry] = queries.build(head_of_region, PERIOD, TODAY).complaints
    assert entry.service == "Demo cases"
    assert entry.counts == {"pending": 1, "granted_full": 1, "granted_part": 1, "rejected": 1}


def test_figures_are_aggregate_queries_not_a_loop_over_cases(office, head_of_region, django_assert_max_num_queries):
    queries.build(head_of_region, PERIOD, TODAY)  # warm the content-type cache
    services = len(queries.services())
    # five GROUP BY / COUNT queries a service, one for quotas, one for complaints, three to resolve the scope
    with django_assert_max_num_queries(5 * services + 2 + 3):
        queries.build(head_of_region, PERIOD, TODAY)


def test_page_shows_svg_charts_with_the_numbers_and_links_the_exports(client, office, head_of_region):
    client.force_login(head_of_region)
    response = client.get(URL, {"from": "2026-03-02", "to": "2026-03-19"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    content = page[page.index('id="dashboard-period"') : page.index("<!-- END SVGs")]
    charts = len(queries.services()) + 3
    assert content.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == charts
    assert "<script" not in content and "https://" not in content
    assert "Demo cases — received: 2" not in page  # the title carries the week: "2026-W10 — received: 2"
    assert "2026-W10 — received: 2" in page
    assert 'href="/admin/dashboard/export.csv?from=2026-03-02&amp;to=2026-03-19"' in page


def test_admin_index_links_the_dashboard_for_the_head_only(client, office, head_of_region):
    client.force_login(head_of_region)
    assert 'id="office-dashboard-link"' in client.get("/admin/").content.decode()
    client.force_login(ClerkFactory(unit=office.region, roles=[OFFICER]))
    assert 'id="office-dashboard-link"' not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("url", [URL, URL + "export.csv", URL + "export.xlsx"])
def test_an_officer_may_not_see_the_dashboard_and_an_anonymous_user_is_sent_to_login(client, office, url):
    assert client.get(url).status_code == 302
    client.force_login(ClerkFactory(unit=office.region, roles=[OFFICER]))
    assert client.get(url).status_code == 403


def test_csv_export_parses_back_to_the_same_figures(client, office, head_of_region):
    client.force_login(head_of_region)
    response = client.get(URL + "export.csv", {"from": "2026-03-02", "to": "2026-03-19"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="office-dashboard-20260302-20260319.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    demo = [r for r in rows if r and r[0] == "Demo cases" and len(r) == 5 and r[1].startswith("2026-W")]
    assert demo == [
        ["Demo cases", "2026-W10", "2", "0", "0"],
        ["Demo cases", "2026-W11", "1", "1", "0"],
        ["Demo cases", "2026-W12", "2", "1", "1"],
    ]
    assert ["470000000", "Область 0", "10", "2", "3", "5"] in [
        r[:1] + ["Область 0"] + r[2:] for r in rows if r[:1] == ["470000000"]
    ]
    assert ["Demo cases", "1", "1", "1", "1", "4"] in rows


def test_xlsx_export_parses_back_one_sheet_per_figure(client, office, head_of_region):
    client.force_login(head_of_region)
    response = client.get(URL + "export.xlsx", {"from": "2026-03-02", "to": "2026-03-19"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.sheetnames) == 5
    sheets = {
        name.split(" ", 1)[0]: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }
    assert ["Demo cases", "2026-W12", 2, 1, 1] in sheets["1"]
    assert ["Demo cases", 2] in sheets["2"]
    assert ["Demo cases", "Received", 3, 2, 1, 66.7] in [[r[0], r[1].capitalize(), *r[2:]] for r in sheets["3"][1:]]
    assert [r[0] for r in sheets["4"][1:]] == ["470000000", "471010000"]
    assert sheets["4"][1][2:] == [10, 2, 3, 5]


# --- in Kazakh and Russian ----------------------------------------------------------------------------

TRANSLATED = {
    "kk": {
        "title": "Басқарманың көрсеткіштер тақтасы",
        "headings": [
            "Қызметтер мен ISO апталары бойынша келіп түскен, шешілген және мерзімі өткен істер",
            "Кезең мерзімдерінің сақталуы",
            "Бөлімшелер бойынша квоталардың пайдаланылуы",
            "Қызметтер мен қарау нәтижелері бойынша шағымдар",
        ],
        "outcome": "ішінара қанағаттандырылды",
        "csv_title": "Қызметтер мен апталар бойынша істер",
        "csv_header": ["қызмет", "ISO аптасы", "келіп түсті", "шешілді", "мерзімі өткен"],
    },
    "ru": {
        "title": "Сводные показатели управления",
        "headings": [
            "Поступившие, решённые и просроченные дела по услугам и неделям ISO",
            "Соблюдение сроков этапов",
            "Использование квот по подразделениям",
            "Жалобы по услугам и результатам рассмотрения",
        ],
        "outcome": "удовлетворена частично",
        "csv_title": "Дела по услугам и неделям",
        "csv_header": ["услуга", "неделя ISO", "поступило", "решено", "просрочено"],
    },
}
ENGLISH = ["The office's dashboard", "Step deadline compliance", "Quota use per unit", "granted in part", "ISO week"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_dashboard_page_is_in_kazakh_and_russian(client, office, head_of_region, language):
    client.force_login(head_of_region)
    response = client.get(URL, {"from": "2026-03-02", "to": "2026-03-19"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and response["Content-Language"] == language
    page = response.content.decode()
    expected = TRANSLATED[language]
    assert f"<title>{expected['title']}" in page
    for heading in expected["headings"]:
        assert f"<h2>{heading}</h2>" in page
    assert f'<th class="number">{expected["outcome"]}</th>' in page  # complaint outcome column
    assert [text for text in ENGLISH if text in page] == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_csv_and_xlsx_headers_are_in_the_clerks_language(client, office, head_of_region, language):
    client.force_login(head_of_region)
    query = {"from": "2026-03-02", "to": "2026-03-19"}
    response = client.get(URL + "export.csv", query, HTTP_ACCEPT_LANGUAGE=language)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = TRANSLATED[language]
    assert rows[2:4] == [[expected["csv_title"]], expected["csv_header"]]
    book = load_workbook(io.BytesIO(client.get(URL + "export.xlsx", query, HTTP_ACCEPT_LANGUAGE=language).content))
    first = book[book.sheetnames[0]]
    assert book.sheetnames[0] == f"1 {expected['csv_title'][:28]}"  # a sheet name holds 31 characters
    assert [c.value for c in first[1]] == expected["csv_header"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_dashboard_string_has_a_finished_translation(language):
    po = (Path(queries.__file__).resolve().parents[1] / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    unfinished = []
    for entry in po.split("\n\n"):
        lines = entry.splitlines()
        if not any(line.startswith("#:") and "dashboard" in line for line in lines):
            continue
        msgstr = entry[entry.index("\nmsgstr") :]
        if "fuzzy" in entry.split("\nmsgid", 1)[0] or msgstr.strip() in ('msgstr ""', ""):
            unfinished.append(entry)
    assert unfinished == []
