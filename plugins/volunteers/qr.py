"""A small QR code encoder (ISO/IEC 18004): byte mode, error correction level M, versions
1 to 10 (up to 213 bytes), drawn as SVG on the server.

No QR library is installed, and the kiosk link in a reminder is short, so this covers what
the plugin needs: the reminder email shows the link as a QR code a phone or a kiosk scanner
reads. The construction follows the standard step by step: data bits, Reed-Solomon error
correction per block over GF(256) (polynomial 0x11D), interleaving, function patterns,
zig-zag placement, the mask with the lowest penalty, and BCH-coded format and version bits.
"""

from __future__ import annotations

from collections.abc import Iterator

# Level M per version: (error-correction codewords per block, [(blocks, data codewords)]).
BLOCKS: dict[int, tuple[int, list[tuple[int, int]]]] = {
    1: (10, [(1, 16)]),
    2: (16, [(1, 28)]),
    3: (26, [(1, 44)]),
    4: (18, [(2, 32)]),
    5: (24, [(2, 43)]),
    6: (16, [(4, 27)]),
    7: (18, [(4, 31)]),
    8: (22, [(2, 38), (2, 39)]),
    9: (22, [(3, 36), (2, 37)]),
    10: (26, [(4, 43), (1, 44)]),
}
ALIGNMENT: dict[int, list[int]] = {
    1: [], 2: [6, 18], 3: [6, 22], 4: [6, 26], 5: [6, 30], 6: [6, 34],
    7: [6, 22, 38], 8: [6, 24, 42], 9: [6, 26, 46], 10: [6, 28, 50],
}  # fmt: skip
LEVEL_M_BITS = 0b00
MAX_VERSION = 10


class QrTooLongError(ValueError):
    """The text does not fit in a version-10 QR code at level M."""


def _gf_multiply(x: int, y: int) -> int:
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def rs_divisor(degree: int) -> list[int]:
    """Coefficients of the generator polynomial (x - 1)(x - a)...(x - a^(degree-1))."""
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(len(result)):
            result[j] = _gf_multiply(result[j], root)
            if j + 1 < len(result):
                result[j] ^= result[j + 1]
        root = _gf_multiply(root, 0x02)
    return result


def rs_remainder(data: list[int], degree: int) -> list[int]:
    """The error-correction codewords of a block."""
    divisor = rs_divisor(degree)
    result = [0] * degree
    for byte in data:
        factor = byte ^ result.pop(0)
        result.append(0)
        for i, coefficient in enumerate(divisor):
            result[i] ^= _gf_multiply(coefficient, factor)
    return result


def data_capacity(version: int) -> int:
    """Data codewords of a version at level M."""
    return sum(count * size for count, size in BLOCKS[version][1])


def choose_version(length: int, eci: bool = False) -> int:
    """The smallest version whose capacity holds ``length`` bytes (and a UTF-8 ECI header)."""
    for version in range(1, MAX_VERSION + 1):
        count_bits = 8 if version < 10 else 16
        if 12 * eci + 4 + count_bits + 8 * length <= 8 * data_capacity(version):
            return version
    raise QrTooLongError(f"{length} bytes do not fit in a version-{MAX_VERSION} QR code")


def data_codewords(payload: bytes, version: int, eci: bool = False) -> list[int]:
    """Mode, count, bytes, terminator and padding as codewords.

    With ``eci`` the data starts with the ECI designator 26 (UTF-8), so readers do not
    guess another encoding for non-ASCII text.
    """
    bits: list[int] = []

    def put(value: int, width: int) -> None:
        bits.extend((value >> i) & 1 for i in reversed(range(width)))

    if eci:
        put(0b0111, 4)
        put(26, 8)
    put(0b0100, 4)
    put(len(payload), 8 if version < 10 else 16)
    for byte in payload:
        put(byte, 8)
    capacity = 8 * data_capacity(version)
    bits.extend([0] * min(4, capacity - len(bits)))
    bits.extend([0] * (-len(bits) % 8))
    words = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    pad = 0xEC
    while len(words) < capacity // 8:
        words.append(pad)
        pad ^= 0xEC ^ 0x11
    return words


def interleave(words: list[int], version: int) -> list[int]:
    """Split into blocks, add each block's error correction, interleave column-wise."""
    ec_length, groups = BLOCKS[version]
    blocks: list[list[int]] = []
    start = 0
    for count, size in groups:
        for _ in range(count):
            blocks.append(words[start : start + size])
            start += size
    ecc = [rs_remainder(block, ec_length) for block in blocks]
    out = [b[i] for i in range(max(map(len, blocks))) for b in blocks if i < len(b)]
    out += [e[i] for i in range(ec_length) for e in ecc]
    return out


