/* harness/oracles/fuzz.c -- gclab fuzz: seeded random programs over the object
 * API, checked after every step against a reachability oracle the
 * fuzzer keeps itself (fuzz-oracle.c).
 *
 * A program is a list of operations on ten root slots: make an object
 * (instances plain, with a finalizer, resurrecting, legacy, slotted with
 * and without __weakref__; lists, dicts, tuples; chains of them), link
 * and unlink, drop and move roots, weakrefs with and without callbacks,
 * collect(gen), freeze and unfreeze, enable and disable, thresholds,
 * debug flags, gc.callbacks, and clearing the list finalizers resurrect
 * into and gc.garbage.  Finalizers and callbacks act too.  A program is
 * a pure function of the seed, so a failure replays with --seed and
 * shrinks (--minimize) by deleting operations: each names its operands
 * as a root slot and a hop to one of that object's children, which
 * still means something when other operations are gone.
 *
 * Each collector's seeds run in a child process, so a crash becomes one
 * failing seed and the run goes on.  --inject plants a bug of a known
 * kind at the middle of every program and --expect-cycles holds `none`
 * to what a cycle collector promises: tests use both to show the oracle
 * fails when it should. */
#include "harness.h"

#include "fuzz-internal.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- programs ------------------------------------------------------ */

static struct fz_ref
random_ref(uint64_t *s)
{
    /* Mostly a slot's own object; now and then a child, to reach into
     * the graph. */
    struct fz_ref r = {.slot = (uint8_t)rng_below(s, FZ_SLOTS), .hop = 0};
    if (rng_below(s, 4) == 0) {
        r.hop = (uint8_t)(1 + rng_below(s, 16));
    }
    return r;
}

/* The mix of operations, per thousand (the rows sum to 1000): links
 * most, so that cycles form; a chain (the trashcan) in every few
 * programs.  nrefs operands, and a sub from 0 to nsubs - 1 where nsubs
 * is not 0. */
static const struct {
    uint8_t kind;
    uint16_t per_mille;
    uint8_t nrefs, nsubs;
} mix[] = {
    {FZ_CHAIN, 2, 0, 0},        {FZ_NEW, 178, 0, 0},
    {FZ_LINK, 400, 2, 0},       {FZ_UNLINK, 60, 1, 0},
    {FZ_UNLINK_ALL, 15, 1, 0},  {FZ_DROP, 85, 0, 0},
    {FZ_MOVE, 80, 1, 0},        {FZ_WEAKREF, 50, 1, 2},
    {FZ_COLLECT, 55, 0, 3},     {FZ_FREEZE, 5, 0, 0},
    {FZ_UNFREEZE, 7, 0, 0},     {FZ_ENABLE, 10, 0, 0},
    {FZ_DISABLE, 7, 0, 0},      {FZ_THRESHOLD, 15, 0, 0},
    {FZ_CLEAR_SAVED, 12, 0, 0}, {FZ_CLEAR_GARBAGE, 7, 0, 0},
    {FZ_DEBUG, 6, 0, 4},        {FZ_CALLBACKS, 6, 0, 2},
};

/* The program of a seed: nops random operations, then an epilogue that
 * makes everything garbage and collects it, so every program ends with
 * the strongest check.  *n gets the length. */
