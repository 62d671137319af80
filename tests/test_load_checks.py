"""`checks.py`: the byte-level attention test agrees with its regular expression, cell for cell."""

from __future__ import annotations

import re

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dscp_metrics.load.checks import needs_attention

# The rule in words: a cell needs attention when it starts or ends with a trimmed
# character (space, tab, CR, LF, no-break space) or holds a C0 control character or DEL.
RULE = re.compile(r"^[ \t\r\n\u00a0]|[ \t\r\n\u00a0]$|[\x00-\x1f\x7f]")
ALPHABET = st.sampled_from(["a", "Z", "0", " ", "\t", "\r", "\n", "\u00a0", "\x00", "\x1b", "\x7f", "é", "\u00c2",
                            "\u20ac", ",", '"', "\u0100"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(ALPHABET, max_size=6)), max_size=30), st.integers(0, 5))
def test_attention_matches_the_rule(cells, cut):
    array = pa.array(cells, type=pa.string())
    for part in (array, array.slice(min(cut, len(array)))):
        expected = [bool(c is not None and RULE.search(c)) for c in part.to_pylist()]
        assert needs_attention(part).to_pylist() == expected
        assert needs_attention(pa.chunked_array([part, part])).to_pylist() == expected * 2


def test_attention_edge_cases():
    cells = ["", "R1", " R1", "R1 ", "R\x001", "\u00a0R", "R\u00a0", "é", "\u00c2\u00a0"[0], None]
    assert needs_attention(pa.array(cells, pa.string())).to_pylist() == [
        False, False, True, True, True, True, True, False, False, False]
    assert needs_attention(pa.nulls(3, pa.string())).to_pylist() == [False] * 3
