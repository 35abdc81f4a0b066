/* collectors/types/dict.c -- dict with str keys: CPython 3's compact,
 * insertion-ordered table (an index of slots into a dense entry array),
 * and the public gc_dict_* functions, which hand profile 2.7's dicts to
 * types/dict27.c (2.7's open-addressing table).
 *
 * Tracking follows MAINTAIN_TRACKING: a dict is created untracked and is
 * tracked the first time it stores a value that may be tracked; deleting
 * that value does not untrack it (only a full collection does).  Entries
 * are released in insertion order.  Traversal visits values only
 * (CPython's unicode-keyed tables).
 *
 * On 3.8 an instance's __dict__ is a split table (PEP 412): the keys
 * are the class's cached keys, shared by its instances' dicts, and each
 * dict has only a values array.  The rules of 3.8's insertdict,
 * dictresize and _PyObjectDict_SetItem decide when a dict leaves the
 * shared keys (gc_dict_set_for_instance). */
#include "../gc-internal.h"
#include "dict27.h"

#define INDEX_EMPTY (-1)
#define INDEX_DUMMY (-2)
#define MIN_INDEX_SIZE 8 /* PyDict_MINSIZE */
#define MAX_INDEX_SIZE ((size_t)1 << 30)

/* PyDictObject.  The model keeps ma_used and ma_keys; CPython's object
 * also holds a version (watcher) tag and a values pointer, 48 bytes on
 * every 3.x, and that is what the model allocates, so that its dicts
 * share pymalloc's size class and neighbours with CPython's. */
struct gc_dict {
    struct gc_object ob;
    size_t used;       /* live entries */
    struct dict_keys *keys; /* NULL while there is no table (Py_EMPTY_KEYS) */
    /* ma_values: a split table's values, usable(keys->size) of them, the
     * first `used` set (3.8 allows no holes); NULL when combined. */
    struct gc_object **values;
};
#define DICT_OBJECT_BYTES 48
_Static_assert(sizeof(struct gc_dict) <= DICT_OBJECT_BYTES,
               "the model's dict fits CPython's");

/* PyDictKeysObject, one block: a header, the index (1, 2 or 4 bytes a
 * slot, by size, as CPython's), then the entries -- (key, value) on
 * 3.11+, whose str-keyed tables keep no hash (the str has it), and
 * (hash, key, value) on 3.8.  The model's header holds less than
 * CPython's (no refcount, kind or version), but the index starts where
 * CPython's does, 40 bytes in on 3.8 and 32 on 3.11+, so the entries sit
 * at CPython's offsets and the block has CPython's size: a traversal
 * reads the same lines, and a table moves as many bytes. */
struct dict_keys {
    size_t size;          /* slots: a power of two */
    size_t nentries;      /* entries written, deleted ones included */
    uint8_t ix_bytes;     /* 1, 2 or 4 */
    uint8_t entry_bytes;  /* 16 or 24 */
    uint8_t header_bytes; /* 32 or 40: where the index starts */
    /* Shared keys (3.8's lookdict_split) hold their keys' references and
     * no values; refcnt counts the class and each dict using them.  A
     * combined table has refcnt 1, and its dict releases its keys. */
    bool is_split;
    uint32_t refcnt;
};
_Static_assert(sizeof(struct dict_keys) <= 32, "the header fits CPython's");

/* The key and value of an entry; on 3.8 the hash precedes them. */
struct kv {
    struct gc_object *key; /* NULL: deleted */
    struct gc_object *value;
};

#define AS_DICT(o) ((struct gc_dict *)(o))

/* USABLE_FRACTION: two thirds of the slots may hold entries. */
static size_t
usable(size_t index_size)
{
    return (index_size << 1) / 3;
}

static size_t
keys_bytes(const struct dict_keys *k)
{
    return k->header_bytes + k->size * k->ix_bytes +
           usable(k->size) * k->entry_bytes;
}

static void
keys_free(struct gc_heap *heap, struct dict_keys *k)
{
    if (k != NULL) {
        gc_mem_free(heap, k, keys_bytes(k));
    }
}

/* new_values: a split dict's values, as many as its keys can take, from
 * PyMem_Malloc (pymalloc on 3.8): 40 bytes for the first keys. */
static size_t
values_bytes(const struct dict_keys *k)
{
    return usable(k->size) * sizeof(struct gc_object *);
}

static char *
index_of(const struct dict_keys *k)
{
    return (char *)(uintptr_t)k + k->header_bytes;
}

static char *
entries_of(const struct dict_keys *k)
{
    return index_of(k) + k->size * k->ix_bytes;
}

