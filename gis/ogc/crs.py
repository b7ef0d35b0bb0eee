"""The coordinate reference systems the OGC API serves (Features Part 2).

Geometry is stored in EPSG:4326 and transformed in SQL (ST_Transform). The
EPSG:4326 URI means latitude first, so its coordinates are flipped on the way
out and a bbox given in it is read as lat,lon; CRS84 is lon,lat.
"""
from __future__ import annotations

from dataclasses import dataclass

from gis import config
from gis.ogc.errors import UnsupportedCrs


@dataclass(frozen=True)
class Crs:
    uri: str
    srid: int
    lat_first: bool = False
    decimals: int = 7  # ~1 cm in degrees; projected CRSs use centimetres too


CRS84 = Crs("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326)
EPSG4326 = Crs("http://www.opengis.net/def/crs/EPSG/0/4326", 4326, lat_first=True)
WEB_MERCATOR = Crs("http://www.opengis.net/def/crs/EPSG/0/3857", 3857, decimals=2)


def _supported() -> dict[str, Crs]:
    crss = [CRS84, EPSG4326, WEB_MERCATOR]
    metric = config.CITY_METRIC_SRID
    if metric not in (4326, 3857):
        crss.append(Crs(f"http://www.opengis.net/def/crs/EPSG/0/{metric}", metric, decimals=2))
    return {c.uri: c for c in crss}


SUPPORTED = _supported()
# Short spellings clients send; the canonical URI is what responses name.
ALIASES = {"CRS84": CRS84.uri, "OGC:CRS84": CRS84.uri, "[OGC:CRS84]": CRS84.uri}
for _c in list(SUPPORTED.values()):
    if _c is not CRS84:
        ALIASES[f"EPSG:{_c.srid}"] = _c.uri
        ALIASES[f"[EPSG:{_c.srid}]"] = _c.uri
        ALIASES[f"http://www.opengis.net/def/crs/EPSG/0/{_c.srid}".replace("http://", "https://")] = _c.uri


def parse(value: str | None, parameter: str = "crs") -> Crs:
    """A CRS URI (or a short EPSG:n / CRS84) → Crs; unknown ones are refused, naming the known."""
    if value is None or value == "":
        return CRS84
    uri = ALIASES.get(value.strip(), value.strip())
    try:
        return SUPPORTED[uri]
    except KeyError:
        raise UnsupportedCrs(
            f"{parameter}: unsupported CRS {value!r}; supported: {', '.join(SUPPORTED)}", parameter=parameter,
        ) from None


def uris() -> list[str]:
    return list(SUPPORTED)
