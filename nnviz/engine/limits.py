"""How big an input nnviz accepts: checked up front, before anything that size is allocated.

    check_parameter_budget([2, 4096, 4096, 1])   # NnvizError past MAX_PARAMETERS
    check_json_depth(text)                       # NnvizError past MAX_JSON_DEPTH, before json.loads
    data = gunzip_capped(raw)                    # NnvizError past MAX_DECOMPRESSED_BYTES

A network of P parameters holds its parameters, gradients, a weight mask and up to two
optimizer moments as float64 vectors: about 5·8·P bytes, so 50 M parameters is ≈ 2 GB, what a
laptop can spare. A small file can describe far more (64 layers of 4,096 units: about 10⁹), and
a few MB of gzip can inflate to GBs, so every reader checks these before building.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from itertools import pairwise

from nnviz.engine.errors import NnvizError

MAX_PARAMETERS = 50_000_000
MAX_JSON_DEPTH = 100  # a session nests ~5 levels; anything deeper is hostile or broken
MAX_DECOMPRESSED_BYTES = 512 * 2**20  # a session's JSON text; the app's sessions are a few MB at most

_CHUNK = 1 << 20  # inflated bytes per step: the most the cap is overshot by
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def parameter_count(layers: Sequence[int]) -> int:
    """P = Σₗ (nₗ₋₁ + 1)·nₗ: every weight and bias of a fully connected network."""
    return sum((int(n_in) + 1) * int(n_out) for n_in, n_out in pairwise(layers))


def check_parameter_budget(layers: Sequence[int]) -> None:
    """NnvizError with the count and the limit when ``layers`` needs more than MAX_PARAMETERS."""
    count = parameter_count(layers)
    if count > MAX_PARAMETERS:
        raise NnvizError(f"the network would have {count:,} parameters; nnviz allows at most "
                         f"{MAX_PARAMETERS:,} (use fewer or smaller layers)")


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of [ ] and { } in JSON text, ignoring brackets inside strings.

    Strings are blanked and everything but brackets dropped (both in C, by re), so only
    the brackets are walked in Python: a session's few thousand rows, not its numbers.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b'""', raw))
    depth = deepest = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_json_depth(text: str | bytes) -> None:
    """NnvizError when the JSON ``text`` nests deeper than MAX_JSON_DEPTH (json.loads would recurse)."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise NnvizError(f"not valid JSON for nnviz: nested {depth:,} levels deep (at most {MAX_JSON_DEPTH})")


def gunzip_capped(raw: bytes, cap: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """gzip ``raw`` decompressed in chunks, refusing past ``cap`` bytes before holding more.

    Raises EOFError for truncated data and zlib.error for damaged data, as gzip does.
    """
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and trailer
    out = bytearray()
    data = raw
    while True:
        chunk = inflater.decompress(data, _CHUNK)
        out += chunk
        if len(out) > cap:
            raise NnvizError(f"the file inflates to more than {cap // 2**20:,} MB; nnviz reads sessions "
                             f"up to that size")
        data = inflater.unconsumed_tail
        if inflater.eof:
            if not inflater.unused_data:
                return bytes(out)
            data = inflater.unused_data  # another gzip member follows (concatenated files are valid gzip)
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        elif not data and not chunk:
            raise EOFError("compressed data ended before the end-of-stream marker")
