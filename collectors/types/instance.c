/* collectors/types/instance.c -- classes defined at run time and their
 * instances.
 *
 * A class is a heap type: it embeds a struct gc_type whose finalize and
 * legacy_del slots depend on its finalizer kind and the heap's profile:
 *
 *   kind        2.7          3.x
 *   finalizer   legacy_del   finalize (PEP 442, once per object)
 *   resurrect   legacy_del   finalize
 *   legacy      legacy_del   legacy_del (a C tp_del)
 *
 * That single table gives both profiles' refcount-path order from one
 * dealloc (see object.c) and, later, the cycle collector's split between
 * collectable finalizers and uncollectable legacy ones.
 *
 * Attributes live where the profile keeps them.  With __slots__, in the
 * instance itself and nowhere else.  Otherwise on 2.7 and 3.8 in a
 * separate dict object, made by the first store (a GC allocation that
 * counts, tracked once it holds a container); on 3.11+ in a values
 * array indexed by the class's shared keys, with no dict object, until
 * the keys are full and an instance needs another name: that instance
 * then gets a dict.  The array is a block of its own on 3.11-3.12
 * (new_values) and part of the instance's block on 3.13 (inline values).
 *
 * Its capacity is CPython's: the shared keys' entries plus their dk_usable,
 * a reserve of SHARED_KEYS_MAX_SIZE that every new instance shrinks by
 * one (down to one) and every new name by one.  So an instance always has
 * room for any name the keys can still take, and the keys are full when
 * the reserve is 0: 29 names when each instance adds its names as it is
 * made, a single one when 29 instances were made before the first store
 * (CPython freezes a class's keys that way too). */
#include "../gc-internal.h"

/* An instance is CPython's object (the object header, the __dict__ and
 * weakref pointers) and, where the class has values (3.11+, without
 * __slots__) or slots, the words after them.  An instance of a class
 * with neither -- a plain class on 2.7 and 3.8 -- ends at values, 32
 * bytes as CPython's tp_basicsize, so its block has CPython's size (48
 * with the GC head on 3.8) and the fields past it do not exist. */
struct gc_instance {
    struct gc_object ob;
    struct gc_object *dict;    /* separate __dict__, or NULL */
    struct gc_object *weaklist;
    struct gc_object **values; /* 3.11+ attribute values, or NULL */
    uint32_t nvalues;          /* capacity of values */
    uint32_t values_room;      /* 3.13: values the block has room for, one
                                  more than nvalues for a class's first
                                  instances; 0 when values are apart */
    struct gc_object *slots[]; /* __slots__ */
};
#define DICT_ONLY_BYTES offsetof(struct gc_instance, values)

#define AS_INST(o) ((struct gc_instance *)(o))

static struct gc_class *
class_of(const struct gc_object *obj)
{
    return gc_class_of_type(obj->type);
}

static bool
is_instance(const struct gc_object *obj)
{
    return obj->type->kind == GC_KIND_INSTANCE;
}

static bool
uses_dict(const struct gc_heap *heap)
{
    return heap->profile < GC_PROFILE_3_11;
}

static size_t
instance_bytes(const struct gc_class *cls)
{
    if (!cls->has_slots && !cls->has_values) {
        return cls->plain_bytes;
    }
    return sizeof(struct gc_instance) +
           cls->nslots * sizeof(struct gc_object *);
}

/* new_values(n) of 3.11: a prefix of n + 2 bytes rounded to a word, then
 * the n pointers.  Allocating what CPython allocates puts the array in
 * the same pymalloc size class, next to the same neighbours. */
static size_t
values_bytes(size_t n)
{
    return n == 0 ? 0 : ((n + 2 + 7) & ~(size_t)7) + n * sizeof(void *);
}

static bool
has_inline_values(const struct gc_heap *heap)
{
    return heap->profile >= GC_PROFILE_3_13;
}

