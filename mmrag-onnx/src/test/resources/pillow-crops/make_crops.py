"""Writes Pillow's CLIP resize + center crop of test images as lossless PNGs, for PilBicubicResizeTest.

Run from this folder with the Pillow that the test names (made with Debian 12's python3-pil, Pillow 9.4.0):
    python3 make_crops.py
It does what CLIPImageProcessor does before rescaling: convert("RGB"), resize the shortest edge to 224 with
Image.BICUBIC (long edge int(224 * long / short)), crop 224 x 224 at ((w - 224) // 2, (h - 224) // 2).

The inputs are the parity images (../clip-parity/images) and sources/nearest-1728x1296.png, a catalogue photo
(assets/data/style-catalog/images/sku-0002.jpg) enlarged with Image.NEAREST, so that one case downscales by
almost 6 (where the antialiasing kernel is 24 pixels wide).
"""
import os

from PIL import Image

SIZE = 224
INPUTS = [os.path.join("..", "clip-parity", "images"), "sources"]


def make_source():
    photo = Image.open(os.path.join("..", "..", "..", "..", "..", "assets", "data", "style-catalog", "images",
                                    "sku-0002.jpg")).convert("RGB")
    photo.resize((1728, 1296), Image.NEAREST).save(os.path.join("sources", "nearest-1728x1296.png"), optimize=True)


def crop(path, name):
    image = Image.open(path).convert("RGB")
    width, height = image.size
    if width <= height:
        size = (SIZE, int(SIZE * height / width))
    else:
        size = (int(SIZE * width / height), SIZE)
    resized = image.resize(size, Image.BICUBIC)
    left = (size[0] - SIZE) // 2
    top = (size[1] - SIZE) // 2
    resized.crop((left, top, left + SIZE, top + SIZE)).save(name + ".crop.png")


if not os.path.exists(os.path.join("sources", "nearest-1728x1296.png")):
    make_source()
for folder in INPUTS:
    for name in sorted(os.listdir(folder)):
        crop(os.path.join(folder, name), name)
