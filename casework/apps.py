from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    verbose_name = "Casework"
    name = "casework"
