"""Serving a tile, framework-neutral: check, read the change log, cache, render.

The view, `qala tiles seed` and the tests all call get_tile.
"""
from __future__ import annotations

from tiles import grid
from tiles.cache import Tile, get_cache, pack
from tiles.sources import render, source_layers


def get_tile(source: str, z: int, x: int, y: int) -> Tile:
    source_layers(source)  # unknown source: UnknownLayer (404) before any work
    grid.check(z, x, y)
    cache = get_cache()
    cache.sync()
    generation = cache.generation
    key = (source, z, x, y)
    hit = cache.get(key)
    if hit is not None:
        return hit
    data, snapshot = render(source, z, x, y)
    gz, etag = pack(data)
    cache.put(key, gz, generation, snapshot)
    return Tile(gz, etag, "miss")
