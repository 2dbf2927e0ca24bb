// Minimal CUPTI activity tracer: build with
//   gcc -shared -fPIC -O2 -I/usr/local/cuda/include -o libtrace.so cupti_trace.c -L<cuda>/lib -lcupti -Wl,-rpath,<cuda>/lib
// and run any program with CUPTI_TRACE_OUT=trace.txt LD_PRELOAD=./libtrace.so; one line per kernel
// ("K start end stream name") and per copy ("M start end stream kind bytes"), times in ns.
// Read with timeline.py.
#include <cupti.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;

static void CUPTIAPI requested(uint8_t **buffer, size_t *size, size_t *maxRecords) {
    *size = 16 << 20;
    *buffer = (uint8_t *) aligned_alloc(64, *size);
    *maxRecords = 0;
}

static void CUPTIAPI completed(CUcontext ctx, uint32_t stream, uint8_t *buffer, size_t size, size_t valid) {
    CUpti_Activity *r = NULL;
    while (cuptiActivityGetNextRecord(buffer, valid, &r) == CUPTI_SUCCESS) {
        if (r->kind == CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL || r->kind == CUPTI_ACTIVITY_KIND_KERNEL) {
            CUpti_ActivityKernel10 *k = (CUpti_ActivityKernel10 *) r;
            fprintf(out, "K %llu %llu %u %s\n", (unsigned long long) k->start, (unsigned long long) k->end, k->streamId, k->name);
        } else if (r->kind == CUPTI_ACTIVITY_KIND_MEMCPY) {
            CUpti_ActivityMemcpy6 *m = (CUpti_ActivityMemcpy6 *) r;
            fprintf(out, "M %llu %llu %u %d %llu\n", (unsigned long long) m->start, (unsigned long long) m->end, m->streamId,
                    (int) m->copyKind, (unsigned long long) m->bytes);
        }
    }
    free(buffer);
}

__attribute__((constructor)) static void start(void) {
    const char *path = getenv("CUPTI_TRACE_OUT");
    if (!path) return;
    out = fopen(path, "w");
    cuptiActivityRegisterCallbacks(requested, completed);
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_MEMCPY);
}

__attribute__((destructor)) static void stop(void) {
    if (!out) return;
    cuptiActivityFlushAll(1);
    fclose(out);
}
