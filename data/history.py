"""The history of each demo appeal: the transitions that led to its status, in order, all before
the reference date (action and state codes of gis.workflow.states)."""
from __future__ import annotations

import json

import numpy as np

from data.appeals import REFERENCE

MIN, HOUR = 60, 3600
FAST = [0, 2 * MIN, 5 * MIN, HOUR]  # register, accept, incident, route
OPEN_PATH = {  # status -> transitions (action, from, to) after register
    "registered": [],
    "accepted": [("accept", "registered", "accepted")],
    "routed": [("accept", "registered", "accepted"), ("incident", "accepted", "incident"),
               ("route", "incident", "routed")],
}
OPEN_PATH["answered"] = OPEN_PATH["routed"] + [("answer", "routed", "answered")]
OPEN_PATH["deferred"] = OPEN_PATH["routed"] + [("defer", "routed", "deferred")]
OPEN_PATH["resolved"] = OPEN_PATH["accepted"] + [("resolve", "accepted", "resolved")]
OPEN_PATH["closed"] = OPEN_PATH["answered"] + [("approve", "answered", "checked"),
                                               ("callback", "checked", "callback"), ("close", "callback", "closed")]
NOTES = {"resolve": "Разъяснено при обращении", "answer": "Работы выполнены", "callback": "Заявитель подтвердил",
         "defer": "Финансирование в бюджете следующего года"}


def events(registered: np.ndarray, status: np.ndarray, due: np.ndarray, closed: np.ndarray) -> list[tuple]:
    """(appeal row, at, action, from, to, note, data json) for every appeal, times increasing."""
    reg = registered.astype("datetime64[s]").astype("int64")
    end = np.where(np.isnat(closed), REFERENCE.astype("int64"), closed.astype("datetime64[s]").astype("int64"))
    due_s = np.datetime_as_string(due, unit="s")
    now = int(REFERENCE.astype("int64"))
    rows, at = [], []
    for k, (r, e, s) in enumerate(zip(reg.tolist(), end.tolist(), status.tolist())):
        span = max((e if s in ("closed", "resolved") else now) - r, 4)
        steps = [("register", "", "registered")] + OPEN_PATH[s]
        n = len(steps)
        for i, (action, src, dst) in enumerate(steps):
            if s in ("closed", "resolved") and i == n - 1:
                t = e
            elif i < len(FAST):  # the first steps come fast, the rest spread over the time it took
                t = r + min(FAST[i], span * i // n)
            else:
                t = r + span * i // n
            data = json.dumps({"due_at": due_s[k] + "Z"}) if action == "defer" else "{}"
            rows.append((k, action, src, dst, NOTES.get(action, ""), data))
            at.append(t)
    stamps = np.datetime_as_string(np.array(at, dtype="int64").astype("datetime64[s]"), unit="s")
    return [(row[0], f"{stamp}+00", *row[1:]) for row, stamp in zip(rows, stamps.tolist())]