static struct fz_op *
generate(uint64_t seed, uint32_t nops, enum fz_inject inject, uint32_t *n)
{
    uint64_t s = rng_seed(seed);
    uint32_t total = nops + FZ_SLOTS + 6;
    struct fz_op *ops = fz_xrealloc(NULL, total * sizeof *ops);
    memset(ops, 0, total * sizeof *ops);
    uint32_t k = 0;
    for (uint32_t i = 0; i < nops; i++) {
        struct fz_op *op = &ops[k++];
        op->slot = (uint8_t)rng_below(&s, FZ_SLOTS);
        op->key = (uint8_t)rng_below(&s, FZ_KEYS);
        op->num[0] = (int32_t)rng_below(&s, 1000);
        if (inject != FZ_INJECT_NONE && i == nops / 2) {
            op->kind = FZ_INJECT;
            op->sub = (uint8_t)inject;
            continue;
        }
        unsigned x = rng_below(&s, 1000);
        size_t m = 0;
        while (x >= mix[m].per_mille) {
            x -= mix[m].per_mille;
            m++;
        }
        op->kind = mix[m].kind;
        op->nrefs = mix[m].nrefs;
        if (mix[m].nsubs != 0) {
            op->sub = (uint8_t)rng_below(&s, mix[m].nsubs);
        }
        if (op->kind == FZ_NEW) {
            op->sub = random_class(&s);
            op->nrefs = op->sub == FZ_TUPLE ? (uint8_t)rng_below(&s, 4) : 0;
        }
        else if (op->kind == FZ_CHAIN) {
            op->num[0] = (int32_t)(45 + rng_below(&s, 60));
            op->num[1] = (int32_t)rng_below(&s, 1u << 30);
        }
        else if (op->kind == FZ_THRESHOLD) {
            static const int32_t t0[] = {0, 1, 2, 3, 5, 10, 25, 100, 700};
            op->num[0] = t0[rng_below(&s, sizeof t0 / sizeof *t0)];
            op->num[1] = (int32_t)(1 + rng_below(&s, 10));
            op->num[2] = (int32_t)(1 + rng_below(&s, 10));
        }
        for (uint8_t r = 0; r < op->nrefs; r++) {
            op->ref[r] = random_ref(&s);
        }
        /* Cycles are what collectors are for: a quarter of the links
         * point a child back at its slot's object, some at themselves.
         * A link to None now and then replaces a reference with none. */
        if (op->kind == FZ_LINK) {
            unsigned y = rng_below(&s, 16);
            if (y < 4) {
                op->ref[0].hop = (uint8_t)(1 + rng_below(&s, 16));
                op->ref[1] = (struct fz_ref){.slot = op->ref[0].slot};
            }
            else if (y < 6) {
                op->ref[1] = op->ref[0];
            }
            else if (y < 8) {
                op->ref[1].slot = FZ_NO_SLOT;
            }
        }
    }
    for (uint8_t slot = 0; slot < FZ_SLOTS; slot++) {
        ops[k++] = (struct fz_op){.kind = FZ_DROP, .slot = slot};
    }
    ops[k++] = (struct fz_op){.kind = FZ_CLEAR_SAVED};
    ops[k++] = (struct fz_op){.kind = FZ_DEBUG, .sub = 0};
    ops[k++] = (struct fz_op){.kind = FZ_CLEAR_GARBAGE};
    ops[k++] = (struct fz_op){.kind = FZ_UNFREEZE};
    ops[k++] = (struct fz_op){.kind = FZ_COLLECT, .sub = 2};
    ops[k++] = (struct fz_op){.kind = FZ_COLLECT, .sub = 2};
    *n = k;
    return ops;
}

static void
format_ref(char *buf, size_t bytes, struct fz_ref r)
{
    if (r.slot == FZ_NO_SLOT) {
        snprintf(buf, bytes, "None");
    }
    else if (r.hop == 0) {
        snprintf(buf, bytes, "s%u", r.slot);
    }
    else {
        snprintf(buf, bytes, "s%u.child(%u)", r.slot, r.hop - 1u);
    }
}

static const char *const plain_texts[] = {
    [FZ_FREEZE] = "gc.freeze()",
    [FZ_UNFREEZE] = "gc.unfreeze()",
    [FZ_ENABLE] = "gc.enable()",
    [FZ_DISABLE] = "gc.disable()",
    [FZ_CLEAR_SAVED] = "del saved[:]",
    [FZ_CLEAR_GARBAGE] = "del gc.garbage[:]",
};

/* One operation as Python-like text, for failures and minimal
 * programs. */
