"""The portal's contract for the job-seeker services: POST job-seeker-registrations and unemployed-registrations."""
