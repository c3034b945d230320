"""Indonesia's three time zones, and the agency's: times are shown as people there read
them (``31-01-2022 10.04 WITA``), never with the computer's zone name (Windows says
"SE Asia Standard Time", Linux "UTC" or "+07").

The agency's zone: the master's ``instansi.zona_waktu`` (WIB, WITA or WIT); else the
province its ``kota`` names (``Provinsi Bali``, or a city or regency named after its
province, such as ``Kota Jambi``); else the computer's UTC offset, named WIB (+7), WITA
(+8) or WIT (+9) when it is one of those, else written as the offset itself.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum


class ZoneName(StrEnum):
    WIB = "WIB"  # Waktu Indonesia Barat, UTC+7
    WITA = "WITA"  # Waktu Indonesia Tengah, UTC+8
    WIT = "WIT"  # Waktu Indonesia Timur, UTC+9


HOURS = {ZoneName.WIB: 7, ZoneName.WITA: 8, ZoneName.WIT: 9}

_WIB = ("aceh", "sumatera utara", "sumatera barat", "riau", "kepulauan riau", "jambi",
        "sumatera selatan", "kepulauan bangka belitung", "bangka belitung", "bengkulu",
        "lampung", "dki jakarta", "jakarta", "jawa barat", "banten", "jawa tengah",
        "di yogyakarta", "daerah istimewa yogyakarta", "yogyakarta", "jawa timur",
        "kalimantan barat", "kalimantan tengah")
_WITA = ("bali", "nusa tenggara barat", "nusa tenggara timur", "kalimantan selatan",
         "kalimantan timur", "kalimantan utara", "sulawesi utara", "gorontalo",
         "sulawesi tengah", "sulawesi barat", "sulawesi selatan", "sulawesi tenggara")
_WIT = ("maluku", "maluku utara", "papua", "papua barat", "papua barat daya",
        "papua selatan", "papua tengah", "papua pegunungan")
#: the 38 provinces (and the usual short forms), lower case, by zone
PROVINCES: dict[str, ZoneName] = {
    **dict.fromkeys(_WIB, ZoneName.WIB), **dict.fromkeys(_WITA, ZoneName.WITA),
    **dict.fromkeys(_WIT, ZoneName.WIT)}

_PREFIX = re.compile(r"^(provinsi|prov\.?|kota|kabupaten|kab\.?)\s+")


def zone_of_province(region: str) -> ZoneName | None:
    """The zone of the province ``region`` names (``Provinsi Lampung``, ``Kota Jambi``)."""
    name = " ".join(region.casefold().replace(".", ". ").split())
    name = _PREFIX.sub("", name).strip()
    return PROVINCES.get(name)


def fixed(name: ZoneName) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=HOURS[name]), name.value)


def machine_zone(now: dt.datetime | None = None) -> dt.timezone:
    """The computer's current UTC offset, named WIB/WITA/WIT when it is one of them."""
    offset = (now or dt.datetime.now()).astimezone().utcoffset() or dt.timedelta(0)
    for name, hours in HOURS.items():
        if offset == dt.timedelta(hours=hours):
            return fixed(name)
    if not offset:
        return dt.timezone(offset, "UTC")
    sign = "+" if offset > dt.timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return dt.timezone(offset, f"UTC{sign}{minutes // 60:02d}.{minutes % 60:02d}")


def agency_zone(setting: ZoneName | None, region: str) -> dt.timezone:
    """The agency's zone: its setting, else its province, else the computer's."""
    name = setting or zone_of_province(region)
    return fixed(name) if name else machine_zone()


def local_time_text(when: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """``2022-01-31 02:04 UTC`` → ``31-01-2022 09.04 WIB`` (``zone``: the agency's; None:
    the computer's). A time without a zone is taken as the computer's local time."""
    zone = zone or machine_zone(when if when.tzinfo else None)
    local = when.astimezone(zone)
    return local.strftime("%d-%m-%Y %H.%M ") + (local.tzname() or "")
