/* harness/measure/place.c -- where measured runs go and in what order.  A child
 * left to the scheduler lands on whichever CPU is free, and on a
 * machine whose CPUs differ in speed (this VM's by ~40%) its times are
 * bimodal: CV 21% against 1.9% pinned (issue 19).  So each measured
 * child and each peer interpreter is pinned to one CPU, the same for
 * every collector of an invocation, chosen by a fixed rule
 * (docs/placement.md); the parent stays off it where it can.  And the
 * repetitions of different cells run in a seeded random order, round by
 * round, so that drift (a neighbour's job, the host's state) falls on
 * every cell alike rather than on whichever ran last. */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include "place-internal.h"
#include "harness.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
gc_place_init(struct gc_place *p)
{
    *p = (struct gc_place){.cpu = -1};
    snprintf(p->cpu_pin, sizeof p->cpu_pin, "auto");
}

/* GCLAB_TEST_NO_AFFINITY=1 stands for a system where affinity cannot
 * be set (a container without the capability, another OS), so that
 * the fallback and the error can be tested anywhere. */
static bool
is_affinity_disabled(void)
{
    const char *env = getenv("GCLAB_TEST_NO_AFFINITY");
    return env != NULL && strcmp(env, "1") == 0;
}

static int
set_affinity(const cpu_set_t *set)
{
    if (is_affinity_disabled()) {
        errno = EPERM;
        return -1;
    }
    return sched_setaffinity(0, sizeof *set, set);
}

int
gc_place_pin_self(int cpu)
{
    if (cpu < 0) {
        return 0;
    }
    if (cpu >= CPU_SETSIZE) {
        errno = EINVAL;
        return -1;
    }
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return set_affinity(&one);
}

int
gc_place_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n > 0 ? (int)n : 1;
}

/* A kernel CPU list ("0-3,8,10-11") into set; false if it is not one.
 * An empty list is an empty set. */
static bool
parse_cpu_list(const char *text, cpu_set_t *set)
{
    CPU_ZERO(set);
    const char *p = text;
    while (*p == ' ') {
        p++;
    }
    while (*p != '\0' && *p != '\n') {
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p || lo < 0) {
            return false;
        }
        p = end;
        if (*p == '-') {
            hi = strtol(p + 1, &end, 10);
            if (end == p + 1 || hi < lo) {
                return false;
            }
            p = end;
        }
        for (long c = lo; c <= hi && c < CPU_SETSIZE; c++) {
            CPU_SET((int)c, set);
        }
        if (*p == ',') {
            p++;
        }
        else if (*p != '\0' && *p != '\n') {
            return false;
        }
    }
    return true;
}

/* The CPU list in a sysfs file; an unreadable file is an empty set. */
static void
read_cpu_list(const char *path, cpu_set_t *set)
{
    CPU_ZERO(set);
    char *text = gc_read_file(path, NULL);
    if (text != NULL && !parse_cpu_list(text, set)) {
        CPU_ZERO(set);
    }
    free(text);
}

bool
gc_place_cpu_online(int cpu)
{
    if (cpu < 0 || cpu >= gc_place_cpu_count() || cpu >= CPU_SETSIZE) {
        return false;
    }
    cpu_set_t online;
    char *text = gc_read_file("/sys/devices/system/cpu/online", NULL);
    bool known = text != NULL && parse_cpu_list(text, &online);
    free(text);
    return !known || CPU_ISSET(cpu, &online);
}

static int
highest(const cpu_set_t *set)
{
    for (int c = CPU_SETSIZE - 1; c >= 0; c--) {
        if (CPU_ISSET(c, set)) {
            return c;
        }
    }
    return -1;
}

/* The rule (docs/placement.md): an isolated CPU if there is one (the
 * scheduler puts nothing else there), else the highest-numbered, which
 * takes fewer of the interrupts that land on CPU 0 first.  Nothing here
 * is measured, so the choice is the same on every invocation. */
int
gc_place_auto_cpu(void)
{
    cpu_set_t allowed, isolated, nohz;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
        return -1;
    }
    read_cpu_list("/sys/devices/system/cpu/isolated", &isolated);
    read_cpu_list("/sys/devices/system/cpu/nohz_full", &nohz);
    CPU_OR(&isolated, &isolated, &nohz);
    CPU_AND(&isolated, &isolated, &allowed);
    int c = highest(&isolated);
    return c >= 0 ? c : highest(&allowed);
}

