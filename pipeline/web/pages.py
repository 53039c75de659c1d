"""Every page of a PDF as a PNG image (pypdfium2, which has wheels for Windows and Linux; poppler is
not on Windows). The PNG is written here with zlib: no imaging library is needed for it."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium

SCALE = 96 / 72  # points to pixels at 96 dpi: an A4 page is 794 × 1123 pixels, as a screen shows it


def png_bytes(width: int, height: int, rgb: bytes, stride: int) -> bytes:
    """A PNG (8-bit RGB) of `rgb`, rows of `stride` bytes each."""
    row = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride : y * stride + row] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 1))
        + chunk(b"IEND", b"")
    )


def render_pages(pdf: Path, out_dir: Path, stem: str, scale: float = SCALE) -> list[Path]:
    """Write each page of `pdf` as `<stem>-<n>.png` in `out_dir`; return their paths in page order."""
    out: list[Path] = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for i in range(len(doc)):
            page = doc[i]
            try:
                bitmap = page.render(scale=scale, rev_byteorder=True, fill_color=(255, 255, 255, 255))
                try:
                    data = png_bytes(bitmap.width, bitmap.height, bytes(bitmap.buffer), bitmap.stride)
                finally:
                    bitmap.close()
            finally:
                page.close()
            path = out_dir / f"{stem}-{i + 1}.png"
            path.write_bytes(data)
            out.append(path)
    finally:
        doc.close()
    return out
