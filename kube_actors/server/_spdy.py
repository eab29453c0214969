"""The part of SPDY/3.1 that ``kubectl port-forward`` speaks: frames and header blocks.

kubectl 1.31+ tunnels a SPDY/3.1 session through a WebSocket (subprotocol
``SPDY/3.1+portforward.k8s.io``): the WebSocket's binary messages are a byte stream of SPDY
frames. A frame is either a control frame (first bit set; version 3, a type, flags and a
24-bit length) or a data frame (a 31-bit stream id, flags, a 24-bit length). The types used
here: SYN_STREAM (the client opens a stream, with headers), SYN_REPLY (the server accepts
it), RST_STREAM, PING (echoed), GOAWAY; a data frame with the FIN flag ends its sender's
half of a stream. Flow control (WINDOW_UPDATE) is ignored, as the Go implementation kubectl
uses ignores it.

Header blocks are ``count, (len, name, len, value)*`` with 32-bit big-endian lengths,
deflated with one zlib stream per direction that starts from SPDY/3's dictionary (spelled
out below as the specification gives it: length-prefixed header words, then a run of common
values) and is flushed (Z_SYNC_FLUSH) after every block.
"""

from __future__ import annotations

import struct
import zlib
from typing import Final

import attrs

__all__ = [
    "FLAG_FIN",
    "GOAWAY",
    "PING",
    "RST_STREAM",
    "SYN_REPLY",
    "SYN_STREAM",
    "ControlFrame",
    "DataFrame",
    "FrameReader",
    "HeaderCodec",
    "control_frame",
    "data_frame",
]

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = (
    1,
    2,
    3,
    4,
    6,
    7,
    8,
    9,
)
FLAG_FIN: Final = 0x01
_VERSION: Final = 3
_HEADER: Final = struct.Struct(">IB3s")

_DICTIONARY_WORDS: Final = (
    "options|head|post|put|delete|trace|accept|accept-charset|accept-encoding|"
    "accept-language|accept-ranges|age|allow|authorization|cache-control|connection|"
    "content-base|content-encoding|content-language|content-length|content-location|"
    "content-md5|content-range|content-type|date|etag|expect|expires|from|host|if-match|"
    "if-modified-since|if-none-match|if-range|if-unmodified-since|last-modified|location|"
    "max-forwards|pragma|proxy-authenticate|proxy-authorization|range|referer|retry-after|"
    "server|te|trailer|transfer-encoding|upgrade|user-agent|vary|via|warning|"
    "www-authenticate|method|get|status|200 OK|version|HTTP/1.1|url|public|set-cookie|"
    "keep-alive|origin"
)
_DICTIONARY_TAIL: Final = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request"
    "401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented"
    "503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 "
    "Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
    "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
    "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)


def _prefixed(word: str) -> bytes:
    return struct.pack(">I", len(word)) + word.encode()


#: SPDY/3's zlib dictionary for header blocks.
DICTIONARY: Final = (
    b"".join(_prefixed(word) for word in _DICTIONARY_WORDS.split("|")) + _DICTIONARY_TAIL.encode()
)


@attrs.frozen
class ControlFrame:
    type: int
    flags: int
    payload: bytes

    @property
    def stream_id(self) -> int:
        return int.from_bytes(self.payload[:4], "big") & 0x7FFFFFFF


@attrs.frozen
class DataFrame:
    stream_id: int
    flags: int
    data: bytes

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


class FrameReader:
    """Frames out of a byte stream fed in pieces of any size."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[ControlFrame | DataFrame]:
        self._buffer += data
        frames: list[ControlFrame | DataFrame] = []
        while len(self._buffer) >= 8:
            first, flags, length_bytes = _HEADER.unpack_from(self._buffer)
            length = int.from_bytes(length_bytes, "big")
            if len(self._buffer) < 8 + length:
                break
            payload = bytes(self._buffer[8 : 8 + length])
            del self._buffer[: 8 + length]
            if first & 0x80000000:
                frames.append(ControlFrame(first & 0xFFFF, flags, payload))
            else:
                frames.append(DataFrame(first, flags, payload))
        return frames


def control_frame(type: int, flags: int, payload: bytes) -> bytes:
    head = (0x8000 | _VERSION) << 16 | type
    return _HEADER.pack(head, flags, len(payload).to_bytes(3, "big")) + payload


def data_frame(stream_id: int, data: bytes, *, fin: bool = False) -> bytes:
    flags = FLAG_FIN if fin else 0
    return _HEADER.pack(stream_id & 0x7FFFFFFF, flags, len(data).to_bytes(3, "big")) + data


class HeaderCodec:
    """Header blocks of one session: inflated from the client, deflated to it."""

    def __init__(self) -> None:
        self._inflate = zlib.decompressobj(zdict=DICTIONARY)
        self._deflate = zlib.compressobj(zdict=DICTIONARY)

    def decode(self, block: bytes) -> dict[str, str]:
        raw = self._inflate.decompress(block)
        (count,) = struct.unpack_from(">I", raw)
        position, headers = 4, {}
        for _ in range(count):
            (size,) = struct.unpack_from(">I", raw, position)
            name = raw[position + 4 : position + 4 + size].decode()
            position += 4 + size
            (size,) = struct.unpack_from(">I", raw, position)
            value = raw[position + 4 : position + 4 + size].decode()
            position += 4 + size
            headers[name.lower()] = value.split("\0")[0]
        return headers

    def encode(self, headers: dict[str, str]) -> bytes:
        raw = struct.pack(">I", len(headers))
        for name, value in headers.items():
            for text in (name.lower(), value):
                raw += struct.pack(">I", len(text.encode())) + text.encode()
        return self._deflate.compress(raw) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
