"""Tile cache: an in-process LRU in front of an on-disk store, both dropped exactly where the
change log says a feature changed.

Every lookup first reads the change log (one indexed query that returns nothing most of the
time), so a tile edited a moment ago is never served from either tier. Tiles are kept
gzipped; the ETag is a hash of those bytes.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from isal import igzip

from layers.registry import registry
from tiles import grid
from tiles.changes import Change, ChangeReader, changed_since
from tiles.sources import BASEMAP, source_layers

# A process that has not read the change log for this long may have missed pruned rows:
# it starts again with an empty memory. `qala tiles prune` keeps a week by default.
IDLE_RESTART_S = 24 * 3600
BULK = 500  # more changes than this to one table in one read: drop their common extent
SCAN_ABOVE = 64  # a tile range larger than this is matched against the cached keys instead


@dataclass(frozen=True)
class Tile:
    gz: bytes  # gzip of the MVT, or b"" for an empty tile
    etag: str
    source: str = "miss"  # memory, disk or miss

    @property
    def data(self) -> bytes:
        return igzip.decompress(self.gz) if self.gz else b""


def pack(data: bytes) -> tuple[bytes, str]:
    # igzip (ISA-L) at level 1: ~1-3 ms for a 360 KB tile where zlib level 6 took ~70 ms
    gz = igzip.compress(data, compresslevel=1, mtime=0) if data else b""
    return gz, pack_etag(gz)


def sources_of(table: str) -> list[str]:
    names = [layer.id for layer in registry if layer.table == table]
    if any(registry.get(b).table == table for b in BASEMAP):
        names.append("basemap")
    return names


class TileCache:
    def __init__(self, directory: Path | None, memory_bytes: int):
        self.directory = directory
        self.memory_bytes = memory_bytes
        self.used = 0
        self.generation = 0  # bumped by every invalidation; a render older than it is not stored
        self.lru: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()  # key -> (gzip, etag)
        self.lock = threading.RLock()
        self.reader = ChangeReader()
        self.last_sync = 0.0
        self.cursor_file = directory / "cursor" if directory else None

    # change log ---------------------------------------------------------------
    def sync(self) -> int:
        """Apply every change committed since the last call; returns how many were read."""
        with self.lock:
            now = time.monotonic()
            if self.reader.snapshot is not None and now - self.last_sync > IDLE_RESTART_S:
                self.lru.clear()
                self.used = 0
                self.reader.start()
            self.last_sync = now
            if self.reader.snapshot is None:
                self._start()
            changes = self.reader.read()
            if changes:
                self.generation += 1
                self.invalidate(changes)
                self._save_cursor()
            return len(changes)

    def _start(self) -> None:
        saved = {}
        if self.cursor_file and self.cursor_file.exists():
            saved = json.loads(self.cursor_file.read_text())
        if not saved.get("snapshot") and self.directory and self.directory.exists():
            # tiles on disk but no record of what they have seen (or an older record's format)
            shutil.rmtree(self.directory)
        self.reader.start(saved.get("snapshot"), saved.get("own"))
        self._save_cursor()

    def _save_cursor(self) -> None:
        if self.cursor_file:
            self.cursor_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cursor_file.with_suffix(f".{os.getpid()}")
            tmp.write_text(json.dumps({"snapshot": self.reader.snapshot, "own": self.reader.own}))
            tmp.replace(self.cursor_file)

    def invalidate(self, changes: list[Change]) -> None:
        by_table: dict[str, list] = {}
        for ch in changes:
            by_table.setdefault(ch.table, []).append(ch.box)
        for table, boxes in by_table.items():
            if None in boxes:
                boxes = [None]
            elif len(boxes) > BULK:
                boxes = [(min(b[0] for b in boxes), min(b[1] for b in boxes),
                          max(b[2] for b in boxes), max(b[3] for b in boxes))]
            for source in sources_of(table):
                for box in boxes:
                    self.drop(source, box)
            if table == registry.get("appeals").table:
                from tiles import density  # rasterio loads only where rasters are used

                density.drop_all()

    def drop(self, source: str, box: tuple | None) -> None:
        """Forget every cached tile of source whose buffered envelope meets box (None: all)."""
        for z in range(grid.max_zoom() + 1):
            rng = None if box is None else grid.tile_range(z, box)
            count = None if rng is None else (rng[2] - rng[0] + 1) * (rng[3] - rng[1] + 1)
            if rng is not None and count <= SCAN_ABOVE:
                for x in range(rng[0], rng[2] + 1):
                    for y in range(rng[1], rng[3] + 1):
                        self._forget((source, z, x, y))
            else:
                for key in [k for k in self.lru if k[0] == source and k[1] == z and inside(k, rng)]:
                    self._forget(key)
            if self.directory and (rng is None or count > SCAN_ABOVE):
                self._drop_disk(source, z, rng)

    def _forget(self, key: tuple) -> None:
        entry = self.lru.pop(key, None)
        if entry is not None:
            self.used -= len(entry[0])
        if self.directory:
            try:
                self.path(key).unlink()
            except FileNotFoundError:
                pass

    def _drop_disk(self, source: str, z: int, rng) -> None:
        zdir = self.directory / source / str(z)
        if not zdir.is_dir():
            return
        for xdir in zdir.iterdir():
            if rng is None or rng[0] <= int(xdir.name) <= rng[2]:
                for f in xdir.iterdir():
                    y = int(f.name.split(".")[0])
                    if rng is None or rng[1] <= y <= rng[3]:
                        f.unlink(missing_ok=True)

    # tiles ----------------------------------------------------------------------
    def path(self, key: tuple) -> Path:
        source, z, x, y = key
        return self.directory / source / str(z) / str(x) / f"{y}.mvt.gz"

    def get(self, key: tuple) -> Tile | None:
        with self.lock:
            entry = self.lru.get(key)
            if entry is not None:
                self.lru.move_to_end(key)
                return Tile(*entry, "memory")
        if self.directory:
            try:
                raw = self.path(key).read_bytes()
            except FileNotFoundError:
                return None
            snapshot, _, gz = raw.partition(b"\n")
            if self.disk_stale(key, snapshot.decode()):
                self.path(key).unlink(missing_ok=True)
                return None
            etag = pack_etag(gz)
            with self.lock:
                self._remember(key, gz, etag)
            return Tile(gz, etag, "disk")
        return None

    def disk_stale(self, key: tuple, snapshot: str) -> bool:
        """A disk tile may come from another process's render that an edit overtook."""
        source, z, x, y = key
        x0, y0, x1, y1 = grid.bounds(z, x, y)
        pad = (x1 - x0) * grid.BUFFER / grid.EXTENT
        tables = [layer.table for layer in source_layers(source)]
        return changed_since(snapshot, tables, (x0 - pad, y0 - pad, x1 + pad, y1 + pad))

    def put(self, key: tuple, gz: bytes, generation: int | None = None, snapshot: str = "") -> None:
        """Store a tile unless an invalidation ran since its render began (it may predate it)."""
        with self.lock:
            if generation is not None and generation != self.generation:
                return
            self._remember(key, gz, pack_etag(gz))
            if self.directory:
                p = self.path(key)
                p.parent.mkdir(parents=True, exist_ok=True)
                tmp = p.with_suffix(f".{os.getpid()}.{threading.get_ident()}")
                tmp.write_bytes(snapshot.encode() + b"\n" + gz)
                tmp.replace(p)

    def _remember(self, key: tuple, gz: bytes, etag: str) -> None:
        old = self.lru.pop(key, None)
        if old is not None:
            self.used -= len(old[0])
        self.lru[key] = (gz, etag)
        self.used += len(gz)
        while self.used > self.memory_bytes and self.lru:
            _, evicted = self.lru.popitem(last=False)
            self.used -= len(evicted[0])