static ptrdiff_t
ix_get(const struct dict_keys *k, size_t slot)
{
    const char *p = index_of(k);
    switch (k->ix_bytes) {
    case 1:
        return ((const int8_t *)(const void *)p)[slot];
    case 2:
        return ((const int16_t *)(const void *)p)[slot];
    default:
        return ((const int32_t *)(const void *)p)[slot];
    }
}

static void
ix_set(struct dict_keys *k, size_t slot, ptrdiff_t ix)
{
    char *p = index_of(k);
    switch (k->ix_bytes) {
    case 1:
        ((int8_t *)(void *)p)[slot] = (int8_t)ix;
        break;
    case 2:
        ((int16_t *)(void *)p)[slot] = (int16_t)ix;
        break;
    default:
        ((int32_t *)(void *)p)[slot] = (int32_t)ix;
        break;
    }
}

static struct kv *
kv_at(const struct dict_keys *k, size_t i)
{
    return (struct kv *)(void *)(entries_of(k) + i * k->entry_bytes +
                                 (k->entry_bytes - sizeof(struct kv)));
}

static uint64_t
hash_of(const struct dict_keys *k, const struct kv *e)
{
    if (k->entry_bytes == sizeof(struct kv)) {
        return gc_str_hash(e->key);
    }
    return ((const uint64_t *)(const void *)e)[-1];
}

static void
kv_store(struct dict_keys *k, size_t i, uint64_t hash, struct gc_object *key,
         struct gc_object *value)
{
    struct kv *e = kv_at(k, i);
    if (k->entry_bytes != sizeof(struct kv)) {
        ((uint64_t *)(void *)e)[-1] = hash;
    }
    e->key = key;
    e->value = value;
}

/* dictkeys_decref of shared keys: the last reference releases the keys
 * they hold, in entry order, and the block. */
static void
shared_keys_decref(struct gc_heap *heap, struct dict_keys *k)
{
    assert(k->is_split && k->refcnt > 0);
    if (--k->refcnt > 0) {
        return;
    }
    for (size_t i = 0; i < k->nentries; i++) {
        gc_decref(heap, kv_at(k, i)->key);
    }
    keys_free(heap, k);
}

/* new_keys_object: an empty table of size slots, laid out as the
 * profile's CPython lays it out. */
static struct dict_keys *
keys_new(struct gc_heap *heap, size_t size)
{
    bool is_311 = heap->profile >= GC_PROFILE_3_11;
    struct dict_keys shape = {
        .size = size,
        .nentries = 0,
        .ix_bytes = size <= 128 ? 1 : size <= 32768 ? 2 : 4,
        .entry_bytes = is_311 ? 16 : 24,
        .header_bytes = is_311 ? 32 : 40,
        .refcnt = 1,
    };
    struct dict_keys *k = gc_mem_alloc(heap, keys_bytes(&shape));
    if (k == NULL) {
        return NULL;
    }
    *k = shape;
    memset(index_of(k), 0xff, size * k->ix_bytes); /* all INDEX_EMPTY */
    return k;
}

/* Slot of the entry with this key, or of the empty slot where it would
 * go; *found tells which. */
