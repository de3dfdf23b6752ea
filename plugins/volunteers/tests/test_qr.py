"""The QR encoder: published test vectors, and a round trip through an independent reader."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from plugins.volunteers import qr


def test_reed_solomon_matches_the_published_hello_world_example() -> None:
    # "HELLO WORLD" at version 1-M (the standard worked example): data and its 10 EC words.
    data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    assert qr.rs_remainder(data, 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]


def test_format_and_version_bits_match_the_standard_tables() -> None:
    assert qr.format_bits(0) == 0b101010000010010  # level M, mask 0
    assert qr.format_bits(5) == 0b100000011001110  # level M, mask 5
    assert qr.format_bits(7) == 0b100101010100000  # level M, mask 7
    assert qr.version_bits(7) == 0b000111110010010100
    assert qr.version_bits(10) == 0b001010010011010011


def _read(modules: list[list[bool]]) -> bytes:
    """Decode a level-M byte-mode symbol produced above, checking every EC block."""
    size = len(modules)
    version = (size - 17) // 4
    grid = qr._Grid(version)
    grid.draw_function_patterns()
    # Format bits from the copy beside the top-left finder.
    bits = 0
    coords = [(8, i) for i in range(6)] + [(8, 7), (8, 8), (7, 8)]
    coords += [(14 - i, 8) for i in range(9, 15)]
    for i, (x, y) in enumerate(coords):
        bits |= int(modules[y][x]) << i
    matches = [m for m in range(8) if qr.format_bits(m) == bits]
    assert len(matches) == 1
    mask = matches[0]
    stream = [
        int(modules[y][x]) ^ int(qr.mask_applies(mask, x, y)) for x, y in grid.data_positions()
    ]
    words = [int("".join(map(str, stream[i : i + 8])), 2) for i in range(0, len(stream) - 7, 8)]
    ec_length, groups = qr.BLOCKS[version]
    sizes = [size_ for count, size_ in groups for _ in range(count)]
    blocks: list[list[int]] = [[] for _ in sizes]
    position = 0
    for i in range(max(sizes)):
        for b, block_size in enumerate(sizes):
            if i < block_size:
                blocks[b].append(words[position])
                position += 1
    ecc: list[list[int]] = [[] for _ in sizes]
    for _i in range(ec_length):
        for b in range(len(sizes)):
            ecc[b].append(words[position])
            position += 1
    for block, check in zip(blocks, ecc, strict=True):
        assert qr.rs_remainder(block, ec_length) == check
    data = [w for block in blocks for w in block]
    bitstring = "".join(f"{w:08b}" for w in data)
    if bitstring[:4] == "0111":  # ECI 26: UTF-8
        assert bitstring[4:12] == f"{26:08b}"
        bitstring = bitstring[12:]
    assert bitstring[:4] == "0100"
    count_bits = 8 if version < 10 else 16
    length = int(bitstring[4 : 4 + count_bits], 2)
    start = 4 + count_bits
    return bytes(int(bitstring[start + 8 * i : start + 8 * i + 8], 2) for i in range(length))


@pytest.mark.parametrize(
    "text",
    [
        "A",
        "http://127.0.0.1:8000/admin/volunteers/kiosk/12?code=34-ABCDEFGH",
        "https://volunteers.example.org/admin/volunteers/kiosk/123456?code=987654-QWERTYUI",
        "Señora Núñez, " * 9,
    ],
)
def test_symbols_round_trip_through_an_independent_reader(text: str) -> None:
    modules = qr.encode(text)
    size = len(modules)
    assert (size - 17) % 4 == 0
    # Finder patterns in three corners: a dark ring, a light ring, a dark 3x3 centre.
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):
        assert modules[cy][cx]
        assert modules[cy - 3][cx - 3]
        assert not modules[cy - 2][cx - 2]
    assert [modules[6][x] for x in range(8, size - 8)] == [x % 2 == 0 for x in range(8, size - 8)]
    assert _read(modules) == text.encode()


def test_too_long_text_is_refused_and_svg_has_no_script() -> None:
    with pytest.raises(qr.QrTooLongError):
        qr.encode("x" * 300)
    image = qr.svg("hello")
    assert image.startswith("<svg")
    assert "<script" not in image


ZBARIMG = shutil.which("zbarimg")


@pytest.mark.skipif(ZBARIMG is None, reason="zbarimg (Debian's zbar-tools) is not installed")
def test_a_third_party_reader_decodes_the_symbols(tmp_path: Path) -> None:
    from PIL import Image

    assert ZBARIMG is not None
    for text in [
        "http://127.0.0.1:8000/admin/volunteers/kiosk/12?code=34-ABCDEFGH",
        "Señora Núñez, " * 9,
        "x" * 200,
    ]:
        modules = qr.encode(text)
        scale, border = 6, 4
        side = (len(modules) + 2 * border) * scale
        image = Image.new("L", (side, side), 255)
        for y, row in enumerate(modules):
            for x, dark in enumerate(row):
                if dark:
                    left, top = (x + border) * scale, (y + border) * scale
                    image.paste(0, (left, top, left + scale, top + scale))
        path = tmp_path / "code.png"
        image.save(path)
        done = subprocess.run(  # noqa: S603 - a fixed local tool
            [ZBARIMG, "-q", "--raw", str(path)], capture_output=True, check=True, timeout=30
        )
        assert done.stdout.decode("utf-8").rstrip("\n") == text
