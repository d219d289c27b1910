"""Access matrix (issue 9): every admin page, dashboard and clerk view × every clerk role × territorial unit,
and every API operation × every API scope, against an expectation table written here as data.

World: three units — R1 (a region, the clerks' unit), D1 (a district under R1) and R2 (another region) — one
clerk per role in R1 (casework.roles: registrar, officer, commission_secretary, head, administrator), one officer
in D1 (to whom R1 is the parent unit) and the anonymous visitor. Every admin model gets one object per unit
(unit-scoped models) or one object (reference data), built straight through the ORM: the matrix asks who may
open what, not whether the services build it.

Object pages of a case in a unit the clerk may not see (or of a person / organisation that is a party only of such
cases) are "not found": the Django admin answers a missing
object with a redirect to the admin index ("… with ID … doesn't exist"), casework's own object views with 403
(CaseAdmin.transition_view / clock_view) or 404 (get_object_or_404 on the scoped queryset). The table below says
which, per page. A new URL, admin model, admin view or API operation without an entry here fails
``test_every_endpoint_and_admin_page_has_an_expectation``.

The whole matrix is written to tests/artifacts/access_matrix.txt and shown at the end of the pytest run
(tests/reliability/conftest.py, pytest_terminal_summary).
"""

from __future__ import annotations

import decimal
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from casework.models import ClerkProfile, TerritorialUnit
from tests.reliability.conftest import ACCESS_MATRIX_KEY

ARTIFACT = Path(__file__).resolve().parents[1] / "artifacts" / "access_matrix.txt"

# --------------------------------------------------------------------------------------------------
# Who and where
# --------------------------------------------------------------------------------------------------

ANON = "anonymous"
REG, OFF, SEC, HEAD, ADM = "registrar", "officer", "commission_secretary", "head", "administrator"
DOFF = "officer@D1"  # an officer of the district D1: R1 is their parent unit
ROLE_OF = {REG: REG, OFF: OFF, SEC: SEC, HEAD: HEAD, ADM: ADM, DOFF: OFF}
WHO = [ANON, REG, OFF, SEC, HEAD, ADM, DOFF]
SHORT = {ANON: "anon", REG: "reg", OFF: "off", SEC: "sec", HEAD: "head", ADM: "adm", DOFF: "off@D1"}
UNITS = ("R1", "D1", "R2")


def relation(who: str, unit: str) -> str:
    """Where the object is, seen from the clerk: own, child, parent or other unit."""
    home = "D1" if who == DOFF else "R1"
    if unit == home:
        return "own"
    if home == "R1" and unit == "D1":
        return "child"
    if home == "D1" and unit == "R1":
        return "parent"
    return "other"


def sees(who: str, unit: str) -> bool:
    """The unit policy (casework.access, README "Roles"): own unit and the units under it; the administrator all."""
    return who == ADM or relation(who, unit) in ("own", "child")


# --------------------------------------------------------------------------------------------------
# The world: units, clerks, one object per admin model and unit
# --------------------------------------------------------------------------------------------------


