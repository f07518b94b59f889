#!/usr/bin/env python3
"""Makes the labelled video set assets/data/style-videos from the bundled shopper photos.

Each clip is a sequence of shots cut together: filler shots (plain or gradient "studio walls" with film grain)
and product shots made from a shopper photo of assets/data/style-queries/images with one transformation each
(slow zoom, pan, crop, photo on a coloured background, full frame). Clips differ in size (landscape and portrait),
frame rate (24, 25, 30, and one variable-rate clip) and codec/container (H.264 MP4/MKV/MOV, H.265 MP4, VP9 WebM).

Writes the clips, videos.jsonl (title per clip), moments.jsonl (the ground truth: product id and span of every
product shot) and the queries in the format of `style-finder eval --videos DIR --queries FILE`:
image-queries.jsonl (the catalogue photo of each shown product), text-queries.jsonl (its colour, pattern and
type in words; every moment of a product with the same words is relevant) and queries.jsonl (both). Needs only python3 and the ffmpeg command-line tool.
Deterministic: a fixed seed picks the products and the transformations.

Usage: python3 scripts/make-style-videos.py [OUT_DIR]
"""
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(ROOT, "assets", "data", "style-queries")
CATALOG = os.path.join(ROOT, "assets", "data", "style-catalog")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "assets", "data", "style-videos")