/* What 3.13 adds to the instance's block for n values
 * (_PyInlineValuesSize): the insertion-order bytes rounded to a word, a
 * header word, the n pointers.  CPython's instance is two pre-header
 * words (dict, weakrefs) and the object's two; the model's struct has
 * six (values pointer and capacity besides), one word more than those
 * four and the header, so the block comes out at CPython's size to the
 * byte: 72 for one value, 96 for four. */
static size_t
inline_values_bytes(size_t n)
{
    return n == 0 ? 0
                  : ((n + 7) & ~(size_t)7) + (n + 1) * sizeof(void *) -
                        2 * sizeof(void *);
}

/* ---- the type's slots -------------------------------------------- */

/* The builtin object type, base of every class the model makes.  It has
 * no traversal of its own, which is what ends the walk up the bases. */
static const struct gc_type object_base = {.name = "object"};

/* _PyObject_VisitInstanceAttributes: the inline values, as many as the
 * class's shared keys have entries (an instance made before a name was
 * added may have fewer). */
static int
visit_instance_attributes(struct gc_object *self, const struct gc_class *cls,
                          gc_visit_fn *visit, void *arg)
{
    struct gc_instance *inst = AS_INST(self);
    if (inst->values == NULL) {
        return 0;
    }
    /* 3.11 stops at the keys' entries; 3.13's PyObject_VisitManagedDict
     * walks the whole capacity. */
    size_t n = inst->values_room != 0 ? inst->nvalues : cls->nkeys;
    assert(n <= inst->nvalues);
    for (size_t i = 0; i < n; i++) {
        int rc;
        if (inst->values[i] != NULL && (rc = visit(inst->values[i], arg))) {
            return rc;
        }
    }
    return 0;
}

/* subtype_traverse, step for step: every class up the bases that shares
 * this traversal visits its own __slots__; then the attribute values
 * (3.11+) or the __dict__; then the reference to the heap type itself,
 * which CPython visits on every profile; then the first base with a
 * traversal of its own, if any. */
static int
instance_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    struct gc_instance *inst = AS_INST(self);
    const struct gc_type *base = self->type;
    int rc;
    while (base->traverse == instance_traverse) {
        const struct gc_class *c = gc_class_of_type(base);
        for (size_t i = 0; i < c->nslots; i++) {
            if (inst->slots[i] != NULL && (rc = visit(inst->slots[i], arg))) {
                return rc;
            }
        }
        base = c->base;
    }
    struct gc_class *cls = class_of(self);
    if (!cls->has_slots) {
        if (cls->has_values &&
            (rc = visit_instance_attributes(self, cls, visit, arg)) != 0) {
            return rc;
        }
        if (inst->dict != NULL && (rc = visit(inst->dict, arg))) {
            return rc;
        }
    }
    if ((rc = visit(&cls->ob, arg)) != 0) {
        return rc;
    }
    return base->traverse != NULL ? base->traverse(self, visit, arg) : 0;
}

static void
clear_ref(struct gc_heap *heap, struct gc_object **slot)
{
    struct gc_object *old = *slot;
    *slot = NULL;
    gc_xdecref(heap, old);
}

/* subtype_clear: slots, then the inline values or the dict.  The values
 * array itself stays, as CPython keeps it. */
static void
instance_clear(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_instance *inst = AS_INST(self);
    const struct gc_class *cls = class_of(self);
    for (size_t i = 0; i < cls->nslots; i++) {
        clear_ref(heap, &inst->slots[i]);
    }
    for (size_t i = 0; cls->has_values && i < inst->nvalues; i++) {
        clear_ref(heap, &inst->values[i]);
    }
    clear_ref(heap, &inst->dict);
}

/* Both finalizer slots run this: tell the observer, then resurrect if
 * the class says so.  A failed append is like an exception in __del__:
 * counted as unraisable, and the object is not resurrected. */
