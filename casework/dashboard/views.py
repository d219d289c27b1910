from django.http import HttpResponse


def dashboard(request):
    return HttpResponse("")


export_csv = export_xlsx = dashboard
