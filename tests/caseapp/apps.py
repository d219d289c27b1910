from django.apps import AppConfig


class CaseappConfig(AppConfig):
    """A minimal concrete case used to test what casework gives every service."""

    name = "tests.caseapp"
    label = "caseapp"
