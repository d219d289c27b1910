from django.shortcuts import render


def home(request):
    """The public start page: which services the office gives and where to file."""
    return render(request, "public/home.html")
