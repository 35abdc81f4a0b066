/* collectors/types/dict27.c -- the dict of profile 2.7: CPython 2.7's
 * open-addressing table (Objects/dictobject.c), where 3.x profiles use the
 * compact table of types/dict.c.
 *
 * Why a layout of its own: a collection's cost per dict is in its
 * layout.  2.7 keeps (hash, key, value) slots in the table itself, the
 * first 8 inside the object (ma_smalltable: a 280-byte object with
 * 2.7's 32-byte GC head), and its traversal scans every slot, empty ones
 * included, visiting key and value of each active one.  A one-entry
 * instance __dict__ therefore costs a scan of 8 slots over 3 cache lines
 * per traversal, not one entry.
 *
 * The rules are 2.7's: lookdict_string's probe sequence and free-slot
 * reuse, 2.7's string hash (hash randomization off, its default), a
 * resize after an insertion that leaves the table two-thirds full (fill
 * counts deleted slots too) to the smallest power of two above 4 times
 * the live entries (2 times past 50000), deletion that leaves a dummy.
 * So slots, and the order in which traversal, iteration, clear and
 * dealloc meet the entries, are 2.7.18's for the same operations.
 * Keys are str, as everywhere in the model. */
#include "dict27.h"

#define MINSIZE 8 /* PyDict_MINSIZE */
#define PERTURB_SHIFT 5

struct slot {
    uint64_t hash;
    struct gc_object *key;   /* NULL: never used; DUMMY: deleted */
    struct gc_object *value; /* non-NULL only in an active slot */
};

struct gc_dict27 {
    struct gc_object ob;
    size_t fill;        /* active + dummy slots (ma_fill) */
    size_t used;        /* active slots (ma_used) */
    size_t mask;        /* slots - 1 (ma_mask) */
    struct slot *table; /* smalltable, or mask + 1 slots allocated apart */
    struct slot smalltable[MINSIZE];
};

#define AS_DICT27(o) ((struct gc_dict27 *)(o))

/* What 2.7 allocates past its 32-byte GC head: 248 bytes, ma_lookup
 * included, which the model does without.  With the model's 16-byte
 * head the block is 2.7's 280 bytes (a 288-byte pymalloc block). */
#define DICT27_OBJECT_BYTES (248 + 16)
_Static_assert(sizeof(struct gc_dict27) <= DICT27_OBJECT_BYTES,
               "2.7's dict is bigger than the model's");

/* The key of a deleted slot (2.7's dummy string): only its address
 * matters, and it holds no reference. */
static const char dummy_marker;
#define DUMMY ((struct gc_object *)(uintptr_t)&dummy_marker)

/* string_hash of 2.7 with _Py_HashSecret zero (no -R, no
 * PYTHONHASHSEED): the slot a key lands in, hence the order of the
 * entries, is the interpreter's. */
static uint64_t
hash27(const char *text, size_t len)
{
    const unsigned char *p = (const unsigned char *)text;
    if (len == 0) {
        return 0;
    }
    uint64_t x = (uint64_t)p[0] << 7;
    for (size_t i = 0; i < len; i++) {
        x = (1000003 * x) ^ p[i];
    }
    x ^= len;
    return x == UINT64_MAX ? UINT64_MAX - 1 : x; /* -1 is an error */
}

static bool
key_equal(const struct gc_object *key, const char *text, size_t len)
{
    return gc_str_len(key) == len && memcmp(gc_str_cstr(key), text, len) == 0;
}

/* lookdict_string: the active slot holding the key; else the first
 * dummy met on the probe path, if any; else the empty slot ending it.
 * Only the first has a value. */
static struct slot *
lookup(const struct gc_dict27 *d, uint64_t hash, const char *text,
       size_t len)
{
    size_t mask = d->mask;
    size_t i = (size_t)hash & mask;
    struct slot *s = &d->table[i], *freeslot = NULL;
    if (s->key == NULL) {
        return s;
    }
    if (s->key == DUMMY) {
        freeslot = s;
    }
    else if (s->hash == hash && key_equal(s->key, text, len)) {
        return s;
    }
    for (size_t perturb = (size_t)hash;; perturb >>= PERTURB_SHIFT) {
        i = (i << 2) + i + perturb + 1;
        s = &d->table[i & mask];
        if (s->key == NULL) {
            return freeslot != NULL ? freeslot : s;
        }
        if (s->key != DUMMY && s->hash == hash && key_equal(s->key, text, len)) {
            return s;
        }
        if (s->key == DUMMY && freeslot == NULL) {
            freeslot = s;
        }
    }
}

