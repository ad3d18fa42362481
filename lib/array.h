/*
 * lib/array.h - room for one more element in a growable array.
 */
#ifndef IPIP_LIB_ARRAY_H
#define IPIP_LIB_ARRAY_H

#include <stddef.h>

#include "lib/compiler.h"

/*
 * The array *vp (a pointer object, passed by address) holds n of *cap
 * allocated elements of elem bytes. Make room for one more: the capacity
 * doubles, starting at min. 0, or -ENOMEM (out of memory or overflow) with
 * the array and *cap untouched.
 */
MUST_USE int array_grow(void *vp, size_t n, size_t *cap, size_t elem, size_t min);

/* ARRAY_GROW(l->v, l->n, l->cap, 16): the usual call. */
#define ARRAY_GROW(v, n, cap, min) \
	array_grow(&(v), (n), &(cap), sizeof(*(v)), (min))

#endif
