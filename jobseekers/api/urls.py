from django.urls import path

from . import views

urlpatterns = [
    path("job-seeker-registrations/", views.JobSeekerRegistrationCreate.as_view(), name="job-seeker-registrations"),
    path("unemployed-registrations/", views.UnemployedRegistrationCreate.as_view(), name="unemployed-registrations"),
]
