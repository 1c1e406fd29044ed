"""Times pandas on the statistics `keel profile` reports, and prints JSON.

describe() with keel's seven percentiles, Pearson and Spearman matrices and the
duplicate-row count, on a CSV whose reading is not timed. Run with Debian's
interpreter (/usr/bin/python3), which sees python3-pandas.
Usage: profile_pandas.py FILE [RUNS]
"""
import json
import statistics
import sys
import time

import pandas as pd

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
frame = pd.read_csv(path)
seconds = []
for _ in range(runs):
    start = time.perf_counter()
    frame.describe(percentiles=[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
    frame.corr()
    frame.corr(method="spearman")
    frame.duplicated().sum()
    seconds.append(time.perf_counter() - start)
print(json.dumps({"seconds": statistics.median(seconds), "runs": seconds, "rows": len(frame)}))
