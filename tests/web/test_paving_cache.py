"""The public paving ranking is cached for a minute, and the cache follows the weights."""
from web import paving


def test_ranking_is_computed_once_per_minute_and_per_weights(monkeypatch, db):
    calls = []
    monkeypatch.setattr(paving, "_rank", lambda w, limit: calls.append((tuple(sorted(w.items())), limit)) or [])
    paving.paving_queue()
    paving.paving_queue()
    assert len(calls) == 1
    monkeypatch.setattr(paving, "weights", lambda: {"apartments": 1.0, "appeals": 0.0, "area": 0.0})
    paving.paving_queue()
    assert len(calls) == 2
