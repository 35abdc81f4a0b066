/* collectors/pool.c -- a small-object allocator in the manner of
 * CPython's pymalloc (Objects/obmalloc.c): blocks of up to 512 bytes
 * (GC_SMALL_REQUEST_THRESHOLD, 512 on every profile) in 16-byte
 * size classes, carved from pools that each serve one class, carved
 * from arenas.  Pools and arenas have the profile's sizes
 * (gc_profile_alloc): 4 KiB and 256 KiB up to 3.9, 16 KiB and 1 MiB
 * from 3.10 on.  Larger requests go to malloc.
 *
 * Why gclab needs it: a collection's cost is mostly memory traffic, and
 * that depends on where objects sit.  With pymalloc, objects of one size
 * sit together in allocation order and a freed block is reused by the
 * next allocation of its class from the same pool.  glibc malloc
 * interleaves sizes and, after a large free, hands blocks out in an
 * order that costs a full collection of a rebuilt 1e6-object ring about
 * 3x more than on a fresh heap.  Modelling CPython's cost means modelling
 * its allocator.
 *
 * GC_LAYOUT_SHUFFLED (gc.h) changes only where fresh blocks come from:
 * a class's new pools are carved whole into a reserve that is handed out
 * in random order, so that objects allocated one after another land far
 * apart.  The reserve doubles with the pools the class has used, up to
 * RESERVE_MAX_BYTES, so the scatter spans about the class's share of the
 * heap.  Reserved blocks count in their pool's ref_count until handed
 * out, which keeps the pool from being returned while it holds them.
 *
 * The state is per heap (struct gc_pool); nothing is global.  Sizes are
 * passed to free, so a block's class is known without a header, and the
 * pool of a block is found by masking its address. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "gc-internal.h"

#include <stdlib.h>
#include <sys/mman.h>

#define ALIGNMENT 16
#define ALIGNMENT_SHIFT 4
#define RESERVE_MAX_BYTES ((size_t)16 << 20) /* of one class */

struct pool_header {
    struct pool_header *next, *prev; /* in used[class], or free pools */
    void *freeblock;                 /* LIFO list of freed blocks */
    uint32_t ref_count;              /* blocks in use */
    uint32_t szidx;
    uint32_t nextoffset;    /* first never-used block */
    uint32_t maxnextoffset; /* last offset a block can start at */
    struct gc_pool_arena *arena;
};

struct gc_pool_arena {
    struct gc_pool_arena *next, *prev; /* in pool->arenas */
    void *base;                       /* what mmap returned */
    uintptr_t first_pool;             /* pool->pool_bytes-aligned */
    uint32_t ntotalpools, nfreepools;
    uint32_t nfresh;                  /* pools never handed out */
    struct pool_header *freepools;
};

#define POOL_OVERHEAD                                                       \
    ((sizeof(struct pool_header) + ALIGNMENT - 1) & ~(size_t)(ALIGNMENT - 1))

static size_t
class_bytes(uint32_t szidx)
{
    return ((size_t)szidx + 1) << ALIGNMENT_SHIFT;
}

static struct gc_pool_arena *
new_arena(struct gc_pool *pool)
{
    struct gc_pool_arena *a = malloc(sizeof *a);
    if (a == NULL) {
        return NULL;
    }
    void *base = mmap(NULL, pool->arena_bytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        free(a);
        return NULL;
    }
    a->base = base;
    a->first_pool =
        ((uintptr_t)base + pool->pool_bytes - 1) & ~(pool->pool_bytes - 1);
    a->ntotalpools = (uint32_t)(((uintptr_t)base + pool->arena_bytes -
                                 a->first_pool) / pool->pool_bytes);
    a->nfreepools = a->ntotalpools;
    a->nfresh = a->ntotalpools;
    a->freepools = NULL;
    a->prev = NULL;
    a->next = pool->arenas;
    if (a->next != NULL) {
        a->next->prev = a;
    }
    pool->arenas = a;
    pool->nempty++;
    if (++pool->narenas > pool->peak_arenas) {
        pool->peak_arenas = pool->narenas;
    }
    return a;
}

static void
free_arena(struct gc_pool *pool, struct gc_pool_arena *a)
{
    if (a->prev != NULL) {
        a->prev->next = a->next;
    }
    else {
        pool->arenas = a->next;
    }
    if (a->next != NULL) {
        a->next->prev = a->prev;
    }
    munmap(a->base, pool->arena_bytes);
    free(a);
    pool->narenas--;
}

