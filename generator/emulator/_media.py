"""Tiny result files: a valid PNG and a structurally valid MP4, built once from bytes.

The emulator never fetches or ships real media: result downloads must work offline and stay
small, yet a client that sniffs the bytes (magic numbers, box layout) must see the right type.
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["MP4_BYTES", "PNG_BYTES", "media_bytes", "media_content_type", "media_extension"]

_PNG_SIDE = 8
_PNG_RGB = (0x2E, 0x8B, 0x57)  # sea green: visibly "something" when opened


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png() -> bytes:
    header = struct.pack(">IIBBBBB", _PNG_SIDE, _PNG_SIDE, 8, 2, 0, 0, 0)  # 8-bit RGB
    row = b"\x00" + bytes(_PNG_RGB) * _PNG_SIDE  # filter byte 0, then the pixels
    pixels = zlib.compress(row * _PNG_SIDE, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mp4() -> bytes:
    """ftyp + moov(mvhd) + an empty mdat: a one-second ISO BMFF movie with no media tracks.

    ISO/IEC 14496-12 allows a movie with zero tracks; players open it and show nothing, and
    every container parser accepts it. Encoding even one H.264 frame by hand is not worth it.
    """
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2mp41")
    identity = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _box(
        b"mvhd",
        struct.pack(">B3sIIII", 0, b"\x00\x00\x00", 0, 0, 1000, 1000)  # version, flags, times
        + struct.pack(">IH", 0x00010000, 0x0100)  # rate 1.0, volume 1.0
        + b"\x00" * 10  # reserved
        + identity
        + b"\x00" * 24  # pre_defined
        + struct.pack(">I", 1),  # next_track_ID
    )
    return ftyp + _box(b"moov", mvhd) + _box(b"mdat", b"")


PNG_BYTES = _png()
MP4_BYTES = _mp4()


def media_bytes(media_type: str) -> bytes:
    """The result file for a media type (``video`` or anything else, which means image)."""
    return MP4_BYTES if media_type == "video" else PNG_BYTES


def media_extension(media_type: str) -> str:
    return "mp4" if media_type == "video" else "png"


def media_content_type(media_type: str) -> str:
    return "video/mp4" if media_type == "video" else "image/png"