static void
format_op(char *buf, size_t bytes, const struct fz_op *op)
{
    char a[32], b[32], c[32];
    format_ref(a, sizeof a, op->ref[0]);
    format_ref(b, sizeof b, op->ref[1]);
    format_ref(c, sizeof c, op->ref[2]);
    switch ((enum fz_op_kind)op->kind) {
    case FZ_NEW:
        if (op->sub == FZ_LIST) {
            snprintf(buf, bytes, "s%u = [id]", op->slot);
        }
        else if (op->sub == FZ_DICT) {
            snprintf(buf, bytes, "s%u = {'id': id}", op->slot);
        }
        else if (op->sub == FZ_TUPLE) {
            snprintf(buf, bytes, "s%u = (id%s%s%s%s%s%s)", op->slot,
                     op->nrefs > 0 ? ", " : "", op->nrefs > 0 ? a : "",
                     op->nrefs > 1 ? ", " : "", op->nrefs > 1 ? b : "",
                     op->nrefs > 2 ? ", " : "", op->nrefs > 2 ? c : "");
        }
        else {
            snprintf(buf, bytes, "s%u = %s()", op->slot, class_names[op->sub]);
        }
        break;
    case FZ_LINK:
        /* key for instances and dicts; for lists, append or set item
         * num % len */
        snprintf(buf, bytes, "link %s k%u #%d = %s", a, op->key,
                 (int)op->num[0], b);
        break;
    case FZ_UNLINK:
        snprintf(buf, bytes, "unlink %s k%u #%d", a, op->key, (int)op->num[0]);
        break;
    case FZ_UNLINK_ALL:
        snprintf(buf, bytes, "unlink all of %s", a);
        break;
    case FZ_DROP:
        snprintf(buf, bytes, "del s%u", op->slot);
        break;
    case FZ_MOVE:
        snprintf(buf, bytes, "s%u = %s", op->slot, a);
        break;
    case FZ_WEAKREF:
        snprintf(buf, bytes, "s%u = weakref.ref(%s%s)", op->slot, a,
                 op->sub ? ", callback" : "");
        break;
    case FZ_COLLECT:
        snprintf(buf, bytes, "gc.collect(%u)", op->sub);
        break;
    case FZ_THRESHOLD:
        snprintf(buf, bytes, "gc.set_threshold(%d, %d, %d)", (int)op->num[0],
                 (int)op->num[1], (int)op->num[2]);
        break;
    case FZ_DEBUG:
        snprintf(buf, bytes, "gc.set_debug(%u)", debug_flags[op->sub % 4]);
        break;
    case FZ_CALLBACKS:
        snprintf(buf, bytes, "gc.callbacks.%s(on_gc)",
                 op->sub ? "append" : "remove");
        break;
    case FZ_CHAIN:
        snprintf(buf, bytes, "s%u = chain of %d (kinds %d)", op->slot,
                 (int)op->num[0], (int)op->num[1]);
        break;
    case FZ_INJECT:
        snprintf(buf, bytes, "inject %s at s%u", inject_names[op->sub],
                 op->slot);
        break;
    default: /* the operations without operands */
        snprintf(buf, bytes, "%s", plain_texts[op->kind]);
        break;
    }
}

/* ---- seeds, specs and child processes ---------------------------------- */

struct fz_options {
    const char *collectors[64];
    size_t ncollectors;
    uint64_t first_seed, nseeds;
    uint32_t nops;
    bool is_collect_every_alloc;
    bool is_minimize;
    bool expect_cycles;
    enum fz_inject inject;
};

/* Options that make a collector collect often, for a bare name on every
 * other group of four seeds (one per profile): automatic collections
 * inside allocations and decrements are what small programs otherwise
 * rarely see. */
static const struct {
    const char *collector, *options;
} eager[] = {
    {"cpython", "threshold=7/3/3"},
    {"full", "min=8"},
    {"incremental", "budget=8"},
    {"trialdel", "buffer=8"},
};

/* The spec a seed runs, written into text: the given one, with the
 * seed's profile when it names none and eager options when it names
 * none either. */
static void
seed_spec(const char *given, uint64_t seed, char *text, size_t bytes)
{
    bool has_options = strchr(given, ':') != NULL;
    bool has_profile = strstr(given, "profile=") != NULL;
    const char *extra = NULL;
    if (!has_options && (seed / GC_PROFILE_COUNT) % 2 == 1) {
        for (size_t i = 0; i < sizeof eager / sizeof *eager; i++) {
            if (strcmp(eager[i].collector, given) == 0) {
                extra = eager[i].options;
            }
        }
    }
    snprintf(text, bytes, "%s", given);
    if (extra != NULL) {
        size_t n = strlen(text);
        snprintf(text + n, bytes - n, ":%s", extra);
        has_options = true;
    }
    if (!has_profile) {
        size_t n = strlen(text);
        snprintf(text + n, bytes - n, "%sprofile=%s", has_options ? "," : ":",
                 gc_profile_name((enum gc_profile)(seed % GC_PROFILE_COUNT)));
    }
}