/* A pool for class szidx: a freed pool first, then a fresh one. */
static struct pool_header *
get_pool(struct gc_pool *pool, uint32_t szidx)
{
    struct gc_pool_arena *a = pool->arenas;
    while (a != NULL && a->nfreepools == 0) {
        a = a->next;
    }
    if (a == NULL && (a = new_arena(pool)) == NULL) {
        return NULL;
    }
    struct pool_header *p;
    if (a->freepools != NULL) {
        p = a->freepools;
        a->freepools = p->next;
    }
    else {
        p = (struct pool_header *)(a->first_pool +
                                   (uintptr_t)(a->ntotalpools - a->nfresh) *
                                       pool->pool_bytes);
        a->nfresh--;
    }
    if (a->nfreepools-- == a->ntotalpools) {
        pool->nempty--; /* an empty one is in use again */
    }
    size_t size = class_bytes(szidx);
    p->arena = a;
    p->szidx = szidx;
    p->ref_count = 0;
    p->freeblock = NULL;
    p->nextoffset = (uint32_t)POOL_OVERHEAD;
    p->maxnextoffset = (uint32_t)(pool->pool_bytes - size);
    /* Link as the class's current pool. */
    p->prev = NULL;
    p->next = pool->used[szidx];
    if (p->next != NULL) {
        p->next->prev = p;
    }
    pool->used[szidx] = p;
    return p;
}

static void
unlink_used(struct gc_pool *pool, struct pool_header *p)
{
    if (p->prev != NULL) {
        p->prev->next = p->next;
    }
    else {
        pool->used[p->szidx] = p->next;
    }
    if (p->next != NULL) {
        p->next->prev = p->prev;
    }
    p->next = p->prev = NULL;
}

static uint64_t
next_random(uint64_t *state)
{
    /* xorshift64*: enough for placement, and the same for a seed. */
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 0x2545f4914f6cdd1dULL;
}

/* Refills the class's reserve with the blocks of fresh pools, shuffled.
 * Returns false when out of memory (the reserve is then left as it was,
 * though pools already carved keep their blocks in it). */
static bool
refill_reserve(struct gc_pool *pool, uint32_t szidx)
{
    struct gc_pool_reserve *r = &pool->reserve[szidx];
    size_t size = class_bytes(szidx);
    size_t per_pool = (pool->pool_bytes - POOL_OVERHEAD) / size;
    size_t npools = r->npools == 0 ? 1 : r->npools;
    if (npools > RESERVE_MAX_BYTES / pool->pool_bytes) {
        npools = RESERVE_MAX_BYTES / pool->pool_bytes;
    }
    if (r->cap < npools * per_pool) {
        void **blocks = realloc(r->blocks, npools * per_pool * sizeof *blocks);
        if (blocks == NULL) {
            return false;
        }
        r->blocks = blocks;
        r->cap = npools * per_pool;
    }
    for (size_t i = 0; i < npools; i++) {
        struct pool_header *p = get_pool(pool, szidx);
        if (p == NULL) {
            break;
        }
        unlink_used(pool, p); /* full as far as the used list knows */
        for (size_t k = 0; k < per_pool; k++) {
            r->blocks[r->n++] = (char *)p + p->nextoffset;
            p->nextoffset += (uint32_t)size;
        }
        p->ref_count = (uint32_t)per_pool;
        r->npools++;
    }
    for (size_t i = r->n; i > 1; i--) { /* Fisher-Yates */
        size_t j = (size_t)(next_random(&pool->rng) % i);
        void *t = r->blocks[i - 1];
        r->blocks[i - 1] = r->blocks[j];
        r->blocks[j] = t;
    }
    return r->n > 0;
}

static void *
pool_alloc_small(struct gc_pool *pool, size_t n_bytes)
{
    uint32_t szidx = (uint32_t)((n_bytes - 1) >> ALIGNMENT_SHIFT);
    struct pool_header *p = pool->used[szidx];
    if (p == NULL && pool->is_shuffled) {
        /* Freed blocks first, as in alloc-order; then a fresh one from
         * anywhere in the reserve. */
        struct gc_pool_reserve *r = &pool->reserve[szidx];
        if (r->n == 0 && !refill_reserve(pool, szidx)) {
            return NULL;
        }
        return r->blocks[--r->n];
    }
    if (p == NULL && (p = get_pool(pool, szidx)) == NULL) {
        return NULL;
    }
    void *block = p->freeblock;
    if (block != NULL) {
        p->freeblock = *(void **)block;
    }
    else {
        block = (char *)p + p->nextoffset;
        p->nextoffset += (uint32_t)class_bytes(szidx);
    }
    p->ref_count++;
    if (p->freeblock == NULL && p->nextoffset > p->maxnextoffset) {
        unlink_used(pool, p); /* full: no longer offered */
    }
    return block;
}

static void
pool_free_small(struct gc_pool *pool, void *block)
{
    struct pool_header *p =
        (struct pool_header *)((uintptr_t)block & ~(pool->pool_bytes - 1));
    bool was_full = p->freeblock == NULL && p->nextoffset > p->maxnextoffset;
    *(void **)block = p->freeblock;
    p->freeblock = block;
    p->ref_count--;
    if (was_full) {
        /* Offer it first again, as pymalloc does, so the next
         * allocation of the class reuses the block just freed. */
        p->prev = NULL;
        p->next = pool->used[p->szidx];
        if (p->next != NULL) {
            p->next->prev = p;
        }
        pool->used[p->szidx] = p;
        return;
    }
    if (p->ref_count == 0) {
        unlink_used(pool, p);
        struct gc_pool_arena *a = p->arena;
        p->next = a->freepools;
        a->freepools = p;
        if (++a->nfreepools == a->ntotalpools) {
            if (pool->nempty >= pool->keep_empty) {
                free_arena(pool, a);
            }
            else {
                pool->nempty++;
            }
        }
    }
}