static void
instance_finalize(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_class *cls = class_of(self);
    if (cls->on_finalize != NULL) {
        cls->on_finalize(heap, self, cls->data);
    }
    if (cls->finalizer == GC_FIN_RESURRECT &&
        gc_list_append(heap, cls->resurrect_into, self) != GC_OK) {
        heap->stats.unraisable_errors++;
    }
}

static void
instance_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_instance *inst = AS_INST(self);
    const struct gc_type *type = self->type;
    gc_untrack(self);
    if (gc_trash_begin(heap, self)) {
        return;
    }
    if (!heap->is_destroying && gc_call_finalizer_from_dealloc(heap, self)) {
        goto done; /* resurrected by its PEP 442 finalizer */
    }
    gc_weakrefs_clear(heap, &inst->weaklist);
    if (type->legacy_del != NULL && !heap->is_destroying) {
        /* tp_del, and 2.7's __del__: every death, after the weakrefs. */
        gc_track(heap, self);
        self->refcnt = 1;
        type->legacy_del(heap, self);
        if (--self->refcnt != 0) {
            goto done; /* resurrected; tracked in generation 0 */
        }
        gc_untrack(self);
    }
    instance_clear(heap, self);
    struct gc_class *cls = class_of(self);
    size_t room = 0;
    if (cls->has_values && (room = inst->values_room) == 0) {
        gc_mem_free(heap, inst->values, values_bytes(inst->nvalues));
    }
    gc_container_free(heap, self,
                      instance_bytes(cls) + inline_values_bytes(room));
    /* subtype_dealloc's last step; the heap's own reference keeps the
     * class. */
    gc_decref(heap, &cls->ob);
done:
    gc_trash_end(heap);
}

const struct gc_type gc_type_instance = {
    .name = "instance",
    .kind = GC_KIND_INSTANCE,
    .flags = GC_TYPE_GC | GC_TYPE_WEAKREFS,
    .traverse = instance_traverse,
    .clear = instance_clear,
    .dealloc = instance_dealloc,
};

struct gc_object **
gc_weaklist_of(struct gc_object *obj)
{
    if (!(obj->type->flags & GC_TYPE_WEAKREFS)) {
        return NULL;
    }
    assert(is_instance(obj));
    return &AS_INST(obj)->weaklist;
}

/* ---- classes ----------------------------------------------------- */

/* type_traverse visits the class's namespace; here that is the list a
 * resurrecting finalizer appends to. */
static int
class_traverse(struct gc_object *self, gc_visit_fn *visit, void *arg)
{
    struct gc_class *cls = gc_class_of_object(self);
    return cls->resurrect_into != NULL ? visit(cls->resurrect_into, arg) : 0;
}

/* The heap holds a reference to each class until gc_class_free, so the
 * count never reaches zero while anything could decrement it. */
static void
class_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    (void)heap;
    (void)self;
    assert(!"a class outlived by its heap's reference");
}

/* type_is_gc: a heap type is a container, a static type is not; every
 * class here is a heap type.  Called through the pointer, as CPython
 * calls it, at each visit of a class. */
static bool
class_is_gc(const struct gc_object *self)
{
    (void)self;
    return true;
}

const struct gc_type gc_type_class = {
    .name = "type",
    .kind = GC_KIND_TYPE,
    .flags = GC_TYPE_GC,
    .traverse = class_traverse,
    .dealloc = class_dealloc,
    .is_gc = class_is_gc,
};

struct gc_object *
gc_class_object(struct gc_class *cls)
{
    return &cls->ob;
}

static ptrdiff_t
name_index(const struct gc_class *cls, const char *name)
{
    for (size_t i = 0; i < cls->nnames; i++) {
        if (strcmp(gc_str_cstr(cls->names[i]), name) == 0) {
            return (ptrdiff_t)i;
        }
    }
    return -1;
}

