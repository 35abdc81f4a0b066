/* collectors/types/bytes.c -- untracked byte strings of any size: the
 * payloads (response bodies, buffers) that cycles hold and object
 * counts do not see.  Each takes from the heap's allocator exactly what
 * CPython's takes from pymalloc, sys.getsizeof's figure (measured on
 * 2.7.18 as str, on 3.8.18, 3.11.7 and 3.13.0 as bytes: 37 + n and
 * 33 + n), so live bytes and the allocator's path (a small block up to
 * the profile's threshold, malloc above it) are CPython's.  Freed by
 * refcounting like every atom. */
#include "../gc-internal.h"

struct gc_bytes {
    struct gc_object ob;
    uint64_t len;
    /* Then, as in PyBytesObject, the hash and the n + 1 bytes of
     * content, which nothing here reads or writes. */
};

static size_t
bytes_header(enum gc_profile profile)
{
    return profile == GC_PROFILE_2_7 ? 37 : 33;
}

static void
bytes_dealloc(struct gc_heap *heap, struct gc_object *self)
{
    struct gc_bytes *b = (struct gc_bytes *)self;
    gc_atom_free(heap, self, bytes_header(heap->profile) + b->len);
}

const struct gc_type gc_type_bytes = {
    .name = "bytes",
    .kind = GC_KIND_BYTES,
    .dealloc = bytes_dealloc,
};

enum gc_status
gc_bytes_new(struct gc_heap *heap, uint64_t n_bytes, struct gc_object **out)
{
    *out = NULL;
    if (n_bytes > GC_BYTES_MAX || n_bytes > SIZE_MAX - 64) {
        return GC_EINVAL; /* OverflowError in Python */
    }
    struct gc_object *obj = gc_atom_alloc(
        heap, &gc_type_bytes, bytes_header(heap->profile) + (size_t)n_bytes);
    if (obj == NULL) {
        return GC_ENOMEM;
    }
    ((struct gc_bytes *)obj)->len = n_bytes;
    *out = obj;
    return GC_OK;
}

uint64_t
gc_bytes_len(const struct gc_object *obj)
{
    assert(obj->type == &gc_type_bytes);
    return ((const struct gc_bytes *)obj)->len;
}
