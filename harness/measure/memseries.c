/* harness/measure/memseries.c -- memory over a run, sampled by allocation: the
 * heap calls back every interval of gross allocation (gc_listener's
 * memory_sample), and a point records live bytes, the modelled
 * OS-visible bytes and, in the accounting run, the retained garbage
 * by the oracle mark.  The x axis is bytes allocated rather than time,
 * so that a series is exact for a seed and the two runs line up.
 *
 * Cost in the measured run: the heap's one compare per allocation
 * (there whether or not anyone samples) and one point per interval,
 * which the interval's doubling keeps at most GC_MEMSERIES_MAX. */
#include "memseries-internal.h"
#include "measure.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool
gc_memseries_start(struct gc_memseries *s, struct gc_heap *heap,
                   struct gc_listener *l, void (*sample)(void *data),
                   bool has_garbage)
{
    *s = (struct gc_memseries){.heap = heap, .has_garbage = has_garbage};
    s->pts = malloc(GC_MEMSERIES_MAX * sizeof *s->pts);
    s->alloc0 = gc_heap_gross_allocated_bytes(heap);
    if (s->pts != NULL) {
        l->memory_sample = sample;
        l->sample_interval_bytes = GC_MEMSERIES_EVERY_BYTES;
    }
    s->listener = *l;
    gc_set_listener(heap, l);
    return s->pts != NULL;
}

/* Keeps every other point (the later of each pair, so the last point
 * stays the latest) and doubles the interval. */
static void
decimate(struct gc_memseries *s)
{
    size_t k = 0;
    for (size_t i = 1; i < s->n; i += 2) {
        s->pts[k++] = s->pts[i];
    }
    s->n = k;
    s->listener.sample_interval_bytes *= 2;
    gc_set_listener(s->heap, &s->listener);
}

void
gc_memseries_sample(struct gc_memseries *s)
{
    if (s->pts == NULL) {
        return;
    }
    if (s->n == GC_MEMSERIES_MAX) {
        decimate(s);
    }
    const struct gc_heap_stats *st = gc_heap_stats(s->heap);
    struct gc_mem_point *p = &s->pts[s->n++];
    *p = (struct gc_mem_point){
        .alloc_bytes = gc_heap_gross_allocated_bytes(s->heap) - s->alloc0,
        .live_bytes = st->live_bytes,
        .os_bytes = gc_heap_os_bytes(s->heap)};
    if (s->has_garbage) {
        uint64_t objects;
        if (gc_heap_garbage(s->heap, &objects, &p->garbage_bytes) != GC_OK) {
            s->has_failed = true;
        }
    }
}

bool
gc_memseries_growth(const struct gc_mem_point *pts, size_t n,
                    double *growth_pct)
{
    size_t first = n / 2, m = n - first;
    if (m < 8) {
        return false;
    }
    double sx = 0, sy = 0;
    for (size_t i = first; i < n; i++) {
        sx += (double)pts[i].alloc_bytes;
        sy += (double)pts[i].live_bytes;
    }
    double mx = sx / (double)m, my = sy / (double)m, sxy = 0, sxx = 0;
    for (size_t i = first; i < n; i++) {
        double dx = (double)pts[i].alloc_bytes - mx;
        sxy += dx * ((double)pts[i].live_bytes - my);
        sxx += dx * dx;
    }
    if (sxx <= 0 || my <= 0) {
        return false;
    }
    double span = (double)(pts[n - 1].alloc_bytes - pts[first].alloc_bytes);
    *growth_pct = 100.0 * (sxy / sxx) * span / my;
    return true;
}

void
gc_memseries_merge_garbage(struct gc_mem_point *dst, size_t ndst,
                           const struct gc_mem_point *src, size_t nsrc)
{
    for (size_t i = 0, j = 0; i < ndst; i++) {
        while (j < nsrc && src[j].alloc_bytes < dst[i].alloc_bytes) {
            j++;
        }
        if (j < nsrc && src[j].alloc_bytes == dst[i].alloc_bytes) {
            dst[i].garbage_bytes = src[j].garbage_bytes;
        }
    }
}

int
gc_memseries_write(const char *cmd, const char *out_dir,
                   const struct record *recs, size_t total,
                   const char *const *workloads)
{
    struct gc_buf b = {0};
    gc_buf_printf(&b, "%s\n", GC_MEMSERIES_HEADER);
    for (size_t i = 0; i < total; i++) {
        const struct record *r = &recs[i];
        for (uint32_t k = 0; r->mem != NULL && k < r->r.nmem; k++) {
            const struct gc_mem_point *p = &r->mem[k];
            gc_buf_printf(&b, "%zu\t%s\t%s\t%llu\t%llu\t%llu\t%llu\t%llu\t"
                              "%llu\n",
                          i + 1, r->item.collector,
                          workloads[r->item.workload],
                          (unsigned long long)r->item.size,
                          (unsigned long long)r->item.rep + 1,
                          (unsigned long long)p->alloc_bytes,
                          (unsigned long long)p->live_bytes,
                          (unsigned long long)p->os_bytes,
                          (unsigned long long)p->garbage_bytes);
        }
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/memory.tsv", out_dir);
    int rc = b.data != NULL ? gc_write_atomic(path, b.data, b.len) : -1;
    if (rc != 0) {
        fprintf(stderr, "gclab %s: cannot write %s: %s\n", cmd, path,
                strerror(errno ? errno : ENOMEM));
    }
    free(b.data);
    return rc;
}
