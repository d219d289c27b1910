"""Models of this service arrive with its issue."""
