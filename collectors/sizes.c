/* collectors/sizes.c -- what each object would weigh in the profile's
 * CPython (sys.getsizeof), so that memory figures compare with the
 * interpreter's rather than with this model's own layout.
 *
 * Measured (probe: sys.getsizeof on 2.7.18 / 3.8.18 / 3.11.7 / 3.13.0):
 *   []            72 / 56 / 56 / 56, plus 8 per allocated slot
 *   {}            280 / 64 / 64 / 64; {'a': 1}: 280 / 232 / 184 / 184
 *   A().__dict__  (3.8, split, one name) 104; class A then 1064
 *   tuple of n    56+8n / 40+8n / 40+8n / 40+8n
 *   A()           64 / 48 / 56 / 48 (3.11 carries a 2-word pre-header)
 *   __slots__ x3  72 / 56 / 56 / 56
 *   weakref.ref   88 / 72 / 80 / 80
 *   int 1000      24 / 28 / 28 / 28;  'abc' 40 / 52 / 52 / 44
 *   bytes(n)      37+n (str) / 33+n / 33+n / 33+n
 *   class A       904 / 1064 / 1688 / 1712; with __slots__ 904+40n / 896 /
 *                 920 / 944
 * The model's own objects are laid out for speed and differ; this table
 * is what memory accounting against CPython uses. */
#include "gc-internal.h"

static size_t
head(const struct gc_heap *heap)
{
    return heap->profile == GC_PROFILE_2_7 ? 32 : 16;
}

size_t
gc_object_py_sizeof(const struct gc_heap *heap, const struct gc_object *obj)
{
    enum gc_profile p = heap->profile;
    bool is_27 = p == GC_PROFILE_2_7;
    switch (obj->type->kind) {
    case GC_KIND_NONE:
        return 16;
    case GC_KIND_INT: {
        int64_t v = gc_int_value(obj);
        uint64_t m = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
        if (is_27) {
            return 24;
        }
        /* 24 and a 4-byte digit per 30 bits of |v|; 0 has no digit,
         * but 3.11+ counts one for it (int___sizeof___impl). */
        size_t digits = 0;
        for (; m != 0; m >>= 30) {
            digits++;
        }
        if (digits == 0 && p >= GC_PROFILE_3_11) {
            digits = 1;
        }
        return 24 + 4 * digits;
    }
    case GC_KIND_STR: {
        size_t base = is_27 ? 37 : p >= GC_PROFILE_3_13 ? 41 : 49;
        return base + gc_str_len(obj);
    }
    case GC_KIND_BYTES:
        return (is_27 ? 37 : 33) + (size_t)gc_bytes_len(obj);
    case GC_KIND_LIST:
        return head(heap) + 40 + 8 * gc_list_capacity(obj);
    case GC_KIND_TUPLE:
        /* 3.14 added a cached hash word: () is 48, (1,) 56. */
        return head(heap) + (p >= GC_PROFILE_3_14 ? 32 : 24) +
               8 * gc_tuple_len(obj);
    case GC_KIND_WEAKREF:
        return is_27 ? 88 : p == GC_PROFILE_3_8 ? 72 : 80;
    case GC_KIND_DICT: {
        if (is_27) {
            /* 8 slots live in the object; bigger tables are separate. */
            size_t size = gc_dict_table_size(obj);
            return 280 + (size > 8 ? 24 * size : 0);
        }
        /* The object (48) and its head, and the keys block, which the
         * model allocates at CPython's size (types/dict.c), or a split
         * table's values. */
        return 64 + gc_dict_sizeof_extra_bytes(obj);
    }
    case GC_KIND_INSTANCE: {
        const struct gc_class *cls = gc_class_of_type(obj->type);
        if (cls->has_slots) {
            bool has_weak = (obj->type->flags & GC_TYPE_WEAKREFS) != 0;
            return head(heap) + 16 + 8 * (cls->nslots + has_weak);
        }
        static const size_t plain[GC_PROFILE_COUNT] = {64, 48, 56,
                                                       48, 48, 48};
        return plain[p];
    }
    case GC_KIND_TYPE: {
        /* sys.getsizeof of the class: 2.7 counts 40 per slot member;
         * 3.x counts the shared keys of a class without __slots__. */
        const struct gc_class *cls = gc_class_of_object(obj);
        static const size_t slotted[GC_PROFILE_COUNT] = {904, 896, 920,
                                                         944, 952, 960};
        static const size_t keyed[GC_PROFILE_COUNT] = {904,  1064, 1688,
                                                       1712, 1720, 1728};
        size_t bytes = cls->has_slots ? slotted[p] : keyed[p];
        if (p == GC_PROFILE_3_8) {
            /* type___sizeof__: the heap type and its cached keys, while
             * it has them. */
            return 896 + gc_dict_keys_sizeof(cls->cached_keys);
        }
        return is_27 ? bytes + 40 * cls->nslots : bytes;
    }
    }
    return 0;
}
