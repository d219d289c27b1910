"""The three byte-heavy steps of a portal POST done by C libraries, with the standard library's result kept
exactly (bench/api_load.py: a filing carries ~400 KB of JSON with three base64 documents):

- ``JSONParser``: the request body by orjson (≈5× faster than ``json``); anything orjson refuses (malformed JSON,
  NaN, an escaped lone surrogate, another charset) and any body with a float (orjson turns an integer beyond
  64 bits into one) goes through DRF's own parser, so the result or the error message is exactly DRF's.
- ``canonical_json``: sorted keys, no whitespace, UTF-8 — the idempotency fingerprint's form — by orjson
  (≈70× faster); byte for byte what ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
  gives (a body with a float goes through ``json``: the two write some floats differently), so fingerprints
  stored before still match (tests/casework/test_fastjson.py checks both with hypothesis).
- ``b64decode``: strict base64 by pybase64 (SIMD, ≈50× faster than ``binascii``), whitespace (line-wrapped
  base64) allowed as before.

orjson and pybase64 are maintained, widely used C extensions with wheels for every platform we deploy on.
"""

import base64
import binascii
import io
import json

import orjson
import pybase64
from rest_framework import parsers

__all__ = ["JSONParser", "b64decode", "canonical_json"]


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser with orjson for UTF-8 bodies; DRF's own code for everything orjson does not accept."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = (parser_context.get("encoding") or "utf-8").lower().replace("_", "-")
        if stream is None or encoding not in ("utf-8", "utf8"):
            return super().parse(stream, media_type, parser_context)
        raw = stream.read()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            data = None
        else:
            if not _has_float(data):  # orjson reads an integer beyond 64 bits as a float: numbers with a point
                return data  # or an exponent (rare in our bodies) are left to ``json``, as they always were
        return super().parse(io.BytesIO(raw), media_type, parser_context)


def _has_float(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(each) for each in value.values())
    if isinstance(value, list | tuple):
        return any(_has_float(each) for each in value)
    return False


def canonical_json(data) -> bytes:
    """``data`` as UTF-8 JSON with sorted keys and no whitespace; values JSON cannot hold as ``str(value)``."""
    if not _has_float(data):  # orjson writes 1e-05 as 0.00001: floats keep Python's repr
        try:
            return orjson.dumps(data, default=str, option=orjson.OPT_SORT_KEYS)
        except (orjson.JSONEncodeError, TypeError):  # integers beyond 64 bits, lone surrogates, non-str keys
            pass
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.encode("utf-8", "surrogatepass")


def b64decode(text: str) -> bytes:
    """Strict base64 (the alphabet and padding only) after dropping whitespace; raises ``binascii.Error`` or
    ``ValueError`` (non-ASCII text) as ``base64.b64decode(..., validate=True)`` does."""
    try:
        return pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        pass
    # Line-wrapped base64 (or an error): the standard library's answer, exactly as before.
    return base64.b64decode("".join(text.split()), validate=True)