/* Adds a name to the class's table; returns its index or -1. */
static ptrdiff_t
add_name(struct gc_heap *heap, struct gc_class *cls, const char *name)
{
    if (cls->nnames == cls->names_cap) {
        size_t cap = cls->names_cap ? cls->names_cap * 2 : 4;
        struct gc_object **names =
            gc_mem_resize(heap, cls->names,
                          cls->names_cap * sizeof *names,
                          cap * sizeof *names);
        if (names == NULL) {
            return -1;
        }
        cls->names = names;
        cls->names_cap = cap;
    }
    struct gc_object *str = gc_str_from_cstr(heap, name);
    if (str == NULL) {
        return -1;
    }
    cls->names[cls->nnames] = str;
    return (ptrdiff_t)cls->nnames++;
}

void
gc_class_release_refs(struct gc_heap *heap, struct gc_class *cls)
{
    clear_ref(heap, &cls->resurrect_into);
}

void
gc_class_free(struct gc_heap *heap, struct gc_class *cls)
{
    gc_class_release_refs(heap, cls);
    gc_dict_keys_release(heap, cls->cached_keys);
    cls->cached_keys = NULL;
    for (size_t i = 0; i < cls->nnames; i++) {
        gc_decref(heap, cls->names[i]);
    }
    gc_mem_free(heap, cls->names, cls->names_cap * sizeof *cls->names);
    gc_mem_free(heap, cls->name, cls->name_bytes);
    gc_mem_free(heap, cls, sizeof *cls);
}

static bool
spec_is_valid(const struct gc_class_spec *spec)
{
    if (spec->name == NULL || spec->name[0] == '\0') {
        return false;
    }
    if ((unsigned)spec->finalizer > GC_FIN_LEGACY) {
        return false;
    }
    if (spec->finalizer == GC_FIN_RESURRECT &&
        (spec->resurrect_into == NULL ||
         spec->resurrect_into->type != &gc_type_list)) {
        return false;
    }
    if (spec->has_slots && spec->nslots > 0 && spec->slots == NULL) {
        return false;
    }
    for (size_t i = 0; spec->has_slots && i < spec->nslots; i++) {
        if (spec->slots[i] == NULL || spec->slots[i][0] == '\0') {
            return false;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(spec->slots[i], spec->slots[j]) == 0) {
                return false;
            }
        }
    }
    return true;
}