/* The allocator's entry points.  Blocks above the small threshold go to
 * malloc, and this branch, which tells them apart anyway, is where they
 * are counted for the heap (gc_mem_large_added/_removed): the heap's
 * own fast path then compares nothing with the threshold. */
static void *
pool_alloc(void *ctx, size_t n_bytes)
{
    struct gc_pool *pool = ctx;
    if (n_bytes == 0 || n_bytes > GC_SMALL_REQUEST_THRESHOLD) {
        void *p = malloc(n_bytes ? n_bytes : 1);
        if (p != NULL && n_bytes != 0 && pool->heap != NULL) {
            gc_mem_large_added(pool->heap, n_bytes);
        }
        return p;
    }
    return pool_alloc_small(pool, n_bytes);
}

static void
pool_free(void *ctx, void *ptr, size_t n_bytes)
{
    struct gc_pool *pool = ctx;
    if (n_bytes == 0 || n_bytes > GC_SMALL_REQUEST_THRESHOLD) {
        if (n_bytes != 0 && pool->heap != NULL) {
            gc_mem_large_removed(pool->heap, n_bytes);
        }
        free(ptr);
    }
    else {
        pool_free_small(pool, ptr);
    }
}

static void *
pool_resize(void *ctx, void *ptr, size_t old_bytes, size_t new_bytes)
{
    struct gc_pool *pool = ctx;
    bool old_small = old_bytes > 0 && old_bytes <= GC_SMALL_REQUEST_THRESHOLD;
    bool new_small = new_bytes > 0 && new_bytes <= GC_SMALL_REQUEST_THRESHOLD;
    if (ptr == NULL) {
        return pool_alloc(ctx, new_bytes);
    }
    if (!old_small && !new_small) {
        void *fresh = realloc(ptr, new_bytes);
        /* The old block's path first, then the new one's, as a free and
         * an allocation would go. */
        if (fresh != NULL && pool->heap != NULL) {
            if (old_bytes > GC_SMALL_REQUEST_THRESHOLD) {
                gc_mem_large_removed(pool->heap, old_bytes);
            }
            if (new_bytes > GC_SMALL_REQUEST_THRESHOLD) {
                gc_mem_large_added(pool->heap, new_bytes);
            }
        }
        return fresh;
    }
    if (old_small && new_small &&
        (old_bytes - 1) >> ALIGNMENT_SHIFT ==
            (new_bytes - 1) >> ALIGNMENT_SHIFT) {
        return ptr; /* same class */
    }
    /* At most one of the two is large, so the order of the counts does
     * not matter: the entry points count them. */
    void *fresh = pool_alloc(ctx, new_bytes);
    if (fresh == NULL) {
        return NULL;
    }
    memcpy(fresh, ptr, old_bytes < new_bytes ? old_bytes : new_bytes);
    pool_free(ctx, ptr, old_bytes);
    return fresh;
}

void
gc_pool_init(struct gc_pool *pool, const struct gc_profile_alloc *geometry,
             enum gc_layout layout, uint64_t seed, struct gc_heap *heap,
             struct gc_allocator *out)
{
    memset(pool, 0, sizeof *pool);
    pool->heap = heap;
    pool->pool_bytes = geometry->pool_bytes;
    pool->arena_bytes = geometry->arena_bytes;
    pool->keep_empty = 1;
    pool->is_shuffled = layout == GC_LAYOUT_SHUFFLED;
    pool->rng = (seed * 2654435761u + 0x9e3779b97f4a7c15ULL) | 1; /* not 0 */
    out->alloc = pool_alloc;
    out->resize = pool_resize;
    out->free = pool_free;
    out->ctx = pool;
}

void
gc_pool_fini(struct gc_pool *pool)
{
    while (pool->arenas != NULL) {
        free_arena(pool, pool->arenas);
    }
    for (int i = 0; i < GC_POOL_CLASSES; i++) {
        free(pool->reserve[i].blocks);
    }
}

size_t
gc_pool_arena_count(const struct gc_pool *pool)
{
    return pool->narenas;
}

/* Maps enough empty arenas for bytes more and writes every page, so the
 * first touches happen now rather than in a measured region; they are
 * kept mapped while empty.  New arenas go first in the list, so pools
 * come from them first. */
enum gc_status
gc_pool_prefault(struct gc_pool *pool, uint64_t bytes)
{
    uint64_t n = (bytes + pool->arena_bytes - 1) / pool->arena_bytes;
    for (uint64_t i = 0; i < n; i++) {
        struct gc_pool_arena *a = new_arena(pool);
        if (a == NULL) {
            return GC_ENOMEM;
        }
        memset(a->base, 0, pool->arena_bytes);
        pool->keep_empty++;
    }
    return GC_OK;
}
