"""casework.api.fastjson gives exactly what the standard library and DRF gave (values, errors, fingerprints)."""

import base64
import binascii
import io
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from casework.api.fastjson import JSONParser, b64decode, canonical_json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),  # any code point, lone surrogates included
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=20,
)


def standard_canonical(data) -> bytes:
    """What casework.api.idempotency.request_fingerprint hashed before orjson."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.encode("utf-8", "surrogatepass")


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
@example({"b": [1, 2.5, None], "a": "Қазақ\u2028\x7f\x1f", "ä": {"z": True, "": 2**64}})
@example(["\ud800 lone surrogate"])
def test_canonical_json_is_byte_for_byte_the_standard_librarys(value):
    assert canonical_json(value) == standard_canonical(value)


def test_canonical_json_writes_non_json_values_as_their_text_like_before():
    import datetime as dt
    from decimal import Decimal

    value = {"d": dt.date(2026, 3, 21), "n": Decimal("1.50")}
    assert canonical_json(value) == standard_canonical(value) == b'{"d":"2026-03-21","n":"1.50"}'


def drf_parse(raw: bytes, encoding="utf-8"):
    try:
        return ("ok", parsers.JSONParser().parse(io.BytesIO(raw), None, {"encoding": encoding}))
    except ParseError as error:
        return ("error", str(error.detail))


def fast_parse(raw: bytes, encoding="utf-8"):
    try:
        return ("ok", JSONParser().parse(io.BytesIO(raw), None, {"encoding": encoding}))
    except ParseError as error:
        return ("error", str(error.detail))


def same(a, b) -> bool:
    # NaN never arrives (strict JSON refuses it), so == on the parsed values is exact; -0.0 == 0.0 compare by repr
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_parser_reads_every_json_document_as_drfs_parser_does(value):
    raw = json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")
    ours, theirs = fast_parse(raw), drf_parse(raw)
    assert ours[0] == theirs[0]
    assert same(ours[1], theirs[1])


JSON_CHARACTERS = '{}[]",:0123456789.eE+-truefalsnNI \\u\t'


@settings(max_examples=300)
@given(st.binary(max_size=60) | st.text(alphabet=JSON_CHARACTERS, max_size=40).map(str.encode))
@example(b'{"a": NaN}')
@example(b'{"a": Infinity}')
@example(b'{"a": 123456789012345678901234567890}')
@example(b'["\\ud800"]')
@example(b'\xef\xbb\xbf{"a": 1}')  # a byte-order mark
@example(b'{"a": "\xff"}')  # not UTF-8
@example(b"")
def test_parser_refuses_or_accepts_any_bytes_exactly_as_drfs_parser_does(raw):
    ours, theirs = fast_parse(raw), drf_parse(raw)
    assert ours[0] == theirs[0]
    if ours[0] == "ok":
        assert same(ours[1], theirs[1])
    else:
        assert ours[1] == theirs[1]  # DRF's own message, e.g. "JSON parse error - Expecting value: line 1 column 1"


def test_parser_leaves_another_charset_to_drf():
    raw = '{"surname": "Қасым"}'.encode("utf-16")
    assert fast_parse(raw, "utf-16") == drf_parse(raw, "utf-16") == ("ok", {"surname": "Қасым"})


def standard_b64(text: str):
    try:
        return ("ok", base64.b64decode("".join(text.split()), validate=True))
    except (binascii.Error, ValueError) as error:
        return ("error", type(error))


def fast_b64(text: str):
    try:
        return ("ok", b64decode(text))
    except (binascii.Error, ValueError) as error:
        return ("error", type(error))


B64_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n\r\tЖ\x00"
b64_like = st.text(alphabet=B64_CHARACTERS, max_size=40)


@settings(max_examples=500)
@given(b64_like | st.binary(max_size=40).map(lambda b: base64.b64encode(b).decode()))
@example("QUJD")
@example("QUJD\nREVG\n")
@example("QUI=")
@example("QUI")  # no padding
@example("QUJ=")  # non-zero bits after the last character
@example("QUI==")
@example("=QUI")
@example("QU I=")
@example("Q-_I")  # the URL-safe alphabet is not base64
@example("ЖЖЖЖ")
def test_b64decode_accepts_and_refuses_exactly_what_the_standard_library_does(text):
    assert fast_b64(text) == standard_b64(text)


@pytest.mark.parametrize("size", [0, 1, 2, 3, 100 * 1024])
def test_b64decode_round_trips_documents(size):
    content = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    encoded = base64.b64encode(content).decode()
    assert b64decode(encoded) == content
    wrapped = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    assert b64decode(wrapped) == content
