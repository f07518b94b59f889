#!/bin/sh
# Makes the CMYK, YCCK and EXIF-orientation test images of ImageDecoderTest (run from this folder).
# Tools: Debian 12's python3-pil (Pillow 9.4.0, the reference's), python3-numpy, and a JDK 17 for MakeYcck.java.
set -e
/usr/bin/python3 - <<'PY'
from PIL import Image
import numpy as np
src = np.asarray(Image.open("source.png").convert("RGB")).astype(int)
# A CMYK picture whose black varies (Pillow's own RGB-to-CMYK conversion leaves K at 0): black generation from
# the photo plus a ramp from left to right, the colours reduced by half the black.
k = np.clip(255 - src.max(axis=2) + 2 * np.arange(src.shape[1])[None, :], 0, 255)
c, m, y = (np.clip(255 - src[:, :, i] - k // 2, 0, 255) for i in range(3))
Image.fromarray(np.stack([c, m, y, k], axis=2).astype(np.uint8), "CMYK").save("cmyk-black.jpg", quality=95)
for name in ["cmyk.jpg", "cmyk-black.jpg"]:
    Image.open(name).convert("RGB").save(name + ".pillow.png")          # how Pillow decodes it
PY
java MakeYcck.java
/usr/bin/python3 - <<'PY'
from PIL import Image, ImageOps
im = Image.open("ycck.jpg")
assert im.mode == "CMYK" and im.info.get("adobe_transform") == 2, (im.mode, im.info)
im.convert("RGB").save("ycck.jpg.pillow.png")
# A small, asymmetric photo saved with each EXIF orientation (same pixels, only the tag differs).
photo = Image.open("source.png").convert("RGB").crop((10, 5, 42, 25))     # 32 x 20
for orientation in range(1, 9):
    exif = Image.Exif()
    exif[0x0112] = orientation
    name = "orientation-%d.jpg" % orientation
    photo.save(name, quality=90, exif=exif.tobytes())
    opened = Image.open(name)
    assert opened.getexif().get(0x0112) == orientation
    ImageOps.exif_transpose(opened).convert("RGB").save(name + ".transposed.png")   # as browsers show it
Image.open("orientation-1.jpg").convert("RGB").save("orientation.jpg.pillow.png")    # the pixels as stored
for orientation in range(2, 9):
    assert list(Image.open("orientation-%d.jpg" % orientation).convert("RGB").getdata()) == \
        list(Image.open("orientation.jpg.pillow.png").getdata())
PY
