/* collectors/types/dict.c -- dict with str keys: CPython 3's compact,
 * insertion-ordered table (an index of slots into a dense entry array),
 * and the public gc_dict_* functions, which hand profile 2.7's dicts to
 * types/dict27.c (2.7's open-addressing table).
 *
 * Tracking follows MAINTAIN_TRACKING: a dict is created untracked and is
 * tracked the first time it stores a value that may be tracked; deleting
 * that value does not untrack it (only a full collection does).  Entries
 * are released in insertion order.  Traversal visits values only
 * (CPython's unicode-keyed tables). */
#include "../gc-internal.h"
#include "dict27.h"

#define INDEX_EMPTY (-1)
#define INDEX_DUMMY (-2)
#define MIN_INDEX_SIZE 8

struct entry {
    uint64_t hash;
    struct gc_object *key; /* NULL: deleted */
    struct gc_object *value;
};

struct gc_dict {
    struct gc_object ob;
    size_t used;        /* live entries */
    size_t nentries;    /* entries written, deleted ones included */
    size_t index_size;  /* a power of two, or 0 while there is no table */
    int32_t *index;     /* slot -> entry number, or INDEX_EMPTY/DUMMY */
    struct entry *entries; /* usable(index_size) of them, after index */
};

#define AS_DICT(o) ((struct gc_dict *)(o))

/* USABLE_FRACTION: two thirds of the slots may hold entries. */
static size_t
usable(size_t index_size)
{
    return (index_size << 1) / 3;
}

static size_t
table_bytes(size_t index_size)
{
    return index_size * sizeof(int32_t) +
           usable(index_size) * sizeof(struct entry);
}

static void
table_free(struct gc_heap *heap, int32_t *index, size_t index_size)
{
    if (index != NULL) {
        gc_mem_free(heap, index, table_bytes(index_size));
    }
}

/* Slot of the entry with this key, or of the empty slot where it would
 * go; *found tells which. */
static size_t
lookup(const struct gc_dict *d, uint64_t hash, const char *text, size_t len,
       bool *found)
{
    size_t mask = d->index_size - 1;
    size_t slot = (size_t)hash & mask;
    uint64_t perturb = hash;
    for (;;) {
        int32_t ix = d->index[slot];
        if (ix == INDEX_EMPTY) {
            *found = false;
            return slot;
        }
        if (ix >= 0) {
            const struct entry *e = &d->entries[ix];
            if (e->hash == hash && gc_str_len(e->key) == len &&
                memcmp(gc_str_cstr(e->key), text, len) == 0) {
                *found = true;
                return slot;
            }
        }
        perturb >>= 5;
        slot = (slot * 5 + (size_t)perturb + 1) & mask;
    }
}

static size_t
find_empty_slot(const struct gc_dict *d, uint64_t hash)
{
    size_t mask = d->index_size - 1;
    size_t slot = (size_t)hash & mask;
    uint64_t perturb = hash;
    while (d->index[slot] != INDEX_EMPTY) {
        perturb >>= 5;
        slot = (slot * 5 + (size_t)perturb + 1) & mask;
    }
    return slot;
}

/* Builds a table with room for at least `need` entries, moving the live
 * ones over in order.  On failure the dict is unchanged. */
static enum gc_status
dict_resize(struct gc_heap *heap, struct gc_dict *d, size_t need)
{
    size_t size = MIN_INDEX_SIZE;
    while (usable(size) < need) {
        if (size > (size_t)INT32_MAX / 2) {
            return GC_ENOMEM;
        }
        size <<= 1;
    }
    int32_t *index = gc_mem_alloc(heap, table_bytes(size));
    if (index == NULL) {
        return GC_ENOMEM;
    }
    struct entry *entries = (struct entry *)(index + size);
    memset(index, 0xff, size * sizeof *index); /* all INDEX_EMPTY */
    struct gc_dict fresh = {.index_size = size, .index = index,
                            .entries = entries};
    size_t n = 0;
    for (size_t i = 0; i < d->nentries; i++) {
        if (d->entries[i].key != NULL) {
            entries[n] = d->entries[i];
            index[find_empty_slot(&fresh, entries[n].hash)] = (int32_t)n;
            n++;
        }
    }
    table_free(heap, d->index, d->index_size);
    d->index = index;
    d->entries = entries;
    d->index_size = size;
    d->nentries = n;
    return GC_OK;
}

