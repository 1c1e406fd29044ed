"""Loads a CSV with pandas.read_csv and prints seconds and peak memory as JSON.

Run with Debian's interpreter (/usr/bin/python3), which sees python3-pandas.
"""
import json
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
start = time.perf_counter()
frame = pd.read_csv(path)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peakMB": peak_mb, "rows": len(frame), "columns": frame.shape[1]}))