struct fz_case {
    char spec_text[300];
    struct gc_spec spec;
    struct fz_setup setup;
};

static bool
case_init(const struct fz_options *o, const char *given, uint64_t seed,
          struct fz_case *c, char *err, size_t err_bytes)
{
    seed_spec(given, seed, c->spec_text, sizeof c->spec_text);
    if (gc_spec_parse(c->spec_text, &c->spec, err, err_bytes) != GC_OK) {
        return false;
    }
    gc_heap_config_init(&c->setup.cfg);
    gc_spec_config(&c->spec, &c->setup.cfg);
    c->setup.cfg.is_collect_every_alloc = o->is_collect_every_alloc;
    c->setup.expect_cycles = o->expect_cycles;
    return true;
}

/* The command line that replays one seed. */
static void
replay_args(const struct fz_options *o, const char *given, uint64_t seed,
            char *buf, size_t bytes)
{
    snprintf(buf, bytes, "gclab fuzz --collector %s --seed %llu", given,
             (unsigned long long)seed);
    size_t n = strlen(buf);
    if (o->nops != FZ_DEFAULT_OPS) {
        n += (size_t)snprintf(buf + n, bytes - n, " --ops %u", o->nops);
    }
    if (o->is_collect_every_alloc && n < bytes) {
        n += (size_t)snprintf(buf + n, bytes - n, " --collect-every-alloc");
    }
    if (o->expect_cycles && n < bytes) {
        n += (size_t)snprintf(buf + n, bytes - n, " --expect-cycles");
    }
    if (o->inject != FZ_INJECT_NONE && n < bytes) {
        snprintf(buf + n, bytes - n, " --inject %s", inject_names[o->inject]);
    }
}

static void
tally_sum(struct fz_tally *t, const struct fz_tally *u)
{
    for (int i = 0; i < FZ_T_COUNT; i++) {
        t->n[i] += u->n[i];
    }
}

/* The op a failure names: one of the program, or the heap's end. */
static void
format_failed_op(char *buf, size_t bytes, const struct fz_op *ops, uint32_t n,
                 uint32_t fail_op)
{
    if (fail_op < n) {
        format_op(buf, bytes, &ops[fail_op]);
    }
    else {
        snprintf(buf, bytes, "gc_heap_destroy");
    }
}

/* Runs one seed; on failure writes its one line to f.  Returns the
 * check that failed (FZ_OK on a pass). */
static enum fz_check
run_seed(const struct fz_options *o, const char *given, uint64_t seed, FILE *f,
         struct fz_tally *tally)
{
    struct fz_case c;
    char err[256], replay[400], optext[128];
    uint32_t n;
    if (!case_init(o, given, seed, &c, err, sizeof err)) {
        fprintf(f, "FAIL %s seed %llu: %s\n", c.spec_text,
                (unsigned long long)seed, err);
        return FZ_CHECK_STATUS;
    }
    struct fz_op *ops = generate(seed, o->nops, o->inject, &n);
    struct fz_result res;
    if (!fz_run_program(&c.setup, ops, n, NULL, &res, err, sizeof err)) {
        fprintf(f, "FAIL %s seed %llu: no heap: %s\n", c.spec_text,
                (unsigned long long)seed, err);
        free(ops);
        return FZ_CHECK_STATUS;
    }
    if (tally != NULL) {
        tally_sum(tally, &res.tally);
    }
    if (res.check != FZ_OK) {
        format_failed_op(optext, sizeof optext, ops, n, res.fail_op);
        replay_args(o, given, seed, replay, sizeof replay);
        fprintf(f, "FAIL %s seed %llu op %u (%s): %s: %s; replay: %s\n",
                c.spec_text, (unsigned long long)seed, res.fail_op + 1, optext,
                check_texts[res.check], res.why, replay);
    }
    free(ops);
    return res.check;
}

/* Runs a subset of a seed's program in a child (it may crash, or leave a
 * broken heap behind) and returns what happened: the failed check,
 * FZ_OK, or FZ_NCHECKS + the signal that killed it.  With why, the
 * failure's op and message come back there. */
