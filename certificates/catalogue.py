"""The catalogue of in-demand professions (order No 236, annex 2), loaded from ``fixtures/professions.json``.

The fixture keeps the act's structure (sector → kind of activity → profession, or a group heading
with its positions); ``catalogue_rows()`` flattens it into catalogue entries with stable codes
"sector.activity.item[.position]" in the order of the list.
"""

import json
from pathlib import Path

from django.db import transaction

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "professions.json"


def catalogue_rows(path: Path = FIXTURE) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    shared = data.get("shared_items", {})
    rows: list[dict] = []
    for sector in data["sectors"]:
        for a_index, activity in enumerate(sector["activities"], start=1):
            base = {
                "sector_code": sector["no"],
                "sector_kk": sector["kk"],
                "sector_ru": sector["ru"],
                "activity_kk": activity["kk"],
                "activity_ru": activity["ru"],
            }
            for i_index, item in enumerate(activity["items"], start=1):
                if isinstance(item, str):
                    item = shared[item]
                prefix = f"{sector['no']}.{a_index}.{i_index}"
                if item.get("positions"):
                    for p_index, position in enumerate(item["positions"], start=1):
                        rows.append(
                            {
                                **base,
                                "code": f"{prefix}.{p_index}",
                                "group_kk": item["kk"],
                                "group_ru": item["ru"],
                                "name_kk": position["kk"],
                                "name_ru": position["ru"],
                            }
                        )
                else:
                    rows.append(
                        {
                            **base,
                            "code": prefix,
                            "group_kk": "",
                            "group_ru": "",
                            "name_kk": item["kk"],
                            "name_ru": item["ru"],
                        }
                    )
    for position, row in enumerate(rows, start=1):
        row["position"] = position
    return rows


def load_catalogue() -> int:
    """Create the entries the database lacks; an entry a clerk edited in the admin is left as edited.
    Idempotent. Returns how many entries were created."""
    from .models import Profession

    created = 0
    with transaction.atomic():
        existing = set(Profession.objects.values_list("code", flat=True))
        new = [Profession(**row) for row in catalogue_rows() if row["code"] not in existing]
        Profession.objects.bulk_create(new, ignore_conflicts=True)
        created = len(new)
    return created
