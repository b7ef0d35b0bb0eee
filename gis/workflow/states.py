"""The appeal lifecycle as data: states with a type, and the transitions between them.

Code asks `state.is_open` instead of listing labels (FixMyStreet's State.pm). A
transition names the states it leaves from, the state it leads to, the roles allowed
to make it and what it needs; gis/workflow/lifecycle.py applies it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    code: str
    type: str  # new | open | fixed | closed
    ru: str
    kk: str
    en: str

    @property
    def is_open(self) -> bool:
        """Still tracked against its due date (deferred included)."""
        return self.type in ("new", "open")

    @property
    def is_closed(self) -> bool:
        return not self.is_open

    def label(self, lang: str = "ru") -> str:
        return getattr(self, lang, "") or self.en


STATES = {s.code: s for s in (
    State("registered", "new", "Зарегистрировано", "Тіркелді", "Registered"),
    State("accepted", "open", "Принято", "Қабылданды", "Accepted"),
    State("incident", "open", "Инцидент", "Инцидент", "Incident"),
    State("routed", "open", "Направлено исполнителю", "Орындаушыға жіберілді", "Sent to the executor"),
    State("answered", "open", "Получен ответ", "Жауап алынды", "Answered"),
    State("checked", "open", "Ответ проверен", "Жауап тексерілді", "Answer checked"),
    State("callback", "open", "Обратный звонок", "Кері қоңырау", "Citizen called back"),
    State("deferred", "open", "Отложено", "Кейінге қалдырылды", "Deferred"),
    State("reopened", "open", "Открыто повторно", "Қайта ашылды", "Reopened"),
    State("resolved", "fixed", "Решено при обращении", "Өтініш кезінде шешілді",
          "Resolved at first contact"),
    State("closed", "fixed", "Закрыто", "Жабылды", "Closed"),
    State("duplicate", "closed", "Дубликат", "Қайталама", "Duplicate"),
)}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the appeal stays where it is (an extension)
    roles: tuple[str, ...]
    needs: tuple[str, ...] = ()  # note, due_on, duplicate_of
    own_appeal: bool = False  # an executor acts only on its organization's appeals


TRANSITIONS = {t.action: t for t in (
    Transition("accept", ("registered",), "accepted", ("operator",)),
    Transition("resolve", ("accepted",), "resolved", ("operator",), needs=("note",)),
    Transition("incident", ("accepted", "reopened"), "incident", ("operator", "inspector")),
    Transition("route", ("incident", "reopened", "deferred"), "routed", ("inspector",)),
    Transition("answer", ("routed",), "answered", ("executor",), needs=("note",), own_appeal=True),
    Transition("approve", ("answered",), "checked", ("inspector",)),
    Transition("reject", ("answered",), "routed", ("inspector",), needs=("note",)),
    Transition("callback", ("checked",), "callback", ("operator",), needs=("note",)),
    Transition("close", ("callback",), "closed", ("operator", "inspector")),
    Transition("defer", ("accepted", "incident", "routed"), "deferred", ("inspector", "supervisor"),
               needs=("due_on", "note")),
    Transition("extend", ("incident", "routed", "answered", "deferred"), None, ("inspector", "supervisor"),
               needs=("note",)),
    Transition("duplicate", ("registered", "accepted", "incident"), "duplicate", ("operator", "inspector"),
               needs=("duplicate_of",)),
    Transition("reopen", ("resolved", "closed", "duplicate"), "reopened",
               ("operator", "supervisor"), needs=("note",)),
)}


def state(code: str) -> State:
    from gis.workflow.errors import IllegalTransition

    try:
        return STATES[code]
    except KeyError:
        raise IllegalTransition(f"unknown appeal state {code!r}; states: {', '.join(STATES)}") from None


def actions_from(code: str) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if code in t.sources]