static int
trial(const struct fz_setup *setup, const struct fz_op *ops, uint32_t n,
      const bool *keep, char *why, size_t why_bytes)
{
    int fds[2];
    fflush(NULL);
    if (pipe(fds) != 0) {
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        /* A crash report per trial would bury the result. */
        FILE *null = freopen("/dev/null", "w", stderr);
        (void)null;
        close(fds[0]);
        struct fz_result res;
        char err[256], text[128];
        if (!fz_run_program(setup, ops, n, keep, &res, err, sizeof err)) {
            _exit(100);
        }
        if (res.check != FZ_OK) {
            format_failed_op(text, sizeof text, ops, n, res.fail_op);
            dprintf(fds[1], "op %u (%s): %s", res.fail_op + 1, text, res.why);
        }
        _exit((int)res.check);
    }
    close(fds[1]);
    size_t got = 0;
    char sink[256];
    for (;;) {
        bool is_into_why = why != NULL && got + 1 < why_bytes;
        ssize_t k = read(fds[0], is_into_why ? why + got : sink,
                         is_into_why ? why_bytes - 1 - got : sizeof sink);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            break;
        }
        got += is_into_why ? (size_t)k : 0;
    }
    if (why != NULL && why_bytes > 0) {
        why[got] = '\0';
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {
        return FZ_NCHECKS + WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Delta debugging (Zeller's ddmin) over the operations a run keeps:
 * try dropping chunks, then complements, halving the chunk size until
 * single operations; whatever still fails the same way stays dropped. */
static uint32_t
minimize(const struct fz_setup *setup, const struct fz_op *ops, uint32_t n,
         int want, bool *keep)
{
    bool *try = fz_xrealloc(NULL, n * sizeof *try);
    uint32_t *idx = fz_xrealloc(NULL, n * sizeof *idx);
    uint32_t kept = n;
    for (uint32_t i = 0; i < n; i++) {
        keep[i] = true;
    }
    uint32_t parts = 2;
    while (kept >= 2) {
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (keep[i]) {
                idx[m++] = i;
            }
        }
        if (parts > m) {
            parts = m;
        }
        bool is_reduced = false;
        for (uint32_t p = 0; p < parts && !is_reduced; p++) {
            uint32_t lo = (uint32_t)((uint64_t)m * p / parts);
            uint32_t hi = (uint32_t)((uint64_t)m * (p + 1) / parts);
            /* The complement of chunk p: drop it. */
            memcpy(try, keep, n * sizeof *try);
            for (uint32_t j = lo; j < hi; j++) {
                try[idx[j]] = false;
            }
            if (trial(setup, ops, n, try, NULL, 0) == want) {
                memcpy(keep, try, n * sizeof *keep);
                kept -= hi - lo;
                parts = parts > 2 ? parts - 1 : 2;
                is_reduced = true;
                break;
            }
            /* Chunk p alone. */
            if (parts > 2) {
                memset(try, 0, n * sizeof *try);
                for (uint32_t j = lo; j < hi; j++) {
                    try[idx[j]] = true;
                }
                if (trial(setup, ops, n, try, NULL, 0) == want) {
                    memcpy(keep, try, n * sizeof *keep);
                    kept = hi - lo;
                    parts = 2;
                    is_reduced = true;
                }
            }
        }
        if (!is_reduced) {
            if (parts >= m) {
                break;
            }
            parts = parts * 2 < m ? parts * 2 : m;
        }
    }
    free(try);
    free(idx);
    return kept;
}

static void
print_minimal(const struct fz_options *o, const char *given, uint64_t seed,
              FILE *out)
{
    struct fz_case c;
    char err[256], text[128], why[400];
    if (!case_init(o, given, seed, &c, err, sizeof err)) {
        return;
    }
    uint32_t n;
    struct fz_op *ops = generate(seed, o->nops, o->inject, &n);
    int want = trial(&c.setup, ops, n, NULL, NULL, 0);
    if (want == FZ_OK || want < 0) {
        fprintf(out, "# %s seed %llu: passes when run alone; not minimized\n",
                c.spec_text, (unsigned long long)seed);
        free(ops);
        return;
    }
    bool *keep = fz_xrealloc(NULL, n * sizeof *keep);
    uint32_t kept = minimize(&c.setup, ops, n, want, keep);
    fprintf(out,
            "# minimal program for %s seed %llu: %u of %u operations, "
            "%s%s\n",
            c.spec_text, (unsigned long long)seed, kept, n,
            want < FZ_NCHECKS ? check_texts[want] : "crashed with signal ",
            want < FZ_NCHECKS ? "" : strsignal(want - FZ_NCHECKS));
    for (uint32_t i = 0; i < n; i++) {
        if (keep[i]) {
            format_op(text, sizeof text, &ops[i]);
            fprintf(out, "#   op %u: %s\n", i + 1, text);
        }
    }
    if (trial(&c.setup, ops, n, keep, why, sizeof why) == want &&
        why[0] != '\0') {
        fprintf(out, "# which fails at %s\n", why);
    }
    free(keep);
    free(ops);
}

/* The seeds of one collector in a child process, which reports "S seed"
 * before each seed, failure lines as "F line", and "D" when done; a
 * crash costs the seed it happened in, and the next child goes on
 * after it.  Returns the failing seeds' count; *first_failure gets the
 * first (or UINT64_MAX). */
static uint64_t
fuzz_collector(const struct fz_options *o, const char *given, FILE *out,
               uint64_t *first_failure, struct fz_tally *tally)
{
    uint64_t failed = 0, next = o->first_seed;
    uint64_t end = o->first_seed + o->nseeds;
    *first_failure = UINT64_MAX;
    while (next < end) {
        int fds[2];
        fflush(NULL);
        if (pipe(fds) != 0) {
            fprintf(out, "FAIL %s: pipe: %s\n", given, strerror(errno));
            return failed + 1;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(out, "FAIL %s: fork: %s\n", given, strerror(errno));
            close(fds[0]);
            close(fds[1]);
            return failed + 1;
        }
        if (pid == 0) {
            close(fds[0]);
            FILE *f = fdopen(fds[1], "w");
            if (f == NULL) {
                _exit(3);
            }
            struct fz_tally t = {0};
            for (uint64_t seed = next; seed < end; seed++) {
                fprintf(f, "S %llu\n", (unsigned long long)seed);
                fflush(f);
                char line[1024];
                FILE *mem = fmemopen(line, sizeof line, "w");
                if (mem == NULL) {
                    _exit(3);
                }
                enum fz_check check = run_seed(o, given, seed, mem, &t);
                fclose(mem);
                if (check != FZ_OK) {
                    fprintf(f, "F %s", line);
                    fflush(f);
                }
            }
            fprintf(f, "T");
            for (int i = 0; i < FZ_T_COUNT; i++) {
                fprintf(f, " %llu", (unsigned long long)t.n[i]);
            }
            fprintf(f, "\nD\n");
            fclose(f);
            /* exit, not _exit: a sanitizer's leak check runs at exit. */
            exit(0);
        }
        close(fds[1]);
        FILE *f = fdopen(fds[0], "r");
        uint64_t current = next;
        bool has_started = false, is_done = false;
        char line[1100];
        while (f != NULL && fgets(line, sizeof line, f) != NULL) {
            if (line[0] == 'S') {
                current = strtoull(line + 2, NULL, 10);
                has_started = true;
            }
            else if (line[0] == 'F') {
                fputs(line + 2, out);
                fflush(out);
                failed++;
                if (*first_failure == UINT64_MAX) {
                    *first_failure = current;
                }
            }
            else if (line[0] == 'T') {
                char *p = line + 1;
                for (int i = 0; i < FZ_T_COUNT; i++) {
                    tally->n[i] += strtoull(p, &p, 10);
                }
            }
            else if (line[0] == 'D') {
                is_done = true;
            }
        }
        if (f != NULL) {
            fclose(f);
        }
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (is_done) {
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                fprintf(out,
                        "FAIL %s: the fuzzing process ended with status "
                        "%d after its last seed (a leak report?)\n",
                        given, status);
                failed++;
            }
            break;
        }
        /* Died inside seed `current`. */
        char replay[400];
        replay_args(o, given, current, replay, sizeof replay);
        fprintf(out, "FAIL %s seed %llu: crashed (%s); replay: %s\n", given,
                (unsigned long long)current,
                WIFSIGNALED(status) ? strsignal(WTERMSIG(status))
                                    : "exited early",
                replay);
        fflush(out);
        failed++;
        if (*first_failure == UINT64_MAX) {
            *first_failure = current;
        }
        next = has_started ? current + 1 : next + 1;
    }
    return failed;
}

/* ---- the command ------------------------------------------------------- */

/* User and system time of the children that have ended: the seeds run
 * there, and on a shared machine their CPU time says more than the
 * wall clock. */
static double
children_cpu_s(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        return 0;
    }
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
           ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

/* A whole decimal number in [min, max]; "0", "-1", "abc", "1e3" and
 * anything past max are refused. */
static bool
fz_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    if (text == NULL || text[0] < '0' || text[0] > '9') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno != 0 || v < min || v > max) {
        return false;
    }
    *out = v;
    return true;
}