class _Grid:
    """Modules (True is dark) and which of them are function patterns."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.size = 17 + 4 * version
        self.dark = [[False] * self.size for _ in range(self.size)]
        self.function = [[False] * self.size for _ in range(self.size)]

    def set(self, x: int, y: int, dark: bool) -> None:
        self.dark[y][x] = dark
        self.function[y][x] = True

    def draw_function_patterns(self) -> None:
        for i in range(self.size):
            self.set(6, i, i % 2 == 0)
            self.set(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (self.size - 4, 3), (3, self.size - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if 0 <= x < self.size and 0 <= y < self.size:
                        self.set(x, y, max(abs(dx), abs(dy)) not in (2, 4))
        positions = ALIGNMENT[self.version]
        last = len(positions) - 1
        for i, ay in enumerate(positions):
            for j, ax in enumerate(positions):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self.set(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format(0)
        if self.version >= 7:
            bits = version_bits(self.version)
            for i in range(18):
                dark = (bits >> i) & 1 == 1
                a, b = self.size - 11 + i % 3, i // 3
                self.set(a, b, dark)
                self.set(b, a, dark)

    def draw_format(self, mask: int) -> None:
        bits = format_bits(mask)

        def bit(i: int) -> bool:
            return (bits >> i) & 1 == 1

        for i in range(6):
            self.set(8, i, bit(i))
        self.set(8, 7, bit(6))
        self.set(8, 8, bit(7))
        self.set(7, 8, bit(8))
        for i in range(9, 15):
            self.set(14 - i, 8, bit(i))
        for i in range(8):
            self.set(self.size - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self.set(8, self.size - 15 + i, bit(i))
        self.set(8, self.size - 8, True)  # the dark module

    def data_positions(self) -> Iterator[tuple[int, int]]:
        """Non-function modules in the standard zig-zag order (pairs of columns)."""
        right = self.size - 1
        while right >= 1:
            if right == 6:
                right = 5
            upward = ((right + 1) & 2) == 0
            for vertical in range(self.size):
                y = self.size - 1 - vertical if upward else vertical
                for x in (right, right - 1):
                    if not self.function[y][x]:
                        yield x, y
            right -= 2

    def place(self, codewords: list[int]) -> None:
        bits = [(word >> (7 - i)) & 1 for word in codewords for i in range(8)]
        for index, (x, y) in enumerate(self.data_positions()):
            self.dark[y][x] = index < len(bits) and bits[index] == 1

    def apply_mask(self, mask: int) -> None:
        for y in range(self.size):
            for x in range(self.size):
                if not self.function[y][x] and mask_applies(mask, x, y):
                    self.dark[y][x] = not self.dark[y][x]


def format_bits(mask: int) -> int:
    """The 15 format bits for level M and a mask: BCH(15,5) with generator 0x537, XOR 0x5412."""
    data = LEVEL_M_BITS << 3 | mask
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    return (data << 10 | remainder) ^ 0x5412


def version_bits(version: int) -> int:
    """The 18 version bits: BCH(18,6) with generator 0x1F25."""
    remainder = version
    for _ in range(12):
        remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
    return version << 12 | remainder


def mask_applies(mask: int, x: int, y: int) -> bool:
    """Whether mask pattern ``mask`` flips the module in column ``x``, row ``y``."""
    rules = (
        (x + y) % 2 == 0,
        y % 2 == 0,
        x % 3 == 0,
        (x + y) % 3 == 0,
        (x // 3 + y // 2) % 2 == 0,
        x * y % 2 + x * y % 3 == 0,
        (x * y % 2 + x * y % 3) % 2 == 0,
        ((x + y) % 2 + x * y % 3) % 2 == 0,
    )
    return rules[mask]


FINDER_LIKE = ([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1])


def penalty(dark: list[list[bool]]) -> int:
    """The standard's penalty score: runs, 2x2 blocks, finder-like patterns, balance."""
    size = len(dark)
    lines = [[int(v) for v in row] for row in dark]
    lines += [[int(dark[y][x]) for y in range(size)] for x in range(size)]
    score = 0
    for line in lines:
        run, previous = 0, -1
        for value in [*line, -1]:
            if value == previous:
                run += 1
                continue
            if run >= 5:
                score += 3 + run - 5
            run, previous = 1, value
        for start in range(size - 10):
            if line[start : start + 11] in FINDER_LIKE:
                score += 40
    for y in range(size - 1):
        for x in range(size - 1):
            if dark[y][x] == dark[y][x + 1] == dark[y + 1][x] == dark[y + 1][x + 1]:
                score += 3
    share = 100 * sum(map(sum, dark)) / (size * size)
    return score + 10 * int(abs(share - 50) // 5)


def encode(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (UTF-8) as rows of modules, True for dark."""
    payload = text.encode("utf-8")
    eci = not text.isascii()
    version = choose_version(len(payload), eci)
    codewords = interleave(data_codewords(payload, version, eci), version)
    best: tuple[int, list[list[bool]]] | None = None
    for mask in range(8):
        grid = _Grid(version)
        grid.draw_function_patterns()
        grid.place(codewords)
        grid.apply_mask(mask)
        grid.draw_format(mask)
        score = penalty(grid.dark)
        if best is None or score < best[0]:
            best = (score, grid.dark)
    assert best is not None
    return best[1]


def svg(text: str, *, module: int = 4, border: int = 4) -> str:
    """An SVG image of the QR code of ``text`` (one path; no scripts, no styles)."""
    modules = encode(text)
    size = len(modules) + 2 * border
    path = "".join(
        f"M{x + border},{y + border}h1v1h-1z"
        for y, row in enumerate(modules)
        for x, dark in enumerate(row)
        if dark
    )
    pixels = size * module
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges" role="img" '
        f'aria-label="QR code"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
