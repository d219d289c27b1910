"""``manage.py workdays``: the fixed output formats, and one-line errors with exit code 2."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def workdays(*args) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


def test_is_working_prints_yes_or_no():
    assert workdays("is-working", "2024-05-04") == "yes"
    assert workdays("is-working", "2024-05-08") == "no"


def test_add_prints_the_iso_date():
    assert workdays("add", "2025-06-05", "5") == "2025-06-13"
    assert workdays("add", "2025-01-06", "-1") == "2025-01-05"


def test_deadline_from_receipt_prints_json():
    body = json.loads(
        workdays("--lang", "en", "deadline", "--received", "2025-06-05T19:10+05:00", "--working-days", "5")
    )
    assert body == {
        "registered_on": "2025-06-09",
        "due": "2025-06-16",
        "explanation": (
            "5 working days from 09.06.2025 (received 05.06.2025 19:10, after office hours; 06.06 Kurban Ait)"
        ),
    }


def test_deadline_received_without_offset_is_office_time():
    body = json.loads(workdays("deadline", "--received", "2025-06-05T18:29", "--working-days", "1"))
    assert (body["registered_on"], body["due"]) == ("2025-06-05", "2025-06-09")


def test_deadline_in_calendar_days_prints_json():
    body = json.loads(workdays("--lang", "en", "deadline", "--from", "2026-03-12", "--calendar-days", "10"))
    assert set(body) == {"due", "explanation"}
    assert body["due"] == "2026-03-26"


def test_year_lists_days_off_with_reasons():
    lines = workdays("--lang", "ru", "year", "2025", "--no-weekends").splitlines()
    assert lines[0] == "2025-01-01\tНовый год"
    assert "2025-06-06\tКурбан айт" in lines
    assert not any(line.startswith("2025-01-05") for line in lines)  # the working Sunday is not a day off
    everything = workdays("year", "2025").splitlines()
    assert len(everything) > len(lines) > 10
    assert all("\t" in line and line.split("\t")[1] for line in everything)


@pytest.mark.parametrize(
    "args",
    [
        ("is-working", "2025-13-01"),
        ("add", "2025-01-01", "x"),
        ("add", "2100-12-30", "5"),
        ("year", "1999"),
        ("deadline", "--received", "yesterday", "--working-days", "1"),
        ("deadline", "--received", "2025-06-05T10:00", "--calendar-days", "1"),
    ],
)
def test_bad_arguments_raise_a_command_error_with_code_2(args):
    with pytest.raises(CommandError) as error:
        workdays(*args)
    assert error.value.returncode == 2


# One interpreter runs every command line through manage.py's own entry point (run_from_argv), so
# argparse behaves exactly as in a shell; each case's exit code, stdout and stderr are collected.
COMMAND_LINES = [
    ["frobnicate"],  # argparse: unknown action
    ["add", "2025-01-01"],  # argparse: missing N
    ["deadline", "--from", "2025-01-01"],  # argparse: missing --calendar-days
    ["add", "2025-02-30", "1"],  # ours: not a date
    ["add", "2025-01-01", "many"],  # ours: not an integer
]
RUNNER = """
import contextlib, io, json, sys
import django
django.setup()
from django.core.management import ManagementUtility
results = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ManagementUtility(["manage.py", "workdays", *args]).execute()
        except SystemExit as exit:
            code = exit.code
    results.append({"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
"""


def test_command_line_errors_are_one_line_on_stderr_with_exit_code_2():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONDONTWRITEBYTECODE": "1"}
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(COMMAND_LINES)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    results = json.loads(completed.stdout.strip().splitlines()[-1])
    for args, result in zip(COMMAND_LINES, results, strict=True):
        assert result["code"] == 2, (args, result)
        assert result["stdout"] == "", (args, result)
        assert len(result["stderr"].strip().splitlines()) == 1, (args, result)
