#!/usr/bin/env python3
"""Writes the labelled keyword-heavy queries over the bundled style catalogue (issue 15).

Four kinds, in equal shares: brand + attributes ("Harbor & Pine red striped t-shirt"), brand + type
("Harbor & Pine skirts"), product codes in several spellings ("SKU 0042", "sku0042"), and description
phrasings ("t-shirt by Meadowlark with a striped pattern"). A query's relevant ids are every product that
has all the attributes (brand, type, colour, pattern) or the code the query names. Two files from two seeds:
keyword-queries-tune.jsonl (tune fusion on it) and keyword-queries-test.jsonl (report on it, never tune).

Usage: scripts/keyword-queries.py   (from the repository root; deterministic)
"""
import json
import random

CATALOG = "assets/data/style-catalog/catalog.jsonl"
OUT = "assets/data/style-queries/keyword-queries-{}.jsonl"
PLURAL = {"t-shirt": "t-shirts", "sweater": "sweaters", "dress": "dresses", "trousers": "trousers",
          "skirt": "skirts", "hat": "hats", "shoe": "shoes", "bag": "bags"}
PATTERN_ADJ = {"striped": ["striped", "stripy"], "polka-dot": ["polka-dot", "polka dot", "dotted"],
               "checked": ["checked", "check", "checkered"], "plain": ["plain", "solid"]}
PATTERN_WITH = {"striped": ["with stripes"], "polka-dot": ["with polka dots", "with dots"],
                "checked": ["with checks", "with a check pattern"], "plain": ["without a pattern"]}

products = [json.loads(line) for line in open(CATALOG)]


def relevant(**want):
    return [p["id"] for p in products if all(p[k] == v for k, v in want.items())]


def brand_attributes(r):
    p = r.choice(products)
    b, c, t, pat = p["brand"], p["color"], p["type"], p["pattern"]
    form = r.randrange(5)
    if form == 0:
        return f"{b} {c} {r.choice(PATTERN_ADJ[pat])} {t}", relevant(brand=b, color=c, type=t, pattern=pat)
    if form == 1:
        return f"{c} {t} {r.choice(PATTERN_WITH[pat])} from {b}", relevant(brand=b, color=c, type=t, pattern=pat)
    if form == 2:
        return f"{b} {c} {t}", relevant(brand=b, color=c, type=t)
    if form == 3:
        return f"{r.choice(PATTERN_ADJ[pat])} {PLURAL[t]} by {b}", relevant(brand=b, type=t, pattern=pat)
    return f"{b.lower()} {c} {PLURAL[t]}", relevant(brand=b, color=c, type=t)


def brand_type(r):
    p = r.choice(products)
    b, t = p["brand"], p["type"]
    form = r.randrange(4)
    text = [f"{b} {t}", f"{b} {PLURAL[t]}", f"{PLURAL[t]} from {b}", f"a {t} by {b}"][form]
    return text, relevant(brand=b, type=t)


def product_code(r):
    p = r.choice(products)
    n = p["id"].split("-")[1]
    spelling = r.choice([f"sku-{n}", f"SKU {n}", f"sku{n}", f"SKU-{n}", f"Sku {n}", f"SKU{n}", f"sku_{n}",
                         f"item SKU {n}", f"product sku-{n}", f"order line SKU-{n}"])
    return spelling, [p["id"]]


def description(r):
    p = r.choice(products)
    b, c, t, pat = p["brand"], p["color"], p["type"], p["pattern"]
    if pat == "plain":
        form = r.randrange(2)
        text = [f"{c.capitalize()} {t} by {b}.", f"{t} by {b}"][form]
        return text, relevant(brand=b, color=c, type=t) if form == 0 else relevant(brand=b, type=t)
    form = r.randrange(2)
    if form == 0:
        return f"{c} {t} by {b} with a {pat} pattern", relevant(brand=b, color=c, type=t, pattern=pat)
    return f"{t} by {b} with a {pat} pattern", relevant(brand=b, type=t, pattern=pat)


seen = set()  # across both files: no test query is also a tuning query


def write(name, seed, per_kind):
    r = random.Random(seed)
    lines = []
    for kind, make in [("brand+attributes", brand_attributes), ("brand+type", brand_type),
                       ("product code", product_code), ("description", description)]:
        made = 0
        while made < per_kind:
            text, ids = make(r)
            if text in seen or not ids:
                continue
            seen.add(text)
            lines.append({"text": text, "relevant": ids, "kind": kind})
            made += 1
    with open(OUT.format(name), "w") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


write("tune", 15, 40)
write("test", 1515, 40)
