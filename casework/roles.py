"""Clerk roles (Django groups) and the permissions each holds.

Groups are created by migration casework.0003; permissions are (re)granted after every
migrate (post_migrate), because each service app adds its own permissions when it lands.
Each app lists its grants in ROLE_PERMISSIONS through ``grant()`` in its AppConfig.ready().
"""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

REGISTRAR = "registrar"
OFFICER = "officer"
COMMISSION_SECRETARY = "commission_secretary"
HEAD = "head"
ADMINISTRATOR = "administrator"

ROLES = {
    REGISTRAR: _("Registrar: receives and registers applications, attaches documents"),
    OFFICER: _("Responsible officer: checks, prepares decisions, handles notices"),
    COMMISSION_SECRETARY: _("Commission secretary: records Commission protocols and scores"),
    HEAD: _("Head of the office: signs decisions, sees the dashboard"),
    ADMINISTRATOR: _("Administrator: users, calendar, quotas, catalogues, API clients (every unit)"),
}

# role -> {"app_label.codename", ...}
ROLE_PERMISSIONS: dict[str, set[str]] = defaultdict(set)


def grant(role: str, *permissions: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    ROLE_PERMISSIONS[role].update(permissions)


grant(
    ADMINISTRATOR,
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "casework.view_territorialunit",
    "casework.add_territorialunit",
    "casework.change_territorialunit",
    "casework.view_clerkprofile",
    "casework.add_clerkprofile",
    "casework.change_clerkprofile",
    # Regulation versions (casework.regulations): only the administrator adds an amendment.
    "casework.view_regulationversion",
    "casework.add_regulationversion",
    "casework.change_regulationversion",
    "casework.delete_regulationversion",
    # Portal API clients (README "Roles": the administrator manages them; casework.admin_api). Adding a client or
    # the "issue a new key" action (change) shows the key once; only its hash is stored. Revoked, never deleted.
    "casework.view_apiclient",
    "casework.add_apiclient",
    "casework.change_apiclient",
    "casework.view_webhooksubscription",
    "casework.add_webhooksubscription",
    "casework.change_webhooksubscription",
    # Evidence of what was sent and answered: read only (retrying outbox messages stays with superusers).
    "casework.view_outboxmessage",
    "casework.view_idempotencyrecord",
)
grant(HEAD, "casework.view_regulationversion")
for role in ROLES:
    grant(
        role,
        "casework.view_transitionlog",
        "casework.view_attachment",
        "casework.view_person",
        "casework.view_organisation",
    )
grant(
    REGISTRAR,
    "casework.add_attachment",
    "casework.add_person",
    "casework.change_person",
    "casework.add_organisation",
    "casework.change_organisation",
)
grant(OFFICER, "casework.add_attachment", "casework.change_person", "casework.change_organisation")


def sync_role_permissions(**kwargs) -> None:
    """Create the groups and give each exactly the permissions listed for it (those that exist yet)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role, set())
        perms = []
        for dotted in sorted(wanted):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                perms.append(perm)
        group.permissions.set(perms)
