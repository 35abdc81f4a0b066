/* harness/measure/measure.h -- measuring: the contract of
 * harness/measure/.  An item (a collector on a workload at a size, one
 * repetition) becomes a record: a struct child_result of metrics, the
 * pauses it kept and its memory series.  child.c runs one item in a
 * process of its own; listener.c turns the heap's events into pauses,
 * samples, MMU and phase times; peer.c runs a twin on a real
 * interpreter; matrix.c runs a whole matrix in a seeded order; place.c
 * pins runs to a CPU; spawn.c starts other programs by argument vector.
 * Nothing here writes a results file or draws: records/ and plots/ do.
 * Private to harness/. */
#ifndef GCLAB_MEASURE_H
#define GCLAB_MEASURE_H

#include "harness.h"
#include "place-internal.h"
#include "workload.h"

#include <time.h>

/* A refcount cascade is a pause of its own once it frees this many. */
#define GC_CASCADE_MIN_DEFAULT 10000

enum run_status { RUN_OK, RUN_FAILED, RUN_OUT_OF_MEMORY, RUN_CRASHED };
extern const char *const status_names[];

struct gc_mem_point;

struct child_result {
    int status;
    int signal;
    uint32_t nsamples; /* pause samples that follow on the pipe */
    uint32_t nmem;     /* then memory points (memseries-internal.h) */
    struct gc_metrics m;
    char effective[256];
};

struct item {
    const char *collector; /* a spec, or a peer's label */
    int workload;
    uint64_t size, rep;
    uint64_t seed;         /* the workload's: --seed plus the repetition */
    const char *peer;      /* the interpreter, for a peer row */
    bool has_recorder;     /* a peer run with the gc.callbacks recorder */
    bool pause_cpu;        /* read the thread CPU clock around each pause */
    enum gc_layout layout; /* where the pool places objects */
    bool retained;         /* an accounting run for retained garbage */
    uint64_t warmup;       /* unmeasured runs before the measured one */
    bool prefault;         /* map and write the run's arenas in set-up */
    uint64_t cascade_min;  /* objects a refcount cascade frees to count */
    int cpu;               /* the CPU it is pinned to; -1: not pinned */
    size_t slot;           /* its place in matrix order */
    size_t run_index;      /* 1 + how many runs of the invocation ran
                            * before it: the order they really ran in */
};

struct record {
    struct item item;
    struct child_result r;
    struct gc_pause_sample *samples; /* r.nsamples of them */
    struct gc_mem_point *mem;        /* r.nmem of them */
    time_t started;                  /* when it started, for the record */
};

struct matrix {
    const char *const *collectors;
    int ncollectors;
    /* The collector ratios are taken to, recorded in every record (so
     * that plots agree however records are split or ordered); NULL:
     * collectors[0]. */
    const char *reference;
    const char *const *workloads;
    const struct gc_workload_spec *wspecs;
    int nworkloads;
    const uint64_t *sizes; /* none: each workload's default size */
    /* Without sizes, one size per workload (0: its default). */
    const uint64_t *workload_sizes;
    int nsizes;
    const char *const *peers; /* interpreters running the twins */
    int npeers;
    uint64_t repeat, seed, baseline, memory_cap;
    /* Repetitions are numbered from here (seed + first_rep + r), so that
     * more of them can be run later and appended. */
    uint64_t first_rep;
    /* The thread CPU clock is a system call (~0.7 us): at two per
     * collection it would cost alloc-churn about 2% of its wall time,
     * over the listener's 1% budget, so it is read only on request. */
    bool pause_cpu;
    /* Given (--layout) for every workload; if not, each workload's own
     * (struct gc_workload's layout). */
    bool has_layout;
    enum gc_layout layout;
    bool retained;
    /* The accounting run only on each cell's first repetition (rep 0):
     * its counters are exact for a seed, and it costs 3 to 13 times the
     * measured run, time bench spends on repetitions instead. */
    bool retained_first_only;
    uint64_t warmup;
    bool prefault;
    uint64_t cascade_min; /* 0: GC_CASCADE_MIN_DEFAULT */
    /* Only this share of the matrix runs (count 0: all of it);
     * shard_load, if not NULL, carries the balance over to the next
     * matrix (gc_shard_assign). */
    struct gc_shard shard;
    double *shard_load;
    /* Each run in this process, not a child of its own (gclab run
     * --no-fork: for valgrind and debuggers; a crash ends the matrix). */
    bool in_process;
    bool quiet; /* no progress lines on stderr */
    /* --cpu and --order (place.c); NULL: unpinned, in matrix order. */
    const struct gc_place *place;
};

