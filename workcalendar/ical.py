"""RFC 5545 rendering of the days off, for clerks' calendar subscriptions (/calendar/days-off.ics)."""

from collections.abc import Iterable
from datetime import date, datetime

from .services import DayInfo

PRODID = "-//Permit office//Working-day calendar//EN"


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Content lines longer than 75 octets are folded with CRLF + space (§3.1), never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with one space
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar_text(days: Iterable[DayInfo], *, host: str, stamp: datetime, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Almaty",
    ]
    dtstamp = stamp.strftime("%Y%m%dT%H%M%SZ")
    for info in days:
        end = date.fromordinal(info.date.toordinal() + 1)  # DTEND of an all-day event is exclusive
        lines += [
            "BEGIN:VEVENT",
            f"UID:{info.date:%Y%m%d}-{'working' if info.working else 'off'}@{host}",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{info.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            f"SUMMARY:{escape_text(info.reason)}",
            f"CATEGORIES:{'WORKING-DAY' if info.working else 'DAY-OFF'}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
