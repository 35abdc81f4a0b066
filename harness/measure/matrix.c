/* harness/measure/matrix.c -- the matrix: collectors x workloads x
 * sizes x repetitions (and peers) as records, cut into shards, each
 * round shuffled (--order), run one item at a time (child.c, peer.c),
 * then back in matrix order. */
#include "gc.h"
#include "harness.h"
#include "workload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "measure.h"

/* ---- the matrix ------------------------------------------------------------ */

/* What an item is expected to cost, for balancing shards: a process
 * with the interpreter's own objects (about 5 ms), then the workload's
 * cost per unit of size; a twin on a real interpreter adds its start-up
 * and runs a few times slower than the model. */
static double
item_cost(const struct item *it, const struct gc_workload_spec *ws)
{
    uint64_t per = ws->workload->cost_ns_per_object;
    double model = 5e6 + (double)(per ? per : 10000) * (double)it->size;
    return it->peer != NULL ? 3e7 + 5.0 * model : model;
}

/* Keeps the items of mx->shard, in matrix order; -1 if memory ran
 * out. */
static int
keep_shard(const struct matrix *mx, struct record *recs, size_t *total)
{
    double *cost = malloc((*total ? *total : 1) * sizeof *cost);
    unsigned *shard_of = malloc((*total ? *total : 1) * sizeof *shard_of);
    double *own = mx->shard_load ? NULL
                                 : calloc(mx->shard.count, sizeof *own);
    double *load = mx->shard_load ? mx->shard_load : own;
    int rc = -1;
    if (cost != NULL && shard_of != NULL && load != NULL) {
        for (size_t i = 0; i < *total; i++) {
            cost[i] = item_cost(&recs[i].item,
                                &mx->wspecs[recs[i].item.workload]);
        }
        rc = gc_shard_assign(cost, *total, mx->shard.count, load, shard_of);
    }
    size_t kept = 0;
    for (size_t i = 0; rc == 0 && i < *total; i++) {
        if (shard_of[i] + 1 == mx->shard.index) {
            recs[kept++] = recs[i];
        }
    }
    *total = rc == 0 ? kept : *total;
    free(cost);
    free(shard_of);
    free(own);
    return rc;
}

struct item
matrix_item(const struct matrix *mx, int c, int w, uint64_t size,
            uint64_t rep)
{
    return (struct item){
        .collector = mx->collectors[c], .workload = w, .size = size,
        .rep = rep, .seed = mx->seed + rep, .pause_cpu = mx->pause_cpu,
        .layout = mx->has_layout ? mx->layout
                                 : mx->wspecs[w].workload->layout,
        .retained = mx->retained && (!mx->retained_first_only || rep == 0),
        .warmup = mx->warmup,
        .prefault = mx->prefault,
        .cascade_min =
            mx->cascade_min ? mx->cascade_min : GC_CASCADE_MIN_DEFAULT,
        .cpu = mx->place ? mx->place->cpu : -1};
}

void
order_shuffle(const struct matrix *mx, struct record *recs, size_t n,
              uint64_t salt)
{
    if (mx->place != NULL && !mx->place->is_sequential) {
        uint64_t rng = mx->place->order_seed ^ (salt * 0xd1b54a32d192ed03ULL);
        gc_shuffle(recs, n, sizeof *recs, &rng);
    }
}

/* Each round (a run of records of one repetition) in a shuffled order,
 * so that no cell always runs first or last in it; the round's
 * repetition salts the generator, so that rounds run later (bench's
 * extra repetitions) get orders of their own. */
static void
order_rounds(const struct matrix *mx, struct record *recs, size_t total)
{
    for (size_t i = 0, j; i < total; i = j) {
        for (j = i + 1; j < total && recs[j].item.rep == recs[i].item.rep;
             j++) {
        }
        order_shuffle(mx, &recs[i], j - i, recs[i].item.rep);
    }
}

void
run_records(const struct matrix *mx, struct record *recs, size_t total,
            size_t first_index)
{
    if (mx->in_process && total > 0 && recs[0].item.cpu >= 0) {
        gc_place_pin_self(recs[0].item.cpu); /* this process is measured */
    }
    uint64_t started = gc_clock_ns();
    for (size_t k = 0; k < total; k++) {
        struct record *rec = &recs[k];
        const struct gc_workload_spec *ws = &mx->wspecs[rec->item.workload];
        double elapsed = (double)(gc_clock_ns() - started) / 1e9;
        if (!mx->quiet) {
            fprintf(stderr,
                    "[%zu/%zu] %s on %s%s, size %llu, rep %llu (%.1f s, ETA "
                    "%.1f s)\n",
                    k + 1, total, rec->item.collector,
                    mx->workloads[rec->item.workload],
                    rec->item.peer ? " (twin)" : "",
                    (unsigned long long)rec->item.size,
                    (unsigned long long)rec->item.rep + 1, elapsed,
                    k ? elapsed / (double)k * (double)(total - k) : 0.0);
        }
        rec->started = time(NULL); /* a label for the record, not a timing */
        rec->item.run_index = first_index + k + 1;
        /* A whole heap (a snapshot) holds the interpreter's objects. */
        uint64_t baseline =
            ws->workload->is_whole_heap ? 0 : mx->baseline;
        if (rec->item.peer != NULL) {
            run_peer(&rec->item, ws, &rec->r, &rec->samples);
        }
        else if (mx->in_process) {
            run_in_child(&rec->item, ws, baseline, mx->memory_cap, true,
                         &rec->r, &rec->samples, &rec->mem);
        }
        else {
            run_isolated(&rec->item, ws, baseline, mx->memory_cap,
                         &rec->r, &rec->samples, &rec->mem);
        }
    }
}

