"""The portal's ``calendar`` resources (API.md): deadlines and days, scope ``calendar:read``."""

import re
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from casework.api.problems import ApiProblem
from casework.api.views import PortalAPIView
from workcalendar import services
from workcalendar.rules import FIRST_DAY, LAST_DAY

MAX_DAYS_RANGE = 366  # one request lists at most a year of days
MAX_WORKING_DAYS = 1000
MAX_CALENDAR_DAYS = 3660

CALENDAR_SCOPE = ["calendar:read"]
# "2025-06-05T19:10:00 05:00": a "+" sent unencoded in a query string arrives as a space.
_UNENCODED_PLUS = re.compile(r"^(?P<moment>\d{4}-\d\d-\d\dT[\d:.]+) (?P<offset>\d\d:?\d\d)$")


class CalendarDateField(serializers.DateField):
    default_error_messages = {"out_of_range": _("The calendar covers 2000-01-01 to 2100-12-31 only.")}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not FIRST_DAY <= day <= LAST_DAY:
            self.fail("out_of_range")
        return day


class MomentField(serializers.DateTimeField):
    """An ISO 8601 timestamp with a UTC offset (API.md); a naive one is refused, not guessed."""

    default_error_messages = {
        "offset_required": _("Give the moment with its UTC offset, e.g. 2025-06-05T19:10:00+05:00."),
        "out_of_range": _("The calendar covers 2000-01-01 to 2100-12-31 only."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            match = _UNENCODED_PLUS.match(value.strip())
            if match:
                value = f"{match['moment']}+{match['offset']}"
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
            if parsed.tzinfo is None:
                self.fail("offset_required")
            if not FIRST_DAY <= parsed.date() <= LAST_DAY:
                self.fail("out_of_range")
            return parsed
        return super().to_internal_value(value)


class DeadlineQuery(serializers.Serializer):
    received_at = MomentField(required=False, help_text="Moment of receipt, ISO 8601 with offset.")
    working_days = serializers.IntegerField(required=False, min_value=0, max_value=MAX_WORKING_DAYS)
    from_ = CalendarDateField(required=False, help_text="The event's date.")
    calendar_days = serializers.IntegerField(required=False, min_value=0, max_value=MAX_CALENDAR_DAYS)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # "from" is a Python keyword
        return fields

    def validate(self, attrs):
        by_receipt = "received_at" in attrs or "working_days" in attrs
        by_date = "from" in attrs or "calendar_days" in attrs
        if by_receipt and by_date:
            raise serializers.ValidationError(
                _("Use either received_at with working_days, or from with calendar_days, not both."),
                code="ambiguous_query",
            )
        if not by_receipt and not by_date:
            raise serializers.ValidationError(
                _("Give received_at with working_days, or from with calendar_days."), code="required"
            )
        required = ("received_at", "working_days") if by_receipt else ("from", "calendar_days")
        missing = [name for name in required if name not in attrs]
        if missing:
            raise serializers.ValidationError(
                {name: [serializers.ErrorDetail(_("This parameter is required."), code="required")] for name in missing}
            )
        return attrs


class DaysQuery(serializers.Serializer):
    from_ = CalendarDateField()
    to = CalendarDateField()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        first, last = attrs["from"], attrs["to"]
        if last < first:
            raise serializers.ValidationError(
                {"to": [serializers.ErrorDetail(_("to is before from."), "invalid_range")]}
            )
        if last.toordinal() - first.toordinal() + 1 > MAX_DAYS_RANGE:
            raise serializers.ValidationError(
                {
                    "to": [
                        serializers.ErrorDetail(
                            _("At most %(max)d days per request; ask for the rest in another request.")
                            % {"max": MAX_DAYS_RANGE},
                            "range_too_long",
                        )
                    ]
                }
            )
        return attrs


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _explanations(result: services.Deadline) -> dict[str, str]:
    return {lang: result.explain(lang) for lang in services.LANGUAGES}


def _outside_calendar(name: str, error: services.CalendarRangeError) -> ApiProblem:
    return ApiProblem(
        400,
        "out_of_calendar_range",
        str(error),
        title=_("The result falls outside the working-day calendar"),
        invalid_params=[{"name": name, "code": "out_of_calendar_range", "reason": str(error)}],
    )


DeadlineOut = inline_serializer(
    "CalendarDeadline",
    {
        "registered_on": serializers.DateField(
            required=False, help_text="Registration date (only for received_at/working_days)."
        ),
        "due": serializers.DateField(),
        "explanation": serializers.CharField(help_text="How the deadline was counted, in the request's language."),
        "explanations": serializers.DictField(
            child=serializers.CharField(), help_text='The same explanation in "kk", "ru" and "en".'
        ),
    },
)
DayOut = inline_serializer(
    "CalendarDay",
    {
        "date": serializers.DateField(),
        "weekday": serializers.IntegerField(help_text="ISO weekday, 1 = Monday … 7 = Sunday."),
        "working": serializers.BooleanField(),
        "kind": serializers.ChoiceField(
            choices=[
                services.WORKING_DAY,
                services.WEEKEND,
                services.HOLIDAY,
                services.OBSERVED_HOLIDAY,
                services.TRANSFERRED_DAY_OFF,
                services.DECREE_WORKING_DAY,
                services.DECREE_DAY_OFF,
            ]
        ),
        "reason": serializers.CharField(help_text='Holiday name or decree; "" for an ordinary working day.'),
        "holidays": serializers.ListField(child=serializers.CharField()),
        "decree": inline_serializer(
            "CalendarDecree",
            {"number": serializers.CharField(), "date": serializers.DateField(allow_null=True)},
            allow_null=True,
        ),
    },
)


class CalendarDeadlineView(PortalAPIView):
    """A deadline and how it was counted (DOMAIN.md §2).

    Either ``received_at`` + ``working_days``: the registration date (the next working day when
    received after 18:30 office time or on a day off) and the N-th working day after it; or ``from`` +
    ``calendar_days``: N calendar days after the date, moved to the next working day if that is a day off.
    """

    required_scopes = CALENDAR_SCOPE

    @extend_schema(
        operation_id="calendar_deadline",
        parameters=[
            OpenApiParameter("received_at", datetime, description="Moment of receipt with offset (URL-encode '+')."),
            OpenApiParameter("working_days", int, description=f"0..{MAX_WORKING_DAYS}"),
            OpenApiParameter("from", date, description="The event's date (with calendar_days)."),
            OpenApiParameter("calendar_days", int, description=f"0..{MAX_CALENDAR_DAYS}"),
        ],
        responses={200: DeadlineOut},
    )
    def get(self, request):
        query = _query(DeadlineQuery, request)
        if "received_at" in query:
            try:
                result = services.deadline(query["received_at"], working_days=query["working_days"])
            except services.CalendarRangeError as error:
                raise _outside_calendar("working_days", error) from None
            body = {"registered_on": result.registered_on, "due": result.due}
        else:
            try:
                result = services.deadline_from(query["from"], calendar_days=query["calendar_days"])
            except services.CalendarRangeError as error:
                raise _outside_calendar("calendar_days", error) from None
            body = {"due": result.due}
        body["explanation"] = result.explanation
        body["explanations"] = _explanations(result)
        return Response(body)


class CalendarDaysView(PortalAPIView):
    """Each day of [from, to] (at most 366 days): working or not, and why (holiday, decree)."""

    required_scopes = CALENDAR_SCOPE

    @extend_schema(
        operation_id="calendar_days",
        parameters=[
            OpenApiParameter("from", date, required=True),
            OpenApiParameter("to", date, required=True, description=f"At most {MAX_DAYS_RANGE} days after from."),
        ],
        responses={
            200: inline_serializer(
                "CalendarDays",
                {
                    "from": serializers.DateField(),
                    "to": serializers.DateField(),
                    "working_days": serializers.IntegerField(),
                    "days": DayOut.__class__(many=True),
                },
            )
        },
    )
    def get(self, request):
        query = _query(DaysQuery, request)
        days = services.describe_days(query["from"], query["to"])
        return Response(
            {
                "from": query["from"],
                "to": query["to"],
                "working_days": sum(1 for info in days if info.working),
                "days": [
                    {
                        "date": info.date,
                        "weekday": info.date.isoweekday(),
                        "working": info.working,
                        "kind": info.kind,
                        "reason": info.reason,
                        "holidays": list(info.holidays),
                        "decree": (
                            {"number": info.decree_number, "date": info.decree_date}
                            if info.override and (info.decree_number or info.decree_date)
                            else None
                        ),
                    }
                    for info in days
                ],
            }
        )
