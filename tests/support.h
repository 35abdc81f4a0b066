/* tests/support.h -- helpers the unit tests share: heaps per profile,
 * an event log that finalizers and weakref callbacks write to, and the
 * leak check every test ends with. */
#ifndef GCLAB_TEST_SUPPORT_H
#define GCLAB_TEST_SUPPORT_H

#include "gc.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static const enum gc_profile all_profiles[] = {
    GC_PROFILE_2_7,  GC_PROFILE_3_8,  GC_PROFILE_3_11,
    GC_PROFILE_3_13, GC_PROFILE_3_14, GC_PROFILE_3_15};
#define NPROFILES (sizeof all_profiles / sizeof *all_profiles)

static inline struct gc_heap *
new_heap(enum gc_profile profile)
{
    struct gc_heap_config cfg;
    gc_heap_config_init(&cfg);
    cfg.profile = profile;
    struct gc_heap *heap = NULL;
    if (gc_heap_new(&cfg, &heap) != GC_OK) {
        fprintf(stderr, "cannot create a heap\n");
        return NULL;
    }
    return heap;
}

/* Objects get labels so that events read like the scenario logs. */
struct events {
    const struct gc_object *objs[64];
    const char *labels[64];
    int nlabels;
    char text[4096];
    int finalized;
    int callbacks;
};

static inline void
label(struct events *ev, const struct gc_object *obj, const char *name)
{
    ev->objs[ev->nlabels] = obj;
    ev->labels[ev->nlabels++] = name;
}

static inline const char *
label_of(const struct events *ev, const struct gc_object *obj)
{
    for (int i = ev->nlabels; i-- > 0;) {
        if (ev->objs[i] == obj) {
            return ev->labels[i];
        }
    }
    return "?";
}

static inline void
event(struct events *ev, const char *what, const struct gc_object *obj)
{
    size_t n = strlen(ev->text);
    snprintf(ev->text + n, sizeof ev->text - n, "%s%s %s",
             n ? ", " : "", what, label_of(ev, obj));
}

static inline void
on_finalize(struct gc_heap *heap, struct gc_object *self, void *data)
{
    (void)heap;
    struct events *ev = data;
    ev->finalized++;
    event(ev, "finalize", self);
}

static inline void
on_callback(struct gc_heap *heap, struct gc_object *wr, void *data)
{
    (void)heap;
    struct events *ev = data;
    ev->callbacks++;
    event(ev, "callback", wr);
}

static inline struct gc_class *
new_class(struct gc_heap *heap, const char *name,
          enum gc_finalizer_kind kind, struct events *ev,
          struct gc_object *saved)
{
    struct gc_class_spec spec = {
        .name = name,
        .finalizer = kind,
        .on_finalize = on_finalize,
        .data = ev,
        .resurrect_into = saved,
    };
    struct gc_class *cls = NULL;
    if (gc_class_new(heap, &spec, &cls) != GC_OK) {
        return NULL;
    }
    return cls;
}

/* Destroys the heap and checks that every byte came back. */
static inline void
check_no_leak(struct gc_heap *heap)
{
    TEST("every byte the heap allocated is back when it is destroyed") {
        uint64_t leaked = gc_heap_destroy(heap);
        check_uint(leaked, ==, 0);
    }
}

#endif /* GCLAB_TEST_SUPPORT_H */