CLIPS = [
    # name, width, height, fps (None = variable), encoder arguments
    ("v01.mp4", 640, 360, 25, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28"]),
    ("v02.mp4", 854, 480, 30, ["-c:v", "libx265", "-preset", "fast", "-crf", "30", "-tag:v", "hvc1",
                               "-x265-params", "log-level=error"]),
    ("v03.webm", 640, 360, 24, ["-c:v", "libvpx-vp9", "-b:v", "0", "-crf", "40", "-deadline", "realtime",
                                "-cpu-used", "8"]),
    ("v04.mkv", 480, 270, 25, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28"]),
    ("v05.mov", 640, 360, 30, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28"]),
    ("v06.mp4", 360, 640, 30, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28"]),
    ("v07.mp4", 640, 360, None, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-fps_mode", "vfr"]),
    ("v08.mp4", 1280, 720, 25, ["-c:v", "libx264", "-preset", "veryfast", "-crf", "30"]),
]
PRODUCTS_PER_CLIP = 4
WALLS = ["0xE8E0D5", "0x2B2B2B", "0xC9D6DF", "0xF2E6C9", "0x7A8B7F", "0xD8C3C3", "0x4A5566", "0xFFFFFF"]
MOVES = ["zoom", "pan", "crop", "board", "full"]


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def text_of(product):
    words = [product["color"]]
    if product["pattern"] != "plain":
        words.append(product["pattern"].replace("-", " ") if product["pattern"] != "polka-dot" else "polka dot")
    words.append(product["type"])
    return " ".join(words)


def product_shot(photo, move, w, h, fps, d, rng):
    """Filter for one product shot of d seconds from a looped photo input."""
    rate = f"fps={fps}," if fps else ""
    if move == "zoom":
        frames = int(d * (fps or 30))
        step = 0.35 / max(1, frames)
        chain = (f"scale={w * 2}:{h * 2}:force_original_aspect_ratio=increase,crop={w * 2}:{h * 2},"
                 f"zoompan=z='min(zoom+{step:.5f},1.35)':d=1:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
                 f":s={w}x{h}:fps={fps or 30}")
    elif move == "pan":
        chain = (f"scale={int(w * 1.4)}:{int(h * 1.4)}:force_original_aspect_ratio=increase,"
                 f"crop={w}:{h}:x='(iw-{w})*t/{d}':y='(ih-{h})/2'")
    elif move == "crop":
        f = rng.choice([0.7, 0.8])
        chain = f"crop=iw*{f}:ih*{f},scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}"
    elif move == "board":
        s = rng.choice([0.55, 0.7])
        wall = rng.choice(WALLS)
        chain = (f"scale='trunc({w}*{s}/2)*2':-2,pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color={wall}")
    else:
        chain = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}"
    return chain + f",{rate}setsar=1,format=yuv420p"


def main():
    rng = random.Random(11)
    catalog = {p["id"]: p for p in load(os.path.join(CATALOG, "catalog.jsonl"))}
    photos = load(os.path.join(PHOTOS, "image-queries.jsonl"))
    chosen = rng.sample(photos, len(CLIPS) * PRODUCTS_PER_CLIP)
    os.makedirs(OUT, exist_ok=True)
    moments = []
    titles = []
    for c, (name, w, h, fps, codec) in enumerate(CLIPS):
        inputs, filters, labels = [], [], []
        t = 0.0
        shot_fps = lambda k: fps if fps else (15 if k % 2 == 0 else 30)

        def filler(k, d):
            r = shot_fps(k)
            if rng.random() < 0.5:
                a, b = rng.sample(WALLS, 2)
                src = f"gradients=s={w}x{h}:r={r}:d={d}:c0={a}:c1={b}:speed=0.005"
            else:
                src = f"color=c={rng.choice(WALLS)}:s={w}x{h}:r={r}:d={d}"
            inputs.extend(["-f", "lavfi", "-i", src])
            filters.append(f"[{len(labels)}:v]noise=alls=12:allf=t,setsar=1,format=yuv420p[s{len(labels)}]")
            labels.append(f"[s{len(labels)}]")

        k = 0
        d = round(rng.uniform(2.0, 3.0), 2)
        filler(k, d)
        t += d
        k += 1
        for p in range(PRODUCTS_PER_CLIP):
            q = chosen[c * PRODUCTS_PER_CLIP + p]
            d = round(rng.uniform(3.5, 5.0), 2)
            move = MOVES[(c + p) % len(MOVES)]
            r = shot_fps(k)
            inputs.extend(["-loop", "1", "-framerate", str(r), "-t", str(d),
                           "-i", os.path.join(PHOTOS, q["image"])])
            filters.append(f"[{len(labels)}:v]{product_shot(q, move, w, h, r, d, rng)}[s{len(labels)}]")
            labels.append(f"[s{len(labels)}]")
            moments.append({"video": name, "product": q["expected"], "photo": q["image"], "move": move,
                            "start": round(t, 3), "end": round(t + d, 3)})
            t += d
            k += 1
            for _ in range(1 if rng.random() < 0.7 else 2):
                d = round(rng.uniform(1.5, 2.5), 2)
                filler(k, d)
                t += d
                k += 1
        graph = ";".join(filters) + ";" + "".join(labels) + f"concat=n={len(labels)}:v=1:a=0[out]"
        cmd = ["ffmpeg", "-nostdin", "-y", "-loglevel", "error"] + inputs + [
            "-filter_complex", graph, "-map", "[out]"] + codec + [os.path.join(OUT, name)]
        subprocess.run(cmd, check=True)
        titles.append({"file": name, "title": f"Lookbook clip {c + 1}", "duration": round(t, 3)})
        print(f"{name}: {w}x{h} {fps or 'variable'} fps, {t:.1f} s, {len(labels)} shots", file=sys.stderr)

    with open(os.path.join(OUT, "videos.jsonl"), "w") as f:
        for title in titles:
            f.write(json.dumps(title) + "\n")
    with open(os.path.join(OUT, "moments.jsonl"), "w") as f:
        for m in moments:
            f.write(json.dumps(m) + "\n")
    image_queries, text_queries = [], []
    for m in moments:
        span = {"video": m["video"], "start": m["start"], "end": m["end"]}
        image_queries.append(json.dumps({"image": "../style-catalog/images/" + m["product"] + ".jpg",
                                         "moments": [span]}))
    for m in moments:
        words = text_of(catalog[m["product"]])
        relevant = [{"video": o["video"], "start": o["start"], "end": o["end"]} for o in moments
                    if text_of(catalog[o["product"]]) == words]
        text_queries.append(json.dumps({"text": words, "moments": relevant}))
    for name, lines in [("queries.jsonl", image_queries + text_queries), ("image-queries.jsonl", image_queries),
                        ("text-queries.jsonl", text_queries)]:
        with open(os.path.join(OUT, name), "w") as f:
            f.write("".join(line + "\n" for line in lines))


if __name__ == "__main__":
    main()
