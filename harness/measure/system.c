/* harness/measure/system.c -- gclab system: what a user must know about this
 * machine before trusting a number (pyperf's `system show` is the
 * model): the CPUs, which one gclab pins to, their speeds, frequency
 * governor and boost, isolated CPUs, THP, ASLR, steal time, load and
 * other busy processes, then advice where the machine deserves it.
 * Every fact is read from /proc or /sys; one that cannot be read is
 * "unknown", never an error.  The same facts go into each results
 * directory as system.json (gc_system_write), sampled over no interval
 * there so that writing results stays cheap. */
#define _GNU_SOURCE /* sched_setaffinity, CPU_SET */
#include "harness.h"
#include "place-internal.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FACT_BYTES 256
/* Advice quotes a fact (the busy processes) in a sentence of its own. */
#define ADVICE_BYTES (2 * FACT_BYTES)
#define MAX_FACTS 32
#define MAX_ADVICE 12
#define MAX_PROCS 8192
/* Relative speeds closer than this are the same speed. */
#define SPEED_SPREAD 0.10
#define SPEED_ROUNDS 9
/* A process using this share of one CPU over the interval is busy. */
#define BUSY_SHARE 0.05

struct facts {
    const char *names[MAX_FACTS];
    char values[MAX_FACTS][FACT_BYTES];
    size_t n;
    char advice[MAX_ADVICE][ADVICE_BYTES];
    size_t nadvice;
};

static char *
fact(struct facts *f, const char *name)
{
    assert(f->n < MAX_FACTS && "gather names more facts than MAX_FACTS");
    f->names[f->n] = name;
    snprintf(f->values[f->n], FACT_BYTES, "unknown");
    return f->values[f->n++];
}

static void advise(struct facts *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
advise(struct facts *f, const char *fmt, ...)
{
    if (f->nadvice == MAX_ADVICE) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->advice[f->nadvice++], ADVICE_BYTES, fmt, ap);
    va_end(ap);
}

/* The first line of path (or the first starting with prefix, its
 * value after the colon) into out; false, out untouched, if none. */
static bool
read_line(const char *path, const char *prefix, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return false;
    }
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        if (prefix != NULL && strncmp(line, prefix, strlen(prefix)) != 0) {
            continue;
        }
        char *v = prefix ? strchr(line, ':') : line;
        v = v ? v + (prefix ? 1 : 0) : line;
        while (*v == ' ' || *v == '\t') {
            v++;
        }
        v[strcspn(v, "\n")] = '\0';
        snprintf(out, cap, "%s", v);
        found = true;
    }
    fclose(f);
    return found;
}

static void
cpu_set_text(const cpu_set_t *set, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (int c = 0; c < CPU_SETSIZE && len + 16 < cap; c++) {
        if (!CPU_ISSET(c, set)) {
            continue;
        }
        int d = c;
        while (d + 1 < CPU_SETSIZE && CPU_ISSET(d + 1, set)) {
            d++;
        }
        len += (size_t)snprintf(out + len, cap - len, "%s%d", len ? "," : "",
                                c);
        if (d > c) {
            len += (size_t)snprintf(out + len, cap - len, "-%d", d);
        }
        c = d;
    }
    if (len == 0) {
        snprintf(out, cap, "none");
    }
}

