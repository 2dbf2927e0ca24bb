"""Reads a cupti_trace.c trace: how busy the GPU was (kernels and copies, overlaps merged) per 200 ms,
over a window at the end of the trace, the share of half-precision kernels and of the others, the
largest kernels of the others, and the idle gaps.

usage: python3 timeline.py trace.txt[.gz] [window seconds, default 3.0] [seconds left out at the end, default 0.2]
"""
import collections
import gzip
import sys


def read(path):
    opener = gzip.open if path.endswith('.gz') else open
    kernels, copies = [], []
    for line in opener(path, 'rt'):
        if line.startswith('K '):
            p = line.rstrip('\n').split(' ', 4)
            kernels.append((int(p[1]), int(p[2]), p[4]))
        elif line.startswith('M '):
            p = line.split()
            copies.append((int(p[1]), int(p[2]), int(p[4]), int(p[5])))
    return kernels, copies


def busy(intervals, lo, hi):
    """Time in [lo, hi) covered by at least one interval (intervals sorted by start)."""
    total, start, end = 0, None, None
    for s, e in intervals:
        s, e = max(s, lo), min(e, hi)
        if e <= s:
            continue
        if end is None or s > end:
            if end is not None:
                total += end - start
            start, end = s, e
        else:
            end = max(end, e)
    if end is not None:
        total += end - start
    return total


def half(name):
    return any(t in name for t in ('Half', 'f16', '__half', 'hsh', 'h884', 'hmma', 'bf16', 'BFloat16'))


def main():
    kernels, copies = read(sys.argv[1])
    window = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    tail = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    intervals = sorted([(s, e) for s, e, _ in kernels] + [(s, e) for s, e, _, _ in copies])
    t0, t1 = intervals[0][0], max(e for _, e in intervals)
    print(f'{len(kernels)} kernels, {len(copies)} copies over {(t1 - t0) / 1e9:.2f} s')
    step = 200_000_000
    print('busy % per 200 ms:', ' '.join(f'{100 * busy(intervals, a, a + step) / step:.0f}' for a in range(t0, t1, step)))
    hi = t1 - int(tail * 1e9)
    lo = hi - int(window * 1e9)
    span = hi - lo
    print(f'window of {window} s ending {tail} s before the last kernel: busy {100 * busy(intervals, lo, hi) / span:.1f} %')
    by_kind, by_name = collections.Counter(), collections.Counter()
    for s, e, n in kernels:
        if lo <= s and e <= hi:
            kind = 'half-precision kernels' if half(n) else 'other kernels'
            by_kind[kind] += e - s
            by_name[(kind, n[:100])] += e - s
    for s, e, kind, _ in copies:
        if lo <= s and e <= hi:
            by_kind[f'copies of kind {kind}'] += e - s
    for k, v in by_kind.most_common():
        print(f'  {k:24s} {v / 1e6:8.1f} ms  {100 * v / span:5.1f} %')
    print('largest other kernels:')
    for (kind, n), v in by_name.most_common():
        if kind == 'other kernels' and v > span * 0.003:
            print(f'  {v / 1e6:8.2f} ms  {n}')
    gaps, last = [], None
    for s, e in intervals:
        if s < lo or e > hi:
            continue
        if last is not None and s > last:
            gaps.append(s - last)
        last = e if last is None else max(last, e)
    gaps.sort(reverse=True)
    big = [g for g in gaps if g >= 1_000_000]
    print(f'idle gaps: {len(gaps)}, {sum(gaps) / 1e6:.1f} ms in all; {len(big)} of 1 ms or more, {sum(big) / 1e6:.1f} ms; '
          f'largest (ms): {[round(g / 1e6, 1) for g in gaps[:10]]}')


if __name__ == '__main__':
    main()
