/* collectors/types/dict27.h -- 2.7's dict (types/dict27.c), private to
 * types/dict.c, whose public gc_dict_* functions hand a 2.7 dict here. */
#ifndef GCLAB_DICT27_H
#define GCLAB_DICT27_H

#include "../gc-internal.h"

extern const struct gc_type gc_type_dict27;

struct gc_object *gc_dict27_new(struct gc_heap *heap);
size_t gc_dict27_object_bytes(void);
/* key: the str to store, or NULL to make one from text if the key is new. */
enum gc_status gc_dict27_insert(struct gc_heap *heap, struct gc_object *dict,
                                struct gc_object *key, const char *text,
                                size_t len, struct gc_object *value);
struct gc_object *gc_dict27_get(const struct gc_object *dict,
                                const char *text, size_t len);
enum gc_status gc_dict27_delete(struct gc_heap *heap, struct gc_object *dict,
                                const char *text, size_t len);
size_t gc_dict27_len(const struct gc_object *dict);
void gc_dict27_clear(struct gc_heap *heap, struct gc_object *dict);
bool gc_dict27_next(const struct gc_object *dict, size_t *pos,
                    struct gc_object **key, struct gc_object **value);
size_t gc_dict27_table_size(const struct gc_object *dict);

#endif /* GCLAB_DICT27_H */
