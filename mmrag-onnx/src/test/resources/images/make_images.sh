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
source.convert("CMYK").save("cmyk.jpg", quality=90)         # CMYK JPEG, which the JDK cannot decode
PY
cwebp -quiet -lossless source.png -o lossless.webp
cwebp -quiet -q 80 source.png -o lossy.webp
dwebp -quiet lossy.webp -o lossy.webp.dwebp.png            # how libwebp (and so Pillow) decodes it