static size_t
lookup(const struct dict_keys *k, uint64_t hash, const char *text, size_t len,
       bool *found)
{
    size_t mask = k->size - 1;
    size_t slot = (size_t)hash & mask;
    uint64_t perturb = hash;
    for (;;) {
        ptrdiff_t ix = ix_get(k, slot);
        if (ix == INDEX_EMPTY) {
            *found = false;
            return slot;
        }
        if (ix >= 0) {
            const struct kv *e = kv_at(k, (size_t)ix);
            if (hash_of(k, e) == hash && gc_str_len(e->key) == len &&
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
find_empty_slot(const struct dict_keys *k, uint64_t hash)
{
    size_t mask = k->size - 1;
    size_t slot = (size_t)hash & mask;
    uint64_t perturb = hash;
    while (ix_get(k, slot) != INDEX_EMPTY) {
        perturb >>= 5;
        slot = (slot * 5 + (size_t)perturb + 1) & mask;
    }
    return slot;
}

/* dictresize to the smallest power of two of at least minsize slots
 * (calculate_keysize), the live entries moved over in order.  On
 * failure the dict is unchanged. */
static enum gc_status
dict_resize(struct gc_heap *heap, struct gc_dict *d, size_t minsize)
{
    size_t size = MIN_INDEX_SIZE;
    while (size < minsize) {
        if (size >= MAX_INDEX_SIZE) {
            return GC_ENOMEM;
        }
        size <<= 1;
    }
    struct dict_keys *fresh = keys_new(heap, size);
    if (fresh == NULL) {
        return GC_ENOMEM;
    }
    struct dict_keys *old = d->keys;
    size_t n = 0;
    if (d->values != NULL) {
        /* A split table becomes combined: its values and the shared
         * keys' first `used` keys, each key with a reference of its own. */
        for (; n < d->used; n++) {
            const struct kv *e = kv_at(old, n);
            uint64_t hash = hash_of(old, e);
            kv_store(fresh, n, hash, gc_incref(e->key), d->values[n]);
            ix_set(fresh, find_empty_slot(fresh, hash), (ptrdiff_t)n);
        }
        fresh->nentries = n;
        d->keys = fresh;
        gc_mem_free(heap, d->values, values_bytes(old));
        d->values = NULL;
        shared_keys_decref(heap, old);
        return GC_OK;
    }
    for (size_t i = 0; old != NULL && i < old->nentries; i++) {
        const struct kv *e = kv_at(old, i);
        if (e->key != NULL) {
            uint64_t hash = hash_of(old, e);
            kv_store(fresh, n, hash, e->key, e->value);
            ix_set(fresh, find_empty_slot(fresh, hash), (ptrdiff_t)n);
            n++;
        }
    }
    fresh->nentries = n;
    keys_free(heap, old);
    d->keys = fresh;
    return GC_OK;
}

/* dict_traverse: the values, in entry order (a deleted entry's is NULL). */
static int
dict_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    const struct gc_dict *d = AS_DICT(self);
    const struct dict_keys *k = d->keys;
    if (k == NULL) {
        return 0;
    }
    if (d->values != NULL) {
        /* A split table: the values array, as far as the shared keys'
         * entries go. */
        for (size_t i = 0, n = k->nentries; i < n; i++) {
            struct gc_object *value = d->values[i];
            int rc;
            if (value != NULL && (rc = visit(value, arg)) != 0) {
                return rc;
            }
        }
        return 0;
    }
    for (size_t i = 0, n = k->nentries; i < n; i++) {
        struct gc_object *value = kv_at(k, i)->value;
        if (value != NULL) {
            int rc = visit(value, arg);
            if (rc != 0) {
                return rc;
            }
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
    struct dict_keys *k = d->keys;
    struct gc_object **values = d->values;
    d->keys = NULL;
    d->values = NULL;
    d->used = 0;
    if (values != NULL) {
        for (size_t i = 0; i < k->nentries; i++) {
            gc_xdecref(heap, values[i]);
        }
        gc_mem_free(heap, values, values_bytes(k));
        shared_keys_decref(heap, k);
        return;
    }
    for (size_t i = 0; k != NULL && i < k->nentries; i++) {
        struct kv *e = kv_at(k, i);
        if (e->key != NULL) {
            gc_decref(heap, e->key);
            gc_decref(heap, e->value);
        }
    }
    keys_free(heap, k);
}

static void
dict_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    gc_untrack(self);
    if (gc_trash_begin(heap, self)) {
        return;
    }
    dict_clear(heap, self);
    gc_container_release(heap, self, DICT_OBJECT_BYTES,
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
                                     : DICT_OBJECT_BYTES;
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
        obj = gc_container_alloc(heap, &gc_type_dict, DICT_OBJECT_BYTES);
    }
    if (obj == NULL) {
        return NULL;
    }
    struct gc_dict *d = AS_DICT(obj);
    d->used = 0;
    d->keys = NULL;
    d->values = NULL;
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
    if (d->keys != NULL) {
        slot = lookup(d->keys, hash, text, len, &found);
    }
    if (d->values != NULL) {
        /* 3.8's insertdict on a split table.  A value that would leave a
         * hole, or a new key while other dicts have added keys this one
         * lacks, makes the table combined (insertion_resize), as does a
         * new key in full shared keys.  Otherwise the value goes in the
         * array, a new key into the shared keys. */
        size_t ix = found ? (size_t)ix_get(d->keys, slot) : d->keys->nentries;
        struct gc_object *old = found ? d->values[ix] : NULL;
        if ((found && old == NULL && d->used != ix) ||
            (!found && d->used != d->keys->nentries) ||
            (!found && d->keys->nentries == usable(d->keys->size))) {
            enum gc_status rc = dict_resize(heap, d, d->used * 3);
            if (rc != GC_OK) {
                return rc;
            }
            return dict_insert(heap, dict, key, text, len, hash, value);
        }
        if (!found) {
            key = key != NULL ? gc_incref(key) : gc_str_new(heap, text, len);
            if (key == NULL) {
                return GC_ENOMEM;
            }
            ix_set(d->keys, slot, (ptrdiff_t)ix);
            kv_store(d->keys, d->keys->nentries++, hash, key, NULL);
        }
        d->values[ix] = gc_incref(value);
        if (old == NULL) {
            d->used++;
        }
        if (!gc_is_tracked(dict) && gc_may_be_tracked(value)) {
            gc_track(heap, dict);
        }
        gc_xdecref(heap, old);
        return GC_OK;
    }
    if (found) {
        struct kv *e = kv_at(d->keys, (size_t)ix_get(d->keys, slot));
        struct gc_object *old = e->value;
        e->value = gc_incref(value);
        if (!gc_is_tracked(dict) && gc_may_be_tracked(value)) {
            gc_track(heap, dict);
        }
        gc_decref(heap, old);
        return GC_OK;
    }
    if (d->keys == NULL || d->keys->nentries == usable(d->keys->size)) {
        /* insertion_resize: GROWTH_RATE, three times the live entries
         * (the first insertion: PyDict_MINSIZE). */
        enum gc_status rc = dict_resize(heap, d, d->used * 3);
        if (rc != GC_OK) {
            return rc;
        }
        slot = find_empty_slot(d->keys, hash);
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
    struct dict_keys *k = d->keys;
    ix_set(k, slot, (ptrdiff_t)k->nentries);
    kv_store(k, k->nentries++, hash, key, gc_incref(value));
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

static struct kv *
find(const struct gc_object *dict, const char *text, size_t len,
     uint64_t hash, size_t *slot_out)
{
    const struct dict_keys *k = ((const struct gc_dict *)dict)->keys;
    if (k == NULL) {
        return NULL;
    }
    bool found;
    size_t slot = lookup(k, hash, text, len, &found);
    if (!found) {
        return NULL;
    }
    if (slot_out != NULL) {
        *slot_out = slot;
    }
    return kv_at(k, (size_t)ix_get(k, slot));
}

/* The value stored under a key, or NULL: in a split table, the entry
 * of the shared keys names the place in the values array. */
static struct gc_object *
find_value(const struct gc_object *dict, const char *text, size_t len,
           uint64_t hash)
{
    const struct gc_dict *d = (const struct gc_dict *)dict;
    struct kv *e = find(dict, text, len, hash, NULL);
    if (e == NULL) {
        return NULL;
    }
    if (d->values != NULL) {
        size_t ix = (size_t)(((char *)e - entries_of(d->keys)) /
                             d->keys->entry_bytes);
        return d->values[ix];
    }
    return e->value;
}

struct gc_object *
gc_dict_get(const struct gc_object *dict, const struct gc_object *key)
{
    assert(is_dict(dict));
    if (is_27(dict)) {
        return gc_dict27_get(dict, gc_str_cstr(key), gc_str_len(key));
    }
    return find_value(dict, gc_str_cstr(key), gc_str_len(key),
                      gc_str_hash(key));
}

struct gc_object *
gc_dict_get_cstr(const struct gc_object *dict, const char *key)
{
    assert(is_dict(dict));
    size_t len = strlen(key);
    if (is_27(dict)) {
        return gc_dict27_get(dict, key, len);
    }
    return find_value(dict, key, len, gc_str_hash_cstr(key, len));
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
    struct gc_dict *d = AS_DICT(dict);
    if (find_value(dict, text, len, hash) == NULL) {
        return GC_ENOTFOUND;
    }
    /* A split table allows no deletion: 3.8 makes it combined first,
     * at the same size. */
    if (d->values != NULL) {
        enum gc_status rc = dict_resize(heap, d, d->keys->size);
        if (rc != GC_OK) {
            return rc;
        }
    }
    size_t slot;
    struct kv *e = find(dict, text, len, hash, &slot);
    struct gc_object *key = e->key, *value = e->value;
    ix_set(d->keys, slot, INDEX_DUMMY);
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
    const struct dict_keys *k = d->keys;
    if (d->values != NULL) {
        if (*pos >= d->used) {
            return false;
        }
        *key = kv_at(k, *pos)->key;
        *value = d->values[(*pos)++];
        return true;
    }
    while (k != NULL && *pos < k->nentries) {
        const struct kv *e = kv_at(k, (*pos)++);
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
    const struct dict_keys *k = ((const struct gc_dict *)dict)->keys;
    return k != NULL ? k->size : 0;
}

size_t
gc_dict_sizeof_extra_bytes(const struct gc_object *dict)
{
    if (is_27(dict)) {
        return 0;
    }
    const struct gc_dict *d = (const struct gc_dict *)dict;
    if (d->keys == NULL) {
        return 0;
    }
    /* _PyDict_SizeOf: a split table's values, and the keys only where
     * this dict alone holds them (the class counts shared ones). */
    return (d->values != NULL ? values_bytes(d->keys) : 0) +
           (d->keys->refcnt == 1 ? keys_bytes(d->keys) : 0);
}

/* ---- 3.8's split tables for instance dicts ------------------------- */

struct gc_dict_keys *
gc_dict_keys_new_shared(struct gc_heap *heap)
{
    struct dict_keys *k = keys_new(heap, MIN_INDEX_SIZE);
    if (k != NULL) {
        k->is_split = true;
    }
    return (struct gc_dict_keys *)k;
}

void
gc_dict_keys_release(struct gc_heap *heap, struct gc_dict_keys *keys)
{
    if (keys != NULL) {
        shared_keys_decref(heap, (struct dict_keys *)keys);
    }
}

size_t
gc_dict_keys_sizeof(const struct gc_dict_keys *keys)
{
    return keys != NULL ? keys_bytes((const struct dict_keys *)keys) : 0;
}

/* new_dict_with_shared_keys: the values first, then the dict, which
 * takes the caller's reference to k. */
static struct gc_object *
dict_new_split(struct gc_heap *heap, struct dict_keys *k)
{
    struct gc_object **values = gc_mem_alloc(heap, values_bytes(k));
    if (values == NULL) {
        return NULL;
    }
    memset(values, 0, values_bytes(k));
    struct gc_object *obj = gc_dict_new(heap);
    if (obj == NULL) {
        gc_mem_free(heap, values, values_bytes(k));
        return NULL;
    }
    AS_DICT(obj)->keys = k;
    AS_DICT(obj)->values = values;
    return obj;
}

/* make_keys_shared: the dict's combined table becomes the shared keys,
 * its values moved into an array of their own.  NULL when out of memory
 * (the dict is then unchanged). */
static struct dict_keys *
make_keys_shared(struct gc_heap *heap, struct gc_dict *d)
{
    if (d->keys->nentries != d->used &&
        dict_resize(heap, d, d->keys->size) != GC_OK) {
        return NULL; /* dummies removed first, as for lookdict_unicode */
    }
    struct dict_keys *k = d->keys;
    struct gc_object **values = gc_mem_alloc(heap, values_bytes(k));
    if (values == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < usable(k->size); i++) {
        values[i] = i < k->nentries ? kv_at(k, i)->value : NULL;
        if (i < k->nentries) {
            kv_at(k, i)->value = NULL;
        }
    }
    k->is_split = true;
    k->refcnt++;
    d->values = values;
    return k;
}

enum gc_status
gc_dict_set_for_instance(struct gc_heap *heap, struct gc_dict_keys **cached,
                         struct gc_object **dictp, struct gc_object *key,
                         struct gc_object *value)
{
    struct dict_keys *shared = (struct dict_keys *)*cached;
    if (shared == NULL) {
        if (*dictp == NULL && (*dictp = gc_dict_new(heap)) == NULL) {
            return GC_ENOMEM;
        }
        return value != NULL ? gc_dict_set(heap, *dictp, key, value)
                             : gc_dict_del(heap, *dictp, key);
    }
    if (*dictp == NULL) {
        /* The new dict's reference is taken first: making it may
         * collect, and a finalizer change what the class caches. */
        shared->refcnt++;
        if ((*dictp = dict_new_split(heap, shared)) == NULL) {
            shared_keys_decref(heap, shared);
            return GC_ENOMEM;
        }
    }
    struct gc_dict *d = AS_DICT(*dictp);
    struct dict_keys *now;
    if (value == NULL) {
        /* A deletion would make the table combined anyway: the class
         * stops sharing its keys, whether or not the name was there. */
        enum gc_status rc = gc_dict_del(heap, *dictp, key);
        if ((now = (struct dict_keys *)*cached) != NULL) {
            *cached = NULL;
            shared_keys_decref(heap, now);
        }
        return rc;
    }
    bool was_shared = d->keys == shared;
    enum gc_status rc = gc_dict_set(heap, *dictp, key, value);
    now = (struct dict_keys *)*cached;
    if (was_shared && now != NULL && now != d->keys) {
        /* The insertion made the table combined.  If no other dict
         * shares the class's keys, this one's become the shared keys;
         * else the class stops sharing. */
        *cached = NULL;
        if (now->refcnt == 1) {
            *cached = (struct gc_dict_keys *)make_keys_shared(heap, d);
            if (*cached == NULL && rc == GC_OK) {
                rc = GC_ENOMEM;
            }
        }
        shared_keys_decref(heap, now);
    }
    return rc;
}