enum gc_status
gc_class_new(struct gc_heap *heap, const struct gc_class_spec *spec,
             struct gc_class **out)
{
    *out = NULL;
    if (!spec_is_valid(spec)) {
        return GC_EINVAL;
    }
    struct gc_class *cls = gc_mem_alloc(heap, sizeof *cls);
    if (cls == NULL) {
        return GC_ENOMEM;
    }
    memset(cls, 0, sizeof *cls);
    cls->ob.refcnt = 1; /* the heap's */
    cls->base = &object_base;
    cls->keys_usable = GC_SHARED_KEYS_MAX + 1; /* SHARED_KEYS_MAX_SIZE */
    cls->ob.type = &gc_type_class;
    cls->name_bytes = strlen(spec->name) + 1;
    cls->name = gc_mem_alloc(heap, cls->name_bytes);
    if (cls->name == NULL) {
        gc_class_free(heap, cls);
        return GC_ENOMEM;
    }
    memcpy(cls->name, spec->name, cls->name_bytes);
    cls->type = gc_type_instance;
    cls->type.name = cls->name;
    cls->finalizer = spec->finalizer;
    cls->on_finalize = spec->on_finalize;
    cls->data = spec->data;
    cls->has_slots = spec->has_slots;
    cls->has_values = !spec->has_slots && !uses_dict(heap);
    /* 2.7's 32-byte GC head is 16 more than the model's: allocated too,
     * so that the block is 2.7's 64 bytes. */
    cls->plain_bytes = DICT_ONLY_BYTES + gc_head_extra_bytes(heap->profile);
    bool is_27 = heap->profile == GC_PROFILE_2_7;
    switch (spec->finalizer) {
    case GC_FIN_NONE:
        break;
    case GC_FIN_FINALIZER:
    case GC_FIN_RESURRECT:
        if (is_27) {
            cls->type.legacy_del = instance_finalize;
        }
        else {
            cls->type.finalize = instance_finalize;
        }
        break;
    case GC_FIN_LEGACY:
        cls->type.legacy_del = instance_finalize;
        break;
    }
    if (spec->has_slots) {
        /* A slotted instance has a weakref list only if asked for one. */
        cls->type.flags &= ~GC_TYPE_WEAKREFS;
        for (size_t i = 0; i < spec->nslots; i++) {
            if (strcmp(spec->slots[i], "__weakref__") == 0) {
                cls->type.flags |= GC_TYPE_WEAKREFS;
            }
            else if (add_name(heap, cls, spec->slots[i]) < 0) {
                gc_class_free(heap, cls);
                return GC_ENOMEM;
            }
        }
        cls->nslots = cls->nnames;
    }
    /* 3.8's type_new: a class whose instances have a __dict__ caches
     * keys for them to share. */
    if (heap->profile == GC_PROFILE_3_8 && !spec->has_slots &&
        (cls->cached_keys = gc_dict_keys_new_shared(heap)) == NULL) {
        gc_class_free(heap, cls);
        return GC_ENOMEM;
    }
    if (spec->resurrect_into != NULL) {
        cls->resurrect_into = gc_incref(spec->resurrect_into);
    }
    cls->next_class = heap->classes;
    heap->classes = cls;
    *out = cls;
    return GC_OK;
}

const char *
gc_class_name(const struct gc_class *cls)
{
    return cls->name;
}

struct gc_class *
gc_instance_class(const struct gc_object *inst)
{
    return is_instance(inst) ? class_of(inst) : NULL;
}

/* ---- instances --------------------------------------------------- */

struct gc_object *
gc_instance_new(struct gc_heap *heap, struct gc_class *cls)
{
    bool with_values = cls->has_values;
    /* 3.13 (_PyType_AllocNoTrack): the block is sized by the keys'
     * entries and reserve before _PyObject_InitInlineValues takes one
     * from the reserve, so a class's first instances have a slot to
     * spare.  The sum only ever shrinks, so the capacity set below fits
     * even if the allocation collected and made instances meanwhile. */
    size_t room = with_values && has_inline_values(heap)
                      ? cls->nkeys + cls->keys_usable
                      : 0;
    struct gc_object *obj = gc_container_alloc(
        heap, &cls->type, instance_bytes(cls) + inline_values_bytes(room));
    if (obj == NULL) {
        return NULL;
    }
    struct gc_instance *inst = AS_INST(obj);
    gc_incref(&cls->ob); /* PyType_GenericAlloc's Py_INCREF(type) */
    inst->dict = NULL;
    inst->weaklist = NULL;
    if (cls->has_slots || cls->has_values) {
        inst->values = NULL;
        inst->nvalues = 0;
        inst->values_room = (uint32_t)room;
    }
    for (size_t i = 0; i < cls->nslots; i++) {
        inst->slots[i] = NULL;
    }
    /* 3.11+ (init_inline_values, _PyObject_InitInlineValues): the values
     * come with the instance -- apart on 3.11, so that the array sits
     * next to those of the instances made before and after it, not
     * wherever the first attribute store happens to run; inside the
     * block on 3.13. */
    if (with_values) {
        if (cls->keys_usable > 1) {
            cls->keys_usable--;
        }
        size_t n = cls->nkeys + cls->keys_usable;
        if (room != 0) {
            assert(n <= room);
            inst->values =
                (struct gc_object **)((char *)obj + instance_bytes(cls));
        }
        else if ((inst->values = gc_mem_alloc(heap, values_bytes(n))) ==
                 NULL) {
            gc_container_free(heap, obj, instance_bytes(cls));
            gc_decref(heap, &cls->ob);
            return NULL;
        }
        for (size_t i = 0; i < n; i++) {
            inst->values[i] = NULL;
        }
        inst->nvalues = (uint32_t)n;
    }
    gc_track(heap, obj);
    return obj;
}

