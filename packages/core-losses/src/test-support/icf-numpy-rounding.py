"""Writes icf-numpy-rounding.json: every (n, N), 1 <= n <= N < 1000, where the ICF weight's rounding in the NLBSE'25
reference (moritzmock/NLBSE2025 transformer/main.py line 219: round(1/freq, 2) with freq a numpy.float64) differs
from Python's correctly rounded round() on a built-in float. Run: python3 icf-numpy-rounding.py (NumPy installed)."""
import json
import sys

import numpy as np

LIMIT = 1000
pairs = []
for total in range(1, LIMIT):
    counts = np.arange(1, total + 1, dtype=np.int64)
    frequencies = (counts / total) * 100  # numpy.float64 percentages, as the reference computes them
    for count, frequency in zip(counts.tolist(), frequencies):
        by_numpy = round(1 / frequency, 2)  # numpy.float64.__round__: multiply, rint, divide
        by_python = round(float(1 / frequency), 2)  # built-in float: correctly rounded
        if by_numpy != by_python:
            pairs.append([count, total, float(by_numpy), by_python])
json.dump(
    {
        "description": "(n, N, NumPy-rounded 1/f, Python-rounded 1/f) for every 1 <= n <= N < %d where they differ; f = 100*n/N" % LIMIT,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "pairs": pairs,
    },
    open("icf-numpy-rounding.json", "w"),
    separators=(",", ":"),
)
print(len(pairs), "pairs")
