/* harness/measure/place-internal.h -- where and in what order measured runs go
 * (place.c: --cpu, --order, --order-seed), what the machine is doing
 * (system.c: gclab system and DIR/system.json).  Private to harness/. */
#ifndef GCLAB_PLACE_INTERNAL_H
#define GCLAB_PLACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- placement (place.c) ------------------------------------------------ */

/* One invocation's placement.  Zeroed, it is today's behaviour with
 * nothing pinned (cpu -1 is set by gc_place_init, not by zeroing). */
struct gc_place {
    const char *cpu_text; /* --cpu as given; NULL: auto */
    int cpu;              /* the CPU measured children run on; -1: none */
    /* What records say of it: "auto", "none", the number as given, or
     * "auto-unpinned" when auto found that affinity cannot be set. */
    char cpu_pin[32];
    bool is_sequential;   /* --order sequential: today's fixed order */
    bool has_order_seed;
    uint64_t order_seed;  /* --order-seed; else drawn, and recorded */
};

/* Defaults: --cpu auto, --order random, seed still to draw. */
void gc_place_init(struct gc_place *p);
/* If opt is --cpu, --order or --order-seed, takes val: 1 when it was
 * one of them, 0 when not, 2 after one line on stderr naming cmd when
 * val is bad (--cpu -1, --cpu 99, --order bogus). */
int gc_place_option(struct gc_place *p, const char *cmd, const char *opt,
                    const char *val);
/* Resolves --cpu (auto's choice, an explicit CPU checked by pinning
 * this process to it once), moves this process off that CPU where the
 * allowed set has another, and draws the order seed if none was given.
 * auto that cannot pin says so once on stderr and goes on unpinned;
 * an explicit CPU that cannot be pinned is one line and 2.  0 or 2. */
int gc_place_setup(struct gc_place *p, const char *cmd);
/* Pins the calling process (a measured child before it runs or execs,
 * or a command that measures in-process) to cpu; 0, or -1 with errno.
 * cpu < 0 does nothing. */
int gc_place_pin_self(int cpu);
/* auto's choice (docs/placement.md): the highest-numbered CPU among
 * the isolated ones (isolcpus, nohz_full) this process may use, else
 * the highest-numbered it may use; -1 if affinity is unreadable. */
int gc_place_auto_cpu(void);
/* The number of CPUs the kernel knows (configured), and whether cpu is
 * one of them and online. */
int gc_place_cpu_count(void);
bool gc_place_cpu_online(int cpu);

/* splitmix64: a small, good generator for seeded shuffles. */
uint64_t gc_random_next(uint64_t *state);
/* Fisher-Yates over n elements of size bytes each. */
void gc_shuffle(void *base, size_t n, size_t size, uint64_t *state);

/* ---- the machine (system.c) --------------------------------------------- */

/* Writes what gclab system shows, as JSON, to DIR/system.json
 * (atomically), for the CPU cpu (-1: none); quick: no sampling
 * interval, for results directories.  -1 with errno on failure. */
int gc_system_write(const char *dir, int cpu);

#endif /* GCLAB_PLACE_INTERNAL_H */
