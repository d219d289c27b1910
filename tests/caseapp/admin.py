from django.contrib import admin

from casework.admin import CaseAdmin

from .models import DemoCase

admin.site.register(DemoCase, CaseAdmin)