/* The MMU curve of one run from its kept pauses, at windows 10 us,
 * 20 us, 50 us, ... 10 s; false when pauses were dropped (more than the
 * harness keeps) or the run has none to give (a peer, a failed run). */
#define MMU_POINTS 19
extern const uint64_t mmu_curve_window_ns[MMU_POINTS];
bool mmu_curve(const struct record *rec, double out[MMU_POINTS]);

/* The measured region of a run: the workload, once.  Never inlined,
 * so that callgrind can count it alone (--toggle-collect=gc_run_measured,
 * gclab check's instruction counts). */
enum gc_status gc_run_measured(const struct gc_workload *w,
                               struct gc_heap *heap,
                               const struct gc_workload_params *p,
                               uint64_t *checksum)
    __attribute__((noinline));

/* Runs argv (argv[0] a path, or a name on PATH) to the end, its stdout
 * to /dev/null and its stderr to err_fd (left alone if negative): the
 * exit status, 128 + the signal that ended it, or -1 if it could not be
 * started (127: not found). */
int run_command(char *const *argv, int err_fd);
/* The same in directory dir (NULL: this one); 126 if it cannot go
 * there.  No shell is involved: any path works as an argument. */
int run_command_in(const char *dir, char *const *argv, int err_fd);
/* Runs argv as run_command does, its stderr to /dev/null, and returns
 * what it wrote on stdout (NUL-terminated, malloc'd; NULL if it could
 * not be started or memory ran out), its exit status in *status. */
char *run_capture(char *const *argv, int *status);
/* Reads exactly n bytes from fd (through short reads); false at EOF or
 * on an error first. */
bool read_all_fd(int fd, void *buf, size_t n);
/* "release", "debug" or "sanitizer": what records call build_type. */
const char *run_build_type(void);
/* 2, with one line on stderr, when this build's numbers are not results
 * (debug, sanitizers, checks) and allow_debug is false; else 0. */
int run_check_build(const char *command, bool allow_debug);
/* One item measured (child.c): in this process (in_process) or in a
 * child of its own with its address space capped at memory_cap
 * (run_isolated); its pause samples and memory series malloc'd into
 * *samples and *mem, NULL when none were kept. */
void run_in_child(const struct item *it, const struct gc_workload_spec *ws,
                  uint64_t baseline, uint64_t memory_cap, bool in_process,
                  struct child_result *out, struct gc_pause_sample **samples,
                  struct gc_mem_point **mem);
void run_isolated(const struct item *it, const struct gc_workload_spec *ws,
                  uint64_t baseline, uint64_t memory_cap,
                  struct child_result *out, struct gc_pause_sample **samples,
                  struct gc_mem_point **mem);
/* One item's twin on a real interpreter (peer.c). */
void run_peer(const struct item *it, const struct gc_workload_spec *ws,
              struct child_result *out, struct gc_pause_sample **samples);
/* Runs the matrix (its share, in its order) and returns its records in
 * matrix order, whatever order they ran in (item.run_index says). */
struct record *run_matrix(const struct matrix *mx, size_t *total);
/* What run_matrix is made of, for a caller that picks its own items
 * (bench's extra repetitions): the item of collector c on workload w at
 * size, repetition rep (from 0); n records (one round) shuffled as
 * mx->place says, by its seed and salt (rounds differ in salt); and the
 * runs themselves. */
struct item matrix_item(const struct matrix *mx, int c, int w,
                        uint64_t size, uint64_t rep);
void order_shuffle(const struct matrix *mx, struct record *recs, size_t n,
                   uint64_t salt);
void run_records(const struct matrix *mx, struct record *recs, size_t total,
                 size_t first_index);
/* "python3.11.7" for an interpreter, or NULL if it does not answer. */
const char *peer_label(const char *python, bool has_recorder);
void free_records(struct record *recs, size_t total);
int check_records(const struct record *recs, size_t total,
                  const char *const *workloads);

#endif /* GCLAB_MEASURE_H */