/* A dependent chain of multiply-adds: its time is the core's speed. */
static uint64_t
spin(uint64_t n)
{
    uint64_t x = 1;
    for (uint64_t i = 0; i < n; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    return x;
}

/* A walk of one random cycle through CHASE_SLOTS words (4 MiB, past
 * most L2s): its time is the memory path's, which is where this VM's
 * CPUs differ most (the spin loop barely tells them apart). */
#define CHASE_SLOTS ((size_t)1 << 19)
#define CHASE_STEPS 100000

static size_t
chase(const size_t *next, size_t steps)
{
    size_t p = 0;
    for (size_t i = 0; i < steps; i++) {
        p = next[p];
    }
    return p;
}

/* Nanoseconds of the spin loop and of the chase on each allowed CPU
 * (best of rounds), this process moved there and back; 0 where it
 * could not be pinned or memory ran out. */
static void
cpu_speeds(const cpu_set_t *allowed, double *spin_ns, double *chase_ns,
           int ncpu, int rounds)
{
    size_t *next = malloc(CHASE_SLOTS * sizeof *next);
    uint64_t rng = 1;
    for (size_t i = 0; next != NULL && i < CHASE_SLOTS; i++) {
        next[i] = i;
    }
    /* Sattolo's shuffle: one cycle through every slot. */
    for (size_t i = CHASE_SLOTS - 1; next != NULL && i > 0; i--) {
        size_t j = (size_t)(gc_random_next(&rng) % i), t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    volatile uint64_t sink = 0;
    for (int c = 0; c < ncpu; c++) {
        spin_ns[c] = chase_ns[c] = 0;
    }
    /* Round by round over the CPUs, so that a neighbour's burst hurts
     * one round of each, and the best of the rounds survives it. */
    for (int r = 0; r < rounds; r++) {
        for (int c = 0; c < ncpu; c++) {
            if (!CPU_ISSET(c, allowed) || gc_place_pin_self(c) != 0) {
                continue;
            }
            uint64_t t = gc_clock_ns();
            sink += spin(2000000);
            double d = (double)(gc_clock_ns() - t);
            spin_ns[c] = spin_ns[c] == 0 || d < spin_ns[c] ? d : spin_ns[c];
            if (next != NULL) {
                t = gc_clock_ns();
                sink += chase(next, CHASE_STEPS);
                d = (double)(gc_clock_ns() - t);
                chase_ns[c] =
                    chase_ns[c] == 0 || d < chase_ns[c] ? d : chase_ns[c];
            }
        }
    }
    (void)sink;
    free(next);
    sched_setaffinity(0, sizeof *allowed, allowed);
}

/* Each CPU's time relative to the fastest, into v; the fastest and
 * slowest CPU, -1 if none was measured. */
static void
speed_text(const double *ns, int n, char *v, size_t cap, int *fastest,
           int *slowest)
{
    *fastest = *slowest = -1;
    for (int c = 0; c < n; c++) {
        if (ns[c] > 0 && (*fastest < 0 || ns[c] < ns[*fastest])) {
            *fastest = c;
        }
        if (ns[c] > 0 && (*slowest < 0 || ns[c] > ns[*slowest])) {
            *slowest = c;
        }
    }
    size_t len = 0;
    for (int c = 0; c < n && *fastest >= 0; c++) {
        if (ns[c] > 0 && len + 40 < cap) {
            len += (size_t)snprintf(v + len, cap - len, "%scpu%d %.2f",
                                    len ? ", " : "", c, ns[c] / ns[*fastest]);
        }
    }
    if (len > 0) {
        snprintf(v + len, cap - len, " (time relative to the fastest)");
    }
}

/* Steal and the rest of /proc/stat's first line, in ticks. */
static bool
cpu_ticks(uint64_t *steal, uint64_t *total)
{
    char line[512];
    unsigned long long v[8] = {0};
    if (!read_line("/proc/stat", "cpu ", line, sizeof line) ||
        sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
               &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 8) {
        return false;
    }
    *steal = v[7];
    *total = 0;
    for (int i = 0; i < 8; i++) {
        *total += v[i];
    }
    return true;
}

struct proc {
    int pid;
    char comm[32];
    char state;
    uint64_t ticks; /* utime + stime */
};

/* Every process's CPU ticks so far; the count, at most cap. */
static size_t
read_procs(struct proc *out, size_t cap)
{
    DIR *d = opendir("/proc");
    size_t n = 0;
    struct dirent *e;
    while (d != NULL && n < cap && (e = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0])) {
            continue;
        }
        char path[300], text[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (!read_line(path, NULL, text, sizeof text)) {
            continue;
        }
        /* comm is in parentheses and may hold anything: the last ')'
         * ends it. */
        char *open = strchr(text, '('), *close = strrchr(text, ')');
        unsigned long long ut, st;
        char state;
        if (open == NULL || close == NULL || close < open ||
            sscanf(close + 1,
                   " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
                   &state, &ut, &st) != 3) {
            continue;
        }
        struct proc *p = &out[n++];
        p->pid = atoi(e->d_name);
        snprintf(p->comm, sizeof p->comm, "%.*s",
                 (int)(close - open - 1), open + 1);
        p->state = state;
        p->ticks = ut + st;
    }
    if (d != NULL) {
        closedir(d);
    }
    return n;
}

/* Other processes that used the CPU over the interval (or, with no
 * interval, that are running now): a list, and their share of a CPU in
 * all. */
static void
busy_processes(const struct proc *before, size_t nb, int interval_ms,
               char *out, size_t cap, double *cpus)
{
    struct proc *after = malloc(MAX_PROCS * sizeof *after);
    size_t na = after != NULL ? read_procs(after, MAX_PROCS) : 0;
    long hz = sysconf(_SC_CLK_TCK);
    size_t len = 0;
    *cpus = 0;
    out[0] = '\0';
    for (size_t i = 0; i < na; i++) {
        const struct proc *p = &after[i];
        if (p->pid == getpid()) {
            continue;
        }
        double share = 0;
        if (interval_ms > 0) {
            for (size_t j = 0; j < nb; j++) {
                if (before[j].pid == p->pid && p->ticks >= before[j].ticks) {
                    share = (double)(p->ticks - before[j].ticks) /
                            (double)(hz > 0 ? hz : 100) /
                            ((double)interval_ms / 1000.0);
                    break;
                }
            }
            if (share < BUSY_SHARE) {
                continue;
            }
        }
        else if (p->state != 'R') {
            continue;
        }
        *cpus += share;
        if (len + 64 < cap) {
            len += (size_t)(interval_ms > 0
                                ? snprintf(out + len, cap - len,
                                           "%s%s[%d] %.0f%%", len ? ", " : "",
                                           p->comm, p->pid, 100 * share)
                                : snprintf(out + len, cap - len, "%s%s[%d]",
                                           len ? ", " : "", p->comm, p->pid));
        }
    }
    if (len == 0) {
        snprintf(out, cap, after != NULL ? "none" : "unknown");
    }
    free(after);
}

/* Every fact, sampled over interval_ms (0: no waiting); cpu is the CPU
 * this invocation chose (-1: none). */
static void
gather(struct facts *f, int interval_ms, int cpu)
{
    if (gethostname(fact(f, "host"), FACT_BYTES) != 0) {
        snprintf(f->values[f->n - 1], FACT_BYTES, "unknown");
    }
    read_line("/proc/sys/kernel/osrelease", NULL, fact(f, "kernel"),
              FACT_BYTES);
    read_line("/proc/cpuinfo", "model name", fact(f, "cpu_model"),
              FACT_BYTES);
    int ncpu = gc_place_cpu_count();
    snprintf(fact(f, "cpus"), FACT_BYTES, "%d", ncpu);
    read_line("/sys/devices/system/cpu/online", NULL, fact(f, "cpus_online"),
              FACT_BYTES);
    cpu_set_t allowed;
    bool has_allowed = sched_getaffinity(0, sizeof allowed, &allowed) == 0;
    if (has_allowed) {
        cpu_set_text(&allowed, fact(f, "cpus_allowed"), FACT_BYTES);
    }
    else {
        fact(f, "cpus_allowed");
    }
    int chosen = cpu >= 0 ? cpu : gc_place_auto_cpu();
    char *v = fact(f, "cpu_chosen");
    if (chosen >= 0) {
        snprintf(v, FACT_BYTES, "%d (%s)", chosen,
                 cpu >= 0 ? "this invocation's --cpu"
                          : "--cpu auto: highest-numbered allowed, isolated "
                            "first");
    }
    char iso[FACT_BYTES] = "", nohz[FACT_BYTES] = "";
    bool has_iso = read_line("/sys/devices/system/cpu/isolated", NULL, iso,
                             sizeof iso);
    bool has_nohz = read_line("/sys/devices/system/cpu/nohz_full", NULL,
                              nohz, sizeof nohz);
    snprintf(fact(f, "isolcpus"), FACT_BYTES, "%s",
             !has_iso ? "unknown" : iso[0] ? iso : "none");
    snprintf(fact(f, "nohz_full"), FACT_BYTES, "%s",
             !has_nohz                                   ? "unknown"
             : nohz[0] && strcmp(nohz, "(null)") != 0 ? nohz
                                                         : "none");
    /* Governors, per CPU where they differ. */
    v = fact(f, "governor");
    size_t len = 0;
    for (int c = 0; c < ncpu && c < 64; c++) {
        char path[128], g[64];
        snprintf(path, sizeof path,
                 "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
        if (read_line(path, NULL, g, sizeof g) && len + 80 < FACT_BYTES) {
            len += (size_t)snprintf(v + len, FACT_BYTES - len, "%scpu%d %s",
                                    len ? ", " : "", c, g);
        }
    }
    char b[64];
    v = fact(f, "boost");
    if (read_line("/sys/devices/system/cpu/cpufreq/boost", NULL, b,
                  sizeof b)) {
        snprintf(v, FACT_BYTES, "%s", strcmp(b, "1") == 0 ? "on" : "off");
    }
    else if (read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", NULL,
                       b, sizeof b)) {
        snprintf(v, FACT_BYTES, "%s (intel_pstate)",
                 strcmp(b, "1") == 0 ? "off" : "on");
    }
    read_line("/sys/kernel/mm/transparent_hugepage/enabled", NULL,
              fact(f, "thp"), FACT_BYTES);
    read_line("/sys/kernel/mm/transparent_hugepage/defrag", NULL,
              fact(f, "thp_defrag"), FACT_BYTES);
    char aslr[16];
    if (read_line("/proc/sys/kernel/randomize_va_space", NULL, aslr,
                  sizeof aslr)) {
        snprintf(fact(f, "aslr"), FACT_BYTES, "%s (%s)", aslr,
                 strcmp(aslr, "0") == 0 ? "off" : "on");
    }
    else {
        fact(f, "aslr");
    }

    /* Sampled: steal and busy processes over the interval, speeds. */
    struct proc *before =
        interval_ms > 0 ? malloc(MAX_PROCS * sizeof *before) : NULL;
    uint64_t steal0 = 0, total0 = 0, steal1 = 0, total1 = 0;
    bool has_ticks = cpu_ticks(&steal0, &total0);
    size_t nb = before != NULL ? read_procs(before, MAX_PROCS) : 0;
    if (interval_ms > 0) {
        struct timespec ts = {interval_ms / 1000,
                              (long)(interval_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    has_ticks = has_ticks && cpu_ticks(&steal1, &total1);
    v = fact(f, "steal");
    if (has_ticks && interval_ms > 0 && total1 > total0) {
        snprintf(v, FACT_BYTES, "%.1f%% over %d ms",
                 100.0 * (double)(steal1 - steal0) /
                     (double)(total1 - total0),
                 interval_ms);
    }
    else if (has_ticks && total1 > 0) {
        snprintf(v, FACT_BYTES, "%.1f%% since boot",
                 100.0 * (double)steal1 / (double)total1);
    }
    double steal_pct = has_ticks && total1 > total0 && interval_ms > 0
                           ? 100.0 * (double)(steal1 - steal0) /
                                 (double)(total1 - total0)
                           : 0;
    double la1 = -1;
    v = fact(f, "load_average");
    if (read_line("/proc/loadavg", NULL, v, FACT_BYTES)) {
        la1 = atof(v);
        /* "0.52 0.58 0.59 1/467 12345": the three averages. */
        char *p = v;
        for (int k = 0; k < 3 && p != NULL; k++) {
            p = strchr(p + 1, ' ');
        }
        if (p != NULL) {
            *p = '\0';
        }
    }
    double busy_cpus;
    char *busy = fact(f, interval_ms > 0 ? "busy_processes"
                                         : "running_processes");
    busy_processes(before, nb, interval_ms, busy, FACT_BYTES, &busy_cpus);
    free(before);
    double spin_ns[64] = {0}, chase_ns[64] = {0};
    int nspeed = ncpu < 64 ? ncpu : 64;
    char *spin_v = fact(f, "cpu_speed_alu"), *chase_v = fact(f, "cpu_speed_memory");
    int fast[2] = {-1, -1}, slow[2] = {-1, -1};
    if (interval_ms == 0) {
        snprintf(spin_v, FACT_BYTES, "unknown (measured by gclab system)");
        snprintf(chase_v, FACT_BYTES, "unknown (measured by gclab system)");
    }
    /* Only with an interval: a few rounds are needed to see through a
     * neighbour's load, too long for every results directory. */
    if (has_allowed && interval_ms > 0) {
        cpu_speeds(&allowed, spin_ns, chase_ns, nspeed, SPEED_ROUNDS);
        speed_text(spin_ns, nspeed, spin_v, FACT_BYTES, &fast[0], &slow[0]);
        speed_text(chase_ns, nspeed, chase_v, FACT_BYTES, &fast[1], &slow[1]);
    }

    /* Advice. */
    for (int k = 0; k < 2; k++) {
        const double *ns = k == 0 ? spin_ns : chase_ns;
        if (fast[k] < 0 || ns[slow[k]] / ns[fast[k]] <= 1.0 + SPEED_SPREAD) {
            continue;
        }
        advise(f,
               "CPUs differ in speed (%s: cpu%d takes %.2fx as long as "
               "cpu%d): pin both sides of any comparison to one CPU (gclab "
               "does: --cpu auto)%s",
               k == 0 ? "arithmetic" : "memory", slow[k],
               ns[slow[k]] / ns[fast[k]], fast[k],
               chosen >= 0 && chosen < nspeed && ns[chosen] > 0 &&
                       ns[chosen] / ns[fast[k]] > 1.0 + SPEED_SPREAD
                   ? "; auto's CPU is the slower here, --cpu names another"
                   : "");
        break;
    }
    if (has_iso && ncpu > 1 && iso[0] == '\0' &&
        (!has_nohz || nohz[0] == '\0' || strcmp(nohz, "(null)") == 0)) {
        advise(f,
               "no CPU is isolated: other processes share the measured CPU; "
               "boot with isolcpus=%d nohz_full=%d (or use cpusets) for "
               "steadier numbers",
               chosen >= 0 ? chosen : ncpu - 1,
               chosen >= 0 ? chosen : ncpu - 1);
    }
    if (busy_cpus >= 0.25 || (interval_ms == 0 && la1 >= 1.0) ||
        la1 >= 0.5 * ncpu) {
        advise(f,
               "other processes load the machine (load %.2f on %d CPUs%s%s): "
               "numbers taken now are noisy; rerun when it is quiet, or "
               "compare only runs interleaved in one job",
               la1, ncpu, busy_cpus > 0 ? "; busy: " : "",
               busy_cpus > 0 ? busy : "");
    }
    if (steal_pct >= 1.0) {
        advise(f,
               "this VM lost %.1f%% of its CPU time to steal (the host's "
               "other guests): expect noise that pinning cannot remove",
               steal_pct);
    }
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->names[i], "governor") == 0 &&
            strcmp(f->values[i], "unknown") != 0 &&
            strstr(f->values[i], "powersave") != NULL) {
            advise(f, "a CPU runs the powersave governor: set performance "
                      "(cpupower frequency-set -g performance)");
        }
        if (strcmp(f->names[i], "boost") == 0 &&
            strncmp(f->values[i], "on", 2) == 0) {
            advise(f, "turbo boost is on: the clock follows temperature and "
                      "load; turn it off for steadier numbers");
        }
    }
}

static void
facts_json(struct gc_buf *b, const struct facts *f, int interval_ms)
{
    gc_buf_printf(b, "{\"schema_version\":1,\"interval_ms\":%d", interval_ms);
    for (size_t i = 0; i < f->n; i++) {
        gc_buf_printf(b, ",\"%s\":", f->names[i]);
        gc_buf_json_string(b, f->values[i]);
    }
    gc_buf_printf(b, ",\"advice\":[");
    for (size_t i = 0; i < f->nadvice; i++) {
        gc_buf_printf(b, "%s", i ? "," : "");
        gc_buf_json_string(b, f->advice[i]);
    }
    gc_buf_printf(b, "]}\n");
}

int
gc_system_write(const char *dir, int cpu)
{
    struct facts f = {0};
    gather(&f, 0, cpu);
    struct gc_buf b = {0};
    facts_json(&b, &f, 0);
    char path[4200];
    snprintf(path, sizeof path, "%s/system.json", dir);
    int rc = gc_write_atomic(path, b.data, b.len);
    free(b.data);
    return rc;
}

int
gc_cmd_system(int argc, char **argv)
{
    struct gc_place place;
    gc_place_init(&place);
    bool json = false, print_cpu = false;
    long interval_ms = 500;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0) {
            printf("usage: gclab system [--json] [--interval-ms N] "
                   "[--cpu N|auto|none] [--print-cpu]\n"
                   "What this machine is doing, one fact a line (unknown "
                   "where it cannot be read),\n"
                   "then advice.  --print-cpu prints only the CPU that "
                   "--cpu chooses (or none),\n"
                   "for scripts that pin a program of their own "
                   "(taskset -c).  docs/placement.md.\n");
            return 0;
        }
        if (strcmp(opt, "--json") == 0) {
            json = true;
            continue;
        }
        if (strcmp(opt, "--print-cpu") == 0) {
            print_cpu = true;
            continue;
        }
        if (i + 1 >= argc) {
            return gc_usage_error("system", "unknown or incomplete option",
                                  opt);
        }
        const char *val = argv[++i];
        int placed = gc_place_option(&place, "system", opt, val);
        if (placed == 2) {
            return 2;
        }
        if (placed == 1) {
            continue;
        }
        if (strcmp(opt, "--interval-ms") == 0) {
            char *end;
            interval_ms = strtol(val, &end, 10);
            if (end == val || *end != '\0' || interval_ms < 0 ||
                interval_ms > 60000) {
                return gc_usage_error("system", "--interval-ms needs an "
                                                "integer from 0 to 60000, "
                                                "not",
                                      val);
            }
        }
        else {
            return gc_usage_error("system", "unknown option", opt);
        }
    }
    if (print_cpu) {
        /* Which CPU, without moving this process: scripts pin a program
         * of their own to it. */
        const char *text = place.cpu_text ? place.cpu_text : "auto";
        int cpu = strcmp(text, "none") == 0   ? -1
                  : strcmp(text, "auto") == 0 ? gc_place_auto_cpu()
                                              : atoi(text);
        if (cpu >= 0 && gc_place_pin_self(cpu) != 0) {
            cpu = -1; /* cannot pin: say none, as auto falls back */
        }
        if (cpu >= 0) {
            printf("%d\n", cpu);
        }
        else {
            printf("none\n");
        }
        return 0;
    }
    struct facts f = {0};
    int cpu = -1;
    if (place.cpu_text != NULL) {
        if (gc_place_setup(&place, "system") != 0) {
            return 2;
        }
        cpu = place.cpu;
    }
    gather(&f, (int)interval_ms, cpu);
    if (json) {
        struct gc_buf b = {0};
        facts_json(&b, &f, (int)interval_ms);
        fputs(b.data, stdout);
        free(b.data);
        return 0;
    }
    for (size_t i = 0; i < f.n; i++) {
        printf("%-18s %s\n", f.names[i], f.values[i]);
    }
    for (size_t i = 0; i < f.nadvice; i++) {
        printf("advice: %s\n", f.advice[i]);
    }
    if (f.nadvice == 0) {
        printf("advice: none; the machine looks steady\n");
    }
    return 0;
}
