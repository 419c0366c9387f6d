"""
The text of a PDF fpdf2 wrote, for tests to read back what a customer sees:
each text-showing operator's string decoded through its font's ToUnicode map
(fpdf2 writes embedded TrueType text as two-byte glyph codes). Enough for
fpdf2's output, not a general PDF reader.
"""

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_TOKEN = re.compile(
    rb"/(\w+)\s+[\d.]+\s+Tf|(\((?:\\.|[^\\)])*\))\s*Tj|<([0-9A-Fa-f]*)>\s*Tj|(ET)", re.S
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    match = _STREAM.search(body)
    if match is None:
        return b""
    length = re.search(rb"/Length\s+(\d+)\s", body)
    raw = body[match.start(1) : match.start(1) + int(length.group(1))] if length else match.group(1)
    return zlib.decompress(raw) if b"/FlateDecode" in body else raw


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(int(start, 16) + offset)
    return mapping


def _literal(token: bytes) -> bytes:
    body, out, index = token[1:-1], bytearray(), 0
    while index < len(body):
        char = body[index : index + 1]
        if char != b"\\":
            out += char
            index += 1
            continue
        following = body[index + 1 : index + 2]
        octal = re.match(rb"[0-7]{1,3}", body[index + 1 : index + 4])
        if octal:
            out.append(int(octal.group(0), 8))
            index += 1 + len(octal.group(0))
        else:
            out += _ESCAPES.get(following, following)
            index += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The document's text, a line per text object, in the order drawn."""
    assert data.startswith(b"%PDF-"), data[:20]
    objects = {int(number): body for number, body in _OBJECT.findall(data)}
    unicode_maps = {}
    for number, body in objects.items():
        reference = re.search(rb"/ToUnicode\s+(\d+) 0 R", body)
        if reference:
            unicode_maps[number] = _cmap(_stream(objects[int(reference.group(1))]))
    fonts = {
        name.decode(): unicode_maps.get(int(number), {})
        for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", data)
    }
    lines, current, font = [], [], {}
    for body in objects.values():
        content = _stream(body)
        if b"Tf" not in content:
            continue
        for name, literal, hexa, end in _TOKEN.findall(content):
            if name:
                font = fonts.get(name.decode(), {})
            elif end:
                if current:
                    lines.append("".join(current))
                current = []
            else:
                raw = _literal(literal) if literal else bytes.fromhex(hexa.decode())
                codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                current.append("".join(font.get(code, "\ufffd") for code in codes))
    return "\n".join(lines)