/* insertdict_clean: into a table with no dummies and no such key. */
static void
insert_clean(struct slot *table, size_t mask, const struct slot *from)
{
    size_t i = (size_t)from->hash & mask;
    struct slot *s = &table[i];
    for (size_t perturb = (size_t)from->hash; s->key != NULL;
         perturb >>= PERTURB_SHIFT) {
        i = (i << 2) + i + perturb + 1;
        s = &table[i & mask];
    }
    *s = *from;
}

static void
empty_to_minsize(struct gc_dict27 *d)
{
    memset(d->smalltable, 0, sizeof d->smalltable);
    d->fill = 0;
    d->used = 0;
    d->table = d->smalltable;
    d->mask = MINSIZE - 1;
}

static size_t
table_bytes(size_t size)
{
    return size * sizeof(struct slot);
}

/* dictresize's size: the smallest power of two above minused, at least
 * MINSIZE; 0 if it would not fit in memory. */
static size_t
size_for(size_t minused)
{
    size_t size = MINSIZE;
    while (size <= minused) {
        if (size > SIZE_MAX / 2 / sizeof(struct slot)) {
            return 0;
        }
        size <<= 1;
    }
    return size;
}

/* dictresize into fresh (size slots, allocated by the caller), or into
 * the smalltable when fresh is NULL: the active entries move over in
 * slot order, the dummies go. */
static void
resize_into(struct gc_heap *heap, struct gc_dict27 *d, struct slot *fresh,
            size_t size)
{
    struct slot small_copy[MINSIZE];
    struct slot *old = d->table;
    size_t old_size = d->mask + 1;
    bool is_old_small = old == d->smalltable;
    if (fresh == NULL) {
        if (is_old_small) {
            if (d->fill == d->used) {
                return; /* no dummies: nothing to do */
            }
            memcpy(small_copy, old, sizeof small_copy);
            old = small_copy;
        }
        fresh = d->smalltable;
    }
    memset(fresh, 0, table_bytes(size));
    d->table = fresh;
    d->mask = size - 1;
    for (size_t i = 0, n = d->used; n > 0; i++) {
        if (old[i].value != NULL) {
            insert_clean(fresh, size - 1, &old[i]);
            n--;
        }
    }
    d->fill = d->used;
    if (!is_old_small) {
        gc_pymem_free(heap, old, table_bytes(old_size));
    }
}

/* Drops the references of the first `fill` used slots of table, in slot
 * order, key before value (dict_dealloc, PyDict_Clear). */
static void
release_slots(struct gc_heap *heap, struct slot *table, size_t fill)
{
    for (struct slot *s = table; fill > 0; s++) {
        if (s->key != NULL) {
            fill--;
            if (s->key != DUMMY) {
                gc_decref(heap, s->key);
                gc_decref(heap, s->value);
            }
        }
    }
}

/* dict_traverse: every slot, visiting key and value of the active ones,
 * as PyDict_Next walks them. */
