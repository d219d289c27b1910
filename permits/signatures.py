"""Electronic digital signatures (EDS) on portal applications: 001 §13 — a portal extension is certified
with the EDS of the labour immigrant and of the employer; 004 annex 2 row 8.1.b(1), 8.2.b(1) — the same for
a portal issue; 000 §9 — a foreign-labour permit request through the portal is certified with the employer's own
EDS, whose certificate's IIN/BIN must be the applicant's (``verify_applicant_signature``).

Verification is pluggable: ``settings.PERMITS_SIGNATURE_VERIFIER`` names a class with
``verify(digest: str, signature: bytes, signer_iin: str) -> bool``. The real one (the national PKI, NCA RK
KalkanCrypt / NCALayer) is not part of this repository.

``HmacTestDoubleVerifier`` is a TEST DOUBLE, not a signature scheme: a "signature" is
HMAC-SHA256(key="test-eds:" + IIN, digest). Anyone can compute it. It is the default only when
``DEBUG`` is on or in tests (which set the setting explicitly); otherwise the default is
``NotConfiguredVerifier``, which refuses every signature (``signature_unverifiable``), so a production
deployment without a real verifier never accepts a forged co-signature.

What is signed: ``application_digest(body)`` — SHA-256 of the request body in canonical JSON (sorted keys,
no whitespace) without its ``signatures`` member.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from . import rules

IMMIGRANT = "immigrant"
EMPLOYER = "employer"
SIGNERS = (IMMIGRANT, EMPLOYER)


def application_digest(body: dict) -> str:
    payload = {k: v for k, v in body.items() if k != "signatures"}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NotConfiguredVerifier:
    name = "not-configured"
    configured = False

    def verify(self, digest: str, signature: bytes, signer_iin: str) -> bool:
        return False


class HmacTestDoubleVerifier:
    """TEST DOUBLE (see the module docstring). ``sign`` is what a test (or the demo) uses to make a signature."""

    name = "hmac-test-double"
    configured = True

    @staticmethod
    def sign(digest: str, signer_iin: str) -> str:
        mac = hmac.new(f"test-eds:{signer_iin}".encode(), digest.encode(), hashlib.sha256).digest()
        return base64.b64encode(mac).decode("ascii")

    def verify(self, digest: str, signature: bytes, signer_iin: str) -> bool:
        expected = base64.b64decode(self.sign(digest, signer_iin))
        return hmac.compare_digest(expected, signature)


def get_verifier():
    path = getattr(settings, "PERMITS_SIGNATURE_VERIFIER", None)
    if path:
        return import_string(path)()
    return HmacTestDoubleVerifier() if settings.DEBUG else NotConfiguredVerifier()


def verify_signatures(body: dict, signatures: list[dict], *, immigrant_iin: str, employer_iin: str) -> list[dict]:
    """Check that both the immigrant and the employer signed ``body``; return what is stored on the case.

    ``signatures``: [{"signer": "immigrant" | "employer", "iin": "...", "signature_base64": "..."}].
    The immigrant may have no IIN yet (a foreigner): then the signature is bound to the passport number.
    """
    verifier = get_verifier()
    digest = application_digest(body)
    expected = {IMMIGRANT: immigrant_iin, EMPLOYER: employer_iin}
    by_signer = {s.get("signer"): s for s in signatures or []}
    stored = []
    for signer in SIGNERS:
        item = by_signer.get(signer)
        if item is None:
            raise rules.violation(
                rules.SIGNATURE_MISSING,
                _(
                    "A portal application is signed with the EDS of both the labour immigrant and the employer "
                    "(001 §13; 004 annex 2 row 8): the %(who)s's signature is missing."
                )
                % {"who": signer},
                f"signatures.{signer}",
            )
        if not verifier.configured:
            raise rules.violation(
                rules.SIGNATURE_UNVERIFIABLE,
                _("Electronic signatures cannot be verified now (no verifier configured)."),
                f"signatures.{signer}",
            )
        try:
            raw = base64.b64decode(item.get("signature_base64") or "", validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        who = expected[signer]
        if (item.get("iin") or who) != who or not raw or not verifier.verify(digest, raw, who):
            raise rules.violation(
                rules.SIGNATURE_INVALID,
                _("The %(who)s's electronic signature does not verify for this application.") % {"who": signer},
                f"signatures.{signer}",
            )
        stored.append({"signer": signer, "iin": who, "digest": digest, "verifier": verifier.name, "verified": True})
    return stored


def verify_applicant_signature(
    body: dict, signature: dict | None, *, applicant_id: str, field: str = "signature"
) -> dict:
    """000 §9(5)–(7): a portal request is certified with the applicant's own EDS. Checks that a signature is
    there, that the IIN/BIN of its certificate is the applicant's (condition 2: "the IIN/BIN in the request and
    in the EDS registration certificate match") and that it verifies over ``application_digest(body)``; returns
    what is stored on the case. The signer named in ``signature["signer_id"]`` is the certificate's IIN/BIN as
    the gateway reports it; the cryptographic check is the configured verifier's (a TEST DOUBLE in tests).

    ``signature``: {"signer_id": "<IIN/BIN>", "signature_base64": "...", "certificate_serial": "..." (optional)}.
    Codes: ``signature_missing``, ``signature_unverifiable``, ``signer_not_applicant``, ``signature_invalid``.
    """
    from .foreign_labour import rules as flp_rules

    if not signature or not signature.get("signature_base64"):
        raise rules.violation(
            flp_rules.SIGNATURE_MISSING,
            _("A request through the portal is certified with the applicant's EDS (000 §9)."),
            field,
        )
    verifier = get_verifier()
    if not verifier.configured:
        raise rules.violation(
            flp_rules.SIGNATURE_UNVERIFIABLE,
            _("Electronic signatures cannot be verified now (no verifier configured)."),
            field,
        )
    signer = (signature.get("signer_id") or "").strip()
    if signer != applicant_id:
        raise rules.violation(
            flp_rules.SIGNER_NOT_APPLICANT,
            _("The request is signed with the EDS of %(s)s, not of the applicant %(a)s (000 §9).")
            % {"s": signer or "—", "a": applicant_id},
            f"{field}.signer_id",
        )
    try:
        raw = base64.b64decode(signature.get("signature_base64") or "", validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    digest = application_digest(body)
    if not raw or not verifier.verify(digest, raw, signer):
        raise rules.violation(
            flp_rules.SIGNATURE_INVALID,
            _("The electronic signature does not verify for this request (000 §9)."),
            field,
        )
    return {
        "signer_id": signer,
        "digest": digest,
        "verifier": verifier.name,
        "certificate_serial": signature.get("certificate_serial") or "",
        "verified": True,
    }
