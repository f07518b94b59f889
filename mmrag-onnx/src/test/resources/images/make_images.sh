#!/bin/sh
# Makes the small test images of ImageDecoderTest from a catalogue photo (run from this folder).
# Tools: Debian 12's python3-pil (Pillow 9.4.0) and webp (cwebp/dwebp 1.2.4).
set -e
python3 - <<'PY'
from PIL import Image
photo = Image.open("../../../../../assets/data/style-catalog/images/sku-0002.jpg").convert("RGB")
source = photo.crop((60, 80, 180, 170))                     # 120 x 90, stripes and edges
source.save("source.png")
source.save("source.bmp")                                   # 24-bit BMP, lossless
source.quantize(64).save("source.gif")                      # palette GIF
Image.open("source.gif").convert("RGB").save("source.gif.pillow.png")   # how Pillow decodes it
source.convert("L").save("gray.jpg", quality=90)            # one-channel JPEG
Image.open("gray.jpg").convert("RGB").save("gray.jpg.pillow.png")       # how Pillow decodes it
source.convert("CMYK").save("cmyk.jpg", quality=90)         # CMYK JPEG (Adobe-inverted, K = 0)
PY
cwebp -quiet -lossless source.png -o lossless.webp
cwebp -quiet -q 80 source.png -o lossy.webp
dwebp -quiet lossy.webp -o lossy.webp.dwebp.png            # how libwebp (and so Pillow) decodes it
python3 - <<'PY'
import struct
from PIL import Image
photo = Image.open("source.png").convert("L")
# 16-bit grey PNG: Pillow opens it as mode I and convert("RGB") clips each value to 0..255 (not its high byte);
# the left half holds values below 256 and the right half photo values spread over 0..65535.
grey16 = Image.new("I", photo.size)
grey16.putdata([v if x < photo.size[0] // 2 else v * 257 for i, v in enumerate(photo.getdata())
                for x in [i % photo.size[0]]])
grey16.save("grey16.png")
Image.open("grey16.png").convert("RGB").save("grey16.png.pillow.png")

def gif(name, screen, frame_box, pixels, transparent=None):
    """A GIF87a/89a whose only frame covers frame_box = (left, top, width, height) of a larger logical screen,
    written with an LZW stream of literal codes only (a clear code every 250 codes keeps the code width at 9)."""
    left, top, width, height = frame_box
    palette = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)] + [(i, i, i) for i in range(252)]
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", screen[0], screen[1], 0x80 | 0x07, 1, 0)       # global table of 256, bg 1
    for r, g, b in palette:
        out += bytes((r, g, b))
    if transparent is not None:
        out += bytes((0x21, 0xF9, 4, 0x01)) + struct.pack("<H", 0) + bytes((transparent, 0))
    out += b"\x2c" + struct.pack("<HHHHB", left, top, width, height, 0)
    out += bytes((8,))
    codes, bits, nbits, data = [256], 0, 0, bytearray()
    for i, p in enumerate(pixels):
        if i and i % 250 == 0:
            codes.append(256)
        codes.append(p)
    codes.append(257)
    for code in codes:
        bits |= code << nbits
        nbits += 9
        while nbits >= 8:
            data.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    if nbits:
        data.append(bits & 0xFF)
    for i in range(0, len(data), 255):
        block = data[i:i + 255]
        out += bytes((len(block),)) + block
    out += b"\x00\x3b"
    open(name, "wb").write(out)
    Image.open(name).convert("RGB").save(name + ".pillow.png")

def bmp555(name):
    """A 16-bit BMP (5 bits a channel): every 5-bit value in each channel, in different combinations per row."""
    width, height = 32, 4
    rows = b""
    for y in range(height):
        row = b"".join(struct.pack("<H", (x << 10) | (((x + 7 * y) % 32) << 5) | ((31 - x + y) % 32))
                       for x in range(width))
        rows += row + b"\0" * ((4 - len(row) % 4) % 4)
    header = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 16, 0, len(rows), 2835, 2835, 0, 0)
    open(name, "wb").write(b"BM" + struct.pack("<IHHI", 14 + 40 + len(rows), 0, 0, 54) + header + rows)
    Image.open(name).convert("RGB").save(name + ".pillow.png")

bmp555("rgb555.bmp")
frame = [(x // 3 + y // 2) % 4 + (4 if x == y else 0) for y in range(20) for x in range(30)]
gif("offset.gif", (48, 40), (9, 7, 30, 20), frame)                       # frame inside a larger screen
gif("offset-transparent.gif", (48, 40), (9, 7, 30, 20), frame, transparent=2)
gif("overflow.gif", (20, 16), (6, 5, 30, 20), frame)                       # frame reaching past the screen
PY
