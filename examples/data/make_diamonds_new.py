"""Writes diamonds-new.csv: the diamond market "a year later", for the README's
monitoring example. 5,000 different stones drawn from diamonds.csv, favouring Ideal cuts
(weight 4) and larger stones (weight carat ** 1.5), with prices 30% higher.
The monitor sees carat, its dimensions and cut drift, and a model trained on
the old prices decay; a model retrained on these rows wins. Deterministic.

    python3 examples/data/make_diamonds_new.py
"""
import csv
import random
from pathlib import Path

HERE = Path(__file__).parent
ROWS = 5000

with open(HERE / "diamonds.csv", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    stones = list(reader)

cut, carat, price = header.index("cut"), header.index("carat"), header.index("price")
weights = [(4.0 if s[cut] == "Ideal" else 1.0) * float(s[carat]) ** 1.5 for s in stones]
rng = random.Random(2026)
# Weighted sampling without replacement (Efraimidis & Spirakis 2006): the ROWS largest u ** (1 / w).
keys = sorted(range(len(stones)), key=lambda i: rng.random() ** (1 / weights[i]), reverse=True)
chosen = [stones[i] for i in keys[:ROWS]]
rng.shuffle(chosen)

with open(HERE / "diamonds-new.csv", "w", newline="") as f:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(header)
    for stone in chosen:
        row = list(stone)
        row[price] = str(round(int(stone[price]) * 1.3))
        writer.writerow(row)