static int
usage_error(FILE *err, const char *fmt, const char *arg)
{
    fprintf(err, "gclab fuzz: ");
    fprintf(err, fmt, arg);
    fprintf(err, "; try 'gclab fuzz --help'\n");
    return 2;
}

static void
print_help(FILE *out)
{
    fprintf(out,
            "usage: gclab fuzz [--collector SPEC]... [--seeds N] [--seed S] "
            "[--ops N]\n"
            "                  [--collect-every-alloc] [--minimize]\n"
            "Random programs over the object API, checked after every step "
            "against\n"
            "a reachability oracle.  Without --collector, every registered "
            "collector.\n"
            "  --collector SPEC      name[:key=value,...]; a bare name runs "
            "the seed's\n"
            "                        profile (seed %% 4) and, on every other "
            "group of\n"
            "                        four seeds, options that collect often\n"
            "  --seeds N             how many seeds (default 200; 1 with "
            "--seed)\n"
            "  --seed S              the first seed (default 1)\n"
            "  --ops N               operations per program (default %d)\n"
            "  --collect-every-alloc collect at every container allocation\n"
            "  --minimize            shrink the first failing seed's program "
            "and print it\n"
            "For testing the oracle itself:\n"
            "  --inject leak|overfree|phantom|crash  plant a bug in every "
            "program\n"
            "  --expect-cycles       hold a collector without cycle "
            "collection to it\n"
            "Exit status: 0 all passed, 1 a seed failed, 2 usage.\n",
            FZ_DEFAULT_OPS);
}

