"""Who does something to a case: a clerk, an API client (the portal, the State Corporation, the
police liaison), the applicant through the public form, or a scheduled job."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # a staff User
    api_client: Any = None  # casework.models.ApiClient
    system: str = ""  # "job:expire_certificates", "public form"

    @classmethod
    def clerk(cls, user) -> "Actor":
        return cls(user=user)

    @classmethod
    def client(cls, api_client) -> "Actor":
        return cls(api_client=api_client)

    @classmethod
    def job(cls, name: str) -> "Actor":
        return cls(system=f"job:{name}")

    @classmethod
    def applicant(cls) -> "Actor":
        return cls(system="applicant (public form)")

    @property
    def is_clerk(self) -> bool:
        return self.user is not None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.api_client is not None:
            return f"api:{self.api_client.name}"
        return self.system or "system"
