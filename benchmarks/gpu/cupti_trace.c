// Minimal CUPTI activity tracer: build with
//   gcc -shared -fPIC -O2 -I/usr/local/cuda/include -o libtrace.so cupti_trace.c -L<cuda>/lib -lcupti -Wl,-rpath,<cuda>/lib
// and run any program with CUPTI_TRACE_OUT=trace.txt LD_PRELOAD=./libtrace.so; one line per kernel
// ("K start end stream correlation name"), per copy ("M start end stream kind bytes correlation") and per
// launch, copy or memset call of the runtime or driver API ("A correlation thread"), times in ns. The
// correlation ids tie each kernel to the host thread that launched it: which stage of a pipeline
// spent the GPU's time. Read with timeline.py.
#include <cupti.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;

/* per API domain and callback id: 0 unknown, 1 a launch, copy or memset (worth a line), 2 anything else */
static unsigned char wanted[2][4096];

static int worth(int domain, uint32_t cbid) {
    if (cbid >= 4096) return 0;
    if (!wanted[domain][cbid]) {
        const char *name = NULL;
        cuptiGetCallbackName(domain ? CUPTI_CB_DOMAIN_DRIVER_API : CUPTI_CB_DOMAIN_RUNTIME_API, cbid, &name);
        wanted[domain][cbid] = name && (strstr(name, "aunch") || strstr(name, "emcpy") || strstr(name, "emset")) ? 1 : 2;
    }
    return wanted[domain][cbid] == 1;
}

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
            fprintf(out, "K %llu %llu %u %u %s\n", (unsigned long long) k->start, (unsigned long long) k->end, k->streamId,
                    k->correlationId, k->name);
        } else if (r->kind == CUPTI_ACTIVITY_KIND_MEMCPY) {
            CUpti_ActivityMemcpy6 *m = (CUpti_ActivityMemcpy6 *) r;
            fprintf(out, "M %llu %llu %u %d %llu %u\n", (unsigned long long) m->start, (unsigned long long) m->end, m->streamId,
                    (int) m->copyKind, (unsigned long long) m->bytes, m->correlationId);
        } else if (r->kind == CUPTI_ACTIVITY_KIND_RUNTIME || r->kind == CUPTI_ACTIVITY_KIND_DRIVER) {
            CUpti_ActivityAPI *a = (CUpti_ActivityAPI *) r;
            if (worth(r->kind == CUPTI_ACTIVITY_KIND_DRIVER, a->cbid)) {
                fprintf(out, "A %u %u\n", a->correlationId, a->threadId);
            }
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
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_RUNTIME);
    cuptiActivityEnable(CUPTI_ACTIVITY_KIND_DRIVER);
}

__attribute__((destructor)) static void stop(void) {
    if (!out) return;
    cuptiActivityFlushAll(1);
    fclose(out);
}
