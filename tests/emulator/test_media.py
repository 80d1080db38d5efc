"""The result files are real formats: a PNG with valid chunks, an ISO BMFF movie."""

from __future__ import annotations

import struct
import zlib

from generator.emulator._media import MP4_BYTES, PNG_BYTES


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def test_png_has_valid_chunks_and_pixels() -> None:
    chunks = _png_chunks(PNG_BYTES)
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (width, height, depth, colour) == (8, 8, 8, 2)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + 3 * width)


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    boxes, offset = [], 0
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        assert size >= 8
        assert offset + size <= len(data)
        boxes.append((kind, data[offset + 8 : offset + size]))
        offset += size
    return boxes


def test_mp4_is_a_well_formed_movie() -> None:
    top = _boxes(MP4_BYTES)
    assert [kind for kind, _ in top] == [b"ftyp", b"moov", b"mdat"]
    assert top[0][1][:4] == b"isom"
    [(kind, mvhd)] = _boxes(top[1][1])
    assert kind == b"mvhd"
    timescale, duration = struct.unpack(">II", mvhd[12:20])
    assert (timescale, duration) == (1000, 1000)