/* Parses argv into o; returns -1 to go on, else the exit status. */
static int
parse_args(int argc, char **argv, struct fz_options *o, FILE *out, FILE *err)
{
    bool has_seeds = false, has_seed = false;
    memset(o, 0, sizeof *o);
    o->first_seed = 1;
    o->nseeds = 200;
    o->nops = FZ_DEFAULT_OPS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t x;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            print_help(out);
            return 0;
        }
        else if (strcmp(a, "--collect-every-alloc") == 0) {
            o->is_collect_every_alloc = true;
        }
        else if (strcmp(a, "--minimize") == 0) {
            o->is_minimize = true;
        }
        else if (strcmp(a, "--expect-cycles") == 0) {
            o->expect_cycles = true;
        }
        else if (strcmp(a, "--collector") == 0 || strcmp(a, "--seeds") == 0 ||
                 strcmp(a, "--seed") == 0 || strcmp(a, "--ops") == 0 ||
                 strcmp(a, "--inject") == 0) {
            if (v == NULL) {
                return usage_error(err, "%s needs a value", a);
            }
            i++;
            if (strcmp(a, "--collector") == 0) {
                /* Parsed now, so that a bad option value is a usage
                 * error rather than a failure of every seed. */
                struct gc_spec parsed;
                char msg[256];
                if (gc_spec_parse(v, &parsed, msg, sizeof msg) != GC_OK) {
                    fprintf(err, "gclab fuzz: %s\n", msg);
                    return 2;
                }
                if (o->ncollectors ==
                    sizeof o->collectors / sizeof *o->collectors) {
                    return usage_error(err, "too many --collector%s", "");
                }
                o->collectors[o->ncollectors++] = v;
            }
            else if (strcmp(a, "--seeds") == 0) {
                if (!fz_parse_count(v, 1, FZ_MAX_SEEDS, &x)) {
                    fprintf(err,
                            "gclab fuzz: bad --seeds '%s'; expected an "
                            "integer from 1 to %llu\n",
                            v, FZ_MAX_SEEDS);
                    return 2;
                }
                o->nseeds = x;
                has_seeds = true;
            }
            else if (strcmp(a, "--seed") == 0) {
                if (!fz_parse_count(v, 0, UINT64_MAX / 2, &x)) {
                    fprintf(err,
                            "gclab fuzz: bad --seed '%s'; expected an "
                            "integer from 0 to %llu\n",
                            v, (unsigned long long)(UINT64_MAX / 2));
                    return 2;
                }
                o->first_seed = x;
                has_seed = true;
            }
            else if (strcmp(a, "--ops") == 0) {
                if (!fz_parse_count(v, 1, FZ_MAX_OPS, &x)) {
                    fprintf(err,
                            "gclab fuzz: bad --ops '%s'; expected an "
                            "integer from 1 to %d\n",
                            v, FZ_MAX_OPS);
                    return 2;
                }
                o->nops = (uint32_t)x;
            }
            else {
                o->inject = FZ_INJECT_NONE;
                for (int k = 1; k <= FZ_INJECT_CRASH; k++) {
                    if (strcmp(v, inject_names[k]) == 0) {
                        o->inject = (enum fz_inject)k;
                    }
                }
                if (o->inject == FZ_INJECT_NONE) {
                    fprintf(err,
                            "gclab fuzz: unknown --inject '%s'; kinds: leak "
                            "overfree phantom crash\n",
                            v);
                    return 2;
                }
            }
        }
        else {
            return usage_error(err, "unknown argument '%s'", a);
        }
    }
    if (has_seed && !has_seeds) {
        o->nseeds = 1;
    }
    if (o->ncollectors == 0) {
        for (size_t i = 0; gc_collectors[i] != NULL; i++) {
            o->collectors[o->ncollectors++] = gc_collectors[i]->name;
        }
    }
    return -1;
}