def prune_disk(directory: Path, days: float) -> int:
    """Delete disk tiles written more than days ago; returns how many."""
    cutoff = time.time() - days * 86400
    n = 0
    for f in directory.glob("*/*/*/*.mvt.gz"):
        if f.stat().st_mtime < cutoff:
            f.unlink(missing_ok=True)
            n += 1
    return n


def pack_etag(gz: bytes) -> str:
    return '"' + hashlib.blake2b(gz, digest_size=10).hexdigest() + '"'


def inside(key: tuple, rng) -> bool:
    if rng is None:
        return True
    return rng[0] <= key[2] <= rng[2] and rng[1] <= key[3] <= rng[3]


_cache: TileCache | None = None
_cache_config: tuple | None = None


def cache_root() -> Path:
    """The disk cache of the database served: a test run or a benchmark on another database
    must never leave its tiles where the city's server reads them."""
    return Path(settings.QALA_TILES["cache_dir"]) / connection.settings_dict["NAME"]


def get_cache() -> TileCache:
    """The process's cache, rebuilt when the tile settings change (tests point it elsewhere)."""
    global _cache, _cache_config
    conf = settings.QALA_TILES
    key = (str(cache_root()), conf["disk_cache"], conf["memory_mb"])
    if _cache is None or _cache_config != key:
        directory = cache_root() if conf["disk_cache"] else None
        _cache, _cache_config = TileCache(directory, conf["memory_mb"] * 1024 * 1024), key
    return _cache


def reset() -> None:
    global _cache
    _cache = None