static int
by_slot(const void *a, const void *b)
{
    size_t x = ((const struct record *)a)->item.slot;
    size_t y = ((const struct record *)b)->item.slot;
    return (x > y) - (x < y);
}

struct record *
run_matrix(const struct matrix *mx, size_t *total_out)
{
    int nsizes = mx->nsizes ? mx->nsizes : 1;
    /* Each peer runs twice, with and without the callbacks recorder, so
     * the recorder's own cost is known. */
    size_t total = (size_t)(mx->ncollectors + 2 * mx->npeers) *
                   (size_t)mx->nworkloads * (size_t)nsizes * mx->repeat;
    struct record *recs = calloc(total ? total : 1, sizeof *recs);
    if (recs == NULL) {
        return NULL;
    }
    size_t k = 0;
    /* Repetitions outermost: each is a round of every cell, which
     * order_rounds shuffles, so collectors interleave and drift hits
     * them alike. */
    for (uint64_t r = 0; r < mx->repeat; r++) {
        for (int w = 0; w < mx->nworkloads; w++) {
            for (int z = 0; z < nsizes; z++) {
                uint64_t size =
                    mx->nsizes ? mx->sizes[z]
                    : mx->workload_sizes && mx->workload_sizes[w]
                        ? mx->workload_sizes[w]
                        : mx->wspecs[w].workload->default_size;
                for (int c = 0; c < mx->ncollectors; c++) {
                    recs[k++].item =
                        matrix_item(mx, c, w, size, mx->first_rep + r);
                }
                for (int p = 0; p < 2 * mx->npeers; p++) {
                    const char *python = mx->peers[p / 2];
                    bool has_recorder = (p + (int)r) % 2 == 1; /* alternate */
                    const char *label = peer_label(python, has_recorder);
                    recs[k++].item = (struct item){
                        .collector = label ? label : python, .workload = w,
                        .size = size, .rep = mx->first_rep + r,
                        .seed = mx->seed + mx->first_rep + r,
                        .peer = python, .has_recorder = has_recorder,
                        .cpu = mx->place ? mx->place->cpu : -1};
                }
            }
        }
    }
    /* Shares are cut from the matrix order, the same in every shard
     * whatever its order seed; each share then shuffles its own. */
    if (mx->shard.count > 0 && keep_shard(mx, recs, &total) != 0) {
        free(recs);
        return NULL;
    }
    for (k = 0; k < total; k++) {
        recs[k].item.slot = k;
    }
    order_rounds(mx, recs, total);
    run_records(mx, recs, total, 0);
    /* Back in matrix order: tables and files list cells as the matrix
     * does, not as the shuffle happened to run them. */
    qsort(recs, total, sizeof *recs, by_slot);
    *total_out = total;
    return recs;
}

void
free_records(struct record *recs, size_t total)
{
    for (size_t i = 0; i < total; i++) {
        free(recs[i].samples);
        free(recs[i].mem);
    }
    free(recs);
}

/* Failed runs and checksums that disagree: 1, else 0.  A run that hit
 * its memory cap is reported but is what `none` does on cycles. */
int
check_records(const struct record *recs, size_t total,
              const char *const *workloads)
{
    int status = 0;
    for (size_t i = 0; i < total; i++) {
        if (recs[i].r.status != RUN_OK) {
            fprintf(stderr, "gclab: %s on %s: %s\n", recs[i].item.collector,
                    workloads[recs[i].item.workload],
                    status_names[recs[i].r.status]);
            if (recs[i].r.status != RUN_OUT_OF_MEMORY) {
                status = 1;
            }
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            /* Same workload, size and seed (repetition): same result. */
            if (recs[j].r.status == RUN_OK &&
                recs[j].item.workload == recs[i].item.workload &&
                recs[j].item.size == recs[i].item.size &&
                recs[j].item.rep == recs[i].item.rep &&
                recs[j].r.m.checksum != recs[i].r.m.checksum) {
                fprintf(stderr,
                        "gclab: %s on %s: checksum %llu differs from %s's "
                        "%llu\n",
                        recs[i].item.collector,
                        workloads[recs[i].item.workload],
                        (unsigned long long)recs[i].r.m.checksum,
                        recs[j].item.collector,
                        (unsigned long long)recs[j].r.m.checksum);
                status = 1;
                break;
            }
        }
    }
    return status;
}
