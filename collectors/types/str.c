/* collectors/types/str.c -- immutable byte strings: dict keys and
 * attribute names.  The hash is computed once at creation, as CPython
 * caches it, so dict lookups cost one comparison in the common case. */
#include "../gc-internal.h"

struct gc_str {
    struct gc_object ob;
    size_t len;
    uint64_t hash;
    char data[];
};

static size_t
str_bytes(size_t len)
{
    return sizeof(struct gc_str) + len + 1;
}

static void
str_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_atom_free(heap, self, str_bytes(((struct gc_str *)self)->len));
}

const struct gc_type gc_type_str = {
    .name = "str",
    .kind = GC_KIND_STR,
    .dealloc = str_dealloc,
};

/* FNV-1a: short keys, no adversary, and cheap. */
static uint64_t
str_hash(const char *text, size_t n_bytes)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n_bytes; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3u;
    }
    return h;
}

struct gc_object *
gc_str_new(struct gc_heap *heap, const char *text, size_t n_bytes)
{
    if (n_bytes > SIZE_MAX / 2) {
        return NULL;
    }
    struct gc_str *s = (struct gc_str *)gc_atom_alloc(heap, &gc_type_str,
                                                      str_bytes(n_bytes));
    if (s == NULL) {
        return NULL;
    }
    s->len = n_bytes;
    s->hash = str_hash(text, n_bytes);
    memcpy(s->data, text, n_bytes);
    s->data[n_bytes] = '\0';
    return &s->ob;
}

struct gc_object *
gc_str_from_cstr(struct gc_heap *heap, const char *text)
{
    return gc_str_new(heap, text, strlen(text));
}

const char *
gc_str_cstr(const struct gc_object *obj)
{
    assert(obj->type == &gc_type_str);
    return ((const struct gc_str *)obj)->data;
}

size_t
gc_str_len(const struct gc_object *obj)
{
    assert(obj->type == &gc_type_str);
    return ((const struct gc_str *)obj)->len;
}

uint64_t
gc_str_hash(const struct gc_object *obj)
{
    return ((const struct gc_str *)obj)->hash;
}

uint64_t
gc_str_hash_cstr(const char *text, size_t n_bytes)
{
    return str_hash(text, n_bytes);
}

bool
gc_str_equal(const struct gc_object *a, const struct gc_object *b)
{
    const struct gc_str *x = (const struct gc_str *)a;
    const struct gc_str *y = (const struct gc_str *)b;
    return a == b || (x->hash == y->hash && x->len == y->len &&
                      memcmp(x->data, y->data, x->len) == 0);
}
