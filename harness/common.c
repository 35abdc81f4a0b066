/* harness/common.c -- what every file gclab writes goes through: the
 * metric names (GC_METRICS), a growing string with JSON, CSV and quoted
 * fields, the atomic writer (temporary file in the same directory,
 * fsync, rename, the mode a new file gets), directories, and the
 * environment a record carries.  The records themselves are
 * record.c's. */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE   /* mkstemp, fsync */
#include "harness.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const gc_metric_names[] = {
#define M(name, help) #name,
    GC_METRICS(M)
#undef M
};

size_t
gc_metric_find(const char *name)
{
    size_t i = 0;
    while (i < GC_METRIC_COUNT && strcmp(gc_metric_names[i], name) != 0) {
        i++;
    }
    return i;
}

uint64_t
gc_metric_get(const struct gc_metrics *m, size_t i)
{
    size_t k = 0;
#define M(name, help)                                                       \
    if (i == k++) {                                                         \
        return m->name;                                                     \
    }
    GC_METRICS(M)
#undef M
    return 0;
}

void
gc_metric_set(struct gc_metrics *m, size_t i, uint64_t v)
{
    size_t k = 0;
#define M(name, help)                                                       \
    if (i == k++) {                                                         \
        m->name = v;                                                        \
        return;                                                             \
    }
    GC_METRICS(M)
#undef M
}

bool
gc_parse_count(const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-' ||
        v == 0 || v > max) {
        return false;
    }
    *out = v;
    return true;
}

int
gc_usage_error(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "gclab %s: %s%s%s\n", cmd, msg, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

/* ---- a growing string ------------------------------------------------- */

void
gc_buf_printf(struct gc_buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->data ? b->data + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            return;
        }
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap - b->len <= (size_t)n) {
            cap *= 2;
        }
        char *d = realloc(b->data, cap);
        if (d == NULL) {
            fprintf(stderr, "gclab: out of memory\n");
            exit(1);
        }
        b->data = d;
        b->cap = cap;
    }
}

/* A JSON string: quotes, backslashes and control characters escaped. */
void
gc_buf_json_string(struct gc_buf *b, const char *s)
{
    gc_buf_printf(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            gc_buf_printf(b, "\\%c", *p);
        }
        else if (*p < 0x20) {
            gc_buf_printf(b, "\\u%04x", *p);
        }
        else {
            gc_buf_printf(b, "%c", *p);
        }
    }
    gc_buf_printf(b, "\"");
}

/* A CSV field: quoted when it holds a comma, quote or newline. */
void
gc_buf_csv_field(struct gc_buf *b, const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        gc_buf_printf(b, "%s", s);
        return;
    }
    gc_buf_printf(b, "\"");
    for (const char *p = s; *p; p++) {
        gc_buf_printf(b, *p == '"' ? "\"\"" : "%c", *p);
    }
    gc_buf_printf(b, "\"");
}

void
gc_buf_quoted(struct gc_buf *b, const char *s, const char *quote_as)
{
    gc_buf_printf(b, "'");
    for (; *s; s++) {
        if (*s == '\'') {
            gc_buf_printf(b, "%s", quote_as);
        }
        else {
            gc_buf_printf(b, "%c", *s);
        }
    }
    gc_buf_printf(b, "'");
}

/* ---- files ----------------------------------------------------------- */

char *
gc_read_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0, got;
    errno = 0; /* so a failed read's own errno can be told from stale */
    char *buf = malloc(cap);
    if (buf == NULL) {
        errno = ENOMEM;
        return NULL;
    }
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *b = realloc(buf, cap * 2);
            if (b == NULL) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    if (ferror(f)) {
        int e = errno != 0 ? errno : EIO; /* EISDIR says more than EIO */
        free(buf);
        errno = e;
        return NULL;
    }
    buf[n] = '\0';
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

char *
gc_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    char *data = gc_read_stream(f, len);
    int saved_errno = errno;
    fclose(f);
    errno = saved_errno;
    return data;
}

int
gc_write_atomic(const char *path, const char *data, size_t len)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        return -1;
    }
    /* mkstemp makes the file 0600; give it the mode a new file gets
     * (0666 less the umask, as cp or a shell redirect leave it), so
     * that others can read results and reports where the umask allows.
     * umask() can only be read by setting it: set it straight back. */
    mode_t mask = umask(077);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0) {
        int saved = errno;
        close(fd);
        unlink(tmp);
        errno = saved;
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        close(fd);
        unlink(tmp);
        return -1;
    }
    /* f is open on tmp, in path's directory, so the rename is atomic. */
    int bad = fwrite(data, 1, len, f) != len;
    bad |= ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno;
    if (fclose(f) != 0 || bad || rename(tmp, path) != 0) {
        saved = errno ? errno : saved;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

int
gc_write_named(const char *cmd, const char *dir, const char *name,
               const struct gc_buf *b)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
    }
    else if (gc_write_atomic(path, b->data ? b->data : "", b->len) == 0) {
        return 0;
    }
    fprintf(stderr, "gclab %s: cannot write %s: %s\n", cmd, path,
            strerror(errno));
    return -1;
}

int
gc_mkdir_p(const char *dir)
{
    char path[4096];
    if (dir[0] == '\0') { /* not "the current directory", and not "/" */
        errno = ENOENT;
        return -1;
    }
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                return -1;
            }
            *p = '/';
        }
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        return -1;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int
gc_out_dir_ready(const char *dir, const char *const *names, char *failed,
                 size_t n)
{
    snprintf(failed, n, "%s", dir);
    if (gc_mkdir_p(dir) != 0) {
        return -1;
    }
    char path[4096];
    if (snprintf(path, sizeof path, "%s/.gclab-probe-XXXXXX", dir) >=
        (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    close(fd);
    unlink(path);
    /* rename() replaces a file or a symbolic link, not a directory. */
    for (size_t i = 0; names != NULL && names[i] != NULL; i++) {
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
            !S_ISLNK(st.st_mode)) {
            snprintf(failed, n, "%s", path);
            errno = S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
            return -1;
        }
    }
    return 0;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    return remove(path);
}

int
gc_remove_tree(const char *dir)
{
    return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- the environment -------------------------------------------------- */

static void
read_first_line(const char *path, const char *prefix, char *out, size_t n)
{
    snprintf(out, n, "unknown");
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (prefix == NULL || strncmp(line, prefix, strlen(prefix)) == 0) {
            char *v = prefix ? strchr(line, ':') : line;
            v = v ? v + (prefix ? 1 : 0) : line;
            while (*v == ' ' || *v == '\t') {
                v++;
            }
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, n, "%.*s", (int)(n - 1), v);
            break;
        }
    }
    fclose(f);
}

void
gc_env_read(struct gc_env *env)
{
    if (gethostname(env->host, sizeof env->host) != 0) {
        snprintf(env->host, sizeof env->host, "unknown");
    }
    env->host[sizeof env->host - 1] = '\0';
    read_first_line("/proc/cpuinfo", "model name", env->cpu_model,
                    sizeof env->cpu_model);
    read_first_line("/proc/sys/kernel/osrelease", NULL, env->kernel,
                    sizeof env->kernel);
    read_first_line("/sys/kernel/mm/transparent_hugepage/enabled", NULL,
                    env->thp, sizeof env->thp);
    read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
                    NULL, env->governor, sizeof env->governor);
    read_first_line("/proc/sys/kernel/randomize_va_space", NULL, env->aslr,
                    sizeof env->aslr);
}