def _value(f: models.Field, seq: int):
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, models.URLField):
        return f"https://example.org/{seq}"
    if isinstance(f, models.EmailField):
        return f"x{seq}@example.org"
    if isinstance(f, models.CharField):
        return f"AM{seq}"[: f.max_length]
    if isinstance(f, models.TextField):
        return "access matrix"
    if isinstance(f, models.DateTimeField):
        return timezone.now()
    if isinstance(f, models.DateField):
        return timezone.localdate()
    if isinstance(f, models.BooleanField):
        return False
    if isinstance(f, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(f, models.IntegerField | models.FloatField):
        return 1
    if isinstance(f, models.JSONField):
        return {}
    raise NotImplementedError(f"{f.model._meta.label}.{f.name}: {type(f).__name__}")


def _regulation_version(model) -> str:
    """The version in force of the model's service (casework.regulations), as the services record it."""
    service = getattr(model, "REGULATION_SERVICE", "")
    if not service:
        return "test"
    from casework import regulations

    return regulations.current(service).version


@dataclass
class World:
    units: dict = field(default_factory=dict)  # "R1" -> TerritorialUnit
    users: dict = field(default_factory=dict)  # who -> User
    clients: dict = field(default_factory=dict)  # who -> logged-in test Client
    objects: dict = field(default_factory=dict)  # (label_lower, unit or "-") -> instance
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def build(cls) -> World:
        world = cls()
        r1 = TerritorialUnit.objects.create(code="910000000", name_kk="R1", name_ru="R1", level="region")
        d1 = TerritorialUnit.objects.create(code="911000000", name_kk="D1", name_ru="D1", level="district", parent=r1)
        # R2's code starts with R1's: the unit check must compare whole path segments, not string prefixes.
        r2 = TerritorialUnit.objects.create(code="9100000001", name_kk="R2", name_ru="R2", level="region")
        world.units = {"R1": r1, "D1": d1, "R2": r2}
        user_model = get_user_model()
        for who in WHO[1:]:
            user = user_model.objects.create_user(username=f"am-{SHORT[who]}", password="x", is_staff=True)
            ClerkProfile.objects.create(user=user, unit=d1 if who == DOFF else r1)
            user.groups.add(Group.objects.get(name=ROLE_OF[who]))
            world.users[who] = user
        world.clients[ANON] = Client()
        for who, user in world.users.items():
            world.clients[who] = Client()
            world.clients[who].force_login(user)
        for model in admin.site._registry:
            label = model._meta.label_lower
            if label in SPECIAL_OBJECTS:
                continue
            if any(f.name == "unit" for f in model._meta.fields) or label in UNIT_VIA:
                for unit in UNITS:
                    world.obj(model, unit)
            else:
                world.obj(model, "-")
        world.attachments = {unit: world.attachment(unit) for unit in UNITS}
        world.api_keys = api_keys()
        return world

    def obj(self, model, unit: str):
        """The object of ``model`` for ``unit`` (created on first use, its relations in the same unit)."""
        if not (any(f.name == "unit" for f in model._meta.fields) or model._meta.label_lower in UNIT_VIA):
            unit = "-"  # one object of a model not tied to a unit
        key = (model._meta.label_lower, unit)
        if key in self.objects:
            return self.objects[key]
        if key[0] in FACTORIES:
            self.objects[key] = FACTORIES[key[0]](self, unit)
            return self.objects[key]
        kwargs = dict(EXTRA_FIELDS[key[0]](self, unit)) if key[0] in EXTRA_FIELDS else {}
        for f in model._meta.concrete_fields:
            if f.name in kwargs:
                continue
            if f.primary_key or (f.null and not f.is_relation) or f.has_default():
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                continue
            if isinstance(f, models.CharField | models.TextField) and f.blank:
                continue
            if f.is_relation:
                if f.null and f.name not in ("unit",):
                    continue
                related = f.related_model
                if related is TerritorialUnit:
                    kwargs[f.name] = self.units[unit if unit != "-" else "R1"]
                elif related is ContentType:
                    case = self.case(unit)
                    kwargs[f.name] = ContentType.objects.get_for_model(case)
                    kwargs[f.name.replace("_type", "_id")] = case.pk
                else:
                    kwargs[f.name] = self.obj(related, unit if unit != "-" else "R1")
            elif f.name == "regulation_version":
                kwargs[f.name] = _regulation_version(model)
            elif f.name not in kwargs:
                kwargs[f.name] = _value(f, next(self.seq))
        instance = model(**kwargs)
        instance.save()
        self.objects[key] = instance
        return instance

    def case(self, unit: str):
        from certificates.models import CertificateApplication

        return self.obj(CertificateApplication, unit if unit != "-" else "R1")

    def attachment(self, unit: str):
        from casework.models import Attachment
        from tests.samples import PDF

        case = self.case(unit)
        attachment = Attachment(
            case_type=ContentType.objects.get_for_model(case),
            case_id=case.pk,
            doc_type="identity_document",
            original_filename="passport.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256="0" * 64,
            uploaded_at=timezone.now(),
        )
        attachment.file.save("passport.pdf", ContentFile(PDF), save=False)
        attachment.save()
        return attachment


# Models whose objects are tied to a unit through a relation rather than a ``unit`` field.
UNIT_VIA = {
    "certificates.holdernotice",
    "certificates.notification",
    "permits.terminationnotice",
    "permits.feepayment",
    "casework.transitionlog",
    # parties: a person / organisation per unit, a party of that unit's cases and permits (the builder's relations)
    "casework.person",
    "casework.organisation",
}
# Models whose only object is built specially (the admin user list holds the clerks themselves).
SPECIAL_OBJECTS = set()


def _factory(name):
    def build(world, unit):
        from tests import factories

        return getattr(factories, name)()

    return build


# Objects with constraints the generic builder cannot guess (check digits, one of BIN / IIN, hashed keys).
FACTORIES = {
    "casework.person": _factory("PersonFactory"),
    "casework.organisation": _factory("OrganisationFactory"),
    "casework.attachment": lambda world, unit: world.attachment("R1"),
    "casework.apiclient": lambda world, unit: apps.get_model("casework", "ApiClient").issue("am-portal", [])[0],
}
# Fields the generic builder cannot guess.
EXTRA_FIELDS = {
    "django_celery_beat.periodictask": lambda world, unit: {
        "interval": world.obj(apps.get_model("django_celery_beat", "IntervalSchedule"), "-")
    },
}


# --------------------------------------------------------------------------------------------------
# Running a cell
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    page: str  # e.g. "certificates.certificate:change" or "api GET /api/v1/applications/{number}"
    url: str
    who: str
    where: str  # "R1" / "D1" / "R2" for an object in that unit, "-" otherwise
    expected: str
    method: str = "get"


def outcome(response) -> str:
    """200, 403, 404, 302>login, 302>index (the admin's "object doesn't exist" redirect), 302>/path/..."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if "/admin/login/" in location:
            return "302>login"
        if location.rstrip("/").endswith("/admin"):
            return "302>index"
        return f"302>{location}"
    return str(response.status_code)


def run_cell(world: World, cell: Cell) -> str:
    if cell.page.startswith("api "):
        return run_api_cell(world, cell)
    client = world.clients[cell.who]
    return outcome(getattr(client, cell.method)(cell.url))


# --------------------------------------------------------------------------------------------------
# Expectations: admin models (role letters r=registrar o=officer s=commission_secretary h=head a=administrator)
# --------------------------------------------------------------------------------------------------

LETTER = {"r": REG, "o": OFF, "s": SEC, "h": HEAD, "a": ADM}
UNIT, GLOBAL = "unit", "global"


@dataclass(frozen=True)
class AdminModel:
    view: str  # roles who may open the list and the object pages (view or change permission)
    add: str = ""  # roles who may open the add page
    delete: str = ""  # roles who may open the delete page
    scope: str = UNIT  # UNIT: a clerk sees objects of their unit and those under it; GLOBAL: every object
    add_redirect: str = ""  # the add page redirects everyone there instead (e.g. the counter's register page)


ALL5 = "rosha"
ADMIN_MODELS: dict[str, AdminModel] = {
    # Django / third-party: superusers only
    "auth.group": AdminModel("", scope=GLOBAL),
    "django_celery_beat.periodictask": AdminModel("", scope=GLOBAL),
    "django_celery_beat.clockedschedule": AdminModel("", scope=GLOBAL),
    "django_celery_beat.crontabschedule": AdminModel("", scope=GLOBAL),
    "django_celery_beat.solarschedule": AdminModel("", scope=GLOBAL),
    "django_celery_beat.intervalschedule": AdminModel("", scope=GLOBAL),
    "axes.accessattempt": AdminModel("", scope=GLOBAL),
    "axes.accesslog": AdminModel("", scope=GLOBAL),
    "axes.accessfailurelog": AdminModel("", scope=GLOBAL),
    # casework: users and units are the administrator's
    "auth.user": AdminModel("a", add="a", scope=GLOBAL),
    "casework.territorialunit": AdminModel("a", add="a", scope=GLOBAL),
    # parties (IIN, passport): only those of the cases / permits of the clerk's units (casework.access.scope_parties;
    # regression: every clerk listed every unit's persons and organisations)
    "casework.person": AdminModel(ALL5, add="r"),
    "casework.organisation": AdminModel(ALL5, add="r"),
    # the history of cases: only those of the clerk's units (regression: every unit's log was listed)
    "casework.transitionlog": AdminModel(ALL5),
    # portal API clients and webhooks: the administrator manages them (README "Roles"; keys shown once, revoked,
    # never deleted); the outbox and idempotency records are evidence the administrator reads (regression: only
    # superusers could)
    "casework.apiclient": AdminModel("a", add="a", scope=GLOBAL),
    "casework.webhooksubscription": AdminModel("a", add="a", scope=GLOBAL),
    "casework.outboxmessage": AdminModel("a", scope=GLOBAL),
    "casework.idempotencyrecord": AdminModel("a", scope=GLOBAL),
    # regulation versions: the head reads them, the administrator records an amendment
    # (the matrix's version is in force since today: read-only, never deleted)
    "casework.regulationversion": AdminModel("ha", add="a", scope=GLOBAL),
    # calendar: every clerk looks, the administrator records decrees
    "workcalendar.calendaroverride": AdminModel(ALL5, add="a", delete="a", scope=GLOBAL),
    # certificates (003)
    "certificates.certificateapplication": AdminModel(ALL5),
    "certificates.certificate": AdminModel(ALL5),
    "certificates.profession": AdminModel(ALL5, add="a", scope=GLOBAL),
    "certificates.commissionmember": AdminModel(ALL5, add="sa"),
    "certificates.holdernotice": AdminModel(ALL5),
    # notifications to holders (e-mail address, text): only the clerk's units (regression: every unit's were listed)
    "certificates.notification": AdminModel(ALL5),
    # permits (004, 000)
    "permits.labourimmigrantpermitapplication": AdminModel(ALL5),
    "permits.quota": AdminModel(ALL5, add="a"),
    "permits.intentionagreement": AdminModel(ALL5),
    "permits.labourimmigrantpermit": AdminModel(ALL5),
    "permits.revocation": AdminModel(ALL5),
    "permits.terminationnotice": AdminModel(ALL5),
    "permits.foreignlabourpermitapplication": AdminModel(ALL5),
    "permits.feepayment": AdminModel(ALL5),
    "permits.commissionmember": AdminModel(ALL5, add="s"),
    "permits.commissionmeeting": AdminModel(ALL5, add="s"),
    "permits.foreignlabourpermit": AdminModel(ALL5),
    "permits.servicejournalentry": AdminModel(ALL5),
    # complaints
    "complaints.complaint": AdminModel(ALL5, add="ro"),
    # job seekers (002): not the commission secretary's; the add page is the counter's register page
    "jobseekers.jobseekerregistration": AdminModel(
        "roha", add="ro", add_redirect="/admin/jobseekers/jobseekerregistration/register/"
    ),
    "jobseekers.unemployedregistration": AdminModel(
        "roha", add="ro", add_redirect="/admin/jobseekers/unemployedregistration/register/"
    ),
    "jobseekers.steptiming": AdminModel("roha"),
    # the casework tests' demo case (tests/caseapp, test settings only): no role
    "caseapp.democase": AdminModel(""),
}


def _has(letters: str, who: str) -> bool:
    return any(LETTER[c] == ROLE_OF[who] for c in letters)


def expect_model_page(spec: AdminModel, page: str, who: str, unit: str) -> str:
    """Django's admin answers, in its order of checks (ModelAdmin.changeform_view / history_view / delete_view)."""
    if who == ANON:
        return "302>login"
    visible = spec.scope == GLOBAL or sees(who, unit)
    if page == "changelist":
        return "200" if _has(spec.view, who) else "403"
    if page == "add":
        if spec.add_redirect:
            return f"302>{spec.add_redirect}"
        return "200" if _has(spec.add, who) else "403"
    if page == "change":  # permission first, then the object
        if not _has(spec.view, who):
            return "403"
        return "200" if visible else "302>index"
    if page == "history":  # the object first, then the permission
        if not visible:
            return "302>index"
        return "200" if _has(spec.view, who) else "403"
    if page == "delete":  # permission first, then the object
        if not _has(spec.delete, who):
            return "403"
        return "200" if visible else "302>index"
    raise AssertionError(page)


# --------------------------------------------------------------------------------------------------
# Expectations: the admin's own views, custom admin views, the dashboard, clerk downloads
# --------------------------------------------------------------------------------------------------

PERM_FIRST, SCOPE_FIRST = "perm-first", "scope-first"


@dataclass(frozen=True)
class View:
    """A clerk page. ``model`` set: an object page, opened on that model's object in each unit.
    ``allowed``: the roles answered 200 (for object pages: when the object is in a unit they see).
    ``hidden``: the answer for an object in a unit the clerk may not see; ``order``: whether the role's
    permission (PERM_FIRST: 403 before ``hidden``) or the object's unit (SCOPE_FIRST) is checked first."""

    url: str  # with {pk} for object pages
    allowed: str
    model: str = ""
    hidden: str = "403"
    order: str = PERM_FIRST
    denied: str = "403"  # the answer to a clerk without the permission
    anonymous: str = "302>login"


def expect_view(spec: View, who: str, unit: str) -> str:
    if who == ANON:
        return spec.anonymous
    allowed = _has(spec.allowed, who)
    if not spec.model:
        return "200" if allowed else spec.denied
    scope = ADMIN_MODELS[spec.model].scope if spec.model in ADMIN_MODELS else UNIT
    visible = scope == GLOBAL or sees(who, unit)
    if spec.order == SCOPE_FIRST and not visible:
        return spec.hidden
    if not allowed:
        return spec.denied
    return "200" if visible else spec.hidden


CL = "certificates/certificateapplication"
LIP, REV, FLA = (
    "permits/labourimmigrantpermitapplication",
    "permits/revocation",
    "permits/foreignlabourpermitapplication",
)
JS, UE = "jobseekers/jobseekerregistration", "jobseekers/unemployedregistration"

# URL name (as reversed, "admin:…" / "casework_dashboard:…" / "casework:…") -> expectation
VIEWS: dict[str, View] = {
    # the admin site itself: every clerk sees the index; an app's page only if one of its models is theirs
    "admin:index": View("/admin/", ALL5),
    "admin:password_change": View("/admin/password_change/", ALL5),
    "admin:password_change_done": View("/admin/password_change/done/", ALL5),
    "admin:jsi18n": View("/admin/jsi18n/", ALL5),
    "admin:login": View("/admin/login/", "", denied="302>index", anonymous="200"),  # signed in: to the index
    # POST only (Django 5); a visitor who is not signed in is sent to the index (and so to the login)
    "admin:logout": View("/admin/logout/", "", denied="405", anonymous="302>index"),
    "admin:autocomplete": View("/admin/autocomplete/", "", denied="403"),  # no model asks for autocompletion
    # no model has get_absolute_url: "view on site" finds nothing, for any object
    "admin:view_on_site": View("/admin/r/{ct}/{pk}/", "", model="certificates.certificateapplication", denied="404"),
    "admin:auth_user_password_change": View("/admin/auth/user/{pk}/password/", "a", model="auth.user"),
    # the calendar year view: every clerk looks
    "admin:workcalendar_calendar_year_current": View("/admin/workcalendar/calendaroverride/year/", ALL5),
    "admin:workcalendar_calendar_year": View("/admin/workcalendar/calendaroverride/year/2026/", ALL5),
    # certificates: a step's form opens only for the role that may take it now (refuse to accept: registrar)
    "admin:certificates_certificateapplication_transition": View(
        f"/admin/{CL}/{{pk}}/transition/refuse_to_accept/", "r", model="certificates.certificateapplication"
    ),
    "admin:certificates_certificateapplication_clock": View(
        f"/admin/{CL}/{{pk}}/clock/", "o", model="certificates.certificateapplication"
    ),
    "admin:certificates_certificate_lifecycle": View(
        "/admin/certificates/certificate/{pk}/lifecycle/revoke/", "h", model="certificates.certificate"
    ),
    # the other services' step forms too: only for the roles holding the step's FSM permission (TRANSITION_TAKERS;
    # casework.admin.CaseAdmin.check_transition_permission — regression: they opened to every clerk who may view)
    # permits (004)
    "admin:permits_labourimmigrantpermitapplication_transition": View(
        f"/admin/{LIP}/{{pk}}/transition/accept/", "ro", model="permits.labourimmigrantpermitapplication"
    ),
    "admin:permits_labourimmigrantpermitapplication_clock": View(
        f"/admin/{LIP}/{{pk}}/clock/", "o", model="permits.labourimmigrantpermitapplication"
    ),
    "admin:permits_quota_import": View("/admin/permits/quota/import/", "a"),
    "admin:permits_permit_revoke": View(
        "/admin/permits/labourimmigrantpermit/{pk}/revoke/",
        "oh",
        model="permits.labourimmigrantpermit",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_permit_terminate": View(
        "/admin/permits/labourimmigrantpermit/{pk}/terminate/",
        "oh",
        model="permits.labourimmigrantpermit",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    # a termination notice filed on the web form: confirmed or rejected by whoever may end a permit
    "admin:permits_terminationnotice_confirm": View(
        "/admin/permits/terminationnotice/{pk}/confirm/",
        "oh",
        model="permits.terminationnotice",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_terminationnotice_reject": View(
        "/admin/permits/terminationnotice/{pk}/reject/",
        "oh",
        model="permits.terminationnotice",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_revocation_transition": View(
        f"/admin/{REV}/{{pk}}/transition/confirm_delivery/", "oh", model="permits.revocation"
    ),
    "admin:permits_revocation_clock": View(f"/admin/{REV}/{{pk}}/clock/", "o", model="permits.revocation"),
    # foreign-labour permits (000)
    "admin:permits_foreignlabourpermitapplication_transition": View(
        f"/admin/{FLA}/{{pk}}/transition/refer_to_commission/", "o", model="permits.foreignlabourpermitapplication"
    ),
    "admin:permits_foreignlabourpermitapplication_clock": View(
        f"/admin/{FLA}/{{pk}}/clock/", "o", model="permits.foreignlabourpermitapplication"
    ),
    "admin:permits_foreignlabourpermitapplication_fee": View(
        f"/admin/{FLA}/{{pk}}/fee/",
        "ro",
        model="permits.foreignlabourpermitapplication",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_feepayment_reject": View(
        "/admin/permits/feepayment/{pk}/reject/", "ro", model="permits.feepayment", hidden="404", order=SCOPE_FIRST
    ),
    "admin:permits_commissionmeeting_agenda": View(
        "/admin/permits/commissionmeeting/{pk}/agenda/",
        "s",
        model="permits.commissionmeeting",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_commissionmeeting_protocol": View(
        "/admin/permits/commissionmeeting/{pk}/protocol/",
        "s",
        model="permits.commissionmeeting",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_foreignlabourpermit_revoke": View(
        "/admin/permits/foreignlabourpermit/{pk}/revoke/",
        "h",
        model="permits.foreignlabourpermit",
        hidden="404",
        order=SCOPE_FIRST,
    ),
    "admin:permits_servicejournalentry_print": View("/admin/permits/servicejournalentry/print/", ALL5),
    # complaints
    "admin:complaints_complaint_transition": View(
        "/admin/complaints/complaint/{pk}/transition/forward/", "oh", model="complaints.complaint"
    ),
    "admin:complaints_complaint_clock": View(
        "/admin/complaints/complaint/{pk}/clock/", "o", model="complaints.complaint"
    ),
    # job seekers (002)
    "admin:jobseekers_jobseekerregistration_register": View(f"/admin/{JS}/register/", "ro"),
    "admin:jobseekers_jobseekerregistration_transition": View(
        f"/admin/{JS}/{{pk}}/transition/enter_data/", "ro", model="jobseekers.jobseekerregistration"
    ),
    "admin:jobseekers_jobseekerregistration_clock": View(
        f"/admin/{JS}/{{pk}}/clock/", "o", model="jobseekers.jobseekerregistration"
    ),
    "admin:jobseekers_unemployedregistration_register": View(f"/admin/{UE}/register/", "ro"),
    "admin:jobseekers_unemployedregistration_transition": View(
        f"/admin/{UE}/{{pk}}/transition/enter_data/", "ro", model="jobseekers.unemployedregistration"
    ),
    "admin:jobseekers_unemployedregistration_clock": View(
        f"/admin/{UE}/{{pk}}/clock/", "o", model="jobseekers.unemployedregistration"
    ),
    "admin:jobseekers_steptiming_report": View("/admin/jobseekers/steptiming/over-norm/", "roha"),
    # tests/caseapp's demo case: no role holds its permissions
    "admin:caseapp_democase_transition": View(
        "/admin/caseapp/democase/{pk}/transition/register/", "", model="caseapp.democase"
    ),
    "admin:caseapp_democase_clock": View("/admin/caseapp/democase/{pk}/clock/", "", model="caseapp.democase"),
    # the head of the office's dashboard (casework.dashboard): head and administrator
    "casework_dashboard:index": View("/admin/dashboard/", "ha"),
    "casework_dashboard:export-csv": View("/admin/dashboard/export.csv", "ha"),
    "casework_dashboard:export-xlsx": View("/admin/dashboard/export.xlsx", "ha"),
    # a case's stored document: every role, only for cases of the clerk's units
    "casework:attachment": View("/documents/attachments/{pk}/", ALL5, model="casework.attachment"),
}


def app_list_expectation(app_label: str, who: str) -> str:
    """/admin/<app>/: 404 to a clerk who may see none of the app's models."""
    if who == ANON:
        return "302>login"
    specs = [spec for label, spec in ADMIN_MODELS.items() if label.split(".")[0] == app_label]
    return "200" if any(_has(spec.view, who) for spec in specs) else "404"


def unit_places(model_label: str) -> tuple[str, ...]:
    spec = ADMIN_MODELS.get(model_label)
    return ("-",) if spec is not None and spec.scope == GLOBAL else UNITS


def admin_cells(world: World) -> list[Cell]:
    cells = []
    for model in admin.site._registry:
        label, info = model._meta.label_lower, (model._meta.app_label, model._meta.model_name)
        spec = ADMIN_MODELS[label]
        base = f"/admin/{info[0]}/{info[1]}/"
        for who in WHO:
            cells.append(Cell(f"{label}:changelist", base, who, "-", expect_model_page(spec, "changelist", who, "-")))
            cells.append(Cell(f"{label}:add", f"{base}add/", who, "-", expect_model_page(spec, "add", who, "-")))
            for unit in unit_places(label):
                obj = world.objects[(label, unit)]
                for page, suffix in (("change", "change/"), ("history", "history/"), ("delete", "delete/")):
                    if page == "delete" and not spec.delete and unit not in ("R1", "-"):
                        continue  # nobody deletes these: once, on the clerks' own unit, is enough
                    url = f"{base}{obj.pk}/{suffix}"
                    cells.append(Cell(f"{label}:{page}", url, who, unit, expect_model_page(spec, page, who, unit)))
    for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
        for who in WHO:
            cells.append(
                Cell(
                    f"admin:app_list {app_label}",
                    f"/admin/{app_label}/",
                    who,
                    "-",
                    app_list_expectation(app_label, who),
                )
            )
    for name, spec in VIEWS.items():
        places = unit_places(spec.model) if spec.model else ("-",)
        for unit in places:
            url = spec.url
            if spec.model:
                obj = (
                    world.attachments[unit]
                    if spec.model == "casework.attachment"
                    else world.objects[(spec.model, unit)]
                )
                url = url.format(pk=obj.pk, ct=ContentType.objects.get_for_model(obj).pk)
            for who in WHO:
                cells.append(Cell(name, url, who, unit, expect_view(spec, who, unit)))
    return cells


# --------------------------------------------------------------------------------------------------
# Expectations: public pages (no sign-in; a clerk's session gives nothing more)
# --------------------------------------------------------------------------------------------------

PUBLIC_WHO = (ANON, REG)
PUBLIC_PAGES: dict[str, tuple[str, str]] = {
    # name -> (URL, expected answer; "a|b" when either is right, e.g. readiness depends on Redis / beat)
    "casework:home": ("/", "200"),
    "casework:verify": ("/verify/NO-SUCH-NUMBER", "404"),
    "casework:public:track": ("/track/", "200"),
    # a handle not remembered by this browser's session: the generic "not open in this browser" 404
    "casework:public:case": ("/application/not-a-handle/", "404"),
    "casework:public:receipt": ("/application/not-a-handle/receipt/", "404"),
    "casework:public:receipt_pdf": ("/application/not-a-handle/receipt.pdf", "404"),
    "casework:public:result": ("/application/not-a-handle/result/", "404"),
    "casework:public:forget": ("/application/not-a-handle/forget/", "405"),  # POST only
    "certificates:apply": ("/certificates/apply/", "200"),
    "certificates:apply_kind": ("/certificates/apply/issue/", "200"),
    "permits:apply": ("/permits/apply/", "200"),
    "permits:apply_kind": ("/permits/apply/issue/", "200"),
    "permits:termination": ("/permits/termination/", "200"),
    "permits:termination_receipt": ("/permits/termination/not-a-handle/", "404"),
    "permits:fl_apply": ("/permits/foreign-labour/", "200"),
    "permits:fl_fee": ("/permits/foreign-labour/fee/", "200"),
    "permits:fl_apply_variant": ("/permits/foreign-labour/issue/", "200"),
    "jobseekers:apply_job_seeker": ("/job-seekers/apply/", "200"),
    "jobseekers:apply_unemployed": ("/job-seekers/unemployed/apply/", "200"),
    # the complaint form asks for an application followed in this browser first
    "complaints:public_file": ("/complaints/", "302>/track/"),
    "workcalendar:days-off-ics": ("/calendar/days-off.ics", "200"),
    "set_language": ("/i18n/setlang/", "302>/"),  # a GET sets nothing and goes back
    "health-live": ("/health/live", "200"),
    "health-ready": ("/health/ready", "200|503"),
    # Prometheus: only METRICS_ALLOWED_IPS / METRICS_TOKEN (none in the tests)
    "metrics": ("/metrics", "403"),
    "api:schema": ("/api/v1/schema/", "200"),
    "api:docs": ("/api/v1/docs/", "200"),
}


def public_cells() -> list[Cell]:
    return [Cell(name, url, who, "-", expected) for name, (url, expected) in PUBLIC_PAGES.items() for who in PUBLIC_WHO]


# --------------------------------------------------------------------------------------------------
# Expectations: the portal API (API.md "Authentication": missing/invalid key 401, key without the scope 403)
# --------------------------------------------------------------------------------------------------

SCOPES = ("applications:submit", "applications:read", "notices:submit", "revocations:read", "calendar:read")


@dataclass(frozen=True)
class ApiOperation:
    scope: str
    url: str  # a concrete URL for the OpenAPI path
    authorised: str  # the answer to a key with the scope (an empty body / unknown number: not a refusal of access)
    liaison: str = ""  # the answer to the internal-affairs liaison's key (notices:submit), when not ``authorised``


# (METHOD, OpenAPI path) -> expectation
API_OPERATIONS: dict[tuple[str, str], ApiOperation] = {
    ("GET", "/api/v1/applications/{number}"): ApiOperation(
        "applications:read", "/api/v1/applications/QC-2099-999999", "404"
    ),
    ("GET", "/api/v1/documents/{number}.pdf"): ApiOperation(
        "applications:read", "/api/v1/documents/QC-2099-999999.pdf", "404"
    ),
    ("GET", "/api/v1/catalogue/professions/"): ApiOperation(
        "applications:read", "/api/v1/catalogue/professions/", "200"
    ),
    ("GET", "/api/v1/calendar/days"): ApiOperation("calendar:read", "/api/v1/calendar/days", "400"),
    ("GET", "/api/v1/calendar/deadline"): ApiOperation("calendar:read", "/api/v1/calendar/deadline", "400"),
    ("GET", "/api/v1/revocations/"): ApiOperation("revocations:read", "/api/v1/revocations/", "200"),
    ("POST", "/api/v1/certificate-applications/"): ApiOperation(
        "applications:submit", "/api/v1/certificate-applications/", "400"
    ),
    ("POST", "/api/v1/labour-immigrant-permit-applications/"): ApiOperation(
        "applications:submit", "/api/v1/labour-immigrant-permit-applications/", "400"
    ),
    # the police check: the scope AND a client of kind police_liaison (a portal key with the scope: 403)
    ("POST", "/api/v1/labour-immigrant-permit-applications/{number}/police-check/"): ApiOperation(
        "notices:submit",
        "/api/v1/labour-immigrant-permit-applications/LIP-2099-999999/police-check/",
        "403 not_police_liaison",
        liaison="400",
    ),
    ("POST", "/api/v1/labour-immigrant-intention-agreements/"): ApiOperation(
        "applications:submit", "/api/v1/labour-immigrant-intention-agreements/", "400"
    ),
    ("POST", "/api/v1/foreign-labour-permit-applications/"): ApiOperation(
        "applications:submit", "/api/v1/foreign-labour-permit-applications/", "400"
    ),
    ("POST", "/api/v1/foreign-labour-permit-applications/{number}/fee-payments/"): ApiOperation(
        "applications:submit", "/api/v1/foreign-labour-permit-applications/FLP-2099-999999/fee-payments/", "400"
    ),
    ("POST", "/api/v1/termination-notices/"): ApiOperation("notices:submit", "/api/v1/termination-notices/", "400"),
    ("POST", "/api/v1/complaints/"): ApiOperation("applications:submit", "/api/v1/complaints/", "400"),
    ("POST", "/api/v1/job-seeker-registrations/"): ApiOperation(
        "applications:submit", "/api/v1/job-seeker-registrations/", "400"
    ),
    ("POST", "/api/v1/unemployed-registrations/"): ApiOperation(
        "applications:submit", "/api/v1/unemployed-registrations/", "400"
    ),
}

# Credentials tried on every operation: (label, how the key is made)
NO_KEY, BAD_KEY, REVOKED, CLERK, ALL_BUT = "no key", "unknown key", "revoked key", "clerk session", "all but"
LIAISON = "police liaison"  # a police_liaison client with notices:submit


def api_credentials() -> list[str]:
    return [NO_KEY, BAD_KEY, REVOKED, CLERK, *SCOPES, ALL_BUT, LIAISON]


def expect_api(op: ApiOperation, credential: str) -> str:
    if credential in (NO_KEY, CLERK):
        return "401 not_authenticated"
    if credential in (BAD_KEY, REVOKED):
        return "401 invalid_token"
    if credential == LIAISON and op.scope == "notices:submit":
        return op.liaison or op.authorised
    if credential == op.scope:
        return op.authorised
    return "403 insufficient_scope"


def api_keys() -> dict[str, str]:
    """A key per credential label (the clients made like ``manage.py create_api_client NAME --scopes …``)."""
    from casework.models import ApiClient

    keys = {scope: ApiClient.issue(f"am-{scope}", [scope])[1] for scope in SCOPES}
    for scope in SCOPES:
        keys[f"{ALL_BUT} {scope}"] = ApiClient.issue(f"am-all-but-{scope}", [s for s in SCOPES if s != scope])[1]
    keys[LIAISON] = ApiClient.issue("am-liaison", ["notices:submit"], kind=ApiClient.Kind.POLICE_LIAISON)[1]
    revoked, keys[REVOKED] = ApiClient.issue("am-revoked", list(SCOPES))
    revoked.revoke()
    keys[BAD_KEY] = "am-not-a-key-" + "x" * 30
    return keys


def api_cells() -> list[Cell]:
    cells = []
    for (method, path), op in API_OPERATIONS.items():
        for credential in api_credentials():
            cells.append(
                Cell(f"api {method} {path}", op.url, credential, "-", expect_api(op, credential), method.lower())
            )
    return cells


def run_api_cell(world: World, cell: Cell) -> str:
    headers = {}
    key = world.api_keys.get(f"{ALL_BUT} {API_OPS_BY_PAGE[cell.page].scope}" if cell.who == ALL_BUT else cell.who)
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    client = world.clients[ADM] if cell.who == CLERK else world.clients[ANON]
    if cell.method == "post":
        response = client.post(cell.url, data={}, content_type="application/json", **headers)
    else:
        response = client.get(cell.url, **headers)
    result = str(response.status_code)
    if response.status_code in (401, 403):
        if response.get("Content-Type", "").split(";")[0] != "application/problem+json":
            return f"{result} (not problem+json)"
        if response.status_code == 401 and "WWW-Authenticate" not in response:
            return f"{result} (no WWW-Authenticate)"
        result += f" {response.json().get('code')}"
    return result


API_OPS_BY_PAGE = {f"api {method} {path}": op for (method, path), op in API_OPERATIONS.items()}


# --------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------

ABBREV = {
    "302>login": "login",
    "302>index": "index",
    "401 not_authenticated": "401",
    "401 invalid_token": "401 key",
    "403 insufficient_scope": "403",
    "403 not_police_liaison": "403 kind",
}
LEGEND = (
    "200 open · 403 forbidden · 404 not found · 405 method · login = 302 to the admin login · "
    "index = 302 to the admin index (the admin's 'object does not exist') · >/path = other redirect · "
    "a/b/c = the object in R1 (own; the parent unit for off@D1) / D1 (child; own for off@D1) / R2 (other) · "
    "!x = MISMATCH, expected x · API: 401 no credentials (problem details, WWW-Authenticate), 401 key = unknown "
    "or revoked key, 403 = key without the scope (problem details, insufficient_scope), 403 kind = not the police "
    "liaison; 200/400/404 = past the access checks (an empty body, an unknown number)"
)


def _abbrev(outcome: str) -> str:
    if outcome in ABBREV:
        return ABBREV[outcome]
    if outcome.startswith("302>"):
        return ">" + outcome[4:].rstrip("/").rsplit("/", 1)[-1] + "/"  # the redirect's last segment
    return outcome


def _short(got: str, expected: str) -> str:
    text = _abbrev(got)
    return text if got in expected.split("|") else f"{text}!{_abbrev(expected)}"


def render_table(results: list[tuple[Cell, str]]) -> str:
    sections = {"admin and clerk pages": [], "public pages": [], "portal API": []}
    rows: dict[tuple[str, str], dict[str, list[str]]] = {}
    columns: dict[str, list[str]] = {}
    for cell, got in results:
        section = (
            "portal API" if cell.page.startswith("api ") else "public pages" if cell.page in PUBLIC_PAGES else None
        ) or "admin and clerk pages"
        key = (section, cell.page)
        if key not in rows:
            rows[key] = {}
            sections[section].append(cell.page)
        rows[key].setdefault(cell.who, []).append(_short(got, cell.expected))
        columns.setdefault(section, [])
        if cell.who not in columns[section]:
            columns[section].append(cell.who)
    lines = [f"ACCESS MATRIX — {LEGEND}"]
    for section, pages in sections.items():
        if not pages:
            continue
        cols = columns[section]
        heads = [SHORT.get(c, c) for c in cols]
        width = max(len(p) for p in pages) + 1
        cell_widths = [
            max(len(h), *(len("/".join(rows[(section, p)].get(c, ["-"]))) for p in pages))
            for c, h in zip(cols, heads, strict=True)
        ]
        lines.append("")
        lines.append(f"== {section} ({sum(len(v) for p in pages for v in rows[(section, p)].values())} cells)")
        lines.append(" ".join([" " * width, *(h.ljust(w) for h, w in zip(heads, cell_widths, strict=True))]))
        for page in pages:
            values = [
                "/".join(rows[(section, page)].get(c, ["-"])).ljust(w) for c, w in zip(cols, cell_widths, strict=True)
            ]
            lines.append(" ".join([page.ljust(width), *values]).rstrip())
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------------


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def _openapi_operations() -> set[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {(method.upper(), path) for path, operations in schema["paths"].items() for method in operations}


def _route_to_openapi(route: str) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


# Unnamed admin routes: Django's own redirects ("<id>/" → change) and the catch-all (login or 404).
UNNAMED_ADMIN_ROUTES = ("<path:object_id>/", "(?P<url>.*)$")


@pytest.mark.django_db
def test_every_endpoint_and_admin_page_has_an_expectation():
    """A new URL, admin model, admin view or API operation must get its row in the tables above."""
    problems = []
    registered = {model._meta.label_lower: model for model in admin.site._registry}
    problems += [
        f"admin model without an expectation: {label}" for label in sorted(set(registered) - set(ADMIN_MODELS))
    ]
    problems += [
        f"expectation for a model not in the admin: {label}" for label in sorted(set(ADMIN_MODELS) - set(registered))
    ]
    standard = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
        for model in registered.values()
        for page in ("changelist", "add", "change", "history", "delete")
    }
    api_routes, seen_names = set(), set()
    for route, name in _walk(get_resolver().url_patterns):
        seen_names.add(name)
        if name in standard or name == "admin:app_list":
            continue
        if not name and route.startswith("admin/") and route.endswith(UNNAMED_ADMIN_ROUTES):
            continue
        if name.startswith("api:") and name not in PUBLIC_PAGES:
            api_routes.add(_route_to_openapi(route))
            continue
        if name not in VIEWS and name not in PUBLIC_PAGES:
            problems.append(f"URL without an expectation: /{route} (name {name!r})")
    problems += [
        f"expectation for a URL name that no longer exists: {n}"
        for n in sorted((set(VIEWS) | set(PUBLIC_PAGES)) - seen_names)
    ]
    operations = _openapi_operations()
    problems += [f"API operation without an expectation: {m} {p}" for m, p in sorted(operations - set(API_OPERATIONS))]
    problems += [
        f"expectation for an API operation not in the schema: {m} {p}"
        for m, p in sorted(set(API_OPERATIONS) - operations)
    ]
    problems += [
        f"API route missing from the OpenAPI schema: {p}" for p in sorted(api_routes - {p for _m, p in operations})
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_access_matrix(request):
    """Every cell: the answer the table above expects. All mismatches are reported at once, in the table."""
    cache.clear()
    world = World.build()
    cells = admin_cells(world) + public_cells() + api_cells()
    results = [(cell, run_cell(world, cell)) for cell in cells]
    table = render_table(results)
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(table, encoding="utf-8")
    request.config.stash[ACCESS_MATRIX_KEY] = table
    mismatches = [
        f"{cell.page} [{cell.who} @ {cell.where}] {cell.url}: expected {cell.expected}, got {got}"
        for cell, got in results
        if got not in cell.expected.split("|")
    ]
    assert not mismatches, f"{len(mismatches)} of {len(results)} cells differ (table: {ARTIFACT}):\n" + "\n".join(
        mismatches
    )


@pytest.mark.django_db
def test_applicant_sees_only_their_own_case_and_wrong_codes_are_rate_limited():
    """Public tracking (casework.public): a wrong access code answers exactly like an unknown number (the page
    tells nothing of which numbers exist) and opens nothing; another applicant's handle, case page and document
    download are "not found" (404); the 11th look-up in 10 minutes from one address is refused (429)."""
    from casework.public import session as public_session

    cache.clear()
    world = World.build()
    mine, theirs = world.case("R1"), world.case("R2")
    codes = {}
    for case in (mine, theirs):
        codes[case.pk] = case.issue_access_code()
        type(case).objects.filter(pk=case.pk).update(access_code_hash=case.access_code_hash)

    me, other = Client(), Client(REMOTE_ADDR="10.9.9.9")
    wrong = me.post("/track/", {"number": mine.number, "access_code": codes[theirs.pk]})
    unknown = me.post("/track/", {"number": "QC-2099-999999", "access_code": codes[mine.pk]})
    assert wrong.status_code == unknown.status_code == 200  # the form again, with one generic message
    errors = [r.context["form"].non_field_errors() for r in (wrong, unknown)]
    assert errors[0] == errors[1] and len(errors[0]) == 1  # the same single message for both
    assert not me.session.get(public_session.SESSION_KEY)  # nothing remembered: no handle to any case

    found = other.post("/track/", {"number": theirs.number, "access_code": codes[theirs.pk]})
    assert found.status_code == 302
    their_handle = found["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert other.get(f"/application/{their_handle}/").status_code == 200
    for suffix in ("", "receipt/", "receipt.pdf", "result/"):  # in my browser: not found, like any unknown handle
        assert me.get(f"/application/{their_handle}/{suffix}").status_code == 404, suffix
        assert Client().get(f"/application/{their_handle}/{suffix}").status_code == 404, suffix

    # Guessing codes: 10 look-ups per address and 10 minutes (ratelimit.DEFAULT_LIMITS["track"]); 2 made above.
    answers = [me.post("/track/", {"number": mine.number, "access_code": f"guess-{i}"}).status_code for i in range(8)]
    assert answers == [200] * 8
    limited = me.post("/track/", {"number": mine.number, "access_code": codes[mine.pk]})  # even the right code
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert other.post("/track/", {"number": theirs.number, "access_code": codes[theirs.pk]}).status_code == 302


# Who may take each transition behind the step forms of the matrix (the FSM permission each role holds); a POST by
# anyone else — or by a taker on a case outside their units — must change nothing.
TRANSITION_TAKERS = {
    "admin:certificates_certificateapplication_transition": "r",  # refuse_to_accept
    "admin:permits_labourimmigrantpermitapplication_transition": "ro",  # accept
    "admin:permits_revocation_transition": "oh",  # confirm_delivery
    "admin:permits_foreignlabourpermitapplication_transition": "o",  # refer_to_commission
    "admin:complaints_complaint_transition": "oh",  # forward
    "admin:jobseekers_jobseekerregistration_transition": "ro",  # enter_data
    "admin:jobseekers_unemployedregistration_transition": "ro",  # enter_data
    "admin:caseapp_democase_transition": "",  # register
}


@pytest.mark.django_db
def test_step_forms_posted_by_a_clerk_who_may_not_take_the_step_change_nothing():
    """The step forms open (GET) only to the clerks who may take the step (the table above), and the step itself
    is checked again by the service: a POST by a role without the step's permission, or on another unit's case,
    leaves the case as it was."""
    world = World.build()
    changed = []
    for name, takers in TRANSITION_TAKERS.items():
        spec = VIEWS[name]
        assert spec.allowed == takers, f"{name}: the form's GET row and the step's takers differ"
        model = apps.get_model(spec.model)
        for unit in UNITS:
            obj = world.objects[(spec.model, unit)]
            for who in WHO[1:]:
                if _has(takers, who) and sees(who, unit):
                    continue  # may take it: not this test's business (it would change the case)
                before = model.objects.get(pk=obj.pk)
                # the fields of every step form: version, reason, the complaint's reviewing body
                data = {"version": before.version, "reason": "access matrix", "reviewing_body": "akimat"}
                response = world.clients[who].post(spec.url.format(pk=obj.pk), data)
                after = model.objects.get(pk=obj.pk)
                unchanged = (after.version, after.status) == (before.version, before.status)
                if response.status_code not in (200, 403) or not unchanged:
                    changed.append(f"{name} [{who} @ {unit}]: {response.status_code}, {before.status} → {after.status}")
    assert not changed, "\n".join(changed)
