"""Byte scans of a CSV file's buffer with numpy: where a byte occurs, whether quoting is regular, fields per record.

Used by the fast reader (`read.py`); each works a slice at a time where a
whole-file mask would cost a byte of memory per byte of file.
"""

from __future__ import annotations

import numpy as np

QUOTE, COMMA, LF, CR, SPACE, TAB = 34, 44, 10, 13, 32, 9
_COUNT_STEP = 1 << 23  # bytes scanned at a time when counting fields
_SCAN_STEP = 1 << 25  # bytes scanned at a time when finding quotes and line ends


def byte_positions(arr: np.ndarray, byte: int) -> np.ndarray:
    """Where `byte` occurs in `arr`, found a slice at a time (no byte-sized mask of the whole file)."""
    dtype = np.uint32 if len(arr) < 2**32 else np.int64
    parts = [np.flatnonzero(arr[offset:offset + _SCAN_STEP] == byte).astype(dtype) + dtype(offset)
             for offset in range(0, len(arr), _SCAN_STEP)]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def field_counts(arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, quoted: bool) -> np.ndarray:
    """How many fields each record `arr[starts[i]:ends[i] + 1]` has (commas outside quotes + 1), a slice at a time."""
    starts, ends = starts.astype(np.int64), ends.astype(np.int64)
    counts = np.empty(len(starts), dtype=np.int64)
    i = 0
    while i < len(starts):
        j = max(int(np.searchsorted(starts, starts[i] + _COUNT_STEP, side="left")), i + 1)
        low, high = int(starts[i]), int(ends[j - 1]) + 1
        part = arr[low:high]
        comma = part == COMMA
        if quoted:  # a comma after an odd number of quotes is inside a value (each record starts outside quotes)
            comma &= (np.cumsum(part == QUOTE, dtype=np.int32) & 1) == 0
        counts[i:j] = np.add.reduceat(comma.view(np.uint8), starts[i:j] - low, dtype=np.int64) + 1
        i = j
    return counts


def regular_quoting(arr: np.ndarray, quotes: np.ndarray) -> bool:
    """True when every quote at `quotes` opens a value at its start, closes it at its end, or is doubled inside it.

    Then a line break is inside a value exactly when an odd number of quotes
    precede it; anything else (a stray `"` inside an unquoted value) goes to
    the exact reader.
    """
    if len(quotes) % 2:
        return False
    quotes = quotes.astype(np.int64)
    before = np.where(quotes > 0, arr[np.maximum(quotes - 1, 0)], LF)
    after = arr[np.minimum(quotes + 1, len(arr) - 1)]  # the body ends with a line break
    opening = np.arange(len(quotes)) % 2 == 0
    return bool(np.isin(before[opening], (COMMA, LF, CR, QUOTE)).all()
                and np.isin(after[~opening], (COMMA, LF, CR, QUOTE)).all())