struct gc_object *
gc_instance_dict(const struct gc_object *inst)
{
    return is_instance(inst) ? AS_INST(inst)->dict : NULL;
}

/* Moves 3.11+ values into a new dict, as CPython does when the shared
 * keys are full.  On failure nothing changes.  3.13's values stay in the
 * block, unused (CPython marks them invalid). */
static enum gc_status
materialize_dict(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_instance *inst = AS_INST(self);
    struct gc_class *cls = class_of(self);
    struct gc_object *dict = gc_dict_new(heap);
    if (dict == NULL) {
        return GC_ENOMEM;
    }
    for (size_t i = 0; i < inst->nvalues; i++) {
        if (inst->values[i] != NULL &&
            gc_dict_set(heap, dict, cls->names[cls->nslots + i],
                        inst->values[i]) != GC_OK) {
            gc_decref(heap, dict);
            return GC_ENOMEM;
        }
    }
    struct gc_object **values = inst->values;
    size_t nvalues = inst->nvalues;
    inst->values = NULL;
    inst->nvalues = 0;
    inst->dict = dict;
    for (size_t i = 0; i < nvalues; i++) {
        gc_xdecref(heap, values[i]);
    }
    if (inst->values_room == 0) {
        gc_mem_free(heap, values, values_bytes(nvalues));
    }
    return GC_OK;
}

/* The values slot for a free attribute on 3.11+, adding the name to the
 * class's shared keys if need be (insert_into_dictkeys).  NULL with *rc
 * set: not found, out of memory, or GC_ERANGE when the keys are full. */
static struct gc_object **
value_slot(struct gc_heap *heap, struct gc_object *self, const char *name,
           bool create, enum gc_status *rc)
{
    struct gc_instance *inst = AS_INST(self);
    struct gc_class *cls = class_of(self);
    ptrdiff_t ix = name_index(cls, name);
    *rc = GC_ENOTFOUND;
    if (ix >= (ptrdiff_t)(cls->nslots + cls->nkeys)) {
        /* Known only as a dict key of an instance that overflowed: the
         * keys were full when it came, and stay so. */
        *rc = GC_ERANGE;
        return NULL;
    }
    if (ix < 0) {
        if (!create) {
            return NULL;
        }
        if (cls->keys_usable == 0) {
            *rc = GC_ERANGE;
            return NULL;
        }
        ix = add_name(heap, cls, name);
        if (ix < 0) {
            *rc = GC_ENOMEM;
            return NULL;
        }
        cls->nkeys++;
        cls->keys_usable--;
    }
    /* Made when the keys' entries and reserve summed to at least this
     * one's index plus one, and that sum never grows. */
    size_t vi = (size_t)ix - cls->nslots;
    assert(vi < inst->nvalues);
    *rc = GC_OK;
    return &inst->values[vi];
}

/* The dict key for name: the class's own str, so that instances share
 * it as CPython shares interned attribute names. */
static struct gc_object *
dict_key(struct gc_heap *heap, struct gc_class *cls, const char *name)
{
    ptrdiff_t ix = name_index(cls, name);
    if (ix < 0) {
        ix = add_name(heap, cls, name);
    }
    return ix < 0 ? NULL : cls->names[ix];
}

