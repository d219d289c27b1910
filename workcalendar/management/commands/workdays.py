"""``manage.py workdays``: the calendar for scripts and operators (issue 3, fixed output formats).

    workdays is-working DATE                              -> yes | no
    workdays add DATE N                                   -> ISO date
    workdays deadline --received TS --working-days N      -> {"registered_on", "due", "explanation"}
    workdays deadline --from DATE --calendar-days N       -> {"due", "explanation"}
    workdays year YYYY [--no-weekends]                    -> one line per day off: DATE<TAB>reason

A bad argument prints one line on stderr and exits with code 2.
"""

import json
import sys
from datetime import date, datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from workcalendar import services
from workcalendar.rules import FIRST_DAY, LAST_DAY

USAGE_ERROR = 2


class OneLineParser(CommandParser):
    """argparse prints the usage and then the error; scripts want one line and exit code 2."""

    def error(self, message):
        if self.called_from_command_line:
            sys.stderr.write(f"{self.prog}: error: {message}\n")
            sys.exit(USAGE_ERROR)
        raise CommandError(f"Error: {message}", returncode=USAGE_ERROR)


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}", returncode=USAGE_ERROR) from None


def moment(value: str) -> datetime:
    """ISO 8601 timestamp; without a UTC offset it is read in the office's time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a timestamp (YYYY-MM-DDTHH:MM[:SS][+05:00]): {value!r}", returncode=2) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=services.office_zone(settings.TIME_ZONE))
    return parsed


def integer(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"not an integer: {value!r}", returncode=USAGE_ERROR) from None


class Command(BaseCommand):
    help = "Kazakhstan's working-day calendar: working days, deadlines with explanations, days off of a year."
    requires_system_checks = []  # a read-only lookup for scripts: start fast, whatever else is misconfigured

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser  # subparsers inherit the class (CommandParser.add_subparsers)
        return parser

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang", choices=["kk", "ru", "en"], help="language of explanations and reasons (default: LANGUAGE_CODE)"
        )
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{is-working,add,deadline,year}", parser_class=OneLineParser
        )

        is_working = actions.add_parser("is-working", help="prints yes or no")
        is_working.add_argument("date")

        add = actions.add_parser("add", help="prints the N-th working day after DATE (N may be negative)")
        add.add_argument("date")
        add.add_argument("n")

        term = actions.add_parser("deadline", help="prints the deadline and its explanation as JSON")
        start = term.add_mutually_exclusive_group(required=True)
        start.add_argument("--received", metavar="TS", help="moment of receipt, ISO 8601 (office time without offset)")
        start.add_argument("--from", dest="start", metavar="DATE", help="the event's date")
        length = term.add_mutually_exclusive_group(required=True)
        length.add_argument("--working-days", metavar="N")
        length.add_argument("--calendar-days", metavar="N")

        year = actions.add_parser("year", help="prints the days off of a year with their reasons")
        year.add_argument("year")
        year.add_argument("--no-weekends", action="store_true", help="leave out ordinary Saturdays and Sundays")

    def handle(self, *args, **options):
        with translation.override(options.get("lang") or settings.LANGUAGE_CODE):
            try:
                return getattr(self, "handle_" + options["action"].replace("-", "_"))(options)
            except (ValueError, TypeError) as error:
                raise CommandError(str(error).splitlines()[0], returncode=USAGE_ERROR) from None

    def handle_is_working(self, options):
        return "yes" if services.is_working_day(iso_date(options["date"])) else "no"

    def handle_add(self, options):
        return services.add_working_days(iso_date(options["date"]), integer(options["n"])).isoformat()

    def handle_deadline(self, options):
        if options["received"] is not None:
            if options["working_days"] is None:
                raise CommandError("--received goes with --working-days", returncode=USAGE_ERROR)
            result = services.deadline(moment(options["received"]), working_days=integer(options["working_days"]))
            body = {"registered_on": result.registered_on.isoformat(), "due": result.due.isoformat()}
        else:
            if options["calendar_days"] is None:
                raise CommandError("--from goes with --calendar-days", returncode=USAGE_ERROR)
            result = services.deadline_from(iso_date(options["start"]), calendar_days=integer(options["calendar_days"]))
            body = {"due": result.due.isoformat()}
        body["explanation"] = result.explanation
        return json.dumps(body, ensure_ascii=False)

    def handle_year(self, options):
        year = integer(options["year"])
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise CommandError(f"year must be within {FIRST_DAY.year}..{LAST_DAY.year}", returncode=USAGE_ERROR)
        days = services.days_off(date(year, 1, 1), date(year, 12, 31), include_weekends=not options["no_weekends"])
        return "\n".join(f"{info.date.isoformat()}\t{info.reason}" for info in days)
