import json

from django.core.management.base import BaseCommand, CommandError

from gis.errors import QalaError
from gis.hotspots.processes import PROCESSES


class Command(BaseCommand):
    help = ("Hot spots (Getis-Ord Gi*) of appeals on a square grid, or emerging hot spots over quarters, "
            "written as GeoJSON (EPSG:4326).")

    def add_arguments(self, parser):
        parser.add_argument("--start", help="First day (YYYY-MM-DD); not for --emerging")
        parser.add_argument("--end", required=True, help="Day after the period (YYYY-MM-DD)")
        parser.add_argument("--emerging", action="store_true", help="Emerging hot spots over --slices quarters")
        parser.add_argument("--slices", type=int, default=12)
        parser.add_argument("--category")
        parser.add_argument("--incident-type")
        parser.add_argument("--district", help="District code")
        parser.add_argument("--cell", type=float, default=250.0, help="Cell size in metres")
        parser.add_argument("--band", type=float, help="Distance band in metres (default 1.5 cells)")
        parser.add_argument("--k", type=int, help="k nearest neighbours instead of a band")
        parser.add_argument("--cells", default="extent", choices=["extent", "occupied"],
                            help="Every cell of the extent, or only cells with appeals (not for --emerging)")
        parser.add_argument("--no-fdr", action="store_true")
        parser.add_argument("--permutations", type=int, default=0)
        parser.add_argument("--out", required=True, help="GeoJSON file")

    def handle(self, **o):
        data = {"end": o["end"], "category": o["category"], "incident_type": o["incident_type"],
                "district": o["district"], "cell_size": o["cell"], "distance_band": o["band"], "k": o["k"],
                "fdr": not o["no_fdr"]}
        if o["emerging"]:
            pid, data["slices"] = "emerging-hotspots", o["slices"]
        else:
            pid, data["start"], data["permutations"] = "hotspots", o["start"], o["permutations"]
            data["cells"] = o["cells"]
        try:
            _, doc = PROCESSES[pid]().execute(data)
        except QalaError as exc:
            raise CommandError(exc.message) from exc
        with open(o["out"], "w", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False)
        feats = doc["features"]
        key = "category" if o["emerging"] else "bin"
        summary = {}
        for feat in feats:
            summary[feat["properties"][key]] = summary.get(feat["properties"][key], 0) + 1
        self.stdout.write(f"{len(feats)} cells written to {o['out']}: {summary}")