static int
dict27_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    const struct gc_dict27 *d = AS_DICT27(self);
    const struct slot *table = d->table;
    for (size_t i = 0; i <= d->mask; i++) {
        if (table[i].value != NULL) {
            int rc = visit(table[i].key, arg);
            if (rc == 0) {
                rc = visit(table[i].value, arg);
            }
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

/* PyDict_Clear: the dict is emptied first (a small table is copied out
 * of the object), then the references go, so a finalizer that runs
 * meanwhile sees an empty dict. */
static void
dict27_clear(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_dict27 *d = AS_DICT27(self);
    struct slot small_copy[MINSIZE];
    struct slot *table = d->table;
    size_t size = d->mask + 1, fill = d->fill;
    bool is_small = table == d->smalltable;
    if (is_small) {
        if (fill == 0) {
            return;
        }
        memcpy(small_copy, table, sizeof small_copy);
        table = small_copy;
    }
    empty_to_minsize(d);
    release_slots(heap, table, fill);
    if (!is_small) {
        gc_pymem_free(heap, table, table_bytes(size));
    }
}

static void
dict27_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_dict27 *d = AS_DICT27(self);
    gc_untrack(self);
    if (gc_trash_begin(heap, self)) {
        return;
    }
    release_slots(heap, d->table, d->fill);
    if (d->table != d->smalltable) {
        gc_pymem_free(heap, d->table, table_bytes(d->mask + 1));
    }
    gc_container_release(heap, self, DICT27_OBJECT_BYTES,
                         &heap->free_lists.dict);
    gc_trash_end(heap);
}

const struct gc_type gc_type_dict27 = {
    .name = "dict",
    .kind = GC_KIND_DICT,
    .flags = GC_TYPE_GC,
    .traverse = dict27_traverse,
    .clear = dict27_clear,
    .dealloc = dict27_dealloc,
};

size_t
gc_dict27_object_bytes(void)
{
    return DICT27_OBJECT_BYTES;
}

struct gc_object *
gc_dict27_new(struct gc_heap *heap)
{
    struct gc_object *obj =
        gc_free_list_pop(heap, &heap->free_lists.dict, &gc_type_dict27);
    if (obj == NULL) {
        obj = gc_container_alloc(heap, &gc_type_dict27, DICT27_OBJECT_BYTES);
    }
    if (obj != NULL) {
        empty_to_minsize(AS_DICT27(obj));
    }
    return obj; /* untracked until it holds a container */
}

/* PyDict_SetItem.  A new key that leaves the table two-thirds full makes
 * 2.7 resize after inserting; the new table is allocated before anything
 * changes, so that running out of memory leaves the dict as it was. */
enum gc_status
gc_dict27_insert(struct gc_heap *heap, struct gc_object *dict,
                 struct gc_object *key, const char *text, size_t len,
                 struct gc_object *value)
{
    struct gc_dict27 *d = AS_DICT27(dict);
    uint64_t hash = hash27(text, len);
    struct slot *s = lookup(d, hash, text, len);
    if (s->value != NULL) {
        struct gc_object *old = s->value;
        s->value = gc_incref(value);
        if (!gc_is_tracked(dict) && gc_may_be_tracked(value)) {
            gc_track(heap, dict); /* MAINTAIN_TRACKING */
        }
        gc_decref(heap, old);
        return GC_OK;
    }
    size_t fill = d->fill + (s->key == NULL);
    size_t new_size = 0;
    struct slot *fresh = NULL;
    if (fill * 3 >= (d->mask + 1) * 2) {
        size_t used = d->used + 1;
        new_size = size_for((used > 50000 ? 2 : 4) * used);
        if (new_size == 0) {
            return GC_ENOMEM;
        }
        if (new_size > MINSIZE &&
            (fresh = gc_pymem_alloc(heap, table_bytes(new_size))) == NULL) {
            return GC_ENOMEM;
        }
    }
    if (key == NULL) {
        key = gc_str_new(heap, text, len);
        if (key == NULL) {
            gc_pymem_free(heap, fresh, table_bytes(new_size));
            return GC_ENOMEM;
        }
    }
    else {
        gc_incref(key);
    }
    *s = (struct slot){.hash = hash, .key = key, .value = gc_incref(value)};
    d->fill = fill;
    d->used++;
    if (!gc_is_tracked(dict) && gc_may_be_tracked(value)) {
        gc_track(heap, dict);
    }
    if (new_size != 0) {
        resize_into(heap, d, fresh, new_size);
    }
    return GC_OK;
}

struct gc_object *
gc_dict27_get(const struct gc_object *dict, const char *text, size_t len)
{
    const struct gc_dict27 *d = (const struct gc_dict27 *)dict;
    return lookup(d, hash27(text, len), text, len)->value;
}

/* PyDict_DelItem: the slot becomes a dummy; value, then key, released. */
enum gc_status
gc_dict27_delete(struct gc_heap *heap, struct gc_object *dict,
                 const char *text, size_t len)
{
    struct gc_dict27 *d = AS_DICT27(dict);
    struct slot *s = lookup(d, hash27(text, len), text, len);
    if (s->value == NULL) {
        return GC_ENOTFOUND;
    }
    struct gc_object *key = s->key, *value = s->value;
    s->key = DUMMY;
    s->value = NULL;
    d->used--;
    gc_decref(heap, value);
    gc_decref(heap, key);
    return GC_OK;
}

size_t
gc_dict27_len(const struct gc_object *dict)
{
    return ((const struct gc_dict27 *)dict)->used;
}

void
gc_dict27_clear(struct gc_heap *heap, struct gc_object *dict)
{
    dict27_clear(heap, dict);
}

/* PyDict_Next: *pos is a slot number. */
bool
gc_dict27_next(const struct gc_object *dict, size_t *pos,
               struct gc_object **key, struct gc_object **value)
{
    const struct gc_dict27 *d = (const struct gc_dict27 *)dict;
    size_t i = *pos;
    while (i <= d->mask && d->table[i].value == NULL) {
        i++;
    }
    if (i > d->mask) {
        *pos = i;
        return false;
    }
    *pos = i + 1;
    *key = d->table[i].key;
    *value = d->table[i].value;
    return true;
}

size_t
gc_dict27_table_size(const struct gc_object *dict)
{
    return ((const struct gc_dict27 *)dict)->mask + 1;
}