static int
dict_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    struct gc_dict *d = AS_DICT(self);
    for (size_t i = 0; i < d->nentries; i++) {
        struct entry *e = &d->entries[i];
        if (e->key == NULL) {
            continue;
        }
        int rc = visit(e->value, arg);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* dict.clear(): detach the table, then release entries in order, so a
 * finalizer that runs meanwhile sees an empty dict. */
static void
dict_clear(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_dict *d = AS_DICT(self);
    int32_t *index = d->index;
    struct entry *entries = d->entries;
    size_t nentries = d->nentries, index_size = d->index_size;
    d->index = NULL;
    d->entries = NULL;
    d->index_size = 0;
    d->nentries = 0;
    d->used = 0;
    for (size_t i = 0; i < nentries; i++) {
        if (entries[i].key != NULL) {
            gc_decref(heap, entries[i].key);
            gc_decref(heap, entries[i].value);
        }
    }
    table_free(heap, index, index_size);
}

static void
dict_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_untrack(self);
    if (gc_trash_begin(heap, self)) {
        return;
    }
    dict_clear(heap, self);
    gc_container_release(heap, self, sizeof(struct gc_dict),
                         &heap->free_lists.dict);
    gc_trash_end(heap);
}

const struct gc_type gc_type_dict = {
    .name = "dict",
    .kind = GC_KIND_DICT,
    .flags = GC_TYPE_GC,
    .traverse = dict_traverse,
    .clear = dict_clear,
    .dealloc = dict_dealloc,
};

static bool
is_dict(const struct gc_object *obj)
{
    return obj->type->kind == GC_KIND_DICT;
}

static bool
is_27(const struct gc_object *dict)
{
    return dict->type == &gc_type_dict27;
}

size_t
gc_dict_object_bytes(enum gc_profile profile)
{
    return profile == GC_PROFILE_2_7 ? gc_dict27_object_bytes()
                                     : sizeof(struct gc_dict);
}

struct gc_object *
gc_dict_new(struct gc_heap *heap)
{
    if (heap->profile == GC_PROFILE_2_7) {
        return gc_dict27_new(heap);
    }
    struct gc_object *obj =
        gc_free_list_pop(heap, &heap->free_lists.dict, &gc_type_dict);
    if (obj == NULL) {
        obj = gc_container_alloc(heap, &gc_type_dict, sizeof(struct gc_dict));
    }
    if (obj == NULL) {
        return NULL;
    }
    struct gc_dict *d = AS_DICT(obj);
    d->used = 0;
    d->nentries = 0;
    d->index_size = 0;
    d->index = NULL;
    d->entries = NULL;
    /* Up to 3.13 untracked until it holds a container; 3.14 dropped
     * MAINTAIN_TRACKING and tracks every dict from creation (measured
     * on 3.14.10 and 3.15.2: {} is tracked). */
    if (heap->profile >= GC_PROFILE_3_14) {
        gc_track(heap, obj);
    }
    return obj;
}

static enum gc_status
dict_insert(struct gc_heap *heap, struct gc_object *dict,
            struct gc_object *key, const char *text, size_t len,
            uint64_t hash, struct gc_object *value)
{
    struct gc_dict *d = AS_DICT(dict);
    bool found = false;
    size_t slot = 0;
    if (d->index != NULL) {
        slot = lookup(d, hash, text, len, &found);
    }
    if (found) {
        struct entry *e = &d->entries[d->index[slot]];
        struct gc_object *old = e->value;
        e->value = gc_incref(value);
        if (!gc_is_tracked(dict) && gc_may_be_tracked(value)) {
            gc_track(heap, dict);
        }
        gc_decref(heap, old);
        return GC_OK;
    }
    if (d->index == NULL || d->nentries == usable(d->index_size)) {
        /* GROWTH_RATE: room for three times the live entries. */
        enum gc_status rc = dict_resize(heap, d, d->used * 3 + 1);
        if (rc != GC_OK) {
            return rc;
        }
        slot = find_empty_slot(d, hash);
    }
    bool own_key = key == NULL;
    if (own_key) {
        key = gc_str_new(heap, text, len);
        if (key == NULL) {
            return GC_ENOMEM;
        }
    }
    else {
        gc_incref(key);
    }
    d->index[slot] = (int32_t)d->nentries;
    d->entries[d->nentries++] =
        (struct entry){.hash = hash, .key = key, .value = gc_incref(value)};
    d->used++;
    if (!gc_is_tracked(dict) && gc_may_be_tracked(value)) {
        gc_track(heap, dict);
    }
    return GC_OK;
}

enum gc_status
gc_dict_set(struct gc_heap *heap, struct gc_object *dict,
            struct gc_object *key, struct gc_object *value)
{
    if (!is_dict(dict) || key->type != &gc_type_str) {
        return GC_ETYPE;
    }
    if (is_27(dict)) {
        return gc_dict27_insert(heap, dict, key, gc_str_cstr(key),
                                gc_str_len(key), value);
    }
    return dict_insert(heap, dict, key, gc_str_cstr(key), gc_str_len(key),
                       gc_str_hash(key), value);
}