int
gc_place_option(struct gc_place *p, const char *cmd, const char *opt,
                const char *val)
{
    if (strcmp(opt, "--cpu") == 0) {
        if (strcmp(val, "auto") == 0 || strcmp(val, "none") == 0) {
            p->cpu_text = val;
            return 1;
        }
        char *end;
        errno = 0;
        long c = strtol(val, &end, 10);
        if (end == val || *end != '\0' || errno != 0 || val[0] == '-' ||
            val[0] == '+' || c < 0) {
            return gc_usage_error(cmd, "--cpu needs a CPU number, auto or "
                                       "none, not",
                                  val);
        }
        if (c >= CPU_SETSIZE || !gc_place_cpu_online((int)c)) {
            char msg[96];
            snprintf(msg, sizeof msg, "--cpu: no such CPU online (this "
                                      "machine has %d):",
                     gc_place_cpu_count());
            return gc_usage_error(cmd, msg, val);
        }
        p->cpu_text = val;
        return 1;
    }
    if (strcmp(opt, "--order") == 0) {
        if (strcmp(val, "random") != 0 && strcmp(val, "sequential") != 0) {
            return gc_usage_error(cmd, "--order needs random or sequential, "
                                       "not",
                                  val);
        }
        p->is_sequential = val[0] == 's';
        return 1;
    }
    if (strcmp(opt, "--order-seed") == 0) {
        char *end;
        errno = 0;
        unsigned long long s = strtoull(val, &end, 10);
        if (end == val || *end != '\0' || errno != 0 || val[0] == '-' ||
            s == 0 || s > UINT64_MAX / 2) {
            return gc_usage_error(cmd, "--order-seed needs a positive "
                                       "integer, not",
                                  val);
        }
        p->order_seed = s;
        p->has_order_seed = true;
        return 1;
    }
    return 0;
}

/* This process off cpu, onto the rest of what it may use, so that the
 * harness's own work (reading results, starting the next child) does
 * not run where the measured child does.  With one CPU, nothing. */
static void
leave_cpu(int cpu, const cpu_set_t *allowed)
{
    cpu_set_t rest = *allowed;
    CPU_CLR(cpu, &rest);
    if (CPU_COUNT(&rest) > 0) {
        set_affinity(&rest);
    }
}

int
gc_place_setup(struct gc_place *p, const char *cmd)
{
    if (!p->has_order_seed) {
        /* Random by default, so that no cell is always first; the seed
         * is recorded, and --order-seed replays the order. */
        p->order_seed = ((uint64_t)time(NULL) * 2654435761u ^
                         ((uint64_t)getpid() << 16)) %
                            1000000000u +
                        1;
    }
    const char *text = p->cpu_text ? p->cpu_text : "auto";
    snprintf(p->cpu_pin, sizeof p->cpu_pin, "%s", text);
    p->cpu = -1;
    if (strcmp(text, "none") == 0) {
        return 0;
    }
    bool is_auto = strcmp(text, "auto") == 0;
    int cpu = is_auto ? gc_place_auto_cpu() : atoi(text);
    cpu_set_t allowed;
    bool has_allowed = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
    /* Pinning this process once proves that children can be pinned. */
    if (cpu < 0 || !has_allowed || gc_place_pin_self(cpu) != 0) {
        const char *why = cpu < 0 || !has_allowed ? "affinity is unreadable"
                                                  : strerror(errno);
        if (!is_auto) {
            char msg[160];
            snprintf(msg, sizeof msg, "cannot pin to CPU %d (%s);", cpu, why);
            return gc_usage_error(cmd, msg, "--cpu none runs unpinned");
        }
        fprintf(stderr, "gclab %s: warning: cannot pin to a CPU (%s); runs "
                        "are unpinned and their records say so\n",
                cmd, why);
        snprintf(p->cpu_pin, sizeof p->cpu_pin, "auto-unpinned");
        return 0;
    }
    p->cpu = cpu;
    leave_cpu(cpu, &allowed);
    return 0;
}

uint64_t
gc_random_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void
gc_shuffle(void *base, size_t n, size_t size, uint64_t *state)
{
    unsigned char *b = base;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(gc_random_next(state) % (uint64_t)i);
        unsigned char *x = b + j * size, *y = b + (i - 1) * size;
        for (size_t k = 0; j != i - 1 && k < size; k++) {
            unsigned char t = x[k];
            x[k] = y[k];
            y[k] = t;
        }
    }
}
