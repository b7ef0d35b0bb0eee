"""How butyrsky_buildings.osm was cut from ../shared/data/osm-moscow-butyrsky (kept for the record).

Takes the first N building ways that have a Cyrillic addr:street, the nodes they use,
and writes them as OSM XML unchanged (tags, ids, metadata as in the source).
Run: python cut_osm.py SOURCE.osm.gz OUT.osm [N]
"""
import gzip
import sys
import xml.etree.ElementTree as ET


def cut(source: str, out: str, n: int = 30) -> None:
    root = ET.parse(gzip.open(source)).getroot()
    nodes = {el.get("id"): el for el in root.iter("node")}
    ways = []
    for way in root.iter("way"):
        tags = {t.get("k"): t.get("v") for t in way.iter("tag")}
        if "building" in tags and "addr:street" in tags and "addr:housenumber" in tags:
            ways.append(way)
        if len(ways) == n:
            break
    used = {nd.get("ref") for way in ways for nd in way.iter("nd")}
    new = ET.Element("osm", version="0.6", generator="qala cut_osm.py",
                     copyright="OpenStreetMap and contributors",
                     license="http://opendatacommons.org/licenses/odbl/1-0/")
    for node_id in sorted(used, key=int):
        new.append(nodes[node_id])
    for way in ways:
        new.append(way)
    ET.indent(new)
    ET.ElementTree(new).write(out, encoding="UTF-8", xml_declaration=True)


if __name__ == "__main__":
    cut(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 30)
