"""Reads a cupti_trace.c trace: how busy the GPU was (kernels and copies, overlaps merged) per 200 ms,
over a window at the end of the trace, the share of half-precision kernels and of the others, the
largest kernels of the others, the idle gaps, and the kernel time by the host thread that launched it
(with each thread's largest kernels: which stage of a pipeline the GPU worked for).

usage: python3 timeline.py trace.txt[.gz] [window seconds, default 3.0] [seconds left out at the end, default 0.2]
"""
import collections
import gzip
import sys


def read(path):
    opener = gzip.open if path.endswith('.gz') else open
    kernels, copies, threads = [], [], {}
    for line in opener(path, 'rt'):
        if line.startswith('K '):
            p = line.rstrip('\n').split(' ', 5)
            kernels.append((int(p[1]), int(p[2]), p[5], int(p[4])))
        elif line.startswith('M '):
            p = line.split()
            copies.append((int(p[1]), int(p[2]), int(p[4]), int(p[5])))
        elif line.startswith('A '):
            p = line.split()
            threads[int(p[1])] = int(p[2])
    return kernels, copies, threads


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
    kernels, copies, threads = read(sys.argv[1])
    window = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    tail = float(sys.argv[3]) if len(sys.argv) > 3 else 0.2
    intervals = sorted([(s, e) for s, e, _, _ in kernels] + [(s, e) for s, e, _, _ in copies])
    t0, t1 = intervals[0][0], max(e for _, e in intervals)
    print(f'{len(kernels)} kernels, {len(copies)} copies over {(t1 - t0) / 1e9:.2f} s')
    step = 200_000_000
    print('busy % per 200 ms:', ' '.join(f'{100 * busy(intervals, a, a + step) / step:.0f}' for a in range(t0, t1, step)))
    hi = t1 - int(tail * 1e9)
    lo = hi - int(window * 1e9)
    span = hi - lo
    print(f'window of {window} s ending {tail} s before the last kernel: busy {100 * busy(intervals, lo, hi) / span:.1f} %')
    by_kind, by_name = collections.Counter(), collections.Counter()
    by_thread, names_by_thread, count_by_thread = collections.Counter(), collections.defaultdict(collections.Counter), collections.Counter()
    for s, e, n, corr in kernels:
        if lo <= s and e <= hi:
            t = threads.get(corr, 0)
            by_thread[t] += e - s
            count_by_thread[t] += 1
            names_by_thread[t][n[:90]] += e - s
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
    if threads:
        print('kernel time by launching host thread (0 = not known):')
        for t, v in by_thread.most_common():
            print(f'  thread {t}: {v / 1e6:8.1f} ms  {100 * v / span:5.1f} %  {count_by_thread[t]} kernels; largest:')
            for n, w in names_by_thread[t].most_common(6):
                print(f'      {w / 1e6:7.2f} ms  {n}')


if __name__ == '__main__':
    main()
