"""Source values to a layer field's type, a whole batch at a time (pandas, vectorized).

A value that cannot become the field's type is not guessed at: it becomes a
reason, and the feature is rejected with its row number in the report.
Naive date-times are read as the city's local time (settings.TIME_ZONE).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

TRUE = {"1", "true", "t", "yes", "y", "да", "иә"}
FALSE = {"0", "false", "f", "no", "n", "нет", "жоқ"}
SUPPORTED = {
    "CharField", "TextField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "PositiveBigIntegerField", "FloatField", "DecimalField", "DateField",
    "DateTimeField", "BooleanField",
}


def supported(field: models.Field) -> bool:
    return field.get_internal_type() in SUPPORTED


def _limits(field: models.Field) -> tuple[float | None, float | None]:
    lo = hi = None
    for v in field.validators:
        if isinstance(v, MinValueValidator):
            lo = v.limit_value if lo is None else max(lo, v.limit_value)
        elif isinstance(v, MaxValueValidator):
            hi = v.limit_value if hi is None else min(hi, v.limit_value)
    return lo, hi


def _clean(values: pd.Series) -> pd.Series:
    """Blank strings are missing values."""
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        values = values.astype("string").str.strip()
        values = values.mask(values == "")
    return values


def _reasons(bad: np.ndarray, field: str, what: str, values: pd.Series) -> pd.Series:
    text = f"{field}: " + values.astype("string").fillna("").str.slice(0, 60) + f" {what}"
    return text.where(bad, None).astype(object)


def _datetimes(values: pd.Series, *, dayfirst: bool) -> pd.Series:
    """Parse with the format of the first value; fall back to per-value parsing only for misfits."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(values, errors="coerce", dayfirst=dayfirst)
        misfits = parsed.isna() & values.notna()
        if misfits.any():
            parsed = parsed.astype(object)
            dotted = misfits & values.astype("string").str.contains(".", regex=False).fillna(False)
            for subset, first in ((misfits & ~dotted, dayfirst), (dotted, True)):  # 05.01.2024 is 5 January
                if subset.any():
                    parsed[subset] = pd.to_datetime(values[subset], errors="coerce", dayfirst=first, format="mixed")
            parsed = pd.to_datetime(parsed, errors="coerce", utc=parsed.map(
                lambda v: getattr(v, "tzinfo", None) is not None).any())
    return parsed


def convert(field: models.Field, values: pd.Series, *, multiply: float | None = None) -> tuple[pa.Array, pd.Series]:
    """(typed arrow array, per-row reason or None) for one field of one batch."""
    name, kind = field.name, field.get_internal_type()
    values = _clean(values)
    present = values.notna().to_numpy()
    if field.is_relation:  # a name or key of the referenced feature, resolved in SQL
        text = values.astype("string")
        return pa.array(text, type=pa.string(), from_pandas=True), pd.Series([None] * len(text), dtype=object)
    if kind in ("CharField", "TextField"):
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            values = values.astype("Int64")
        text = values.astype("string")
        bad = np.zeros(len(text), dtype=bool)
        reasons = pd.Series([None] * len(text), index=text.index, dtype=object)
        limit = next((v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)), None)
        if limit:
            too_long = (text.str.len() > limit).fillna(False).to_numpy()
            reasons = reasons.where(~too_long, f"{name}: longer than {limit} characters")
            bad |= too_long
        if field.choices:
            allowed = {str(c) for c, _ in field.flatchoices}
            wrong = present & ~text.isin(allowed).fillna(False).to_numpy() & ~bad
            reasons = reasons.where(~wrong, _reasons(wrong, name, f"is not one of {', '.join(sorted(allowed))}", text))
            bad |= wrong
        return pa.array(text.where(~bad, None), type=pa.string(), from_pandas=True), reasons
    if kind in ("DateField", "DateTimeField"):
        sample = values.dropna().astype("string").head(1)
        dayfirst = bool(len(sample)) and "." in sample.iloc[0]
        parsed = _datetimes(values, dayfirst=dayfirst)
        bad = present & parsed.isna().to_numpy()
        reasons = _reasons(bad, name, "is not a date" if kind == "DateField" else "is not a date and time", values)
        if kind == "DateField":
            return pa.array(parsed.dt.date.where(~bad, None), type=pa.date32(), from_pandas=True), reasons
        if parsed.dt.tz is None:
            # a local time that happened twice (clocks turned back) is taken as its first occurrence
            parsed = parsed.dt.tz_localize(settings.TIME_ZONE, ambiguous=np.ones(len(parsed), dtype=bool),
                                           nonexistent="shift_forward")
        return pa.array(parsed.dt.tz_convert("UTC"), type=pa.timestamp("us", tz="UTC"), from_pandas=True), reasons
    if kind == "BooleanField":
        text = values.astype("string").str.lower()
        out = pd.Series(pd.NA, index=values.index, dtype="boolean")
        out[text.isin(TRUE).fillna(False)] = True
        out[text.isin(FALSE).fillna(False)] = False
        bad = present & out.isna().to_numpy()
        return pa.array(out, type=pa.bool_(), from_pandas=True), _reasons(bad, name, "is not yes/no", values)
    number = pd.to_numeric(values, errors="coerce")
    if multiply is not None:
        number = number * multiply
    bad = present & number.isna().to_numpy()
    reasons = _reasons(bad, name, "is not a number", values)
    lo, hi = _limits(field)
    if kind in ("FloatField", "DecimalField"):
        return pa.array(number.astype("Float64"), type=pa.float64(), from_pandas=True), reasons
    if multiply is not None:
        number = number.round()
    fractional = (present & ~bad & (number % 1 != 0).fillna(False).to_numpy())
    out_of_range = present & ~bad & (((number < lo) if lo is not None else False) |
                                     ((number > hi) if hi is not None else False)).fillna(False).to_numpy() \
        if (lo is not None or hi is not None) else np.zeros(len(number), dtype=bool)
    reasons = reasons.where(~fractional, _reasons(fractional, name, "is not a whole number", values))
    reasons = reasons.where(~out_of_range, _reasons(out_of_range, name, f"is outside {lo}…{hi}", values))
    bad = bad | fractional | out_of_range
    return pa.array(number.where(~bad).astype("Int64"), type=pa.int64(), from_pandas=True), reasons