int
gc_fuzz_run(int argc, char **argv, FILE *out, FILE *err)
{
    struct fz_options o;
    int status = parse_args(argc, argv, &o, out, err);
    if (status >= 0) {
        return status;
    }
    uint64_t passed = 0, failed = 0;
    for (size_t c = 0; c < o.ncollectors; c++) {
        uint64_t t0 = gc_clock_ns(), first_failure;
        double cpu0 = children_cpu_s();
        struct fz_tally t = {0};
        uint64_t n =
            fuzz_collector(&o, o.collectors[c], out, &first_failure, &t);
        double s = (double)(gc_clock_ns() - t0) / 1e9;
        fprintf(out,
                "# %s: %llu seeds from %llu, %u ops%s: %llu failed, "
                "%.2f s (%.2f s CPU)\n",
                o.collectors[c], (unsigned long long)o.nseeds,
                (unsigned long long)o.first_seed, o.nops,
                o.is_collect_every_alloc ? ", collecting at every allocation"
                                         : "",
                (unsigned long long)n, s, children_cpu_s() - cpu0);
        fprintf(out,
                "#   %llu objects: %llu freed by refcounting, %llu "
                "after being garbage; %llu finalizer runs, %llu weakref "
                "callbacks, %llu collections (3.8+)\n",
                (unsigned long long)t.n[FZ_T_OBJECTS],
                (unsigned long long)t.n[FZ_T_REFCOUNT_DEATHS],
                (unsigned long long)t.n[FZ_T_COLLECTED],
                (unsigned long long)t.n[FZ_T_FINALIZERS],
                (unsigned long long)t.n[FZ_T_CALLBACKS],
                (unsigned long long)t.n[FZ_T_COLLECTIONS]);
        fflush(out);
        if (o.is_minimize && first_failure != UINT64_MAX) {
            print_minimal(&o, o.collectors[c], first_failure, out);
        }
        failed += n;
        passed += n < o.nseeds ? o.nseeds - n : 0;
    }
    fprintf(out, "%llu passed, %llu failed\n", (unsigned long long)passed,
            (unsigned long long)failed);
    return failed != 0 ? 1 : 0;
}

int
gc_cmd_fuzz(int argc, char **argv)
{
    return gc_fuzz_run(argc, argv, stdout, stderr);
}
