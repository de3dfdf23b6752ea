"""Benchmarks: seeded organisation data, five workloads beside their limits, and the report.

Run with ``make bench SCALE=S|M|L [WORKLOAD=...]`` (see docs/performance.md). Results go to
``bench/results/<scale>/<workload>.json``; generated data and databases to ``var/bench/``.
"""