enum gc_status
gc_attr_set(struct gc_heap *heap, struct gc_object *self, const char *name,
            struct gc_object *value)
{
    if (!is_instance(self)) {
        return GC_ETYPE;
    }
    struct gc_instance *inst = AS_INST(self);
    struct gc_class *cls = class_of(self);
    if (cls->has_slots) {
        ptrdiff_t ix = name_index(cls, name);
        if (ix < 0) {
            return GC_ENOTFOUND;
        }
        struct gc_object *old = inst->slots[ix];
        inst->slots[ix] = gc_incref(value);
        gc_xdecref(heap, old);
        return GC_OK;
    }
    if (inst->dict == NULL && !uses_dict(heap)) {
        enum gc_status rc;
        struct gc_object **slot = value_slot(heap, self, name, true, &rc);
        if (slot != NULL) {
            struct gc_object *old = *slot;
            *slot = gc_incref(value);
            gc_xdecref(heap, old);
            return GC_OK;
        }
        if (rc != GC_ERANGE) {
            return rc;
        }
        if ((rc = materialize_dict(heap, self)) != GC_OK) {
            return rc;
        }
    }
    if (heap->profile == GC_PROFILE_3_8) {
        struct gc_object *key = dict_key(heap, cls, name);
        if (key == NULL) {
            return GC_ENOMEM;
        }
        return gc_dict_set_for_instance(heap, &cls->cached_keys, &inst->dict,
                                        key, value);
    }
    if (inst->dict == NULL) {
        struct gc_object *dict = gc_dict_new(heap);
        if (dict == NULL) {
            return GC_ENOMEM;
        }
        inst->dict = dict;
    }
    struct gc_object *key = dict_key(heap, cls, name);
    if (key == NULL) {
        return GC_ENOMEM;
    }
    return gc_dict_set(heap, inst->dict, key, value);
}

struct gc_object *
gc_attr_get(struct gc_heap *heap, struct gc_object *self, const char *name)
{
    if (!is_instance(self)) {
        return NULL;
    }
    struct gc_instance *inst = AS_INST(self);
    struct gc_class *cls = class_of(self);
    if (cls->has_slots) {
        ptrdiff_t ix = name_index(cls, name);
        return ix < 0 ? NULL : inst->slots[ix];
    }
    if (inst->dict != NULL) {
        return gc_dict_get_cstr(inst->dict, name);
    }
    enum gc_status rc;
    struct gc_object **slot = value_slot(heap, self, name, false, &rc);
    return slot != NULL ? *slot : NULL;
}

enum gc_status
gc_attr_del(struct gc_heap *heap, struct gc_object *self, const char *name)
{
    if (!is_instance(self)) {
        return GC_ETYPE;
    }
    struct gc_instance *inst = AS_INST(self);
    struct gc_class *cls = class_of(self);
    struct gc_object **slot = NULL;
    if (cls->has_slots) {
        ptrdiff_t ix = name_index(cls, name);
        slot = ix < 0 ? NULL : &inst->slots[ix];
    }
    else if (heap->profile == GC_PROFILE_3_8) {
        /* _PyObjectDict_SetItem: even a deletion makes the dict. */
        struct gc_object *key = dict_key(heap, cls, name);
        if (key == NULL) {
            return GC_ENOMEM;
        }
        return gc_dict_set_for_instance(heap, &cls->cached_keys, &inst->dict,
                                        key, NULL);
    }
    else if (inst->dict != NULL) {
        return gc_dict_del_cstr(heap, inst->dict, name);
    }
    else if (uses_dict(heap)) {
        return GC_ENOTFOUND; /* 2.7 makes no dict to delete from */
    }
    else {
        /* CPython looks the name up in the shared keys before it knows
         * there is nothing to delete, so an unset name still takes a key
         * (3.11.7, 3.13.0). */
        enum gc_status rc;
        slot = value_slot(heap, self, name, true, &rc);
        if (slot == NULL && rc == GC_ENOMEM) {
            return rc;
        }
    }
    if (slot == NULL || *slot == NULL) {
        return GC_ENOTFOUND;
    }
    clear_ref(heap, slot);
    return GC_OK;
}
