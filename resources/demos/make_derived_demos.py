"""Rebuild the derived demo files from the shipped UEA data and our own sentence templates.

Run from this folder: ``python make_derived_demos.py``. Output is deterministic.

- ``vowels_long.csv``: JapaneseVowels_TRAIN.ts rewritten in the *long* CSV layout (one row per
  frame: utterance id, frame number, 12 LPC cepstrum coefficients, speaker label), with the
  rows shuffled as real exports often are, so the import wizard has an id, an order and a label
  column to detect.
- ``sentiment_reviews.txt``: short product reviews written for Shape Explorer from templates,
  one per line with a tab and a positive/negative label (released with the project, CC0).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).parent


def vowels_long() -> None:
    rows = []
    lines = (HERE / "JapaneseVowels_TRAIN.ts").read_text().splitlines()
    data = lines[next(i for i, line in enumerate(lines) if line.strip().lower() == "@data") + 1 :]
    for utterance, line in enumerate(filter(str.strip, data)):
        *dims, speaker = line.split(":")
        channels = [dim.split(",") for dim in dims]
        for frame in range(len(channels[0])):
            rows.append([f"u{utterance:03d}", frame, *(c[frame] for c in channels), f"speaker_{speaker}"])
    random.Random(7).shuffle(rows)
    with open(HERE / "vowels_long.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["utterance", "frame", *(f"lpc_{i}" for i in range(1, 13)), "speaker"])
        writer.writerows(rows)


POSITIVE = ["great", "excellent", "lovely", "reliable", "wonderful", "solid", "delightful", "superb", "handy", "sturdy"]
NEGATIVE = ["terrible", "awful", "flimsy", "useless", "disappointing", "broken", "cheap", "noisy", "slow", "fragile"]
THINGS = ["kettle", "lamp", "backpack", "keyboard", "phone case", "blender", "umbrella", "tent", "charger", "chair",
          "headset", "water bottle", "desk", "bike light", "coffee grinder"]
POSITIVE_TEMPLATES = [
    "this {thing} is {adj} and i would buy it again",
    "a {adj} {thing} , it works exactly as described",
    "really {adj} {thing} , arrived early and well packed",
    "the {thing} feels {adj} and the price was fair",
    "{adj} quality , my family loves this {thing}",
    "i have used the {thing} every day for a month and it is still {adj}",
    "simply {adj} . the best {thing} i have owned",
    "very happy with this {adj} {thing}",
]
NEGATIVE_TEMPLATES = [
    "this {thing} is {adj} and i want my money back",
    "a {adj} {thing} , it stopped working after a week",
    "really {adj} {thing} , arrived late and badly packed",
    "the {thing} feels {adj} and the price was too high",
    "{adj} quality , nobody in my family uses this {thing}",
    "i used the {thing} twice and it is already {adj}",
    "simply {adj} . the worst {thing} i have owned",
    "very unhappy with this {adj} {thing}",
]


def sentiment_reviews() -> None:
    rng = random.Random(11)
    lines = []
    for _ in range(150):
        lines.append(rng.choice(POSITIVE_TEMPLATES).format(thing=rng.choice(THINGS), adj=rng.choice(POSITIVE)) + "\tpositive")
        lines.append(rng.choice(NEGATIVE_TEMPLATES).format(thing=rng.choice(THINGS), adj=rng.choice(NEGATIVE)) + "\tnegative")
    rng.shuffle(lines)
    (HERE / "sentiment_reviews.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    vowels_long()
    sentiment_reviews()