enum gc_status
gc_dict_set_cstr(struct gc_heap *heap, struct gc_object *dict,
                 const char *key, struct gc_object *value)
{
    if (!is_dict(dict)) {
        return GC_ETYPE;
    }
    size_t len = strlen(key);
    if (is_27(dict)) {
        return gc_dict27_insert(heap, dict, NULL, key, len, value);
    }
    return dict_insert(heap, dict, NULL, key, len, gc_str_hash_cstr(key, len),
                       value);
}

static struct entry *
find(const struct gc_object *dict, const char *text, size_t len,
     uint64_t hash, size_t *slot_out)
{
    const struct gc_dict *d = (const struct gc_dict *)dict;
    if (d->index == NULL) {
        return NULL;
    }
    bool found;
    size_t slot = lookup(d, hash, text, len, &found);
    if (!found) {
        return NULL;
    }
    if (slot_out != NULL) {
        *slot_out = slot;
    }
    return &d->entries[d->index[slot]];
}

struct gc_object *
gc_dict_get(const struct gc_object *dict, const struct gc_object *key)
{
    assert(is_dict(dict));
    if (is_27(dict)) {
        return gc_dict27_get(dict, gc_str_cstr(key), gc_str_len(key));
    }
    struct entry *e = find(dict, gc_str_cstr(key), gc_str_len(key),
                           gc_str_hash(key), NULL);
    return e != NULL ? e->value : NULL;
}

struct gc_object *
gc_dict_get_cstr(const struct gc_object *dict, const char *key)
{
    assert(is_dict(dict));
    size_t len = strlen(key);
    if (is_27(dict)) {
        return gc_dict27_get(dict, key, len);
    }
    struct entry *e =
        find(dict, key, len, gc_str_hash_cstr(key, len), NULL);
    return e != NULL ? e->value : NULL;
}

static enum gc_status
dict_delete(struct gc_heap *heap, struct gc_object *dict, const char *text,
            size_t len, uint64_t hash)
{
    if (!is_dict(dict)) {
        return GC_ETYPE;
    }
    if (is_27(dict)) {
        return gc_dict27_delete(heap, dict, text, len);
    }
    size_t slot;
    struct entry *e = find(dict, text, len, hash, &slot);
    if (e == NULL) {
        return GC_ENOTFOUND;
    }
    struct gc_dict *d = AS_DICT(dict);
    struct gc_object *key = e->key, *value = e->value;
    d->index[slot] = INDEX_DUMMY;
    e->key = NULL;
    e->value = NULL;
    d->used--;
    gc_decref(heap, key);
    gc_decref(heap, value);
    return GC_OK;
}

enum gc_status
gc_dict_del(struct gc_heap *heap, struct gc_object *dict,
            const struct gc_object *key)
{
    return dict_delete(heap, dict, gc_str_cstr(key), gc_str_len(key),
                       gc_str_hash(key));
}

enum gc_status
gc_dict_del_cstr(struct gc_heap *heap, struct gc_object *dict,
                 const char *key)
{
    size_t len = strlen(key);
    return dict_delete(heap, dict, key, len, gc_str_hash_cstr(key, len));
}

size_t
gc_dict_len(const struct gc_object *dict)
{
    assert(is_dict(dict));
    if (is_27(dict)) {
        return gc_dict27_len(dict);
    }
    return ((const struct gc_dict *)dict)->used;
}

void
gc_dict_clear(struct gc_heap *heap, struct gc_object *dict)
{
    assert(is_dict(dict));
    if (is_27(dict)) {
        gc_dict27_clear(heap, dict);
        return;
    }
    dict_clear(heap, dict);
}

bool
gc_dict_next(const struct gc_object *dict, size_t *pos,
             struct gc_object **key, struct gc_object **value)
{
    assert(is_dict(dict));
    if (is_27(dict)) {
        return gc_dict27_next(dict, pos, key, value);
    }
    const struct gc_dict *d = (const struct gc_dict *)dict;
    while (*pos < d->nentries) {
        const struct entry *e = &d->entries[(*pos)++];
        if (e->key != NULL) {
            *key = e->key;
            *value = e->value;
            return true;
        }
    }
    return false;
}

size_t
gc_dict_table_size(const struct gc_object *dict)
{
    if (is_27(dict)) {
        return gc_dict27_table_size(dict);
    }
    return ((const struct gc_dict *)dict)->index_size;
}
