"""The demo city speaks the catalog's language: every category and incident type it generates
is one the catalog defines, under the same category (else routing and analyses miss them)."""
import csv
from pathlib import Path

from data import vocab

CATALOG = Path(__file__).resolve().parents[2] / "layers" / "catalog.csv"


def test_every_generated_code_is_in_the_catalog_under_its_category():
    rows = list(csv.DictReader(CATALOG.open(encoding="utf-8")))
    categories = {r["code"] for r in rows if not r["category"]}
    parent = {r["code"]: r["category"] for r in rows if r["category"]}
    for category, (_, types) in vocab.CATEGORIES.items():
        assert category in categories, category
        for code in types:
            assert parent.get(code) == category, f"{code} is not a {category} incident type in the catalog"
            assert code in vocab.DESCRIPTIONS
